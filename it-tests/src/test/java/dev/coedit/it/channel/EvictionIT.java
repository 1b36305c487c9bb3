package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A document nobody uses leaves memory (the monitoring channel lists the documents in memory), and comes back from
 * storage as it was when someone opens it again: same text, same version, and the client's seqs still known.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EvictionIT {

    @Test
    void anIdleDocumentLeavesMemoryAndIsLoadedAgainUnchanged() throws Exception {
        try (TunedServer server = TunedServer.start(Map.of("evict.after.ms", "500"));
             Monitor monitor = Monitor.open(server.wsUri("admin"))) {
            String id = "evict-" + UUID.randomUUID().toString().substring(0, 8);
            URI doc = server.wsUri("docs/" + id);
            try (CoeditClient first = CoeditClient.builder(doc).clientId("first").connect(Duration.ofSeconds(10))) {
                first.insert(0, "kept on disk");
                first.awaitAcknowledged(Duration.ofSeconds(10));
                monitor.awaitState(s -> Monitor.hasDocument(s, id), "the document in memory", Duration.ofSeconds(5));
                Thread.sleep(1_500);
                assertTrue(Monitor.hasDocument(monitor.awaitState(s -> true, "a state", Duration.ofSeconds(5)), id),
                        "a document in use stays");
            }
            monitor.awaitState(s -> !Monitor.hasDocument(s, id), "the document out of memory",
                    Duration.ofSeconds(10));

            try (CoeditClient again = CoeditClient.builder(doc).clientId("first").connect(Duration.ofSeconds(10))) {
                assertEquals("kept on disk", again.text());
                assertEquals(1, again.version());
                again.insert(0, "still ");
                again.awaitAcknowledged(Duration.ofSeconds(10));
                assertEquals(2, again.version(), "numbering goes on where it was (seq 1 was stored)");
                assertTrue(again.errors().isEmpty(), again.errors().toString());
            }
        }
    }
}
