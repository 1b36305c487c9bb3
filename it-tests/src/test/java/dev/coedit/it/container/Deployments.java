package dev.coedit.it.container;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that mvn package built, unchanged; its name gives the context root /coedit. */
final class Deployments {
    private Deployments() {
    }

    static WebArchive war() {
        String path = System.getProperty("coedit.war");
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("coedit.war (" + path + ") is not a file: run mvn verify");
        }
        return ShrinkWrap.create(ZipImporter.class, "coedit.war").importFrom(new File(path)).as(WebArchive.class);
    }
}
