package dev.coedit.editing.control;

import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.editing.entity.ErrorCode;
import dev.coedit.editing.entity.Json;
import dev.coedit.editing.entity.ServerMessage;
import dev.coedit.security.control.Security;
import dev.coedit.security.entity.Identity;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One WebSocket connection to a document: its outbox, its rate limit and its counters. The endpoint hands it every
 * callback; it checks what it can on the container's thread and passes the rest to the room.
 */
public final class Connection implements Peer {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    /** Security events: limit violations and the closes they cause. Never document contents. */
    private static final Logger SECURITY = Logger.getLogger("dev.coedit.security");
    /** How long a flooding client has to read its rate_limited error before the close. */
    static final Duration RATE_LIMIT_GRACE = Duration.ofMillis(500);

    private final Session session;
    private final Room room;
    private final SessionRegistry registry;
    private final Security.Admission admission;
    private final Outbox outbox;
    private final RateLimiter limiter;
    private final Instant connectedAt = Instant.now();
    private final AtomicLong messagesIn = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Set at the first message past a rate limit: what follows is dropped until the close (docs/protocol.md). */
    private volatile boolean rateLimited;
    private final AtomicBoolean gone = new AtomicBoolean();
    /** Last message from the client, for monitoring. */
    private volatile long lastActivityMillis = System.currentTimeMillis();
    /** Last frame of any kind from the client, pongs included: the liveness the heartbeat checks. */
    private volatile long lastHeardMillis = System.currentTimeMillis();
    /**
     * Last pong: a pong answers a ping queued behind everything sent before it, so it proves the client has read up
     * to there. It is the read progress the heartbeat checks, wherever the bytes wait (see {@link #keepAlive}).
     */
    private volatile long lastPongMillis = System.currentTimeMillis();
    private volatile String clientId;
    private volatile String name;

    /** What monitoring shows of a connection. */
    public record Info(String connectionId, String documentId, String user, String clientId, String name,
                       Instant connectedAt, Instant lastActivity, long messagesIn, long messagesOut) {
    }

    Connection(Session session, Room room, SessionRegistry registry, Security.Admission admission) {
        this.session = session;
        this.room = room;
        this.registry = registry;
        this.admission = admission;
        this.limiter = new RateLimiter(registry.config().ratePerSecond(), registry.config().rateBurst(),
                System.nanoTime());
        this.outbox = new Outbox(
                (text, done) -> session.getAsyncRemote().sendText(text, result -> done.accept(result.getException())),
                registry.config().outboxMaxBytes(),
                this::tooSlow,
                failure -> close(CloseReason.CloseCodes.UNEXPECTED_CONDITION.getCode(), "send failed"));
    }

    private void tooSlow() {
        String why = "too slow: more than " + registry.config().outboxMaxBytes() + " characters waited to be sent";
        SECURITY.info(() -> "connection " + connectionId() + " to " + documentId() + " (user " + identity().user() + ", client " + clientId + ") is "
                + why + ": closing 1013");
        close(CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode(), why);
    }

    @Override
    public Identity identity() {
        return admission.identity();
    }

    @Override
    public String connectionId() {
        return session.getId();
    }

    public String documentId() {
        return room.documentId();
    }

    /**
     * Checks a raw text message against the size limit, in UTF-8 bytes as on the wire. Past it the connection is
     * closed with 1009 and the message is dropped; the container may have let it through (WildFly does).
     */
    public boolean admitSize(String text) {
        int limit = registry.config().maxMessageBytes();
        // A char is at most 3 UTF-8 bytes (a surrogate pair is 4 for 2 chars): short texts need no count.
        if ((long) text.length() * 3 <= limit) {
            return true;
        }
        long bytes = utf8Length(text);
        if (bytes <= limit) {
            return true;
        }
        messagesIn.incrementAndGet();
        SECURITY.info(() -> "connection " + connectionId() + " to " + documentId() + " sent " + bytes
                + " bytes, over the limit of " + limit + ": closed 1009");
        close(CloseReason.CloseCodes.TOO_BIG.getCode(), "message of " + bytes + " bytes; the limit is " + limit);
        return false;
    }

    private static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** A decoded message from the client. Runs on the container's thread; blocking work goes to the room. */
    public void receive(ClientMessage message) {
        if (!admit()) {
            return;
        }
        String problem = message.problem();
        if (problem != null) {
            Long seq = message instanceof ClientMessage.Submit s ? s.seq() : null;
            send(Json.write(ServerMessage.Error.of(ErrorCode.BAD_MESSAGE, problem, clip(message.ref()), seq)));
            return;
        }
        if (message instanceof ClientMessage.Hello hello) {
            clientId = hello.clientId();
            name = hello.name();
            if (Boolean.TRUE.equals(hello.batch())) {
                outbox.allowBatching();
            }
        }
        room.execute(() -> room.handle(this, message));
    }

