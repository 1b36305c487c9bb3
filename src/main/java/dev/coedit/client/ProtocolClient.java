package dev.coedit.client;

import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.editing.entity.Participant;
import dev.coedit.editing.entity.ServerMessage;
import dev.coedit.ot.OtClient;
import dev.coedit.ot.TextOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client side of the protocol without a transport: it turns server messages and local edits into the messages to
 * send, following docs/protocol.md section 7. {@link CoeditClient} puts it on a WebSocket; the network-simulation
 * tests put it on queues. Not thread-safe: its owner serializes calls.
 */
public final class ProtocolClient {

    /** What the owner is told. */
    public interface Events {
        /** The local text changed by {@code change} (others' edits, or a resync). */
        default void remoteChange(TextOp change) {
        }

        default void presence(Participant participant) {
        }

        default void left(String clientId) {
        }

        default void error(String code, String message) {
        }

        /** A snapshot or resume completed: the replica is live. */
        default void synced() {
        }

        /** What this client may do changed: {@code viewer}, {@code editor} or {@code owner}. */
        default void role(String role) {
        }

        /** The document's access rules (owners only): user, or {@code *}, to role. */
        default void access(Map<String, String> rules) {
        }
    }

    private final String clientId;
    private final String name;
    private final String color;
    private final Events events;
    private final Map<String, Participant> participants = new LinkedHashMap<>();
    private OtClient replica;
    private String role;
    /** Seq of the submit last sent on the current connection, or 0: a resume resends only what it did not send. */
    private long sentOnThisConnection;
    private long highestAcked;
    private boolean connected;
    /**
     * A hello is on its way and its snapshot or resume has not arrived: submits wait, so that none is on the wire
     * when a snapshot rebases the pending edits under a new seq (its first copy would be applied too).
     */
    private boolean awaitingAnswer;

    public ProtocolClient(String clientId, String name, String color, Events events) {
        this.clientId = clientId;
        this.name = name;
        this.color = color;
        this.events = events;
    }

    public String clientId() {
        return clientId;
    }

    /** The replica, once the first snapshot arrived. */
    public Optional<OtClient> replica() {
        return Optional.ofNullable(replica);
    }

    public Map<String, Participant> participants() {
        return participants;
    }

    /** A connection opened: the hello to send first, resuming from the last version seen if any. */
    public ClientMessage.Hello connected() {
        connected = true;
        awaitingAnswer = true;
        sentOnThisConnection = 0;
        // Batches: several messages in one frame when this client falls behind (docs/protocol.md).
        return new ClientMessage.Hello(clientId, name, color, replica == null ? null : replica.version(), null,
                Boolean.TRUE);
    }

    /** The connection is gone; edits go on locally and are sent after the next {@link #connected()}. */
    public void disconnected() {
        connected = false;
        participants.clear();
    }

    /** A local edit on the local text: the submit to send now, if any. */
    public List<ClientMessage> edit(TextOp op) {
        if (replica == null) {
            throw new IllegalStateException("no document yet: wait for the snapshot");
        }
        List<ClientMessage> out = new ArrayList<>(1);
        replica.applyLocal(op).ifPresent(s -> submit(s, out));
        return out;
    }

    /** The caret message to send, or empty when edits are in flight (positions would not match the server's). */
    public Optional<ClientMessage> caret(int anchor, int head) {
        if (replica == null || !connected || replica.unacknowledged() > 0) {
            return Optional.empty();
        }
        return Optional.of(new ClientMessage.Caret(replica.version(), anchor, head, null));
    }

    /** A message from the server: returns the messages to send in answer, in order. */
    public List<ClientMessage> receive(ServerMessage message) {
        List<ClientMessage> out = new ArrayList<>(1);
        if (message instanceof ServerMessage.Snapshot snapshot) {
            awaitingAnswer = false;
            if (replica == null) {
                replica = new OtClient(snapshot.text(), snapshot.version(), snapshot.lastSeq());
            } else {
                OtClient.Rebase rebase = replica.resync(snapshot.text(), snapshot.version(), snapshot.lastSeq());
                if (!rebase.localChange().isNoop()) {
                    events.remoteChange(rebase.localChange());
                }
                rebase.resend().ifPresent(s -> submit(s, out));
            }
            highestAcked = Math.max(highestAcked, snapshot.lastSeq());
            role(snapshot.role());
            if (snapshot.access() != null) {
                events.access(snapshot.access());
            }
            present(snapshot.participants());
        } else if (message instanceof ServerMessage.Resumed resumed) {
            awaitingAnswer = false;
            replica.inflight().filter(s -> s.seq() != sentOnThisConnection).ifPresent(s -> submit(s, out));
            role(resumed.role());
            if (resumed.access() != null) {
                events.access(resumed.access());
            }
            present(resumed.participants());
        } else if (message instanceof ServerMessage.Ack ack) {
            Optional<OtClient.Submit> inflight = replica.inflight();
            if (inflight.isPresent() && inflight.get().seq() == ack.seq()) {
                highestAcked = ack.seq();
                replica.acknowledge(ack.seq(), ack.version()).ifPresent(s -> submit(s, out));
            } else if (ack.seq() > highestAcked) {
                throw new IllegalStateException(clientId + ": ack for seq " + ack.seq() + " that was never sent");
            } // else the second ack of a resent submit: already applied
        } else if (message instanceof ServerMessage.RemoteOp op) {
            events.remoteChange(replica.applyRemote(op.version(), op.op()));
        } else if (message instanceof ServerMessage.Presence p) {
            Participant who = participants.get(p.clientId());
            if (who != null) {
                Participant moved = who.withSelection(p.selection() == null ? null : replica.toLocal(p.selection()));
                participants.put(p.clientId(), moved);
                events.presence(moved);
            }
        } else if (message instanceof ServerMessage.Joined j) {
            participants.put(j.participant().clientId(), j.participant());
            events.presence(j.participant());
        } else if (message instanceof ServerMessage.Left l) {
            participants.remove(l.clientId());
            events.left(l.clientId());
        } else if (message instanceof ServerMessage.RoleChanged r) {
            role(r.role());
        } else if (message instanceof ServerMessage.Access a) {
            events.access(a.rules());
        } else if (message instanceof ServerMessage.Error e) {
            events.error(e.code(), e.message());
            if (e.seq() != null && replica != null && (e.code().equals("stale_base") || e.code().equals("future_base"))) {
                // The submit was refused and cannot be transformed here: ask for a snapshot and rebase onto it.
                // Not a resume: ops already on their way would arrive twice.
                awaitingAnswer = true;
                out.add(new ClientMessage.Hello(clientId, name, color, null, null, Boolean.TRUE));
            }
        }
        return out;
    }

    /** What the server lets this client do: {@code viewer}, {@code editor}, {@code owner}; null before joining. */
    public String role() {
        return role;
    }

    private void role(String newRole) {
        if (newRole != null && !newRole.equals(role)) {
            role = newRole;
            events.role(newRole);
        }
    }

    private void submit(OtClient.Submit s, List<ClientMessage> out) {
        if (!connected || awaitingAnswer) {
            return; // stays in flight; sent when the hello is answered
        }
        sentOnThisConnection = s.seq();
        out.add(new ClientMessage.Submit(clientId, s.seq(), s.baseVersion(), s.op(), null));
    }

    private void present(List<Participant> present) {
        participants.clear();
        for (Participant p : present) {
            participants.put(p.clientId(), p.selection() == null ? p : p.withSelection(replica.toLocal(p.selection())));
        }
        events.synced();
    }
}
