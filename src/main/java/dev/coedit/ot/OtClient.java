package dev.coedit.ot;

import java.util.Optional;

/**
 * The client side of server-authoritative OT: a replica of the document and the edits not yet acknowledged, in one of
 * three states (after ot.js):
 *
 * <ul>
 *   <li><b>Synchronized</b>: nothing pending; local edits are sent at once.</li>
 *   <li><b>AwaitingConfirm</b>: one edit in flight; new local edits go to a buffer.</li>
 *   <li><b>AwaitingWithBuffer</b>: one edit in flight and a buffer composed of every edit since; the buffer is sent
 *       when the in-flight edit is acknowledged.</li>
 * </ul>
 *
 * <p>Invariant: {@code text = confirmed ∘ inflight ∘ buffer}, where {@code confirmed} is the server's document at
 * {@link #version()}. The server transforms a late submit against newer commits with the submit on the LEFT side, so
 * this class transforms its pending edits against incoming ones the same way and both ends compute the same op.
 *
 * <p>A submit's op is cut to {@code maxOpBytes} of JSON ({@link TextOp#split}): what does not fit waits in the buffer
 * and goes with the next submit, so no message passes the server's size limit, however much was typed offline.
 *
 * <p>Pure and not thread-safe: the caller confines it to one thread or lock. Sending is the caller's job: methods
 * return the {@link Submit} to send, if any.
 */
public final class OtClient {

    /** A submit to send: {@code op} made on the server's document at {@code baseVersion}. */
    public record Submit(long seq, long baseVersion, TextOp op) {
    }

    /** What a snapshot did to this replica: the change to show locally, and the submit to send, if any. */
    public record Rebase(TextOp localChange, Optional<Submit> resend) {
    }

    public enum State { SYNCHRONIZED, AWAITING_CONFIRM, AWAITING_WITH_BUFFER }

    private Rope confirmed;
    private Rope text;
    private long version;
    private Submit inflight;
    private TextOp buffer;
    private long lastSeq;
    private final int maxOpBytes;

    /**
     * The most JSON bytes of one submit's op: the server takes messages of up to 65,536 bytes by default, and the
     * rest of a submit (type, client id, seq, version) fits in what is left.
     */
    public static final int MAX_OP_BYTES = 60_000;

    /** A replica of the document {@code initialText} at {@code version}; this client's seqs start after lastSeq. */
    public OtClient(String initialText, long version, long lastSeq) {
        this(initialText, version, lastSeq, MAX_OP_BYTES);
    }

    /** As {@link #OtClient(String, long, long)}, with submits' ops cut to {@code maxOpBytes} of JSON. */
    public OtClient(String initialText, long version, long lastSeq, int maxOpBytes) {
        this.confirmed = new Rope(initialText);
        this.text = new Rope(initialText);
        this.version = version;
        this.lastSeq = lastSeq;
        this.maxOpBytes = maxOpBytes;
    }

    public State state() {
        return inflight == null ? State.SYNCHRONIZED
                : buffer == null ? State.AWAITING_CONFIRM : State.AWAITING_WITH_BUFFER;
    }

    /** The last server version this replica has seen. */
    public long version() {
        return version;
    }

    /** The local text, with every local edit. O(length). */
    public String text() {
        return text.toString();
    }

    /** Local length in code points. */
    public int length() {
        return text.length();
    }

    /**
     * The edit in flight, to resend after a reconnect: same seq, its op transformed past every remote op received
     * since it was sent, and {@code baseVersion} the version that op applies to. Empty when synchronized.
     */
    public Optional<Submit> inflight() {
        return Optional.ofNullable(inflight);
    }

    /** How many local edits are not yet acknowledged (in flight, plus the buffer if any). */
    public int unacknowledged() {
        return (inflight == null ? 0 : 1) + (buffer == null ? 0 : 1);
    }

    /**
     * A local edit, made on {@link #text()}. Applies it locally and returns the submit to send now, or empty when it
     * was added to the buffer.
     *
     * @throws InvalidOpException when the op does not fit the local text (nothing changes)
     */
    public Optional<Submit> applyLocal(TextOp op) {
        text.apply(op);
        if (op.isNoop()) {
            return Optional.empty();
        }
        if (inflight == null) {
            return Optional.of(launch(op));
        }
        buffer = buffer == null ? op : buffer.compose(op);
        return Optional.empty();
    }

