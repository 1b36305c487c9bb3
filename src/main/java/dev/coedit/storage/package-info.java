/**
 * Durable storage of Coedit's documents: every commit, periodic snapshots, each client's last seq and the access
 * rules, in an embedded H2 file database (the default, in the data folder) or in PostgreSQL. Plain JDBC; the schema
 * is created and migrated by Flyway. Depends on the OT core, on the op notation of
 * {@link dev.coedit.editing.entity.Json.OpAdapter}, and, through {@link dev.coedit.storage.StoreJournal}, on the
 * editing layer's {@link dev.coedit.editing.control.Journal}, which it implements. The editing layer does not depend
 * on this package: it sees only the {@code Journal}, which {@code Coedit.startWithoutContainer} (standalone) or CDI
 * ({@link dev.coedit.storage.ContainerStorage}, in a container) hands it.
 *
 * <h2>Opening</h2>
 *
 * <pre>{@code
 * DocumentStore store = DocumentStore.builder()
 *         .dataFolder(config.dataDir())              // or .jdbcUrl("jdbc:postgresql://db/coedit", user, password)
 *                                                    // or .dataSource(jndiLookedUp, "java:app/jdbc/coedit")
 *         .snapshotEvery(500)                        // defaults shown
 *         .queueCapacity(10_000)
 *         .maxBatch(1_000)
 *         .syncEveryCommit(true)                     // H2: fsync each batch; PostgreSQL: its own settings
 *         .open();                                   // StorageException with a one-line message when it cannot
 * ...
 * store.close();                                     // writes what is queued, closes the database
 * }</pre>
 *
 * <h2>How a room uses it, through {@link dev.coedit.storage.StoreJournal}</h2>
 *
 * <ol>
 * <li><b>Opening a room</b>: {@code load(id)}, on the room's executor, off the container's I/O threads (it blocks on
 * the database): the text and version, the seq ledger (client id to last seq and its version, so a resend after a
 * restart is acknowledged with its original version), the op window and the access rules. Stored data that cannot be
 * read back ({@link dev.coedit.storage.StorageException.Reason#CORRUPT}) comes out as
 * {@link dev.coedit.editing.control.Journal.Corrupt}, and the room refuses the document for good; any other failure
 * means "try again later".</li>
 * <li><b>Each commit</b>: {@code commit(id, commit, author)} queues {@link DocumentStore#append}; it returns at once,
 * and its future completes on the storage writer thread after the commit is in the database. The room hands the work
 * back to its own executor and only then lets the ack and everything after it out (ack means durable).</li>
 * <li><b>A failed append</b> ({@link dev.coedit.storage.StorageException}, one-line message): the document in memory
 * is ahead of storage, and every later append of it would fail with {@code VERSION_GAP}. So the room closes its
 * connections (1013; clients resync with {@code hello}) and is dropped; the next connection loads it as stored.
 * {@code QUEUE_FULL} is the same for that document, and says the database is slower than the edits.</li>
 * <li><b>Eviction</b>: an idle room is dropped. {@code load} waits for that document's queued writes, so a reload
 * right after an eviction sees them (or, when they failed, does not).</li>
 * <li><b>Access rules</b> are queued like appends ({@code setAccess}, {@code removeAccess}); a rule on a document
 * never edited creates it at version 0. <b>History</b> ({@code history}, {@code textAt}) blocks, and runs off the
 * room's executor.</li>
 * </ol>
 *
 * <p>One store per database: two processes writing one database would interleave versions (an H2 data folder is
 * locked against a second process, and against a second store in the same process). See {@code docs/storage.md} for
 * the schema, what "durable" means on each back end, and the failure messages.
 */
package dev.coedit.storage;
