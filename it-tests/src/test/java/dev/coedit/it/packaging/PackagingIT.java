package dev.coedit.it.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What each artifact carries. The WAR deploys into Payara and WildFly, which bring their own WebSocket stack, JSON-B
 * and Jakarta APIs: a second copy in WEB-INF/lib would clash with theirs. The standalone jar must bring all of it.
 */
class PackagingIT {

    /** Jars a Jakarta EE 10 container provides, which the WAR must not carry. */
    private static final Pattern PROVIDED = Pattern.compile(
            "WEB-INF/lib/(tyrus|grizzly|yasson|parsson|jakarta\\.)[^/]*\\.jar");

    private static Path artifact(String property) {
        String path = System.getProperty(property);
        assertNotNull(path, "system property " + property + " (set by the pom's failsafe configuration)");
        Path file = Path.of(path);
        assertTrue(Files.isRegularFile(file), property + " points at " + file + ", which is not there");
        return file;
    }

    @Test
    void theWarCarriesNothingTheContainersProvide() throws IOException {
        try (ZipFile war = new ZipFile(artifact("coedit.war").toFile())) {
            List<String> provided = war.stream().map(ZipEntry::getName)
                    .filter(name -> PROVIDED.matcher(name).matches())
                    .collect(Collectors.toList());
            assertEquals(List.of(), provided, "jars the containers provide");
            assertNotNull(war.getEntry("WEB-INF/classes/dev/coedit/editing/boundary/DocumentEndpoint.class"));
            assertNotNull(war.getEntry("edit.html"), "the browser editor is in the WAR");
            assertTrue(war.stream().anyMatch(e -> e.getName().matches("WEB-INF/lib/codemirror-[^/]*\\.jar")),
                    "CodeMirror's WebJar is in WEB-INF/lib, where the container serves its META-INF/resources");
            assertTrue(war.stream().noneMatch(e -> e.getName().startsWith("WEB-INF/classes/dev/coedit/standalone/")
                            || e.getName().startsWith("WEB-INF/classes/dev/coedit/client/")),
                    "the standalone launcher and the Java client need Tyrus and stay out of the WAR");
        }
    }

    @Test
    void theStandaloneJarBringsTheWebSocketStackAndThePages() throws IOException {
        try (ZipFile jar = new ZipFile(artifact("coedit.standaloneJar").toFile())) {
            for (String entry : List.of(
                    "org/glassfish/tyrus/server/TyrusServerContainer.class",
                    "org/glassfish/grizzly/http/server/HttpServer.class",
                    "org/eclipse/yasson/YassonJsonb.class",
                    "org/eclipse/parsson/JsonProviderImpl.class",
                    "dev/coedit/standalone/Main.class",
                    "webroot/edit.html")) {
                assertNotNull(jar.getEntry(entry), entry);
            }
            String services = new String(jar.getInputStream(jar.getEntry(
                    "META-INF/services/jakarta.websocket.ContainerProvider")).readAllBytes());
            assertTrue(services.contains("org.glassfish.tyrus"), "merged service file: " + services);
        }
    }
}
