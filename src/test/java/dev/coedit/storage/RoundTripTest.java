package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.ot.TextOp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What is appended loads back: the same text, version, recent ops and client seqs, also after reopening. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoundTripTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void seededRandomOpsOfManyDocumentsLoadBackAsTheTextOfAnInMemoryReplay(Backend backend) {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        Backend.TestDb db = backend.fresh();
        int documents = 12;
        Map<String, RandomEdits> edits = new HashMap<>();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try (DocumentStore store = db.builder().snapshotEvery(37).open()) {
            for (int i = 0; i < 1500; i++) {
                String doc = "doc-" + random.nextInt(documents);
                RandomEdits e = edits.computeIfAbsent(doc, d -> new RandomEdits(seed ^ d.hashCode()));
                TextOp op = e.next();
                acks.add(store.append(doc, e.version(), op, "client-" + random.nextInt(3), e.version(), "Ann",
                        Instant.now()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            for (Map.Entry<String, RandomEdits> e : edits.entrySet()) {
                StoredDocument loaded = store.load(e.getKey());
                assertEquals(e.getValue().text(), loaded.text(), "seed " + seed + ", " + e.getKey());
                assertEquals(e.getValue().version(), loaded.version(), "seed " + seed);
                assertEquals(loaded.version() - loaded.snapshotVersion(), loaded.recent().size(), "seed " + seed);
            }
        }
        try (DocumentStore reopened = db.open()) {
            for (Map.Entry<String, RandomEdits> e : edits.entrySet()) {
                StoredDocument loaded = reopened.load(e.getKey());
                assertEquals(e.getValue().text(), loaded.text(), "seed " + seed + ", " + e.getKey() + " after reopen");
                assertEquals(e.getValue().version(), loaded.version());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDocumentNeverStoredLoadsEmptyAtVersionZero(Backend backend) {
        try (DocumentStore store = backend.fresh().open()) {
            StoredDocument d = store.load("nothing-here");
            assertEquals(0, d.version());
            assertEquals("", d.text());
            assertEquals(Map.of(), d.clients());
        }
    }
}
