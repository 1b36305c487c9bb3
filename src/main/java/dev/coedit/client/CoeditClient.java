package dev.coedit.client;

import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.editing.entity.Json;
import dev.coedit.editing.entity.Participant;
import dev.coedit.editing.entity.ServerMessage;
import dev.coedit.ot.Delete;
import dev.coedit.ot.Insert;
import dev.coedit.ot.OtClient;
import dev.coedit.ot.Skip;
import dev.coedit.ot.TextOp;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * A Coedit editor in Java: it joins one document, keeps a replica of it, sends local edits through the three-state
 * OT client, tracks others' carets, and on a lost connection reconnects with back-off, resumes from the last version
 * it saw and resends what was not acknowledged, exactly once (docs/protocol.md).
 *
 * <p>Thread-safe: every method and every server message takes the client's lock. Listener methods run under it.
 */
public final class CoeditClient implements AutoCloseable {

    /** Where the client is. CLOSED: by {@link #close()}, or refused for good by the server ({@link #refusal()}). */
    public enum Status { CONNECTING, SYNCED, OFFLINE, CLOSED }

    /**
     * The server refused the document for good: its stored data is corrupt (close 1011, the reason naming the
     * document and version). Reconnecting cannot help; someone must repair the server's data.
     */
    public static final class Refused extends RuntimeException {
        private final int code;
        private final String reason;

        Refused(int code, String reason) {
            super("the server refused the document for good (close " + code + "): " + reason);
            this.code = code;
            this.reason = reason;
        }

        public int code() {
            return code;
        }

        public String reason() {
            return reason;
        }
    }

    /** Events, called under the client's lock on a WebSocket thread: keep them short. */
    public interface Listener extends ProtocolClient.Events {
        default void status(Status status) {
        }

        /**
         * The connection closed: the server's close code and reason, or 1006 and no reason when it was lost without a
         * close frame. The client then reconnects by itself, unless its status became {@link Status#CLOSED}.
         */
        default void closed(int code, String reason) {
        }
    }

    private final URI uri;
    private final Listener listener;
    private final Duration maxBackoff;
    private final Duration answerTimeout;
    private final ProtocolClient protocol;
    private final Supplier<String> tokens;
    /**
     * One Tyrus client for every CoeditClient of the JVM, never shut down: shutting a ClientManager down stops
     * executors that Tyrus shares between all of them, which broke the other clients' sessions.
     */
    private static final ClientManager MANAGER = createManager();
    /** Back-off delays of every client of the JVM: one daemon thread, however many clients. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            daemon("coedit-client-timer"));
    /** Connecting blocks for a handshake, so reconnects run here and never hold up the timer or each other. */
    private static final ExecutorService CONNECTS = Executors.newCachedThreadPool(daemon("coedit-client-connect"));
    private final List<String> errors = new ArrayList<>();
    /** The subprotocol entry that carries a token (docs/protocol.md). */
    static final String TOKEN_PREFIX = "coedit.token.";
    /** How the server's close reason starts when a token ran out during a session. */
    static final String TOKEN_EXPIRED = "the token expired";
    /** The close code and how the reason starts when the document's stored data is corrupt (docs/protocol.md). */
    static final int CORRUPT = 1011;
    static final String CORRUPT_DOCUMENT = "corrupt document ";
    /** The error code {@link Listener#error} and {@link #errors()} report for such a refusal. */
    public static final String CORRUPT_ERROR = "corrupt_document";
    /** The error code reported when a connection said nothing within the answer timeout and was replaced. */
    public static final String NO_ANSWER_ERROR = "no_answer";

    private Session session;
    /** Whether {@link #session} delivered anything yet. */
    private boolean heard;
    /** The server's close that ended this client for good, or null. */
    private Refused refusal;
    private Status status = Status.CONNECTING;
    private int attempts;
    private boolean closed;

    private CoeditClient(Builder b) {
        this.uri = b.uri;
        this.listener = b.listener;
        this.maxBackoff = b.maxBackoff;
        this.answerTimeout = b.answerTimeout;
        this.tokens = b.tokens;
        this.protocol = new ProtocolClient(b.clientId, b.name, b.color, new ProtocolClient.Events() {
            @Override
            public void remoteChange(TextOp change) {
                listener.remoteChange(change);
            }

            @Override
            public void presence(Participant participant) {
                listener.presence(participant);
            }

            @Override
            public void left(String clientId) {
                listener.left(clientId);
            }

            @Override
            public void role(String role) {
                listener.role(role);
            }

            @Override
            public void access(Map<String, String> rules) {
                listener.access(rules);
            }

            @Override
            public void error(String code, String message) {
                errors.add(code);
                listener.error(code, message);
            }

            @Override
            public void synced() {
                attempts = 0;
                setStatus(Status.SYNCED);
            }
        });
    }

    /** A client of the document at {@code uri}, e.g. {@code ws://127.0.0.1:8080/coedit/docs/notes}. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /** Settings of a client; {@link #connect} makes it. */
    public static final class Builder {
        private final URI uri;
        private String clientId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        private String name = "Java";
        private String color = "#10b981";
        private Listener listener = new Listener() { };
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration answerTimeout = Duration.ofSeconds(15);
        private Supplier<String> tokens;

