package dev.coedit.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.CoeditConfig;
import dev.coedit.client.CoeditClient;
import dev.coedit.editing.control.SessionRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ShutdownTest {

    @Test
    void stoppingTheServerClosesEveryConnectionAndEmptiesTheRegistry() throws Exception {
        Path data = Files.createTempDirectory("coedit-shutdown");
        StandaloneServer server = StandaloneServer.start(CoeditConfig.defaults().withPort(0).withDataDir(data));
        SessionRegistry registry = server.registry();
        URI doc = URI.create("ws://127.0.0.1:" + server.port() + "/coedit/docs/shutdown");
        List<CoeditClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(CoeditClient.builder(doc).maxBackoff(Duration.ofSeconds(30)).connect(Duration.ofSeconds(10)));
            }
            clients.get(0).insert(0, "bye");
            clients.get(0).awaitAcknowledged(Duration.ofSeconds(5));
            assertEquals(5, registry.connectionCount());

            server.close();

            assertEquals(0, registry.connectionCount(), "connections left in the registry after shutdown");
            for (CoeditClient c : clients) {
                c.awaitStatus(CoeditClient.Status.OFFLINE, Duration.ofSeconds(10));
            }
        } finally {
            clients.forEach(CoeditClient::close);
            server.close();
        }
    }
}
