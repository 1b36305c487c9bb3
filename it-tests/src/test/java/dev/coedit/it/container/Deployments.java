package dev.coedit.it.container;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The WAR that mvn package built; its name gives the context root /coedit. A deployment's settings go in as
 * {@code WEB-INF/classes/coedit.properties}, as an operator would add them (docs/security.md).
 */
final class Deployments {
    private Deployments() {
    }

    /**
     * The WAR in open mode, for the black-box suite that tests editing rather than sign-in; churn tests connect
     * thousands of times a second from one address, past the default handshake limit.
     */
    static WebArchive openWar() {
        return withSettings(war(), Map.of("auth", "open", "handshakes.per.second", "100000"));
    }

    /** The WAR as it is (the container's own sign-in by default). */
    static WebArchive war() {
        String path = System.getProperty("coedit.war");
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("coedit.war (" + path + ") is not a file: run mvn verify");
        }
        return ShrinkWrap.create(ZipImporter.class, "coedit.war").importFrom(new File(path)).as(WebArchive.class);
    }

    /**
     * In the container: the data folder the tests run the containers with (coedit.data.dir, set in arquillian.xml),
     * as the store names it.
     */
    static Path dataFolder() {
        return Path.of(System.getProperty("coedit.data.dir")).toAbsolutePath().normalize();
    }

    static WebArchive withSettings(WebArchive war, Map<String, String> settings) {
        StringBuilder file = new StringBuilder("# added by the integration tests\n");
        new TreeMap<>(settings).forEach((k, v) -> file.append(k).append('=').append(v).append('\n'));
        return war.addAsResource(new StringAsset(file.toString()), "coedit.properties");
    }
}