        private Builder(URI uri) {
            this.uri = uri;
        }

        public Builder clientId(String id) {
            this.clientId = id;
            return this;
        }

        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public Builder color(String c) {
            this.color = c;
            return this;
        }

        public Builder listener(Listener l) {
            this.listener = l;
            return this;
        }

        /** The longest wait between reconnect attempts (they start at 50 ms and double, with jitter). */
        public Builder maxBackoff(Duration d) {
            this.maxBackoff = d;
            return this;
        }

        /**
         * How long a fresh connection may stay silent after the client's hello before it counts as dead and is
         * replaced (default 15 s): an upgraded connection whose server side never runs, as a container has been seen
         * to leave one under churn, or a proxy that lost it, would otherwise wait for the idle timeout.
         */
        public Builder answerTimeout(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("answerTimeout must be positive, was " + d);
            }
            this.answerTimeout = d;
            return this;
        }

        /**
         * Where signed tokens come from, for a server that requires them. It is asked before every connection, so
         * it can return a cached token while it is valid; when the server closes because the token expired, the
         * client asks again at once and resumes, losing no edit.
         */
        public Builder tokens(Supplier<String> supplier) {
            this.tokens = supplier;
            return this;
        }

        /**
         * Connects and waits for the document.
         *
         * @throws Refused when the server refuses the document for good (its stored data is corrupt)
         */
        public CoeditClient connect(Duration timeout) throws TimeoutException, InterruptedException {
            CoeditClient client = new CoeditClient(this);
            client.open();
            try {
                client.await(() -> client.status == Status.SYNCED || client.refusal != null, timeout,
                        "the first snapshot");
            } catch (TimeoutException e) {
                client.close();
                throw e;
            }
            Refused refused = client.refusal().orElse(null);
            if (refused != null) {
                client.close();
                throw refused;
            }
            return client;
        }
    }

    public String clientId() {
        return protocol.clientId();
    }

    public synchronized String text() {
        return protocol.replica().map(OtClient::text).orElse("");
    }

    public synchronized int length() {
        return protocol.replica().map(OtClient::length).orElse(0);
    }

    public synchronized long version() {
        return protocol.replica().map(OtClient::version).orElse(-1L);
    }

    /** What the server lets this client do: {@code viewer}, {@code editor} or {@code owner}. */
    public synchronized String role() {
        return protocol.role();
    }

    public synchronized Status status() {
        return status;
    }

    /** Edits not yet acknowledged by the server (0, 1 or 2: in flight, and a buffer). */
    public synchronized int unacknowledged() {
        return protocol.replica().map(OtClient::unacknowledged).orElse(0);
    }

    /** Others in the document, with their selections mapped onto the local text. */
    public synchronized Map<String, Participant> participants() {
        return Map.copyOf(protocol.participants());
    }

    /** Why the server ended this client for good (it then stops reconnecting), or empty. */
    public synchronized Optional<Refused> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** Error codes the server sent, oldest first ({@value #CORRUPT_ERROR} for a document refused for good). */
    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** Applies a local edit at once and sends it when the protocol allows; offline it waits for the reconnect. */
    public synchronized void edit(TextOp op) {
        sendAll(protocol.edit(op));
    }

    /** Inserts {@code text} at code point {@code at}. */
    public void insert(int at, String text) {
        edit(at == 0 ? TextOp.of(new Insert(text)) : TextOp.of(new Skip(at), new Insert(text)));
    }

    /** Deletes {@code count} code points at {@code at}. */
    public void delete(int at, int count) {
        edit(at == 0 ? TextOp.of(new Delete(count, null)) : TextOp.of(new Skip(at), new Delete(count, null)));
    }

    /** Moves this client's caret; sent only while nothing is in flight. Returns whether it was sent. */
    public synchronized boolean caret(int anchor, int head) {
        return protocol.caret(anchor, head).map(m -> {
            sendRaw(m);
            return true;
        }).orElse(false);
    }

    /** Waits until every local edit is acknowledged and the client is synced. */
    public void awaitAcknowledged(Duration timeout) throws TimeoutException, InterruptedException {
        await(() -> status == Status.SYNCED && unacknowledged() == 0, timeout, "every edit acknowledged");
    }

    /** Waits until the replica has reached {@code version}. */
    public void awaitVersion(long version, Duration timeout) throws TimeoutException, InterruptedException {
        await(() -> version() >= version, timeout, "version " + version);
    }

    public void awaitStatus(Status wanted, Duration timeout) throws TimeoutException, InterruptedException {
        await(() -> status == wanted, timeout, "status " + wanted);
    }

    /** Waits for a condition on this client, checked whenever a message arrives or the status changes. */
    public synchronized void await(BooleanSupplier condition, Duration timeout, String what)
            throws TimeoutException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(clientId() + " waited " + timeout.toMillis() + " ms for " + what
                        + "; status " + status + ", version " + version() + ", unacknowledged "
                        + unacknowledged());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Drops the connection as a network failure would; the client reconnects by itself. */
    public void dropConnection() {
        Session s;
        synchronized (this) {
            s = session;
        }
        if (s != null) {
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "simulated drop"));
            } catch (IOException e) {
                // it is gone either way
            }
        }
    }

    @Override
    public void close() {
        Session s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            setStatus(Status.CLOSED);
            s = session;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void open() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        List<String> subprotocols = new ArrayList<>(List.of("coedit.v1"));
        if (tokens != null) {
            String token;
            try {
                token = tokens.get();
            } catch (RuntimeException e) {
                synchronized (this) {
                    errors.add("token");
                    listener.error("token", "no token: " + e.getMessage());
                    if (!closed) {
                        setStatus(Status.OFFLINE);
                        scheduleReconnect();
                    }
                }
                return;
            }
            subprotocols.add(TOKEN_PREFIX + token);
        }
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(subprotocols).build();
        try {
            MANAGER.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session s, EndpointConfig c) {
                    s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> received(text));
                    opened(s);
                }

                @Override
                public void onClose(Session s, CloseReason reason) {
                    lost(s, reason);
                }
            }, config, uri);
        } catch (DeploymentException | IOException e) {
            synchronized (this) {
                if (!closed) {
                    setStatus(Status.OFFLINE);
                    scheduleReconnect();
                }
            }
        }
    }

    private synchronized void opened(Session s) {
        if (closed) {
            return;
        }
        session = s;
        heard = false;
        sendRaw(protocol.connected());
        TIMER.schedule(() -> CONNECTS.execute(() -> unanswered(s)), answerTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A connection that said nothing since the hello is given up (closing it may hang: it is dropped at once). */
    private void unanswered(Session s) {
        CloseReason reason = new CloseReason(CloseReason.CloseCodes.GOING_AWAY,
                "no answer to hello within " + answerTimeout.toMillis() + " ms");
        synchronized (this) {
            if (s != session || heard || closed) {
                return;
            }
            errors.add(NO_ANSWER_ERROR);
            listener.error(NO_ANSWER_ERROR, reason.getReasonPhrase() + "; reconnecting");
            lost(s, reason);
        }
        try {
            s.close(reason);
        } catch (IOException | IllegalStateException e) {
            // it is given up either way
        }
    }

    private synchronized void lost(Session s, CloseReason reason) {
        if (s != session) {
            return;
        }
        session = null;
        protocol.disconnected();
        int code = reason.getCloseCode().getCode();
        listener.closed(code, reason.getReasonPhrase());
        if (!closed && code == CORRUPT && reason.getReasonPhrase().startsWith(CORRUPT_DOCUMENT)) {
            // Loading it again would fail again: no reconnect, and whoever uses this client is told why.
            refusal = new Refused(code, reason.getReasonPhrase());
            closed = true;
            errors.add(CORRUPT_ERROR);
            listener.error(CORRUPT_ERROR, reason.getReasonPhrase());
            setStatus(Status.CLOSED);
        }
        if (!closed) {
            setStatus(Status.OFFLINE);
            if (tokens != null && reason.getCloseCode().getCode() == CloseReason.CloseCodes.VIOLATED_POLICY.getCode()
                    && reason.getReasonPhrase().startsWith(TOKEN_EXPIRED)) {
                attempts = 0; // not a failure: fetch a fresh token and come back at once
                CONNECTS.execute(this::open);
                return;
            }
            scheduleReconnect();
        }
        notifyAll();
    }

    private void scheduleReconnect() {
        long cap = maxBackoff.toMillis();
        long base = Math.min(cap, 50L << Math.min(attempts++, 10));
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        TIMER.schedule(() -> CONNECTS.execute(this::open), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void received(String text) {
        heard = true;
        for (ServerMessage message : Json.readServerAll(text)) {
            sendAll(protocol.receive(message));
        }
        notifyAll();
    }

    private void sendAll(List<ClientMessage> messages) {
        for (ClientMessage m : messages) {
            sendRaw(m);
        }
    }

    private void sendRaw(ClientMessage message) {
        Session s = session;
        if (s == null || !s.isOpen()) {
            return; // offline: edits stay pending in the replica
        }
        try {
            s.getBasicRemote().sendText(Json.write(message));
        } catch (IOException | IllegalStateException e) {
            if (!closed) {
                CONNECTS.execute(this::dropConnection);
            }
        }
    }

    /**
     * Room for the snapshot of a large document: Tyrus's default incoming buffer of 4 MiB cannot hold a 5 MB text,
     * and the client would never get past its first snapshot. Not Tyrus's shared container: it shuts its executors
     * down after 30 idle seconds, and a session opened meanwhile fails (programs with thousands of clients, like
     * the benchmark, may still turn it on with the system property {@code org.glassfish.tyrus.client.sharedContainer}).
     */
    private static ClientManager createManager() {
        ClientManager manager = ClientManager.createClient();
        manager.getProperties().put(ClientProperties.INCOMING_BUFFER_SIZE, 64 * 1024 * 1024);
        return manager;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private void setStatus(Status newStatus) {
        if (status != newStatus) {
            status = newStatus;
            listener.status(newStatus);
            notifyAll();
        }
    }
}