    /** A message that could not be decoded; the connection stays. */
    public void receiveMalformed(Json.MalformedMessage problem) {
        if (admit()) {
            send(Json.write(ServerMessage.Error.of(problem.code(), problem.getMessage(), problem.ref(), problem.seq())));
        }
    }

    /** A pong arrived: the peer is alive, and has read everything sent before the ping it answers. */
    public void heard() {
        long now = System.currentTimeMillis();
        lastHeardMillis = now;
        lastPongMillis = now;
    }

    /** The connection is gone, however it ended. Runs its effects once. */
    public void closed() {
        if (!gone.compareAndSet(false, true)) {
            return;
        }
        outbox.close();
        admission.release();
        registry.forget(this);
        room.execute(() -> room.leave(this));
        room.detach();
    }

    @Override
    public boolean send(String json) {
        return outbox.offer(json);
    }

    /** Ends the connection after what is queued is sent (a last error message reaches the client first). */
    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            closeAfterQueued(code, reason);
        }
    }

    private void closeAfterQueued(int code, String reason) {
        outbox.finish(() -> registry.runOffContainerThread(() -> closeSession(code, reason)));
    }

    private void closeSession(int code, String reason) {
        try {
            session.close(CloseReasons.of(code, reason));
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "closing " + connectionId() + " failed; it is gone already", e);
        }
    }

    /**
     * The heartbeat: pings a live peer, and closes one that has sent no frame, not even a pong, for longer than
     * {@code idleMillis} (1001). The container's own idle timer cannot tell: sending a ping restarts it. A peer that
     * still sends but has answered no ping for as long is not reading (1013): the outbox bound cannot see it where the
     * container reports a send done once the bytes are in its own buffers (Payara, WildFly), which would then grow
     * without end. Either way nothing more can reach the peer, so its queue is dropped, the close is not queued behind
     * it, and it leaves the document at once.
     */
    void keepAlive(long nowMillis, long idleMillis) {
        if (closing.get() || gone.get()) {
            return;
        }
        long silent = nowMillis - lastHeardMillis;
        long unread = nowMillis - lastPongMillis;
        if (silent > idleMillis || unread > idleMillis) {
            closing.set(true);
            outbox.close();
            int code;
            String reason;
            if (silent > idleMillis) {
                code = CloseReason.CloseCodes.GOING_AWAY.getCode();
                reason = "idle: no frame from the client for " + silent + " ms (the limit is " + idleMillis + " ms)";
            } else {
                code = CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode();
                reason = "too slow: no pong for " + unread + " ms, so it is not reading what is sent (the limit is "
                        + idleMillis + " ms)";
                SECURITY.info(() -> "connection " + connectionId() + " to " + documentId() + " (client " + clientId
                        + ") " + reason + ": closing 1013");
            }
            registry.runOffContainerThread(() -> closeSession(code, reason));
            closed();
            return;
        }
        try {
            session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
        } catch (IOException | IllegalStateException e) {
            close(CloseReason.CloseCodes.GOING_AWAY.getCode(), "ping failed");
        }
    }

    public Info info() {
        return new Info(connectionId(), documentId(), identity().user(), clientId, name, connectedAt,
                Instant.ofEpochMilli(lastActivityMillis), messagesIn.get(), outbox.sentMessages());
    }

    /**
     * Counts the message and applies the rate limits, this connection's own, then those it shares with its user's
     * and its address's other connections: past any, an error naming it, then close 1008.
     */
    private boolean admit() {
        messagesIn.incrementAndGet();
        lastActivityMillis = System.currentTimeMillis();
        lastHeardMillis = lastActivityMillis;
        if (rateLimited) {
            return false;
        }
        long now = System.nanoTime();
        String why = limiter.tryAcquire(now) ? admission.messageRefusal(now)
                : "more than " + registry.config().ratePerSecond() + " messages per second on one connection (burst "
                        + registry.config().rateBurst() + ")";
        if (why == null) {
            return true;
        }
        rateLimited = true;
        if (closing.compareAndSet(false, true)) {
            SECURITY.info(() -> "connection " + connectionId() + " to " + documentId() + " (user " + identity().user()
                    + ", client " + clientId + ") sent " + why + ": closing 1008");
            send(Json.write(ServerMessage.Error.of(ErrorCode.RATE_LIMITED, why, null, null)));
            // Closing at once would close the socket with the flood still arriving; unread data makes the kernel
            // reset the connection, and the client would lose the error and the close frame. So what follows is
            // dropped, and the close comes after a short grace in which the client reads the error and stops.
            registry.later(RATE_LIMIT_GRACE,
                    () -> closeAfterQueued(CloseReason.CloseCodes.VIOLATED_POLICY.getCode(), "rate limit: " + why));
        }
        return false;
    }

    private static String clip(String ref) {
        return ref == null || ref.length() <= ClientMessage.MAX_REF_LENGTH ? ref
                : ref.substring(0, ClientMessage.MAX_REF_LENGTH);
    }
}
