package dev.coedit.storage;

import dev.coedit.ot.InvalidOpException;
import dev.coedit.ot.Rope;
import dev.coedit.ot.TextOp;
import dev.coedit.storage.StorageException.Reason;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: the one thread that writes. It takes whatever is queued (appends of many documents, access changes),
 * up to {@code maxBatch} at a time, writes it all in one transaction with JDBC batches, commits (and, on H2, forces
 * the file to disk), and only then completes each task's future, in queue order. So the futures of one document
 * complete in version order, and a future that completes normally means the commit is in the database. A commit
 * writes only the ops (and new documents' rows): a document's head is its newest op, and each client's last seq is
 * read from the ops too. The snapshots that follow a commit every {@code snapshotEvery} versions also move the
 * document's checkpoint ({@link OpLog#checkpoint}), which keeps loading short and finds a lost tail.
 *
 * <p>A failed transaction fails every future of the batch with the same one-line {@link StorageException}; the
 * thread goes on with the next batch, reconnecting when needed, and logs one line when the database goes away and
 * one when it is back. After a failure it forgets the heads it knew, so the next append of a document whose append
 * failed is checked against what is really stored and refused with {@link Reason#VERSION_GAP}.
 *
 * <p>Confinement: {@link #connection}, {@link #heads} and everything in {@link #write} belong to the writer thread;
 * the queue and the counters are shared.
 */
final class Writer implements Runnable {

    private static final Logger LOG = Logger.getLogger(Writer.class.getName());
    /** Heads of this many documents are remembered; others are read again when they next append. */
    private static final int HEADS_REMEMBERED = 100_000;
    /** After a failed connect, batches within this time fail at once instead of connecting again. */
    private static final long RECONNECT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** Something for the writer to do, with the future it completes once the transaction committed. */
    sealed interface Task {
        CompletableFuture<Void> done();
    }

    record Append(String documentId, long version, TextOp op, String clientId, long seq, String author,
                  Instant time, CompletableFuture<Void> done) implements Task {
    }

    /** Sets a user's role, or removes it when {@code role} is null. */
    record Access(String documentId, String userId, String role, CompletableFuture<Void> done) implements Task {
    }

    private final Database database;
    private final ArrayBlockingQueue<Task> queue;
    private final int queueCapacity;
    private final int maxBatch;
    private final int snapshotEvery;
    private final boolean syncH2;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong snapshots = new AtomicLong();
    private volatile boolean stopping;

    private Connection connection;
    private boolean h2;
    private boolean down;
    private long lastFailedConnect;
    private StorageException lastConnectFailure;
    private final Map<String, Long> heads = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > HEADS_REMEMBERED;
        }
    };

    /**
     * @param first the connection to start with; it stays open, which keeps an embedded H2 database open (and its
     *              file locked against other processes) for the life of the store
     */
    Writer(Database database, Connection first, int queueCapacity, int maxBatch, int snapshotEvery, boolean syncH2)
            throws SQLException {
        this.database = database;
        this.connection = first;
        this.h2 = database.isH2(first);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.queueCapacity = queueCapacity;
        this.maxBatch = maxBatch;
        this.snapshotEvery = snapshotEvery;
        this.syncH2 = syncH2;
    }

    /** Queues a task without waiting; false when the queue is full. */
    boolean offer(Task task) {
        return queue.offer(task);
    }

    int queued() {
        return queue.size();
    }

    int capacity() {
        return queueCapacity;
    }

    long batches() {
        return batches.get();
    }

    long commits() {
        return commits.get();
    }

    long failed() {
        return failed.get();
    }

    long snapshots() {
        return snapshots.get();
    }

    /** Asks the thread to write what is queued and stop. */
    void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        List<Task> batch = new ArrayList<>(maxBatch);
        try {
            while (true) {
                Task first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                try {
                    write(batch);
                } catch (RuntimeException | Error e) {
                    // A bug, not a database failure: the callers still hear of it, and the writer goes on.
                    LOG.log(Level.SEVERE, "storage writer: unexpected failure, " + batch.size() + " writes failed", e);
                    fail(batch, new StorageException(Reason.FAILED, "storage writer failed: "
                            + StorageException.firstLine(e), e));
                    dropConnection();
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            StorageException closed = new StorageException(Reason.CLOSED, "the store is closed");
            List<Task> rest = new ArrayList<>();
            queue.drainTo(rest);
            fail(rest, closed);
            dropConnection();
        }
    }

    private void write(List<Task> batch) {
        Connection c;
        try {
            c = connection();
        } catch (StorageException e) {
            wentDown(e);
            fail(batch, e);
            return;
        }
        // What each task became before the commit: null is "written in this transaction".
        StorageException[] refused = new StorageException[batch.size()];
        Map<String, Long> newHeads = new LinkedHashMap<>();
        try {
            List<Append> appends = new ArrayList<>();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i) instanceof Append a) {
                    long head = newHeads.containsKey(a.documentId()) ? newHeads.get(a.documentId())
                            : head(c, a.documentId(), created);
                    if (a.version() != head + 1) {
                        refused[i] = new StorageException(Reason.VERSION_GAP, "document " + a.documentId()
                                + ": version " + a.version() + " does not follow the stored version " + head
                                + (a.version() > head ? " (an earlier append failed; reload the document)"
                                : " (it is already stored)"));
                        continue;
                    }
                    newHeads.put(a.documentId(), a.version());
                    appends.add(a);
                } else if (batch.get(i) instanceof Access a && !newHeads.containsKey(a.documentId())) {
                    newHeads.put(a.documentId(), head(c, a.documentId(), created));
                }
            }
            insertDocuments(c, created, OffsetDateTime.now(ZoneOffset.UTC));
            insertOps(c, appends);
            for (Task t : batch) {
                if (t instanceof Access a) {
                    access(c, a);
                }
            }
            c.commit();
            if (h2 && syncH2) {
                try (Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC"); // fsync: the commit survives a power loss too
                }
            }
        } catch (SQLException | StorageException e) {
            rollback(c);
            heads.clear();
            StorageException failure = e instanceof SQLException sql
                    ? database.classify(sql, "cannot write " + batch.size() + " changes to " + database.name())
                    : (StorageException) e;
            if (failure.reason() == Reason.UNAVAILABLE) {
                dropConnection();
                wentDown(failure);
            }
            fail(batch, failure);
            return;
        }
        if (down) {
            down = false;
            LOG.info("storage: " + database.name() + " is reachable again");
        }
        for (Map.Entry<String, Long> e : newHeads.entrySet()) {
            heads.put(e.getKey(), e.getValue());
        }
        batches.incrementAndGet();
        for (int i = 0; i < batch.size(); i++) {
            Task t = batch.get(i);
            if (refused[i] != null) {
                failed.incrementAndGet();
                t.done().completeExceptionally(refused[i]);
            } else {
                if (t instanceof Append) {
                    commits.incrementAndGet();
                }
                t.done().complete(null);
            }
        }
        snapshot(c, batch, refused);
    }

    /** The stored head of a document, from memory or the database; a document without a row is created at 0. */
    private long head(Connection c, String documentId, List<String> created) throws SQLException {
        Long known = heads.get(documentId);
        if (known != null) {
            return known;
        }
        long head = OpLog.head(c, documentId);
        if (head < 0) {
            created.add(documentId);
            return 0;
        }
        return head;
    }

    private static void insertDocuments(Connection c, List<String> ids, OffsetDateTime now) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO documents (id, created, checkpoint_version) VALUES (?, ?, 0)")) {
            for (String id : ids) {
                s.setString(1, id);
                s.setObject(2, now);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void insertOps(Connection c, List<Append> appends) throws SQLException {
        if (appends.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO ops (document_id, version, op, client_id, seq,"
                + " author, committed_at, inserted, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Append a : appends) {
                s.setString(1, a.documentId());
                s.setLong(2, a.version());
                s.setString(3, OpLog.encode(a.op()));
                s.setString(4, a.clientId());
                s.setLong(5, a.seq());
                s.setString(6, a.author());
                s.setObject(7, OffsetDateTime.ofInstant(a.time(), ZoneOffset.UTC));
                s.setInt(8, OpLog.inserted(a.op()));
                s.setInt(9, OpLog.deleted(a.op()));
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static void access(Connection c, Access a) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM access_rules WHERE document_id = ? AND user_id = ?")) {
            s.setString(1, a.documentId());
            s.setString(2, a.userId());
            s.executeUpdate();
        }
        if (a.role() != null) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO access_rules (document_id, user_id, role) VALUES (?, ?, ?)")) {
                s.setString(1, a.documentId());
                s.setString(2, a.userId());
                s.setString(3, a.role());
                s.executeUpdate();
            }
        }
    }

    /**
     * After the commit, a snapshot at every multiple of {@code snapshotEvery} that the batch reached, each document in
     * its own transaction: the text at the first such version is rebuilt from the database, later ones by applying the
     * batch's own ops to it; the checkpoint moves to the last of them in the same transaction. Both only save replay
     * time (the ops hold everything, client seqs included), so a snapshot that fails is logged and skipped: loading
     * replays a little more meanwhile, and the next checkpoint covers the ops this one would have.
     */
    private void snapshot(Connection c, List<Task> batch, StorageException[] refused) {
        Map<String, List<Append>> byDocument = new LinkedHashMap<>();
        Map<String, Long> firstDue = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            if (refused[i] == null && batch.get(i) instanceof Append a) {
                byDocument.computeIfAbsent(a.documentId(), d -> new ArrayList<>()).add(a);
                if (a.version() % snapshotEvery == 0) {
                    firstDue.putIfAbsent(a.documentId(), a.version());
                }
            }
        }
        for (Map.Entry<String, Long> due : firstDue.entrySet()) {
            String doc = due.getKey();
            try {
                Rope text = new Rope(OpLog.textAt(c, doc, due.getValue(), false).text());
                long last = due.getValue();
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO snapshots (document_id, version, text) VALUES (?, ?, ?)")) {
                    insertSnapshot(s, doc, due.getValue(), text);
                    for (Append a : byDocument.get(doc)) {
                        if (a.version() > due.getValue()) {
                            text.apply(a.op());
                            if (a.version() % snapshotEvery == 0) {
                                insertSnapshot(s, doc, a.version(), text);
                                last = a.version();
                            }
                        }
                    }
                }
                OpLog.checkpoint(c, doc, last);
                c.commit();
            } catch (SQLException | StorageException | InvalidOpException ex) {
                rollback(c);
                String why = ex instanceof SQLException sql
                        ? database.classify(sql, database.name()).getMessage() : ex.getMessage();
                LOG.warning("storage: no snapshot of document " + doc + " from version " + due.getValue() + ": "
                        + why);
                if (ex instanceof SQLException sql && database.classify(sql, "").reason() == Reason.UNAVAILABLE) {
                    dropConnection();
                    return;
                }
            }
        }
    }

    private void insertSnapshot(PreparedStatement s, String doc, long version, Rope text) throws SQLException {
        s.setString(1, doc);
        s.setLong(2, version);
        s.setString(3, text.toString());
        s.executeUpdate();
        snapshots.incrementAndGet();
    }

    private Connection connection() {
        if (connection != null) {
            return connection;
        }
        if (lastConnectFailure != null && System.nanoTime() - lastFailedConnect < RECONNECT_PAUSE_NANOS) {
            throw lastConnectFailure;
        }
        try {
            Connection c = database.connect();
            h2 = database.isH2(c);
            connection = c;
            lastConnectFailure = null;
            return c;
        } catch (SQLException e) {
            lastFailedConnect = System.nanoTime();
            lastConnectFailure = database.classify(e, "cannot open " + database.name());
            throw lastConnectFailure;
        } catch (StorageException e) {
            lastFailedConnect = System.nanoTime();
            lastConnectFailure = e;
            throw e;
        }
    }

    private void wentDown(StorageException e) {
        if (!down) {
            down = true;
            LOG.warning("storage: writes fail until the database is back: " + e.getMessage());
        }
    }

    private void fail(List<Task> tasks, StorageException e) {
        for (Task t : tasks) {
            failed.incrementAndGet();
            t.done().completeExceptionally(e);
        }
    }

    private void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the failure that broke it is what gets reported
        }
    }

    private void dropConnection() {
        Database.closeQuietly(connection);
        connection = null;
    }
}
