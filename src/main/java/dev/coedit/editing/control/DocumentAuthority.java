package dev.coedit.editing.control;

import dev.coedit.ot.InvalidOpException;
import dev.coedit.ot.Rope;
import dev.coedit.ot.Side;
import dev.coedit.ot.TextOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The single source of truth for one document: its text, its version and a bounded window of committed ops. It orders
 * every edit of the document, transforms late ones and says what to acknowledge and what to broadcast; sending is the
 * caller's job. Pure and not thread-safe: confined to the document's serial executor.
 *
 * <p>Versions count commits: the empty document is version 0 and commit {@code v} turns version {@code v-1} into
 * {@code v}. An op submitted on {@code baseVersion} b was made on the document at b, so it is transformed against
 * commits b+1..current, taking the {@link Side#LEFT left} side each time (ties at one position go to the late op):
 *
 * <pre>
 *            doc@b
 *        c(b+1) /   \ op
 *              ...   ...
 *    c(current) \   / op' = op transformed past c(b+1)..c(current)
 *            doc@current+1
 * </pre>
 *
 * <p>Exactly once: a client numbers its submits (seq), and a submit whose seq the authority has already committed is
 * acknowledged again with its original version instead of being applied twice.
 */
public final class DocumentAuthority {

    /** How many (seq, version) pairs are kept per client to answer resends. A client has one submit in flight. */
    static final int SEQS_PER_CLIENT = 8;
    /** How many clients' seqs are kept; the least recently active are forgotten first. */
    static final int CLIENTS_REMEMBERED = 10_000;

    private final Rope text;
    private final int window;
    private final ArrayDeque<Commit> history = new ArrayDeque<>();
    private final Map<String, Ledger> ledgers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ledger> eldest) {
            return size() > CLIENTS_REMEMBERED;
        }
    };
    private long version;

    /** A committed op: {@code op} turned version {@code version - 1} into {@code version}. */
    public record Commit(long version, TextOp op, String clientId, long seq) {
    }

    /** What became of a submit. */
    public sealed interface Outcome {
    }

    /** Applied as {@code commit}: acknowledge it to the author, broadcast it to everyone else. */
    public record Committed(Commit commit) implements Outcome {
    }

    /** Already committed before as {@code version}: acknowledge again, broadcast nothing. */
    public record Duplicate(long seq, long version) implements Outcome {
    }

    /** Refused; the document is unchanged. */
    public record Rejected(Reason reason, String message) implements Outcome {
    }

    public enum Reason { INVALID_OP, STALE_BASE, FUTURE_BASE, STALE_SEQ }

    /**
     * @param window how many committed ops to keep for transforming late submits and resuming clients
     */
    public DocumentAuthority(String initialText, long initialVersion, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, was " + window);
        }
        this.text = new Rope(initialText);
        this.version = initialVersion;
        this.window = window;
    }

    public long version() {
        return version;
    }

    /**
     * Restores what a stored document knows about a client: its last committed seq and the version that commit
     * became. A resend of that seq after a restart is then acknowledged with its original version, not applied twice.
     */
    public void remember(String clientId, long lastSeq, long committedAs) {
        Ledger ledger = ledgers.computeIfAbsent(clientId, id -> new Ledger());
        if (lastSeq > ledger.lastSeq) {
            ledger.record(lastSeq, committedAs);
        }
    }

    /**
     * Restores the window of committed ops from storage: {@code commits} are the newest ones, oldest first, ending
     * at {@link #version()} with no gap; only the newest {@code window} are kept. Late submits and resuming clients
     * based on those versions are then served as if there had been no restart.
     */
    public void restoreHistory(List<Commit> commits) {
        if (!history.isEmpty()) {
            throw new IllegalStateException("history already has " + history.size() + " commits");
        }
        long expected = version - commits.size() + 1;
        for (Commit c : commits) {
            if (c.version() != expected++) {
                throw new IllegalArgumentException("stored commits are not consecutive up to version " + version
                        + ": found " + c.version());
            }
        }
        for (Commit c : commits.subList(Math.max(0, commits.size() - window), commits.size())) {
            history.addLast(c);
        }
    }

    /** The text as a fresh string: O(length), for snapshots only. */
    public String text() {
        return text.toString();
    }

    /** Length in code points. */
    public int length() {
        return text.length();
    }

    /** The highest seq of this client that is committed, or 0. */
    public long lastSeq(String clientId) {
        Ledger ledger = ledgers.get(clientId);
        return ledger == null ? 0 : ledger.lastSeq;
    }

    /** The oldest version a submit may be based on, or a client resume from. */
    public long oldestBase() {
        return version - history.size();
    }

    /**
     * The commits after {@code fromVersion}, oldest first, or empty when they are no longer all kept (the caller must
     * then send a snapshot).
     */
    public Optional<List<Commit>> since(long fromVersion) {
        if (fromVersion < oldestBase() || fromVersion > version) {
            return Optional.empty();
        }
        List<Commit> commits = new ArrayList<>((int) (version - fromVersion));
        for (Commit c : history) {
            if (c.version() > fromVersion) {
                commits.add(c);
            }
        }
        return Optional.of(commits);
    }

    /**
     * Receives an edit. On success the op, transformed past everything committed since {@code baseVersion}, is
     * applied and becomes version {@code version() + 1}.
     */
    public Outcome submit(String clientId, long seq, long baseVersion, TextOp op) {
        Ledger ledger = ledgers.get(clientId);
        if (ledger != null && seq <= ledger.lastSeq) {
            long original = ledger.versionOf(seq);
            return original > 0 ? new Duplicate(seq, original)
                    : new Rejected(Reason.STALE_SEQ, "seq " + seq + " is older than the last " + SEQS_PER_CLIENT
                    + " this server remembers for client " + clientId + " (last committed seq is " + ledger.lastSeq
                    + ")");
        }
        if (baseVersion > version) {
            return new Rejected(Reason.FUTURE_BASE, "base version " + baseVersion
                    + " is newer than the document, which is at version " + version);
        }
        if (baseVersion < oldestBase()) {
            return new Rejected(Reason.STALE_BASE, "base version " + baseVersion + " is older than the history kept"
                    + " (versions " + oldestBase() + " to " + version + "); resync with hello");
        }
        TextOp transformed = op;
        for (Commit c : history) {
            if (c.version() > baseVersion) {
                transformed = transformed.transform(c.op(), Side.LEFT);
            }
        }
        try {
            text.apply(transformed);
        } catch (InvalidOpException e) {
            String at = baseVersion == version ? "" : " (after transforming it from version " + baseVersion
                    + " to " + version + ")";
            return new Rejected(Reason.INVALID_OP, e.getMessage() + at);
        }
        version++;
        Commit commit = new Commit(version, transformed, clientId, seq);
        history.addLast(commit);
        if (history.size() > window) {
            history.removeFirst();
        }
        if (ledger == null) {
            ledger = new Ledger();
            ledgers.put(clientId, ledger);
        }
        ledger.record(seq, version);
        return new Committed(commit);
    }

    /** The last few (seq, version) pairs of one client, oldest overwritten first. */
    private static final class Ledger {
        private final long[] seqs = new long[SEQS_PER_CLIENT];
        private final long[] versions = new long[SEQS_PER_CLIENT];
        private int next;
        private long lastSeq;

        void record(long seq, long version) {
            seqs[next] = seq;
            versions[next] = version;
            next = (next + 1) % SEQS_PER_CLIENT;
            lastSeq = seq;
        }

        long versionOf(long seq) {
            for (int i = 0; i < SEQS_PER_CLIENT; i++) {
                if (seqs[i] == seq) {
                    return versions[i];
                }
            }
            return 0;
        }
    }
}
