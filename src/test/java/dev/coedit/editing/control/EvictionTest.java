package dev.coedit.editing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.CoeditConfig;
import dev.coedit.client.CoeditClient;
import dev.coedit.standalone.StandaloneServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A document nobody uses leaves memory, and comes back from storage as it was when someone opens it again. */
@Timeout(60)
class EvictionTest {

    @Test
    void anIdleDocumentLeavesMemoryAndIsLoadedAgainUnchanged(@TempDir Path data) throws Exception {
        CoeditConfig config = CoeditConfig.defaults().withPort(0).withDataDir(data);
        config = config.withStorage(config.storage().withEvictAfter(Duration.ofMillis(300)));
        try (StandaloneServer server = StandaloneServer.start(config)) {
            URI doc = URI.create("ws://127.0.0.1:" + server.port() + "/coedit/docs/evict-me");
            try (CoeditClient first = CoeditClient.builder(doc).clientId("first").connect(Duration.ofSeconds(10))) {
                first.insert(0, "kept on disk");
                first.awaitAcknowledged(Duration.ofSeconds(10));
                assertEquals(1, server.registry().documentsInMemory());
                Thread.sleep(1_500);
                assertEquals(1, server.registry().documentsInMemory(), "a document in use stays");
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.registry().documentsInMemory() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(0, server.registry().documentsInMemory(), "nobody in it for longer than evict.after");

            try (CoeditClient again = CoeditClient.builder(doc).clientId("first").connect(Duration.ofSeconds(10))) {
                assertEquals("kept on disk", again.text());
                assertEquals(1, again.version());
                again.insert(0, "still ");
                again.awaitAcknowledged(Duration.ofSeconds(10));
                assertEquals(2, again.version(), "the seq numbering goes on where it was (seq 1 was stored)");
                assertTrue(again.errors().isEmpty(), again.errors().toString());
            }
        }
    }
}
