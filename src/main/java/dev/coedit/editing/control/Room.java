package dev.coedit.editing.control;

import dev.coedit.editing.control.DocumentAuthority.Commit;
import dev.coedit.editing.control.DocumentAuthority.Committed;
import dev.coedit.editing.control.DocumentAuthority.Duplicate;
import dev.coedit.editing.control.DocumentAuthority.Rejected;
import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.editing.entity.ClientMessage.Caret;
import dev.coedit.editing.entity.ClientMessage.Hello;
import dev.coedit.editing.entity.ClientMessage.Submit;
import dev.coedit.editing.entity.ErrorCode;
import dev.coedit.editing.entity.Json;
import dev.coedit.editing.entity.Participant;
import dev.coedit.editing.entity.ServerMessage;
import dev.coedit.ot.Selection;
import dev.coedit.security.control.Security;
import dev.coedit.security.entity.AccessRules;
import dev.coedit.security.entity.Identity;
import dev.coedit.security.entity.Role;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One document and the people editing it. Every method runs on the room's serial executor ({@link #execute}), so the
 * edits of one document are applied in one order while different documents proceed in parallel. It keeps each
 * participant's selection at the current version, transformed through every commit, so a late joiner sees carets in
 * the right places. It also holds the document's {@link AccessRules}: each peer's role is looked up in them on every
 * submit, so a change by an owner applies at once.
 *
 * <p><b>Durability.</b> A room opens by loading its document from the {@link Journal}, as the first task on its
 * executor, so every message waits for it. Each commit is written to the journal, and nothing that depends on it
 * leaves the room before the write is durable: every message for a peer passes a gate tagged with the document's
 * version at that moment and goes out once the journal has stored that version. So the author's {@code ack}, the
 * others' {@code op}, a newcomer's snapshot and even a presence that follows an edit all wait for the edit to be
 * stored, in their original order. Should the journal fail, the room closes every connection (1013) and is dropped;
 * clients reconnect, the document is loaded again as stored, and what was not acknowledged is resent. A document whose
 * stored data is corrupt ({@link Journal.Corrupt}) is another matter: loading it again would fail again, so the room
 * refuses every connection with 1011 and a reason starting {@value #CORRUPT_REASON}, for good, and stays in memory
 * to do so without loading it again.
 */
public final class Room {

    /** Close code for a connection replaced by a newer one with the same client id (RFC 6455: policy violation). */
    static final int REPLACED = 1008;
    /** Close code for a connection whose user has no access to the document, or just lost it: policy violation. */
    static final int NO_ACCESS = 1008;

    /** Close code for connections of a document that cannot be loaded or stored now: try again later. */
    static final int UNAVAILABLE = 1013;
    /**
     * Close code for connections of a document whose stored data is corrupt: the server met a condition it cannot get
     * past (RFC 6455). Clients must not reconnect; the reason starts with {@link #CORRUPT_REASON}.
     */
    static final int CORRUPT = 1011;
    /** How the close reason for a corrupt document starts; the document and the version follow (docs/protocol.md). */
    public static final String CORRUPT_REASON = "corrupt document ";
    /** Most history entries one request gets. */
    static final int MAX_HISTORY = 200;

    private final String documentId;
    private final Journal journal;
    private final int window;
    private final Executor serial;
    private final Executor blocking;
    private final Runnable onChange;
    /**
     * Told once, with this room, when it cannot go on (its document failed to load or to be stored; see
     * {@link #failure()}): drop it, unless the failure is lasting. The room is passed in, not looked up: the load may
     * fail on another thread before the constructor has even returned.
     */
    private final Consumer<Room> onFailure;
    /** Null until the document is loaded; confined to {@link #serial}. */
    private DocumentAuthority authority;
    /** Why the room cannot serve anyone, or null; written on {@link #serial} only, read by eviction on any thread. */
    private volatile Failure failure;
    /** The newest version the journal has stored; confined to {@link #serial}. */
    private long durable;
    /** Messages held until the journal stores the version they were sent at, in order. */
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    /** Connections attached to this room and not yet closed: a room with none may be evicted. Any thread. */
    private final AtomicInteger attached = new AtomicInteger();
    private volatile long lastUsedNanos = System.nanoTime();

    private record Held(long version, Runnable send) {
    }
    /** Joined connections and who they are; confined to {@link #serial}. */
    private final Map<Peer, Participant> members = new LinkedHashMap<>();
    private final Map<String, Peer> byClient = new HashMap<>();
    /** Read by monitoring from other threads. */
    private volatile Stats stats;
    /** Written on {@link #serial} only; read by handshakes and the lobby on any thread. Empty until loaded. */
    private volatile AccessRules rules = new AccessRules(Map.of(), Optional.empty());

    /** What monitoring shows of a room. */
    public record Stats(String documentId, long version, int length, int participants) {
    }

    /**
     * Why a room serves nobody: every connection is closed with {@code closeCode} and {@code reason} (clipped to fit a
     * close frame). {@code lasting}: the stored document is corrupt, and the room stays to refuse it; otherwise it is
     * to be dropped and loaded again by the next connection.
     */
    public record Failure(int closeCode, String reason, boolean lasting) {
    }

    /**
     * @param onChange told after every change that monitoring shows (an edit, a join, a leave); must be cheap
     */
    public Room(String documentId, DocumentAuthority authority, AccessRules rules, Executor serial, Runnable onChange) {
        this.documentId = documentId;
        this.journal = Journal.NONE;
        this.window = Integer.MAX_VALUE;
        this.authority = authority;
        this.durable = authority.version();
        this.rules = rules;
        this.serial = serial;
        this.blocking = Runnable::run;
        this.onChange = onChange;
        this.onFailure = room -> { };
        this.stats = new Stats(documentId, authority.version(), authority.length(), 0);
    }

    /**
     * A room whose document is loaded from {@code journal} by the first task on {@code serial}, queued here: every
     * message handled later finds it loaded (or the room failed).
     *
     * @param creator     owns the document if the journal has none by this id
     * @param defaultRole everyone else's role in a new document
     * @param window      committed ops kept in memory
     * @param blocking    where history reads run, off the room's executor and the container's threads
     * @param onFailure   told once, with this room, if the document cannot be loaded or stored
     */
    public Room(String documentId, Journal journal, int window, String creator, Optional<Role> defaultRole,
            Executor serial, Executor blocking, Runnable onChange, Consumer<Room> onFailure) {
        this.documentId = documentId;
        this.journal = journal;
        this.window = window;
        this.serial = serial;
        this.blocking = blocking;
        this.onChange = onChange;
        this.onFailure = onFailure;
        this.stats = new Stats(documentId, 0, 0, 0);
        serial.execute(() -> load(creator, defaultRole));
    }

    private void load(String creator, Optional<Role> defaultRole) {
        try {
            Journal.Loaded d = journal.load(documentId);
            DocumentAuthority loaded = new DocumentAuthority(d.text(), d.version(), window);
            d.clients().forEach((client, seqAndVersion) -> loaded.remember(client, seqAndVersion[0],
                    seqAndVersion[1]));
            loaded.restoreHistory(d.recent());
            authority = loaded;
            durable = d.version();
            if (d.rules().isPresent()) {
                rules = d.rules().get();
            } else {
                rules = AccessRules.forNewDocument(creator, defaultRole);
                whenStored(journal.access(documentId, creator, Optional.of(Role.OWNER)));
                whenStored(journal.access(documentId, AccessRules.EVERYONE, defaultRole));
            }
            updateStats();
        } catch (Journal.Corrupt e) {
            String prefix = "document " + documentId + ": ";
            String detail = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length())
                    : e.getMessage();
            fail(new Failure(CORRUPT, CORRUPT_REASON + documentId + ": " + detail, true));
        } catch (RuntimeException e) {
            fail(new Failure(UNAVAILABLE, "cannot load document " + documentId + ": " + e.getMessage(), false));
        }
    }

    /**
     * Whether this room may be dropped from memory: nobody attached and unused for {@code idle}. Writes may still be
     * in flight: the journal's load waits for them, so the document comes back with them. A room that refuses a
     * corrupt document stays: dropped, it would be loaded, fail and be reported again on the next connection.
     */
    public boolean evictable(long nowNanos, Duration idle) {
        Failure f = failure;
        return (f == null || !f.lasting()) && attached.get() == 0 && nowNanos - lastUsedNanos >= idle.toNanos();
    }

    /** Why this room serves nobody, or empty while it serves. Any thread. */
    public Optional<Failure> failure() {
        return Optional.ofNullable(failure);
    }

    /** A connection will use this room; call while the registry holds the room in place. */
    public void attach() {
        attached.incrementAndGet();
        lastUsedNanos = System.nanoTime();
    }

    /** A connection of this room ended. */
    public void detach() {
        attached.decrementAndGet();
        lastUsedNanos = System.nanoTime();
    }

    /**
     * A new connection, right after its handshake: refused (closed) when its user has no access, or when the
     * document is unavailable. Runs on the executor, so after the load.
     */
    public void admit(Peer peer) {
        Failure f = failure;
        if (f != null) {
            peer.close(f.closeCode(), f.reason());
        } else if (roleOf(peer.identity()).isEmpty()) {
            String why = "user " + peer.identity().user() + " has no access to document " + documentId;
            refused(peer, "no access", NO_ACCESS + " " + why);
            peer.close(NO_ACCESS, why);
        }
    }

    public String documentId() {
        return documentId;
    }

    public Stats stats() {
        return stats;
    }

    /** What {@code who} may do here now, or empty when they have no access. Any thread. */
    public Optional<Role> roleOf(Identity who) {
        return rules.roleOf(who.user());
    }

    public AccessRules rules() {
        return rules;
    }

    /** Runs work on this room's serial executor. */
    public void execute(Runnable work) {
        serial.execute(work);
    }

    /** Handles a message whose fields are already checked ({@link ClientMessage#problem()} is null). */
    public void handle(Peer peer, ClientMessage message) {
        Failure f = failure;
        if (f != null) {
            peer.close(f.closeCode(), f.reason());
            return;
        }
        if (message instanceof Hello hello) {
            join(peer, hello);
        } else if (message instanceof Submit submit) {
            submit(peer, submit);
        } else if (message instanceof Caret caret) {
            caret(peer, caret);
        } else if (message instanceof ClientMessage.Access access) {
            access(peer, access);
        } else if (message instanceof ClientMessage.History history) {
            history(peer, history);
        } else if (message instanceof ClientMessage.Fetch fetch) {
            fetch(peer, fetch);
        } else {
            throw new IllegalStateException("unhandled message " + message.getClass());
        }
        updateStats();
    }

    /** The peer's connection ended; its presence goes at once. */
    public void leave(Peer peer) {
        if (authority == null) {
            return;
        }
        Participant gone = members.remove(peer);
        if (gone != null && byClient.get(gone.clientId()) == peer) {
            byClient.remove(gone.clientId());
            broadcast(new ServerMessage.Left(gone.clientId()), null);
        }
        updateStats();
    }

    private void join(Peer peer, Hello hello) {
        String clientId = hello.clientId();
        Optional<Role> role = roleOf(peer.identity());
        if (role.isEmpty()) { // logged already: refused by admit, or its access withdrawn since
            close(peer, NO_ACCESS, "user " + peer.identity().user() + " has no access to document " + documentId);
            return;
        }
        Participant previous = members.get(peer);
        if (previous != null && !previous.clientId().equals(clientId)) {
            error(peer, ErrorCode.NOT_JOINED, "this connection joined as " + previous.clientId()
                    + "; it cannot hello again as " + clientId, hello.ref(), null);
            return;
        }
        Peer older = byClient.get(clientId);
        if (older != null && older != peer) {
            Participant old = members.remove(older);
            close(older, REPLACED, "replaced by a newer connection of client " + clientId);
            if (previous == null && old != null) {
                previous = old;
            }
        }
        Selection selection = previous == null ? null : previous.selection();
        Identity who = peer.identity();
        Participant me = new Participant(clientId, who.user(),
                who.name() != null ? who.name() : displayName(hello.name(), clientId),
                hello.color() == null ? "#3b82f6" : hello.color(), selection);
        members.put(peer, me);
        byClient.put(clientId, peer);

        long lastSeq = authority.lastSeq(clientId);
        Optional<List<Commit>> missed = hello.lastVersion() == null ? Optional.empty()
                : authority.since(hello.lastVersion());
        if (missed.isPresent()) {
            for (Commit c : missed.get()) {
                send(peer, Json.write(c.clientId().equals(clientId)
                        ? new ServerMessage.Ack(c.seq(), c.version())
                        : new ServerMessage.RemoteOp(c.version(), c.op(), c.clientId())));
            }
            send(peer, Json.write(new ServerMessage.Resumed(documentId, authority.version(), lastSeq, others(peer),
                    role.get().wire(), rulesFor(role.get()))));
        } else {
            send(peer, Json.write(new ServerMessage.Snapshot(documentId, authority.version(), authority.text(),
                    lastSeq, others(peer), role.get().wire(), rulesFor(role.get()))));
        }
        if (previous == null) {
            broadcast(new ServerMessage.Joined(me), peer);
        }
    }

    private void submit(Peer peer, Submit submit) {
        Participant me = members.get(peer);
        if (me == null || !me.clientId().equals(submit.clientId())) {
            error(peer, ErrorCode.NOT_JOINED, me == null ? "send hello before submit"
                    : "this connection joined as " + me.clientId() + ", not " + submit.clientId(),
                    submit.ref(), submit.seq());
            return;
        }
        Optional<Role> role = roleOf(peer.identity());
        if (role.isEmpty() || !role.get().mayEdit()) {
            String why = "user " + peer.identity().user() + " is a viewer of document " + documentId
                    + ": submits are refused";
            refused(peer, "submit", ErrorCode.READ_ONLY.wire() + " " + why);
            error(peer, ErrorCode.READ_ONLY, why, submit.ref(), submit.seq());
            return;
        }
        DocumentAuthority.Outcome outcome =
                authority.submit(submit.clientId(), submit.seq(), submit.baseVersion(), submit.op());
        if (outcome instanceof Committed committed) {
            Commit c = committed.commit();
            moveSelections(c);
            whenStored(journal.commit(documentId, c, me.name()));
            send(peer, Json.write(new ServerMessage.Ack(c.seq(), c.version())));
            broadcast(new ServerMessage.RemoteOp(c.version(), c.op(), c.clientId()), peer);
        } else if (outcome instanceof Duplicate duplicate) {
            send(peer, Json.write(new ServerMessage.Ack(duplicate.seq(), duplicate.version())));
        } else if (outcome instanceof Rejected rejected) {
            ErrorCode code = switch (rejected.reason()) {
                case INVALID_OP -> ErrorCode.INVALID_OP;
                case STALE_BASE -> ErrorCode.STALE_BASE;
                case FUTURE_BASE -> ErrorCode.FUTURE_BASE;
                case STALE_SEQ -> ErrorCode.STALE_SEQ;
            };
            error(peer, code, rejected.message(), submit.ref(), submit.seq());
        }
    }

    private void caret(Peer peer, Caret caret) {
        Participant me = members.get(peer);
        if (me == null) {
            error(peer, ErrorCode.NOT_JOINED, "send hello before caret", caret.ref(), null);
            return;
        }
        Selection selection = null;
        if (caret.anchor() != null) {
            if (caret.version() > authority.version()) {
                error(peer, ErrorCode.FUTURE_BASE, "caret version " + caret.version()
                        + " is newer than the document, which is at version " + authority.version(), caret.ref(),
                        null);
                return;
            }
            Optional<List<Commit>> since = authority.since(caret.version());
            if (since.isEmpty()) {
                error(peer, ErrorCode.STALE_BASE, "caret version " + caret.version()
                        + " is older than the history kept (versions " + authority.oldestBase() + " to "
                        + authority.version() + ")", caret.ref(), null);
                return;
            }
            selection = new Selection(caret.anchor(), caret.head());
            int lengthThen = authority.length();
            for (Commit c : since.get()) {
                selection = c.op().transform(selection);
            }
            int max = Math.max(selection.anchor(), selection.head());
            if (since.get().isEmpty() && max > lengthThen) {
                error(peer, ErrorCode.BAD_MESSAGE, "caret at " + max + " is past the end of the document of "
                        + lengthThen, caret.ref(), null);
                return;
            }
            selection = clamp(selection, authority.length());
        }
        Participant moved = me.withSelection(selection);
        members.put(peer, moved);
        broadcast(new ServerMessage.Presence(me.clientId(), authority.version(), selection), peer);
    }

    /** An owner changes who may do what; every connection whose role changes is told, or closed if it lost access. */
    private void access(Peer peer, ClientMessage.Access access) {
        Identity who = peer.identity();
        if (members.get(peer) == null) {
            error(peer, ErrorCode.NOT_JOINED, "send hello before access", access.ref(), null);
            return;
        }
        if (!roleOf(who).map(Role::mayManage).orElse(false)) {
            String why = "only an owner of document " + documentId + " may change access";
            refused(peer, "access change", ErrorCode.FORBIDDEN.wire() + " " + why);
            error(peer, ErrorCode.FORBIDDEN, why, access.ref(), null);
            return;
        }
        AccessRules changed = rules.with(access.user(), Role.fromWire(access.role()));
        if (changed.owners() == 0) {
            String why = "document " + documentId + " must keep at least one owner";
            refused(peer, "access change", ErrorCode.FORBIDDEN.wire() + " " + why);
            error(peer, ErrorCode.FORBIDDEN, why, access.ref(), null);
            return;
        }
        AccessRules before = rules;
        rules = changed;
        whenStored(journal.access(documentId, access.user(), Role.fromWire(access.role())));
        for (Map.Entry<Peer, Participant> e : new ArrayList<>(members.entrySet())) {
            Peer p = e.getKey();
            Optional<Role> was = before.roleOf(p.identity().user());
            Optional<Role> now = changed.roleOf(p.identity().user());
            if (now.isEmpty()) {
                String why = "access to document " + documentId + " was withdrawn";
                Security.LOG.info(() -> "closing " + p.connectionId() + " of " + p.identity() + " in docs/"
                        + documentId + " (access withdrawn by " + who.user() + "): " + NO_ACCESS + " " + why);
                close(p, NO_ACCESS, why);
            } else if (!now.equals(was)) {
                send(p, Json.write(new ServerMessage.RoleChanged(now.get().wire())));
            }
            if (now.map(Role::mayManage).orElse(false)) {
                send(p, Json.write(new ServerMessage.Access(documentId, changed.toWire())));
            }
        }
    }

    /** Sends the history of the document, newest first, read from the journal off this executor. */
    private void history(Peer peer, ClientMessage.History request) {
        long before = request.before() == null ? durable + 1 : Math.min(request.before(), durable + 1);
        int limit = request.limit() == null ? 50 : Math.min(request.limit(), MAX_HISTORY);
        blocking.execute(() -> {
            try {
                List<Journal.Entry> entries = journal.history(documentId, before, limit);
                peer.send(Json.write(new ServerMessage.History(documentId, entries.stream()
                        .map(e -> new ServerMessage.Version(e.version(), e.time().toString(), e.clientId(),
                                e.author(), e.inserted(), e.deleted())).toList(), request.ref())));
            } catch (RuntimeException e) {
                peer.send(Json.write(ServerMessage.Error.of(ErrorCode.UNAVAILABLE, "history of document "
                        + documentId + " is unavailable: " + e.getMessage(), request.ref(), null)));
            }
        });
    }

    /** Sends the text of the document at one stored version. */
    private void fetch(Peer peer, ClientMessage.Fetch request) {
        long version = request.version();
        if (version > durable) {
            error(peer, ErrorCode.BAD_MESSAGE, "version " + version + " of document " + documentId
                    + " does not exist yet (the newest stored is " + durable + ")", request.ref(), null);
            return;
        }
        blocking.execute(() -> {
            try {
                peer.send(Json.write(new ServerMessage.VersionText(documentId, version,
                        journal.textAt(documentId, version), request.ref())));
            } catch (RuntimeException e) {
                peer.send(Json.write(ServerMessage.Error.of(ErrorCode.UNAVAILABLE, "version " + version
                        + " of document " + documentId + " is unavailable: " + e.getMessage(), request.ref(), null)));
            }
        });
    }

    /** Sends once the journal has stored the document as it is now; at once when it has. */
    private void send(Peer peer, String json) {
        gate(() -> peer.send(json));
    }

    /** Closes in order with what was sent before it. */
    private void close(Peer peer, int code, String reason) {
        gate(() -> peer.close(code, reason));
    }

    private void gate(Runnable out) {
        long version = authority.version();
        if (held.isEmpty() && version <= durable) {
            out.run();
        } else {
            held.addLast(new Held(version, out));
        }
    }

    /** Follows a journal write: when it is stored, what waited for it goes out; when it failed, the room does. */
    private void whenStored(CompletableFuture<Void> write, long version) {
        write.whenComplete((ok, error) -> execute(() -> {
            if (error != null) {
                fail(new Failure(UNAVAILABLE, "cannot store document " + documentId + ": " + rootMessage(error),
                        false));
            } else if (failure == null) {
                stored(version);
            }
        }));
    }

    private void whenStored(CompletableFuture<Void> write) {
        whenStored(write, authority.version());
    }

    private void stored(long version) {
        durable = Math.max(durable, version);
        while (!held.isEmpty() && held.peekFirst().version() <= durable) {
            held.removeFirst().send().run();
        }
    }

    /** The document cannot be served any more: every connection is closed, and the registry told once. */
    private void fail(Failure why) {
        if (failure != null) {
            return;
        }
        failure = why;
        held.clear(); // none of it was stored; the clients resend after they reconnect
        for (Peer p : new ArrayList<>(members.keySet())) {
            p.close(why.closeCode(), why.reason());
        }
        members.clear();
        byClient.clear();
        onFailure.accept(this);
    }

    private static String rootMessage(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The access rules, for an owner; nothing for others. */
    private Map<String, String> rulesFor(Role role) {
        return role.mayManage() ? rules.toWire() : null;
    }

    private void moveSelections(Commit c) {
        for (Map.Entry<Peer, Participant> e : members.entrySet()) {
            Selection s = e.getValue().selection();
            if (s != null) {
                e.setValue(e.getValue().withSelection(c.op().transform(s)));
            }
        }
    }

    /** Encodes once and queues the same text for every member but {@code except}. */
    private void broadcast(ServerMessage message, Peer except) {
        if (members.isEmpty() || (members.size() == 1 && members.containsKey(except))) {
            return;
        }
        String json = Json.write(message);
        for (Peer p : members.keySet()) {
            if (p != except) {
                send(p, json);
            }
        }
    }

    private List<Participant> others(Peer peer) {
        List<Participant> list = new ArrayList<>(members.size());
        for (Map.Entry<Peer, Participant> e : members.entrySet()) {
            if (e.getKey() != peer) {
                list.add(e.getValue());
            }
        }
        return list;
    }

    /**
     * One line on the security log for what a peer may not do: which connection and user, what was refused, and
     * why. Ids and roles only: never the op, the text or anything else the message carried.
     */
    private void refused(Peer peer, String what, String why) {
        Security.LOG.info(() -> "refused " + peer.connectionId() + " of " + peer.identity() + " in docs/" + documentId
                + " (" + what + "): " + why);
    }

    private void error(Peer peer, ErrorCode code, String message, String ref, Long seq) {
        send(peer, Json.write(ServerMessage.Error.of(code, message, ref, seq)));
    }

    private void updateStats() {
        stats = new Stats(documentId, authority.version(), authority.length(), byClient.size());
        onChange.run();
    }

    private static Selection clamp(Selection s, int length) {
        return new Selection(Math.min(s.anchor(), length), Math.min(s.head(), length));
    }

    private static String displayName(String name, String clientId) {
        return name == null || name.isBlank() ? "Guest " + clientId.substring(0, Math.min(4, clientId.length()))
                : name.strip();
    }
}
