package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.ot.TextOp;
import dev.coedit.storage.StorageException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every way storage fails says so in one line that names the database, the folder, or the document and version. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FailureTest {

    private static StorageException failure(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertTrue(e.getCause() instanceof StorageException, "not a StorageException: " + e.getCause());
        return (StorageException) e.getCause();
    }

    /** Checks that a message is one line, and prints it: the test log shows each message as an operator sees it. */
    private static void assertOneLine(String message) {
        System.out.println("storage message: " + message);
        assertFalse(message.contains("\n"), "more than one line: " + message);
    }

    /** Appends the next {@code n} edits to a document and waits for them. */
    private static void appendAll(DocumentStore store, String doc, RandomEdits edits, int n) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TextOp op = edits.next();
            acks.add(store.append(doc, edits.version(), op, "c", edits.version(), "", Instant.now()));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDatabaseThatCannotBeReachedAtStartIsNamedWithoutItsPassword(Backend backend) throws Exception {
        int port = PostgresCluster.freePort(); // nothing listens there
        String url = backend == Backend.H2 ? "jdbc:h2:tcp://127.0.0.1:" + port + "/coedit"
                : "jdbc:postgresql://127.0.0.1:" + port + "/coedit?password=sekret&connectTimeout=2";
        StorageException e = assertThrows(StorageException.class,
                () -> DocumentStore.builder().jdbcUrl(url, "coedit", "hunter2").open());
        assertEquals(Reason.UNAVAILABLE, e.reason());
        String named = backend == Backend.H2 ? url : url.replace("sekret", "***");
        assertTrue(e.getMessage().startsWith("cannot open database " + named + " (user coedit): unreachable ("),
                e.getMessage());
        assertFalse(e.getMessage().contains("sekret") || e.getMessage().contains("hunter2"), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void whileTheDatabaseIsGoneAppendsFailAndAfterItIsBackNothingFailedIsStoredAndWritingGoesOn(Backend backend) {
        Backend.TestDb db = backend.fresh();
        SwitchableDataSource source = new SwitchableDataSource(db.dataSource());
        RandomEdits edits = new RandomEdits(11);
        try (DocumentStore store = DocumentStore.builder().dataSource(source, "java:app/jdbc/coedit").open()) {
            appendAll(store, "d", edits, 10);
            source.down();
            for (int i = 0; i < 5; i++) {
                TextOp op = edits.next();
                StorageException e = failure(store.append("d", edits.version(), op, "c", edits.version(), "",
                        Instant.now()));
                assertEquals(Reason.UNAVAILABLE, e.reason(), e.getMessage());
                assertTrue(e.getMessage().contains("data source java:app/jdbc/coedit") && e.getMessage()
                        .contains("unreachable"), e.getMessage());
                assertOneLine(e.getMessage());
            }
            assertEquals(Reason.UNAVAILABLE, assertThrows(StorageException.class, () -> store.load("d")).reason());
            source.up();

            // The room that went on in memory is refused, and told to reload. The writer tries to connect again after
            // a short pause, so the first appends may still find the database unreachable.
            TextOp next = edits.next();
            StorageException gap = failure(store.append("d", 16, next, "c", 16, "", Instant.now()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (gap.reason() == Reason.UNAVAILABLE && System.nanoTime() < deadline) {
                gap = failure(store.append("d", 16, next, "c", 16, "", Instant.now()));
            }
            assertEquals(Reason.VERSION_GAP, gap.reason());
            assertEquals("document d: version 16 does not follow the stored version 10 (an earlier append failed;"
                    + " reload the document)", gap.getMessage());
            assertOneLine(gap.getMessage());

            StoredDocument reloaded = store.load("d");
            assertEquals(10, reloaded.version(), "a failed append was stored");
            assertEquals(RandomEdits.textAfter(11, 10), reloaded.text());
            RandomEdits again = new RandomEdits(11);
            for (int i = 0; i < 10; i++) {
                again.next();
            }
            appendAll(store, "d", again, 5);
            assertEquals(15, store.load("d").version());
            assertEquals(again.text(), store.load("d").text());
        }
    }

    @Test
    void aPostgresqlServerThatStopsAndStartsAgainFailsAppendsMeanwhileAndIsUsedAgainAfter() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.startNew("restart")) {
            String url = cluster.url(cluster.createDatabase());
            RandomEdits edits = new RandomEdits(3);
            try (DocumentStore store = DocumentStore.builder().jdbcUrl(url, "postgres", null).open()) {
                appendAll(store, "d", edits, 5);
                cluster.stop();
                TextOp op = edits.next();
                StorageException e = failure(store.append("d", 6, op, "c", 6, "", Instant.now()));
                assertEquals(Reason.UNAVAILABLE, e.reason(), e.getMessage());
                assertTrue(e.getMessage().contains(url), e.getMessage());
                assertFalse(e.getMessage().contains("INSERT"), "the message quotes the statement and its values: "
                        + e.getMessage());
                assertOneLine(e.getMessage());
                cluster.start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (true) { // the writer reconnects on the next batch after its short pause
                    CompletableFuture<Void> f = store.append("d", 6, op, "c", 6, "", Instant.now());
                    try {
                        f.join();
                        break;
                    } catch (CompletionException stillDown) {
                        assertTrue(System.nanoTime() < deadline, "no reconnect: " + stillDown.getCause());
                        Thread.sleep(100);
                    }
                }
                assertEquals(6, store.load("d").version());
                assertEquals(edits.text(), store.load("d").text());
            }
        }
    }

    @Test
    void aDataFolderThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Backend.newFolder("plain-file");
        Files.writeString(file, "a file, not a folder");
        Path folder = file.resolve("data");
        StorageException e = assertThrows(StorageException.class,
                () -> DocumentStore.builder().dataFolder(folder).open());
        assertEquals(Reason.UNWRITABLE, e.reason());
        assertTrue(e.getMessage().startsWith("data folder " + folder + " cannot be created: "), e.getMessage());
        assertTrue(e.getMessage().length() > ("data folder " + folder + " cannot be created: ").length());
        assertOneLine(e.getMessage());
    }

    @Test
    void aDataFolderOpenInThisProcessCannotBeOpenedTwice() {
        Path folder = Backend.newFolder("twice");
        DocumentStore first = DocumentStore.builder().dataFolder(folder).open();
        try {
            StorageException e = assertThrows(StorageException.class,
                    () -> DocumentStore.builder().dataFolder(folder).open());
            assertEquals("data folder " + folder + " is already open in this process", e.getMessage());
        } finally {
            first.close();
        }
        DocumentStore.builder().dataFolder(folder).open().close(); // closed: it may be opened again
    }

    @Test
    void aDataFolderInUseByAnotherProcessIsNamed() throws Exception {
        Path folder = Backend.newFolder("in-use");
        Path ready = Backend.newFolder("ready");
        Process holder = CrashTest.child("hold", "h2:" + folder, ready.toString());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready) && holder.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(ready), "the other process did not open the folder");
            StorageException e = assertThrows(StorageException.class,
                    () -> DocumentStore.builder().dataFolder(folder).open());
            assertEquals(Reason.UNWRITABLE, e.reason(), e.getMessage());
            assertTrue(e.getMessage().startsWith("cannot open data folder " + folder
                    + ": it is in use by another process ("), e.getMessage());
            assertOneLine(e.getMessage());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anH2FileThatIsNotADatabaseIsReportedAsCorruptNamingTheFolder() throws Exception {
        Path folder = Backend.newFolder("garbage");
        Files.createDirectories(folder);
        byte[] junk = new byte[64 * 1024];
        Arrays.fill(junk, (byte) 'x');
        Files.write(folder.resolve("coedit.mv.db"), junk);
        StorageException e = assertThrows(StorageException.class,
                () -> DocumentStore.builder().dataFolder(folder).open());
        assertEquals(Reason.CORRUPT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith("cannot open data folder " + folder
                + ": the file is not an H2 database or is damaged ("), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anOpRowThatDoesNotParseIsNamedByDocumentAndVersion(Backend backend) {
        Backend.TestDb db = backend.fresh();
        try (DocumentStore store = db.open()) {
            appendAll(store, "d", new RandomEdits(1), 5);
            appendAll(store, "fine", new RandomEdits(2), 5);
            db.execute("UPDATE ops SET op = '[3,' WHERE document_id = 'd' AND version = 4");
            StorageException e = assertThrows(StorageException.class, () -> store.load("d"));
            assertEquals(Reason.CORRUPT, e.reason());
            assertTrue(e.getMessage().startsWith("document d: the op of version 4 does not parse: "), e.getMessage());
            assertOneLine(e.getMessage());
            assertEquals(RandomEdits.textAfter(1, 3), store.textAt("d", 3), "versions before the damage still read");
            assertEquals(RandomEdits.textAfter(2, 5), store.load("fine").text(), "other documents are unharmed");

            db.execute("UPDATE ops SET op = '[99999,\"x\"]' WHERE document_id = 'd' AND version = 4");
            StorageException misfit = assertThrows(StorageException.class, () -> store.load("d"));
            assertTrue(misfit.getMessage().startsWith("document d: the op of version 4 does not fit the text of"
                    + " version 3: "), misfit.getMessage());
            assertOneLine(misfit.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMissingVersionIsNamedByDocumentAndVersion(Backend backend) {
        Backend.TestDb db = backend.fresh();
        try (DocumentStore store = db.open()) {
            appendAll(store, "d", new RandomEdits(1), 9);
            db.execute("DELETE FROM ops WHERE document_id = 'd' AND version IN (4, 5)");
            StorageException e = assertThrows(StorageException.class, () -> store.load("d"));
            assertEquals(Reason.CORRUPT, e.reason());
            assertEquals("document d: versions 4 to 5 are missing from the stored ops", e.getMessage());
            assertOneLine(e.getMessage());
        }
    }

    /**
     * The head is the newest op, so ops lost from the end would shorten the document unseen, but for the checkpoint
     * that every snapshot moves: the ops must reach it.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void opsLostFromTheEndBelowTheCheckpointAreNamed(Backend backend) throws Exception {
        Backend.TestDb db = backend.fresh();
        try (DocumentStore store = db.builder().snapshotEvery(4).open()) {
            appendAll(store, "d", new RandomEdits(1), 9);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (store.stats().snapshots() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10); // snapshots follow the acks, on the writer's thread
            }
            assertEquals(2, store.stats().snapshots(), "snapshots at versions 4 and 8");
            assertEquals(9, store.load("d").version());
            db.execute("DELETE FROM ops WHERE document_id = 'd' AND version > 5");
            StorageException e = assertThrows(StorageException.class, () -> store.load("d"));
            assertEquals(Reason.CORRUPT, e.reason());
            assertEquals("document d: versions 6 to 8 are missing from the stored ops", e.getMessage());
            db.execute("DELETE FROM ops WHERE document_id = 'd'");
            assertEquals("document d: versions 1 to 8 are missing from the stored ops",
                    assertThrows(StorageException.class, () -> store.load("d")).getMessage());
        }
    }
}
