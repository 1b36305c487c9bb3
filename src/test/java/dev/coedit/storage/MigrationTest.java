package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.coedit.ot.TextOp;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Documents stored by an older schema load unchanged after the migrations that follow it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MigrationTest {

    /**
     * The schema as the first release left it, with rows written the way its writer wrote them.
     *
     * @return the text at version 3
     */
    private static String storeAsVersion1(Backend.TestDb db) {
        Flyway.configure(Database.class.getClassLoader()).dataSource(db.dataSource())
                .table("coedit_schema_history").locations(new String[0])
                .javaMigrations(Migrations.all()).target("1").load().migrate();
        RandomEdits edits = new RandomEdits(3);
        StringBuilder ops = new StringBuilder();
        String[] clients = {"ann", "bob", "ann"};
        for (int v = 1; v <= 3; v++) {
            TextOp op = edits.next();
            ops.append(", ('notes', ").append(v).append(", '").append(OpLog.encode(op).replace("'", "''"))
                    .append("', '").append(clients[v - 1]).append("', ").append(v).append(", 'A', ")
                    .append("TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:00+00', 1, 0)");
        }
        db.execute("INSERT INTO documents (id, created, head_version) VALUES"
                        + " ('notes', TIMESTAMP WITH TIME ZONE '2026-11-01 10:00:00+00', 3)",
                "INSERT INTO ops (document_id, version, op, client_id, seq, author, committed_at, inserted, deleted)"
                        + " VALUES" + ops.substring(1),
                "INSERT INTO client_seqs (document_id, client_id, last_seq, version) VALUES"
                        + " ('notes', 'ann', 3, 3), ('notes', 'bob', 2, 2)",
                "INSERT INTO access_rules (document_id, user_id, role) VALUES ('notes', 'ann', 'owner')");
        return edits.text();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDocumentStoredByTheFirstSchemaLoadsWithItsSeqsRulesAndHead(Backend backend) {
        Backend.TestDb db = backend.fresh();
        String textAt3 = storeAsVersion1(db);
        try (DocumentStore store = db.open()) {
            StoredDocument d = store.load("notes");
            assertEquals(3, d.version());
            assertEquals(textAt3, d.text());
            assertEquals(Map.of("ann", new ClientSeq(3, 3), "bob", new ClientSeq(2, 2)), d.clients());
            assertEquals(Map.of("ann", "owner"), d.access());
            store.append("notes", 4, TextOp.builder().insert("!").build(), "bob", 3, "B",
                    Instant.now()).join();
            assertEquals("!" + textAt3, store.load("notes").text());
            // The old head became the checkpoint: ops lost below it are still found.
            db.execute("DELETE FROM ops WHERE document_id = 'notes' AND version >= 2");
            assertEquals("document notes: versions 2 to 3 are missing from the stored ops",
                    assertThrows(StorageException.class, () -> store.load("notes")).getMessage());
        }
    }
}