    /**
     * The server committed our in-flight edit as {@code newVersion}. Returns the buffer's submit, if any.
     *
     * @throws IllegalStateException when nothing with that seq is in flight: the server and client disagree
     */
    public Optional<Submit> acknowledge(long seq, long newVersion) {
        if (inflight == null || inflight.seq() != seq) {
            throw new IllegalStateException("ack for seq " + seq + " but "
                    + (inflight == null ? "nothing is in flight" : "seq " + inflight.seq() + " is in flight"));
        }
        confirmed.apply(inflight.op());
        version = newVersion;
        inflight = null;
        if (buffer == null) {
            return Optional.empty();
        }
        TextOp next = buffer;
        buffer = null;
        return Optional.of(launch(next));
    }

    /**
     * Puts {@code op} in flight under the next seq, cut to the size limit: what does not fit goes in front of the
     * buffer (empty when this is called but for a cut), keeping {@code text = confirmed ∘ inflight ∘ buffer}.
     */
    private Submit launch(TextOp op) {
        TextOp.Split cut = op.split(maxOpBytes);
        inflight = new Submit(++lastSeq, version, cut.head());
        if (!cut.tail().isNoop()) {
            buffer = buffer == null ? cut.tail() : cut.tail().compose(buffer);
        }
        return inflight;
    }

    /**
     * Another client's edit, committed as {@code newVersion} on the server's document at {@code newVersion - 1}.
     * Returns the op to apply to the local text (already applied to {@link #text()}).
     */
    public TextOp applyRemote(long newVersion, TextOp op) {
        if (newVersion != version + 1) {
            throw new IllegalStateException("remote op for version " + newVersion + " but this replica is at "
                    + version);
        }
        confirmed.apply(op);
        version = newVersion;
        TextOp remote = op;
        if (inflight != null) {
            TextOp pending = inflight.op().transform(remote, Side.LEFT);
            remote = remote.transform(inflight.op(), Side.RIGHT);
            // The op is now relative to newVersion: a resend must say so, or the server transforms it twice.
            inflight = new Submit(inflight.seq(), newVersion, pending);
        }
        if (buffer != null) {
            TextOp pending = buffer.transform(remote, Side.LEFT);
            remote = remote.transform(buffer, Side.RIGHT);
            buffer = pending;
        }
        text.apply(remote);
        return remote;
    }

    /**
     * The server sent the whole document (a fresh join, or history too old to resume from). Edits up to
     * {@code serverLastSeq} are in it already; the rest are rebased onto it through the difference between what this
     * replica last knew and the snapshot, so no local edit is lost or applied twice.
     */
    public Rebase resync(String snapshotText, long snapshotVersion, long serverLastSeq) {
        String base = confirmed.toString();
        TextOp pending = buffer;
        if (inflight != null && inflight.seq() > serverLastSeq) {
            pending = pending == null ? inflight.op() : inflight.op().compose(pending);
        } else if (inflight != null) {
            base = inflight.op().apply(base);
        }
        TextOp serverChange = Diff.between(base, snapshotText);
        TextOp rebased = pending == null ? TextOp.of() : pending.transform(serverChange, Side.LEFT);
        TextOp localChange = pending == null ? serverChange : serverChange.transform(pending, Side.RIGHT);
        text.apply(localChange);
        confirmed = new Rope(snapshotText);
        version = snapshotVersion;
        lastSeq = Math.max(lastSeq, serverLastSeq);
        inflight = null;
        buffer = null;
        if (rebased.isNoop()) {
            return new Rebase(localChange, Optional.empty());
        }
        return new Rebase(localChange, Optional.of(launch(rebased)));
    }

    /** A remote participant's selection in the server's document at {@link #version()}, mapped onto the local text. */
    public Selection toLocal(Selection serverSelection) {
        Selection s = serverSelection;
        if (inflight != null) {
            s = inflight.op().transform(s);
        }
        if (buffer != null) {
            s = buffer.transform(s);
        }
        return s;
    }
}
