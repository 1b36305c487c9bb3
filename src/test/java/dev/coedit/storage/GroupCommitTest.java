package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.ot.TextOp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One writer, one transaction per batch across documents; futures only after the commit; a bounded queue. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GroupCommitTest {

    /**
     * Appenders that never wait for their acks, like rooms: each document's ops come from one thread in version order,
     * 20 documents over 4 threads. Returns the acked ops per second.
     */
    private static double appendConcurrently(DocumentStore store, int documents, int opsPerDocument)
            throws Exception {
        int threads = 4;
        Semaphore inFlight = new Semaphore(4_000);
        List<CompletableFuture<Void>> all = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<java.util.concurrent.Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                running.add(pool.submit(() -> {
                    List<RandomEdits> mine = new ArrayList<>();
                    for (int d = first; d < documents; d += threads) {
                        mine.add(new RandomEdits(d));
                    }
                    for (int i = 0; i < opsPerDocument; i++) {
                        for (int k = 0; k < mine.size(); k++) {
                            RandomEdits e = mine.get(k);
                            TextOp op = e.next();
                            inFlight.acquireUninterruptibly();
                            CompletableFuture<Void> f = store.append("doc-" + (first + k * threads), e.version(), op,
                                    "c" + first, e.version(), "Writer " + first, Instant.now());
                            f.whenComplete((ok, failure) -> inFlight.release());
                            all.add(f);
                        }
                    }
                }));
            }
            for (var r : running) {
                r.get();
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return all.size() / seconds;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void concurrentAppendsOfManyDocumentsShareTransactions(Backend backend) throws Exception {
        Backend.TestDb db = backend.fresh();
        try (DocumentStore store = db.open()) {
            double perSecond = appendConcurrently(store, 20, 150);
            DocumentStore.Stats stats = store.stats();
            System.out.printf("storage throughput %s (%s): %.0f acked ops/s, %d commits in %d transactions%n",
                    backend, backend == Backend.H2 ? "fsync per batch" : "synchronous_commit on", perSecond,
                    stats.commits(), stats.batches());
            assertEquals(3000, stats.commits());
            assertTrue(stats.batches() < stats.commits(), "every commit had its own transaction: " + stats);
            // more than one document per transaction: fewer transactions than there are commits of any one document
            assertTrue(stats.batches() < 150 * 20 / 2, stats.toString());
            for (int d = 0; d < 20; d++) {
                assertEquals(RandomEdits.textAfter(d, 150), store.load("doc-" + d).text(), "doc-" + d);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void throughputOfH2WithoutFsyncIsPrintedForComparison() throws Exception {
        Backend.TestDb db = Backend.H2.fresh();
        try (DocumentStore store = db.builder().syncEveryCommit(false).open()) {
            double perSecond = appendConcurrently(store, 20, 150);
            System.out.printf("storage throughput H2 (no fsync, process-crash safe only): %.0f acked ops/s, %s%n",
                    perSecond, store.stats());
            assertEquals(3000, store.stats().commits());
        }
    }

    /**
     * Like editors: 100 clients over 20 documents, each with one submit in flight, sending the next only when the
     * last is stored. Group commit is what lets them share one transaction (and one fsync) instead of queueing behind
     * each other.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void clientsThatWaitForTheirAcksStillShareTransactions(Backend backend) {
        for (boolean sync : backend == Backend.H2 ? new boolean[] {true, false} : new boolean[] {true}) {
            try (DocumentStore store = backend.fresh().builder().syncEveryCommit(sync).open()) {
                int documents = 20;
                int clients = 100;
                int opsPerClient = 30;
                RandomEdits[] docs = new RandomEdits[documents];
                for (int d = 0; d < documents; d++) {
                    docs[d] = new RandomEdits(d);
                }
                List<CompletableFuture<Void>> done = new ArrayList<>();
                long start = System.nanoTime();
                for (int c = 0; c < clients; c++) {
                    done.add(submitLoop(store, docs, "client-" + c, c % documents, opsPerClient));
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
                double seconds = (System.nanoTime() - start) / 1e9;
                DocumentStore.Stats stats = store.stats();
                System.out.printf("storage closed loop %s (%s): %.0f acked ops/s, %d commits in %d transactions"
                        + " (%.1f per transaction)%n", backend, sync ? "durable" : "no fsync",
                        stats.commits() / seconds, stats.commits(), stats.batches(),
                        (double) stats.commits() / stats.batches());
                assertEquals((long) clients * opsPerClient, stats.commits());
                assertTrue(stats.batches() < stats.commits(), stats.toString());
            }
        }
    }

    /** One client: a submit, and when it is stored the next one; ops of a document are numbered under its lock. */
    private static CompletableFuture<Void> submitLoop(DocumentStore store, RandomEdits[] docs, String client, int d,
                                                      int remaining) {
        if (remaining == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> stored;
        synchronized (docs[d]) {
            TextOp op = docs[d].next();
            long v = docs[d].version();
            stored = store.append("doc-" + d, v, op, client, v, client, Instant.now());
        }
        return stored.thenCompose(ok -> submitLoop(store, docs, client, d, remaining - 1));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFutureCompletesOnlyOnceItsCommitIsVisibleToAnotherConnectionAndInVersionOrder(Backend backend)
            throws Exception {
        Backend.TestDb db = backend.fresh();
        Map<String, List<Long>> completed = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try (DocumentStore store = db.open(); Connection observer = db.connect()) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            RandomEdits[] docs = {new RandomEdits(1), new RandomEdits(2), new RandomEdits(3)};
            for (int i = 0; i < 300; i++) {
                int d = i % docs.length;
                RandomEdits e = docs[d];
                TextOp op = e.next();
                long version = e.version();
                String doc = "d" + d;
                acks.add(store.append(doc, version, op, "c", version, "", Instant.now()).whenComplete((ok, x) -> {
                    completed.computeIfAbsent(doc, k -> Collections.synchronizedList(new ArrayList<>())).add(version);
                    if (x == null && !stored(observer, doc, version)) {
                        problems.add(doc + " v" + version + " was acknowledged before another connection saw it");
                    }
                }));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        }
        assertEquals(List.of(), problems);
        for (Map.Entry<String, List<Long>> e : completed.entrySet()) {
            List<Long> sorted = new ArrayList<>(e.getValue());
            Collections.sort(sorted);
            assertEquals(sorted, e.getValue(), "futures of " + e.getKey() + " completed out of version order");
        }
    }

    private static boolean stored(Connection c, String doc, long version) {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT COUNT(*) FROM ops WHERE document_id = ? AND version = ?")) {
            s.setString(1, doc);
            s.setLong(2, version);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1) == 1;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFullQueueRefusesAtOnceAndWhatWasQueuedIsStillWritten(Backend backend) {
        Backend.TestDb db = backend.fresh();
        SwitchableDataSource source = new SwitchableDataSource(db.dataSource());
        try (DocumentStore store = DocumentStore.builder().dataSource(source, "test-db").queueCapacity(8).open()) {
            source.hold(); // the writer's next commit now waits
            RandomEdits e = new RandomEdits(7);
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            CompletableFuture<Void> refused = null;
            for (int i = 0; i < 100 && refused == null; i++) {
                TextOp op = e.next();
                CompletableFuture<Void> f = store.append("q", e.version(), op, "c", e.version(), "", Instant.now());
                if (f.isCompletedExceptionally()) {
                    refused = f;
                } else {
                    acks.add(f);
                }
            }
            assertTrue(refused != null, "100 appends fitted a queue of 8");
            StorageException full = assertInstanceOf(StorageException.class,
                    assertInstanceOf(CompletionException.class,
                            org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, refused::join))
                            .getCause());
            assertEquals(StorageException.Reason.QUEUE_FULL, full.reason());
            assertTrue(full.getMessage().startsWith("storage queue is full (8 writes waiting for data source test-db)"),
                    full.getMessage());
            source.release();
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            assertEquals(acks.size(), store.load("q").version());
        }
    }
}
