package dev.coedit.storage;

import dev.coedit.ot.TextOp;
import dev.coedit.storage.StorageException.Reason;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The durable store of Coedit's documents: every commit, snapshots, the clients' last seqs and the access rules, in an
 * embedded H2 file database or in PostgreSQL. See the package documentation for how to wire it.
 *
 * <p>Writes ({@link #append}, {@link #setAccess}, {@link #removeAccess}) never block: they queue the change and return
 * a future that one writer thread completes after the transaction holding it committed (group commit: one
 * transaction for whatever is queued, across documents). Reads ({@link #load}, {@link #history}, {@link #textAt},
 * {@link #accessRules}) block on the database: call them from a worker thread, not from a container's I/O thread.
 *
 * <p>Thread-safe. One store per database: two processes writing one database would interleave their versions.
 */
public final class DocumentStore implements AutoCloseable {

    /** Roles an access rule may give. */
    public static final Set<String> ROLES = Set.of("viewer", "editor", "owner");
    /** Longest document id, client id, user id or author name, in chars (the columns' size). */
    public static final int MAX_ID_LENGTH = 200;

    private final Database database;
    private final Writer writer;
    private final Thread thread;
    /** The last queued write of each document, so that a load waits for that document's writes in flight. */
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** What the writer has done so far. */
    public record Stats(long commits, long batches, long failed, long snapshots, int queued, int capacity) {
    }

    private DocumentStore(Database database, Connection first, Builder b) throws SQLException {
        this.database = database;
        this.writer = new Writer(database, first, b.queueCapacity, b.maxBatch, b.snapshotEvery, b.syncEveryCommit);
        this.thread = new Thread(writer, "coedit-storage-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Settings for a store; {@link #open()} makes it. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Queues one commit of a document. Commits of one document must be appended in version order, starting at 1 and
     * without gaps; the returned futures of one document complete in that order.
     *
     * @param version  the version this op made: it turned version {@code version - 1} into {@code version}
     * @param clientId the author's client id, with {@code seq} the author's number for the submit
     * @param author   the author's display name, kept for the history
     * @param time     when the commit was made
     * @return completes when the commit is stored (for H2 with {@code syncEveryCommit} and for PostgreSQL: on disk);
     *         fails with a {@link StorageException}: {@link Reason#QUEUE_FULL} at once when the queue is full,
     *         {@link Reason#VERSION_GAP} when the version does not follow what is stored (an earlier append of the
     *         document failed: reload it), {@link Reason#UNAVAILABLE} when the database cannot be reached,
     *         {@link Reason#CLOSED} after {@link #close()}. A failed append is not stored, with one exception that no
     *         database can rule out: the connection broke while the commit was under way and the commit did happen.
     *         {@link #load} then shows it.
     * @throws IllegalArgumentException when an argument is null, too long or a version below 1 (before anything is
     *                                  queued)
     */
    public CompletableFuture<Void> append(String documentId, long version, TextOp op, String clientId, long seq,
                                          String author, Instant time) {
        checkId("document id", documentId);
        checkId("client id", clientId);
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(time, "time");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
        String name = author == null ? "" : author.length() > MAX_ID_LENGTH ? author.substring(0, MAX_ID_LENGTH)
                : author;
        return queue(documentId, new Writer.Append(documentId, version, op, clientId, seq, name, time,
                new CompletableFuture<>()));
    }

    /**
     * Gives {@code userId} a role on a document ({@code viewer}, {@code editor} or {@code owner}), replacing any role
     * it had. The document is created (at version 0) when it was never stored. Queued like an append.
     */
    public CompletableFuture<Void> setAccess(String documentId, String userId, String role) {
        checkId("document id", documentId);
        checkId("user id", userId);
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("role must be viewer, editor or owner, was " + role);
        }
        return queue(documentId, new Writer.Access(documentId, userId, role, new CompletableFuture<>()));
    }

    /** Removes {@code userId}'s rule from a document; nothing happens when it had none. Queued like an append. */
    public CompletableFuture<Void> removeAccess(String documentId, String userId) {
        checkId("document id", documentId);
        checkId("user id", userId);
        return queue(documentId, new Writer.Access(documentId, userId, null, new CompletableFuture<>()));
    }

    private CompletableFuture<Void> queue(String documentId, Writer.Task task) {
        if (closed) {
            return CompletableFuture.failedFuture(new StorageException(Reason.CLOSED, "the store is closed"));
        }
        if (!writer.offer(task)) {
            return CompletableFuture.failedFuture(new StorageException(Reason.QUEUE_FULL, "storage queue is full ("
                    + writer.capacity() + " writes waiting for " + database.name() + "); document " + documentId
                    + " was not stored"));
        }
        CompletableFuture<Void> done = task.done();
        inFlight.put(documentId, done);
        done.whenComplete((ok, failure) -> inFlight.remove(documentId, done));
        return done;
    }

    /**
     * Reads a document back: its head version, the text at that version, the commits since the last snapshot, the
     * clients' last seqs and the access rules, all from one consistent read. Waits first for the document's queued
     * writes (an evicted document whose last appends are still in flight loads with them or, when they failed,
     * without them). A document never stored loads as version 0 with empty text.
     *
     * @throws StorageException {@link Reason#UNAVAILABLE} when the database cannot be reached, {@link Reason#CORRUPT}
     *                          naming the document and version when stored data cannot be replayed
     */
    public StoredDocument load(String documentId) {
        checkId("document id", documentId);
        CompletableFuture<Void> pending = inFlight.get(documentId);
        if (pending != null) {
            try {
                pending.handle((ok, failure) -> null).get(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(Reason.FAILED, "interrupted while loading document " + documentId, e);
            } catch (Exception e) {
                throw new StorageException(Reason.UNAVAILABLE, "document " + documentId
                        + ": its queued writes did not finish within a minute (" + database.name() + ")", e);
            }
        }
        return read("load document " + documentId, c -> {
            long head = OpLog.head(c, documentId);
            if (head < 0) {
                return new StoredDocument(documentId, 0, "", 0, List.of(), Map.of(), Map.of());
            }
            OpLog.Replayed replayed = OpLog.textAt(c, documentId, head, true);
            return new StoredDocument(documentId, head, replayed.text(), replayed.snapshotVersion(), replayed.ops(),
                    OpLog.clients(c, documentId, replayed.ops()), OpLog.access(c, documentId));
        });
    }

    /**
     * The text of a document at {@code version}: the nearest snapshot at or below it, with the ops after it replayed.
     *
     * @throws IllegalArgumentException when the document has no such version (naming its head)
     */
    public String textAt(String documentId, long version) {
        checkId("document id", documentId);
        return read("read document " + documentId + " at version " + version, c -> {
            long head = Math.max(0, OpLog.head(c, documentId));
            if (version < 0 || version > head) {
                throw new IllegalArgumentException("document " + documentId + " has no version " + version
                        + " (its versions are 0 to " + head + ")");
            }
            return OpLog.textAt(c, documentId, version, false).text();
        });
    }

    /**
     * A page of a document's history, newest first: up to {@code limit} versions below {@code beforeVersion}. The
     * first page is {@code history(doc, Long.MAX_VALUE, n)}; the next starts before the last version of the page.
     */
    public List<VersionInfo> history(String documentId, long beforeVersion, int limit) {
        checkId("document id", documentId);
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be 1 to 10000, was " + limit);
        }
        return read("read the history of document " + documentId,
                c -> OpLog.history(c, documentId, beforeVersion, limit));
    }

    /** The access rules of a document: user id to role. Empty for a document never stored. */
    public Map<String, String> accessRules(String documentId) {
        checkId("document id", documentId);
        return read("read the access rules of document " + documentId, c -> OpLog.access(c, documentId));
    }

    /** What the writer has done so far; cheap, for monitoring and tests. */
    public Stats stats() {
        return new Stats(writer.commits(), writer.batches(), writer.failed(), writer.snapshots(), writer.queued(),
                writer.capacity());
    }

    /** How messages name the database: its URL without password, the data folder, or the data source's name. */
    public String databaseName() {
        return database.name();
    }

    /**
     * Stops taking writes, writes what is queued, and closes the database (H2: the file is closed cleanly). Waits up
     * to {@code 30 s} for the writer; idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        writer.stop();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.release();
    }

    private interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T read(String what, Read<T> query) {
        Connection c = database.connect();
        try {
            c.setReadOnly(true);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            T result = query.apply(c);
            c.commit();
            return result;
        } catch (SQLException e) {
            throw database.classify(e, "cannot " + what + " from " + database.name());
        } finally {
            Database.closeQuietly(c);
        }
    }

    private static void checkId(String what, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException(what + " must be at most " + MAX_ID_LENGTH + " chars, was "
                    + id.length());
        }
    }

    /**
     * How to open a store. Exactly one of {@link #dataFolder}, {@link #jdbcUrl} or {@link #dataSource} names the
     * database; the rest have defaults.
     */
    public static final class Builder {
        private Database database;
        private DataSource dataSource;
        private String dataSourceName;
        private Path folder;
        private String url;
        private String user;
        private String password;
        private int snapshotEvery = 500;
        private int queueCapacity = 10_000;
        private int maxBatch = 1_000;
        private boolean syncEveryCommit = true;

        private Builder() {
        }

        /** The default back end: an embedded H2 file database, {@code coedit.mv.db} in {@code folder}. */
        public Builder dataFolder(Path folder) {
            this.folder = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** A database by JDBC URL: {@code jdbc:postgresql://host:port/db} or {@code jdbc:h2:...}. */
        public Builder jdbcUrl(String url, String user, String password) {
            this.url = Objects.requireNonNull(url, "url");
            this.user = user;
            this.password = password;
            return this;
        }

        /**
         * A container's data source (e.g. looked up by JNDI). It should hand out connections to PostgreSQL or H2;
         * {@code name} (the JNDI name, say) is how messages name it.
         */
        public Builder dataSource(DataSource dataSource, String name) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.dataSourceName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** A snapshot of a document's text is stored at every multiple of this version; default 500. */
        public Builder snapshotEvery(int ops) {
            if (ops < 1) {
                throw new IllegalArgumentException("snapshotEvery must be at least 1, was " + ops);
            }
            this.snapshotEvery = ops;
            return this;
        }

        /** Writes that may wait for the writer; one more is refused with {@link Reason#QUEUE_FULL}. Default 10,000. */
        public Builder queueCapacity(int writes) {
            if (writes < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1, was " + writes);
            }
            this.queueCapacity = writes;
            return this;
        }

        /** The most writes in one transaction; default 1,000. */
        public Builder maxBatch(int writes) {
            if (writes < 1) {
                throw new IllegalArgumentException("maxBatch must be at least 1, was " + writes);
            }
            this.maxBatch = writes;
            return this;
        }

        /**
         * H2 only: whether each batch's commit is forced to disk (fsync) before its futures complete. Default true:
         * an acknowledged commit survives a power loss. False: it survives a crash of the process but the last
         * second or so of commits may be lost with the machine. PostgreSQL follows its own {@code synchronous_commit}.
         */
        public Builder syncEveryCommit(boolean sync) {
            this.syncEveryCommit = sync;
            return this;
        }

        /**
         * Opens the database, creates or migrates the schema, and starts the writer.
         *
         * @throws StorageException naming the database (never its password) or the data folder when it cannot be
         *                          reached, written or read
         */
        public DocumentStore open() {
            int named = (folder != null ? 1 : 0) + (url != null ? 1 : 0) + (dataSource != null ? 1 : 0);
            if (named != 1) {
                throw new IllegalStateException("name exactly one database: dataFolder, jdbcUrl or dataSource");
            }
            Database db = folder != null ? Database.h2Folder(folder)
                    : url != null ? Database.url(url, user, password)
                    : Database.dataSource(dataSource, dataSourceName);
            Connection first = null;
            try {
                first = db.connect(); // fails with the clearest message, before Flyway would wrap it
                db.migrate();
                return new DocumentStore(db, first, this);
            } catch (SQLException e) {
                Database.closeQuietly(first);
                db.release();
                throw db.classify(e, "cannot open " + db.name());
            } catch (RuntimeException e) {
                Database.closeQuietly(first);
                db.release();
                throw e;
            }
        }
    }
}
