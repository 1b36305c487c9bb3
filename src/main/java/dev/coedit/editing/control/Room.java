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
import dev.coedit.security.entity.AccessRules;
import dev.coedit.security.entity.Identity;
import dev.coedit.security.entity.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * One document and the people editing it. Every method runs on the room's serial executor ({@link #execute}), so the
 * edits of one document are applied in one order while different documents proceed in parallel. It keeps each
 * participant's selection at the current version, transformed through every commit, so a late joiner sees carets in
 * the right places. It also holds the document's {@link AccessRules}: each peer's role is looked up in them on every
 * submit, so a change by an owner applies at once.
 */
public final class Room {

    /** Close code for a connection replaced by a newer one with the same client id (RFC 6455: policy violation). */
    static final int REPLACED = 1008;

    private final String documentId;
    private final DocumentAuthority authority;
    private final Executor serial;
    private final Runnable onChange;
    /** Told the new rules after an owner changed them, to store them. */
    private java.util.function.Consumer<AccessRules> accessChanged = rules -> { };
    /** Joined connections and who they are; confined to {@link #serial}. */
    private final Map<Peer, Participant> members = new LinkedHashMap<>();
    private final Map<String, Peer> byClient = new HashMap<>();
    /** Read by monitoring from other threads. */
    private volatile Stats stats;
    /** Written on {@link #serial} only; read by handshakes on any thread. */
    private volatile AccessRules rules;

    /** What monitoring shows of a room. */
    public record Stats(String documentId, long version, int length, int participants) {
    }

    /**
     * @param onChange told after every change that monitoring shows (an edit, a join, a leave); must be cheap
     */
    public Room(String documentId, DocumentAuthority authority, AccessRules rules, Executor serial, Runnable onChange) {
        this.documentId = documentId;
        this.authority = authority;
        this.rules = rules;
        this.serial = serial;
        this.onChange = onChange;
        this.stats = new Stats(documentId, authority.version(), authority.length(), 0);
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

    /** Where changed access rules go to be stored; set before the room is used. */
    public void onAccessChanged(java.util.function.Consumer<AccessRules> store) {
        this.accessChanged = store;
    }

    /** Runs work on this room's serial executor. */
    public void execute(Runnable work) {
        serial.execute(work);
    }

    /** Handles a message whose fields are already checked ({@link ClientMessage#problem()} is null). */
    public void handle(Peer peer, ClientMessage message) {
        if (message instanceof Hello hello) {
            join(peer, hello);
        } else if (message instanceof Submit submit) {
            submit(peer, submit);
        } else if (message instanceof Caret caret) {
            caret(peer, caret);
        } else if (message instanceof ClientMessage.Access access) {
            access(peer, access);
        } else {
            throw new IllegalStateException("unhandled message " + message.getClass());
        }
        updateStats();
    }

    /** The peer's connection ended; its presence goes at once. */
    public void leave(Peer peer) {
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
        if (role.isEmpty()) {
            peer.close(REPLACED, "user " + peer.identity().user() + " has no access to document " + documentId);
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
            older.close(REPLACED, "replaced by a newer connection of client " + clientId);
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
                peer.send(Json.write(c.clientId().equals(clientId)
                        ? new ServerMessage.Ack(c.seq(), c.version())
                        : new ServerMessage.RemoteOp(c.version(), c.op(), c.clientId())));
            }
            peer.send(Json.write(new ServerMessage.Resumed(documentId, authority.version(), lastSeq, others(peer),
                    role.get().wire(), rulesFor(role.get()))));
        } else {
            peer.send(Json.write(new ServerMessage.Snapshot(documentId, authority.version(), authority.text(),
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
            error(peer, ErrorCode.READ_ONLY, "user " + peer.identity().user() + " is a viewer of document "
                    + documentId + ": submits are refused", submit.ref(), submit.seq());
            return;
        }
        DocumentAuthority.Outcome outcome =
                authority.submit(submit.clientId(), submit.seq(), submit.baseVersion(), submit.op());
        if (outcome instanceof Committed committed) {
            Commit c = committed.commit();
            moveSelections(c);
            peer.send(Json.write(new ServerMessage.Ack(c.seq(), c.version())));
            broadcast(new ServerMessage.RemoteOp(c.version(), c.op(), c.clientId()), peer);
        } else if (outcome instanceof Duplicate duplicate) {
            peer.send(Json.write(new ServerMessage.Ack(duplicate.seq(), duplicate.version())));
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
            error(peer, ErrorCode.FORBIDDEN, "only an owner of document " + documentId + " may change access",
                    access.ref(), null);
            return;
        }
        AccessRules changed = rules.with(access.user(), Role.fromWire(access.role()));
        if (changed.owners() == 0) {
            error(peer, ErrorCode.FORBIDDEN, "document " + documentId + " must keep at least one owner", access.ref(),
                    null);
            return;
        }
        AccessRules before = rules;
        rules = changed;
        accessChanged.accept(changed);
        for (Map.Entry<Peer, Participant> e : new ArrayList<>(members.entrySet())) {
            Peer p = e.getKey();
            Optional<Role> was = before.roleOf(p.identity().user());
            Optional<Role> now = changed.roleOf(p.identity().user());
            if (now.isEmpty()) {
                p.close(REPLACED, "access to document " + documentId + " was withdrawn");
            } else if (!now.equals(was)) {
                p.send(Json.write(new ServerMessage.RoleChanged(now.get().wire())));
            }
            if (now.map(Role::mayManage).orElse(false)) {
                p.send(Json.write(new ServerMessage.Access(documentId, changed.toWire())));
            }
        }
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
                p.send(json);
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

    private void error(Peer peer, ErrorCode code, String message, String ref, Long seq) {
        peer.send(Json.write(ServerMessage.Error.of(code, message, ref, seq)));
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
