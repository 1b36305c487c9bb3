package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.storage.ContainerStorage;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import javax.naming.InitialContext;
import javax.sql.DataSource;
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
 * With no {@code datasource} setting, Coedit keeps the documents in the DataSource found under the documented JNDI
 * name (WildFly: {@link DocumentedDataSource#JNDI_NAME}, added by the server, not by the application): the store
 * names it, and an acknowledged edit is in that database. Payara Micro takes its resources from one boot command file
 * for all classes, so there no DataSource is added and the store must be the fallback, embedded H2 in the data
 * folder (the name looked up first, jdbc/coedit, is unit-tested in ContainerStorageTest).
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.jboss.as.arquillian.api.ServerSetup(DocumentedDataSource.class)
class DocumentedDataSourceIT {

    private static final String DOCUMENT = "documented-datasource-doc";

    @Deployment
    static WebArchive war() {
        return Deployments.openWar().addClasses(DocumentedDataSourceIT.class, Deployments.class, Ws.class);
    }

    @ArquillianResource
    URL url;

    @Inject
    ContainerStorage storage;

    @Test
    @Order(1)
    @RunAsClient
    void anEditIsAcknowledged() throws Exception {
        URI base = Ws.loopback(url);
        Ws.awaitReady(base, Duration.ofSeconds(120));
        try (Ws doc = Ws.open(Ws.ws(base, "docs/" + DOCUMENT))) {
            doc.send("{\"type\":\"hello\",\"clientId\":\"jndi\"}");
            doc.expect("snapshot");
            doc.send("{\"type\":\"submit\",\"clientId\":\"jndi\",\"seq\":1,\"baseVersion\":0,\"op\":[\"stored\"]}");
            doc.expect("ack");
        }
    }

    @Test
    @Order(2)
    void theStoreIsTheDataSourceUnderTheDocumentedNameWhereTheServerHasOne() throws Exception {
        if (System.getProperty("jboss.home.dir") == null) {
            // Payara here, where no DataSource is configured: the fallback, embedded H2 in the data folder.
            assertEquals("data folder " + Deployments.dataFolder(), storage.databaseName());
            return;
        }
        assertEquals("data source " + DocumentedDataSource.JNDI_NAME, storage.databaseName());
        DataSource dataSource = (DataSource) new InitialContext().lookup(DocumentedDataSource.JNDI_NAME);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT MAX(version) FROM ops WHERE document_id = ?")) {
            s.setString(1, DOCUMENT);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertEquals(1, r.getLong(1), "the head version stored in " + DocumentedDataSource.JNDI_NAME);
            }
        }
    }
}
