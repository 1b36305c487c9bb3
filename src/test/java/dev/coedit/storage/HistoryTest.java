package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.ot.Component;
import dev.coedit.ot.Insert;
import dev.coedit.ot.TextOp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The history, newest first in pages; the text at any version; a snapshot at every multiple of N. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HistoryTest {

    private static final long SEED = 42;
    private static final int VERSIONS = 25;

    /** Appends 25 seeded edits to "h" by two clients; the ops, by version (index 0 unused). */
    private static List<TextOp> fill(DocumentStore store) {
        RandomEdits edits = new RandomEdits(SEED);
        List<TextOp> ops = new ArrayList<>(List.of(TextOp.noop()));
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int v = 1; v <= VERSIONS; v++) {
            TextOp op = edits.next();
            ops.add(op);
            String client = v % 2 == 0 ? "bob-tab" : "ann-tab";
            acks.add(store.append("h", v, op, client, v, v % 2 == 0 ? "Bob" : "Ann", Instant.ofEpochSecond(1000 + v)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        return ops;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void historyPagesGoNewestFirstAndNameAuthorTimeAndSize(Backend backend) {
        try (DocumentStore store = backend.fresh().open()) {
            List<TextOp> ops = fill(store);
            List<VersionInfo> seen = new ArrayList<>();
            long before = Long.MAX_VALUE;
            List<Integer> pageSizes = new ArrayList<>();
            while (true) {
                List<VersionInfo> page = store.history("h", before, 10);
                if (page.isEmpty()) {
                    break;
                }
                pageSizes.add(page.size());
                seen.addAll(page);
                before = page.get(page.size() - 1).version();
            }
            assertEquals(List.of(10, 10, 5), pageSizes);
            for (int i = 0; i < VERSIONS; i++) {
                VersionInfo info = seen.get(i);
                long v = VERSIONS - i;
                assertEquals(v, info.version());
                assertEquals(Instant.ofEpochSecond(1000 + v), info.time());
                assertEquals(v % 2 == 0 ? "bob-tab" : "ann-tab", info.clientId());
                assertEquals(v % 2 == 0 ? "Bob" : "Ann", info.author());
                TextOp op = ops.get((int) v);
                int inserted = 0;
                for (Component c : op.components()) {
                    if (c instanceof Insert ins) {
                        inserted += ins.text().codePointCount(0, ins.text().length());
                    }
                }
                assertEquals(inserted, info.inserted(), "inserted code points of version " + v + ": " + op);
                assertEquals(op.deletedLength(), info.deleted(), "deleted code points of version " + v + ": " + op);
            }
            assertEquals(List.of(), store.history("h", 1, 10));
            assertEquals(List.of(), store.history("no-such-doc", Long.MAX_VALUE, 10));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theTextAtEveryVersionIsTheReplayUpToItAcrossSnapshots(Backend backend) {
        try (DocumentStore store = backend.fresh().builder().snapshotEvery(7).open()) {
            fill(store);
            for (int v = 0; v <= VERSIONS; v++) {
                assertEquals(RandomEdits.textAfter(SEED, v), store.textAt("h", v), "version " + v);
            }
            IllegalArgumentException past = assertThrows(IllegalArgumentException.class, () -> store.textAt("h", 26));
            assertEquals("document h has no version 26 (its versions are 0 to 25)", past.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aSnapshotIsStoredAtEveryMultipleOfNAndLoadStartsFromTheLatest(Backend backend) {
        Backend.TestDb db = backend.fresh();
        try (DocumentStore store = db.builder().snapshotEvery(7).open()) {
            fill(store);
        } // close waits for the writer, snapshots included
        assertEquals(List.of(7L, 14L, 21L), db.longs("SELECT version FROM snapshots WHERE document_id = 'h'"
                + " ORDER BY version"));
        try (DocumentStore store = db.builder().snapshotEvery(7).open()) {
            StoredDocument d = store.load("h");
            assertEquals(21, d.snapshotVersion());
            assertEquals(List.of(22L, 23L, 24L, 25L), d.recent().stream().map(StoredOp::version).toList());
            assertEquals(RandomEdits.textAfter(SEED, VERSIONS), d.text());
            assertTrue(store.stats().snapshots() == 0, "reopening writes no snapshot");
        }
    }
}
