package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a restart must not forget besides the text: each client's last seq, and who may do what. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DedupeAndAccessTest {

    /**
     * Whatever the checkpoints: without one (every 500), with one after the last op of a client (every 2: ann's last
     * is version 6) and between them (every 3), the seqs come from the checkpoint's rows and the ops after it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void eachClientsLastSeqAndItsVersionSurviveAReopen(Backend backend) {
        for (int snapshotEvery : new int[] {500, 2, 3}) {
            Backend.TestDb db = backend.fresh();
            RandomEdits edits = new RandomEdits(5);
            // ann: seqs 1..4, bob: seqs 10..12 (a client's seqs need not start at 1), interleaved
            String[] clients = {"ann", "bob", "ann", "ann", "bob", "ann", "bob"};
            long[] seqs = {1, 10, 2, 3, 11, 4, 12};
            try (DocumentStore store = db.builder().snapshotEvery(snapshotEvery).open()) {
                List<CompletableFuture<Void>> acks = new ArrayList<>();
                for (int i = 0; i < clients.length; i++) {
                    acks.add(store.append("doc", i + 1, edits.next(), clients[i], seqs[i], clients[i], Instant.now()));
                    acks.get(i).join(); // a transaction each, so every checkpoint is reached and the seq rows updated
                }
                store.append("other", 1, new RandomEdits(6).next(), "ann", 99, "ann", Instant.now()).join();
            }
            try (DocumentStore store = db.open()) {
                assertEquals(Map.of("ann", new ClientSeq(4, 6), "bob", new ClientSeq(12, 7)),
                        store.load("doc").clients(), "snapshots every " + snapshotEvery);
                assertEquals(Map.of("ann", new ClientSeq(99, 1)), store.load("other").clients());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void accessRulesAreSetReplacedRemovedAndKeptWithTheDocument(Backend backend) {
        Backend.TestDb db = backend.fresh();
        try (DocumentStore store = db.open()) {
            CompletableFuture.allOf(
                    store.setAccess("plan", "alice", "owner"),
                    store.setAccess("plan", "bob", "viewer"),
                    store.setAccess("plan", "bob", "editor"),
                    store.removeAccess("plan", "carol")).join();
            assertEquals(Map.of("alice", "owner", "bob", "editor"), store.accessRules("plan"));
            assertEquals(0, store.load("plan").version(), "rules alone create the document at version 0");
            store.append("plan", 1, new RandomEdits(1).next(), "c", 1, "", Instant.now()).join();
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> store.setAccess("plan", "eve", "admin"));
            assertEquals("role must be viewer, editor or owner, was admin", bad.getMessage());
        }
        try (DocumentStore store = db.open()) {
            assertEquals(Map.of("alice", "owner", "bob", "editor"), store.load("plan").access());
            store.removeAccess("plan", "bob").join();
            assertEquals(Map.of("alice", "owner"), store.accessRules("plan"));
            assertEquals(Map.of(), store.accessRules("unknown"));
        }
    }
}
