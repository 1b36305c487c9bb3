package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.ot.TextOp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the embedded H2 database leaves its chunks where they are. H2 2.3.232 compacts the file on close by default,
 * and that compaction failed halfway in WildFly (an assertion in RandomAccessStore.moveChunkInside; Arquillian runs
 * WildFly with assertions on) and left a file that no longer opened ("Double mark"): every later deployment failed.
 * Compaction on close shrinks a file with free space in it, so the file's size tells whether it ran.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class H2CloseTest {

    @Test
    void closingDoesNotCompactTheFileAndItOpensAgainWithEverything() throws IOException {
        Path folder = Backend.newFolder("h2-close");
        Path file = folder.resolve(Database.H2_NAME + ".mv.db");
        List<String> texts = new ArrayList<>();
        long beforeClose;
        try (DocumentStore store = DocumentStore.builder().dataFolder(folder).open()) {
            // Typing with a paste now and then into a few documents, snapshots every 500 ops: with this seed the
            // default close-time compaction shrinks the file by a third (8.8 to 5.8 MB, H2 2.3.232).
            Random random = new Random(1);
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            int documents = 1 + random.nextInt(8);
            for (int d = 0; d < documents; d++) {
                StringBuilder text = new StringBuilder();
                int ops = random.nextInt(3000);
                for (int v = 1; v <= ops; v++) {
                    String insert = random.nextInt(200) == 0 ? "x".repeat(1000 + random.nextInt(30_000)) : "ab";
                    int at = random.nextInt(text.length() + 1);
                    acks.add(store.append("doc-" + d, v, TextOp.insert(at, insert), "client-" + d, v, "Ann",
                            Instant.now()));
                    text.insert(at, insert);
                    if (acks.size() > 500) { // within the writer's queue
                        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
                        acks.clear();
                    }
                }
                texts.add(text.toString());
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            beforeClose = Files.size(file);
        }
        long afterClose = Files.size(file);
        assertTrue(afterClose >= beforeClose, "closing compacted the file from " + beforeClose + " to " + afterClose
                + " bytes");
        try (DocumentStore reopened = DocumentStore.builder().dataFolder(folder).open()) {
            for (int d = 0; d < texts.size(); d++) {
                assertEquals(texts.get(d), reopened.load("doc-" + d).text(), "doc-" + d);
            }
        }
    }

    @Test
    void anOperatorsH2FileUrlGetsTheSettingUnlessItChoosesOne() {
        assertTrue(Database.lacksCompactionSetting("jdbc:h2:file:/var/lib/coedit/db"));
        assertTrue(Database.lacksCompactionSetting("jdbc:h2:./data/db;AUTO_SERVER=TRUE"));
        assertFalse(Database.lacksCompactionSetting("jdbc:h2:/data/db;max_compact_time=500"));
        assertFalse(Database.lacksCompactionSetting("jdbc:h2:mem:test"));
        assertFalse(Database.lacksCompactionSetting("jdbc:h2:tcp://localhost/~/db"));
        assertFalse(Database.lacksCompactionSetting("jdbc:h2:ssl://localhost/~/db"));
        assertEquals("jdbc:h2:/data/db;WRITE_DELAY=0;MAX_COMPACT_TIME=0",
                Database.withoutCompactionOnClose("jdbc:h2:/data/db;WRITE_DELAY=0;"));
        assertEquals("jdbc:h2:mem:test", Database.withoutCompactionOnClose("jdbc:h2:mem:test"));
    }
}
