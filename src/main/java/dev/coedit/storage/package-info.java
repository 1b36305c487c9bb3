/**
 * Durable storage of Coedit's documents: every commit, periodic snapshots, each client's last seq and the access
 * rules, in an embedded H2 file database (the default, in the data folder) or in PostgreSQL. Plain JDBC; the schema
 * is created and migrated by Flyway. Depends on the OT core and on the op notation of
 * {@link dev.coedit.editing.entity.Json.OpAdapter}; nothing in the editing layer depends on it yet.
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
 * <h2>Wiring it into a room (what the lead has to do)</h2>
 *
 * <ol>
 * <li><b>Opening a room</b>: {@code StoredDocument d = store.load(id)} off the container's I/O threads (it blocks on
 * the database), then {@code new DocumentAuthority(d.text(), d.version(), window)}, refill the seq ledger from
 * {@code d.clients()} (client id to last seq and its version, so a resend after a restart is acknowledged with its
 * original version), and optionally the op window from {@code d.recent()}. {@code d.access()} holds the rules.</li>
 * <li><b>Each commit</b> ({@code DocumentAuthority.Committed}): on the room's serial executor, call
 * {@code store.append(id, c.version(), c.op(), c.clientId(), c.seq(), authorName, Instant.now())}. It returns at once.
 * Its future completes after the commit is in the database, on the storage writer thread: keep what runs there short
 * and hand room work back with {@code room.execute(...)}. Whether to send the author's {@code ack} only then (ack
 * means durable) or at once (ack means ordered) is the room's choice; the futures of one document complete in version
 * order either way.</li>
 * <li><b>A failed append</b> ({@link dev.coedit.storage.StorageException}, one-line message): the document in memory
 * is now ahead of storage, and every later append of it fails with {@code VERSION_GAP} until it is reloaded. So close
 * the room's connections (clients resync with {@code hello}) and reload it with {@code load}: what failed is not there.
 * {@code QUEUE_FULL} is the same for that document, and says the database is slower than the edits.</li>
 * <li><b>Eviction</b>: drop the room whenever it is idle. {@code load} waits for that document's queued writes, so a
 * reload right after an eviction sees them (or, when they failed, does not).</li>
 * <li><b>Access rules</b>: {@code store.accessRules(id)} (blocking read), {@code store.setAccess(id, user, role)} with
 * role {@code viewer}, {@code editor} or {@code owner}, and {@code store.removeAccess(id, user)}; both queued like
 * appends. Setting a rule on a document never edited creates it at version 0.</li>
 * <li><b>History</b>: {@code store.history(id, Long.MAX_VALUE, 50)} for the newest 50 versions, then
 * {@code history(id, lastOfPage.version(), 50)} for the next page; {@code store.textAt(id, version)} for the text
 * at a version. Both block.</li>
 * </ol>
 *
 * <p>One store per database: two processes writing one database would interleave versions (an H2 data folder is
 * locked against a second process, and against a second store in the same process). See {@code docs/storage.md} for
 * the schema, what "durable" means on each back end, and the failure messages.
 */
package dev.coedit.storage;
