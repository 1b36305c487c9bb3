package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.editing.boundary.IdentityProbeEndpoint;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.storage.ContainerStorage;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR plus this class: client-side steps open connections from outside, in-container steps look at the
 * registry that CDI injects here and compare it with what the endpoints got.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryInContainerIT {

    @Deployment
    static WebArchive war() {
        WebArchive war = Deployments.openWar()
                .addClasses(Deployments.class, RegistryInContainerIT.class, Ws.class, IdentityProbeEndpoint.class);
        return war;
    }

    /** Client side only: kept open between steps. */
    static AutoCloseable document;
    static AutoCloseable identity;

    @Inject
    SessionRegistry registry;

    @Inject
    ContainerStorage storage;

    @ArquillianResource
    URL url;

    @Test
    @Order(1)
    @RunAsClient
    void openTwoConnectionsFromOutside() throws Exception {
        URI base = Ws.loopback(url);
        System.out.println("[" + System.getProperty("coedit.container") + "] client side, url " + url);
        Ws doc = Ws.open(Ws.ws(base, "docs/in-container"));
        doc.send("{\"type\":\"hello\",\"clientId\":\"abc\"}");
        doc.expect("snapshot");
        document = doc;
        Ws id = Ws.open(Ws.ws(base, "probe-identity"));
        System.out.println("identity endpoint says " + id.expect("seen"));
        identity = id;
    }

    @Test
    @Order(2)
    void theRegistryInjectedHereIsTheOneTheEndpointsUse() {
        assertNotNull(registry, "@Inject in the test class");
        System.out.println("in-container: registry " + registry.getClass().getName() + " connections "
                + registry.connectionCount() + " in " + getClass().getClassLoader());
        SessionRegistry seen = IdentityProbeEndpoint.SEEN.get();
        assertNotNull(seen, "the test endpoint was opened and injected");
        // Both are CDI client proxies; config() is made once per contextual instance in @PostConstruct.
        assertSame(registry.config(), seen.config(), "same application-scoped instance");
        assertEquals(1, registry.connectionCount(), "the document connection (the identity endpoint does not register)");
        assertTrue(registry.snapshot().documents().stream().anyMatch(d -> d.documentId().equals("in-container")),
                () -> registry.snapshot().toString());
    }

    @Test
    @Order(3)
    void withoutADataSourceTheDocumentsAreInEmbeddedH2InTheDataFolder() {
        // No DataSource is configured in the test containers: the fallback is H2 in coedit.data.dir.
        Path folder = Deployments.dataFolder();
        assertEquals("data folder " + folder, storage.databaseName());
        assertTrue(Files.isRegularFile(folder.resolve("coedit.mv.db")), folder + " holds the H2 file");
    }

    @Test
    @Order(4)
    @RunAsClient
    void closeFromOutside() throws Exception {
        document.close();
        identity.close();
    }

    @Test
    @Order(5)
    void theRegistryForgetsTheClosedConnection() throws Exception {
        long end = System.currentTimeMillis() + 5000;
        while (registry.connectionCount() != 0 && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertEquals(0, registry.connectionCount());
    }
}
