package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In a container, Coedit keeps documents in the DataSource that the {@code datasource} setting names (here one the
 * application defines, {@link DataSourceProbe}): an acknowledged edit is in that database.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DataSourceInContainerIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.withSettings(Deployments.war(), Map.of("auth", "open", "datasource",
                DataSourceProbe.JNDI_NAME)).addClass(DataSourceProbe.class);
    }

    @ArquillianResource
    URL url;

    @Test
    void anAcknowledgedEditIsInTheContainersDataSource() throws Exception {
        URI base = Ws.loopback(url);
        Ws.awaitReady(base, Duration.ofSeconds(120));
        try (Ws doc = Ws.open(Ws.ws(base, "docs/datasource-doc"))) {
            doc.send("{\"type\":\"hello\",\"clientId\":\"ds\"}");
            doc.expect("snapshot");
            doc.send("{\"type\":\"submit\",\"clientId\":\"ds\",\"seq\":1,\"baseVersion\":0,\"op\":[\"stored\"]}");
            doc.expect("ack");
        }
        HttpResponse<String> probe = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                base.resolve("ds-probe?doc=datasource-doc")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, probe.statusCode(), probe.body());
        assertEquals("1", probe.body().trim(), "the head version stored in the DataSource");
    }
}
