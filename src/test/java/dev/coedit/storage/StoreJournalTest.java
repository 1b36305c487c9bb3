package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.editing.control.Journal;
import dev.coedit.ot.TextOp;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the editing layer is told when a document cannot be loaded: {@link Journal.Corrupt}, naming the document and
 * version, for stored data that cannot be read back (the room then refuses the document for good), and the store's
 * own {@link StorageException} for a database that cannot be reached now (the room asks clients to come back later).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreJournalTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aStoredOpThatDoesNotParseLoadsAsCorruptNamingTheDocumentAndVersion(Backend backend) {
        Backend.TestDb db = backend.fresh();
        try (DocumentStore store = db.open()) {
            StoreJournal journal = new StoreJournal(store);
            for (int v = 1; v <= 3; v++) {
                store.append("d", v, TextOp.insert(0, "x"), "c", v, "", Instant.now()).join();
            }
            store.append("fine", 1, TextOp.insert(0, "ok"), "c", 1, "", Instant.now()).join();
            db.execute("UPDATE ops SET op = 'not an op' WHERE document_id = 'd' AND version = 2");

            Journal.Corrupt e = assertThrows(Journal.Corrupt.class, () -> journal.load("d"));
            assertTrue(e.getMessage().startsWith("document d: the op of version 2 does not parse: "), e.getMessage());
            assertEquals("ok", journal.load("fine").text(), "other documents load");
        }
    }

    @Test
    void aDatabaseThatCannotBeReachedIsNotCorrupt() {
        Backend.TestDb db = Backend.H2.fresh();
        SwitchableDataSource source = new SwitchableDataSource(db.dataSource());
        try (DocumentStore store = DocumentStore.builder().dataSource(source, "java:app/jdbc/coedit").open()) {
            StoreJournal journal = new StoreJournal(store);
            source.down();
            StorageException e = assertThrows(StorageException.class, () -> journal.load("d"));
            assertEquals(StorageException.Reason.UNAVAILABLE, e.reason(), e.getMessage());
        }
    }
}
