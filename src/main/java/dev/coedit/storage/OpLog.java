package dev.coedit.storage;

import dev.coedit.editing.entity.Json;
import dev.coedit.ot.Component;
import dev.coedit.ot.Insert;
import dev.coedit.ot.InvalidOpException;
import dev.coedit.ot.Rope;
import dev.coedit.ot.TextOp;
import dev.coedit.storage.StorageException.Reason;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading the stored log of a document back: the text at a version (the nearest snapshot at or below it, then the ops
 * after it replayed on a {@link Rope}), the history, the client seqs and the access rules, and the checkpoint that
 * snapshots move. Every method takes the
 * connection to use and checks what it reads: an op that does not parse or does not fit, or a missing version, is a
 * {@link Reason#CORRUPT} failure naming the document and the version.
 */
final class OpLog {

    private OpLog() {
    }

    /** The text at a version and the commits replayed to get there. */
    record Replayed(String text, long snapshotVersion, List<StoredOp> ops) {
    }

    /** The op in the compact JSON notation, e.g. {@code [3,"hi",{"d":2}]}; {@link TextOp#toString()} prints it. */
    static String encode(TextOp op) {
        return op.toString();
    }

    static TextOp decode(String documentId, long version, String json) {
        try (JsonReader reader = dev.coedit.editing.entity.Json.JSON_P.createReader(new StringReader(json))) {
            return new Json.OpAdapter().adaptFromJson(reader.readValue());
        } catch (JsonException | InvalidOpException | IllegalStateException e) {
            throw new StorageException(Reason.CORRUPT, "document " + documentId + ": the op of version " + version
                    + " does not parse: " + StorageException.firstLine(e), e);
        }
    }

    static int inserted(TextOp op) {
        int n = 0;
        for (Component c : op.components()) {
            if (c instanceof Insert i) {
                n += i.codePoints();
            }
        }
        return n;
    }

    static int deleted(TextOp op) {
        return op.deletedLength();
    }

    /**
     * The head version (the newest stored op's, 0 when none), or -1 when the document has no row. When the ops end
     * below the checkpoint, which only a damaged database does, they are {@link Reason#CORRUPT}.
     */
    static long head(Connection c, String documentId) throws SQLException {
        long checkpoint;
        try (PreparedStatement s = c.prepareStatement("SELECT checkpoint_version FROM documents WHERE id = ?")) {
            s.setString(1, documentId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return -1;
                }
                checkpoint = r.getLong(1);
            }
        }
        long head = newestOp(c, documentId, checkpoint);
        if (head < checkpoint) { // the ops end below it: read all of them, once, to name the gap
            throw gap(documentId, newestOp(c, documentId, 0) + 1, checkpoint);
        }
        return head;
    }

    /**
     * The newest op's version at or above {@code from}, or {@code from - 1} when there is none there (0 for none at
     * all). Bounded by a checkpoint, the scan reads only the ops after it on either database (H2 does not read an
     * index backwards for {@code ORDER BY ... DESC LIMIT 1}).
     */
    private static long newestOp(Connection c, String documentId, long from) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT MAX(version) FROM ops WHERE document_id = ? AND version >= ?")) {
            s.setString(1, documentId);
            s.setLong(2, from);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                long newest = r.getLong(1);
                return r.wasNull() ? Math.max(0, from - 1) : newest;
            }
        }
    }

    /**
     * The text at {@code version}, rebuilt from the nearest snapshot at or below it.
     *
     * @param keepOps whether to return the replayed commits with all their columns (for load) or only the text
     */
    static Replayed textAt(Connection c, String documentId, long version, boolean keepOps) throws SQLException {
        long base = 0;
        String text = "";
        try (PreparedStatement s = c.prepareStatement("SELECT version, text FROM snapshots"
                + " WHERE document_id = ? AND version <= ? ORDER BY version DESC LIMIT 1")) {
            s.setString(1, documentId);
            s.setLong(2, version);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    base = r.getLong(1);
                    text = r.getString(2);
                }
            }
        }
        Rope rope;
        try {
            rope = new Rope(text);
        } catch (IllegalArgumentException e) {
            throw new StorageException(Reason.CORRUPT, "document " + documentId + ": the snapshot of version " + base
                    + " is not valid text: " + e.getMessage(), e);
        }
        List<StoredOp> ops = new ArrayList<>();
        long expected = base + 1;
        String columns = keepOps ? "version, op, client_id, seq, author, committed_at, inserted, deleted"
                : "version, op";
        try (PreparedStatement s = c.prepareStatement("SELECT " + columns + " FROM ops"
                + " WHERE document_id = ? AND version > ? AND version <= ? ORDER BY version")) {
            s.setString(1, documentId);
            s.setLong(2, base);
            s.setLong(3, version);
            s.setFetchSize(500);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long v = r.getLong(1);
                    if (v != expected) {
                        throw gap(documentId, expected, v - 1);
                    }
                    TextOp op = decode(documentId, v, r.getString(2));
                    try {
                        rope.apply(op);
                    } catch (InvalidOpException e) {
                        throw new StorageException(Reason.CORRUPT, "document " + documentId + ": the op of version "
                                + v + " does not fit the text of version " + (v - 1) + ": " + e.getMessage(), e);
                    }
                    if (keepOps) {
                        ops.add(new StoredOp(v, op, r.getString(3), r.getLong(4), r.getString(5),
                                r.getObject(6, OffsetDateTime.class).toInstant(), r.getInt(7), r.getInt(8)));
                    }
                    expected++;
                }
            }
        }
        if (expected != version + 1) {
            throw gap(documentId, expected, version);
        }
        return new Replayed(rope.toString(), base, ops);
    }

    private static StorageException gap(String documentId, long from, long to) {
        return new StorageException(Reason.CORRUPT, "document " + documentId + ": "
                + (from == to ? "version " + from + " is" : "versions " + from + " to " + to + " are")
                + " missing from the stored ops");
    }

    /**
     * Each client's last stored seq and its version: the rows written with the checkpoint, then the ops after it
     * ({@code recent}, oldest first) on top. A client's seqs grow with the versions it made, so the larger seq wins.
     */
    static Map<String, ClientSeq> clients(Connection c, String documentId, List<StoredOp> recent)
            throws SQLException {
        Map<String, ClientSeq> clients = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT client_id, last_seq, version FROM client_seqs WHERE document_id = ?")) {
            s.setString(1, documentId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    clients.put(r.getString(1), new ClientSeq(r.getLong(2), r.getLong(3)));
                }
            }
        }
        for (StoredOp op : recent) {
            clients.merge(op.clientId(), new ClientSeq(op.seq(), op.version()),
                    (known, later) -> later.lastSeq() >= known.lastSeq() ? later : known);
        }
        return clients;
    }

    /**
     * Moves a document's checkpoint up to {@code version}, which a snapshot just stored: each client's last seq among
     * the ops since the previous checkpoint goes into {@code client_seqs}, and the checkpoint to {@code version}. Runs
     * in the snapshot's transaction, so the checkpoint, the seqs and the snapshot are stored together or not at all.
     */
    static void checkpoint(Connection c, String documentId, long version) throws SQLException {
        long previous;
        try (PreparedStatement s = c.prepareStatement("SELECT checkpoint_version FROM documents WHERE id = ?")) {
            s.setString(1, documentId);
            try (ResultSet r = s.executeQuery()) {
                previous = r.next() ? r.getLong(1) : 0;
            }
        }
        if (version <= previous) {
            return;
        }
        Map<String, ClientSeq> since = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT client_id, MAX(seq), MAX(version) FROM ops"
                + " WHERE document_id = ? AND version > ? AND version <= ? GROUP BY client_id")) {
            s.setString(1, documentId);
            s.setLong(2, previous);
            s.setLong(3, version);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    since.put(r.getString(1), new ClientSeq(r.getLong(2), r.getLong(3)));
                }
            }
        }
        List<Map.Entry<String, ClientSeq>> missing = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE client_seqs SET last_seq = ?, version = ? WHERE document_id = ? AND client_id = ?")) {
            for (Map.Entry<String, ClientSeq> e : since.entrySet()) {
                s.setLong(1, e.getValue().lastSeq());
                s.setLong(2, e.getValue().version());
                s.setString(3, documentId);
                s.setString(4, e.getKey());
                if (s.executeUpdate() == 0) {
                    missing.add(e);
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO client_seqs (document_id, client_id, last_seq, version) VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, ClientSeq> e : missing) {
                s.setString(1, documentId);
                s.setString(2, e.getKey());
                s.setLong(3, e.getValue().lastSeq());
                s.setLong(4, e.getValue().version());
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE documents SET checkpoint_version = ? WHERE id = ?")) {
            s.setLong(1, version);
            s.setString(2, documentId);
            s.executeUpdate();
        }
    }

    static Map<String, String> access(Connection c, String documentId) throws SQLException {
        Map<String, String> rules = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT user_id, role FROM access_rules WHERE document_id = ? ORDER BY user_id")) {
            s.setString(1, documentId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rules.put(r.getString(1), r.getString(2));
                }
            }
        }
        return rules;
    }

    static List<VersionInfo> history(Connection c, String documentId, long beforeVersion, int limit)
            throws SQLException {
        List<VersionInfo> out = new ArrayList<>(Math.min(limit, 1000));
        try (PreparedStatement s = c.prepareStatement("SELECT version, committed_at, client_id, author, inserted,"
                + " deleted FROM ops WHERE document_id = ? AND version < ? ORDER BY version DESC LIMIT ?")) {
            s.setString(1, documentId);
            s.setLong(2, beforeVersion);
            s.setInt(3, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new VersionInfo(r.getLong(1), r.getObject(2, OffsetDateTime.class).toInstant(),
                            r.getString(3), r.getString(4), r.getInt(5), r.getInt(6)));
                }
            }
        }
        return out;
    }
}
