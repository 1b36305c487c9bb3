package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.json.JsonObject;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * A raw WebSocket client (Tyrus) that records every event of its connection in order: each text message, the close
 * code and reason, each error. Tests read the events back with bounded waits ({@link #WAIT} unless given), so a
 * server that stays silent fails the test instead of hanging it. Like OkHttp's WebSocketRecorder.
 *
 * <p>It speaks no protocol by itself: tests send exactly the JSON they mean. Tyrus answers pings with pongs on its
 * own, as every WebSocket client does.
 */
public final class RecordingSocket implements AutoCloseable {

    /** How long a read waits by default: far longer than any answer takes on loopback. */
    public static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * Tyrus's default. A handshake is bounded, but generously: in CI two containers, Chromium and the tests share two
     * cores, and a handshake once took over 10 s there while the server was only slow.
     */
    public static final Duration HANDSHAKE_WAIT = Duration.ofSeconds(30);

    public static final String SUBPROTOCOL = "coedit.v1";

    /** One client container for every recorder of this JVM; each connection gets its own session. */
    private static final ClientManager CLIENTS = createClients();

    /** Something that happened on the connection. */
    public sealed interface Event permits Text, Binary, Closed, Failed {
    }

    public record Text(String text) implements Event {
        JsonObject json() {
            return Wire.parse(text);
        }
    }

    public record Binary(int length) implements Event {
    }

    /** The connection closed with this code and reason (the server's close frame, or 1006 without one). */
    public record Closed(int code, String reason) implements Event {
    }

    public record Failed(Throwable error) implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    /** The last events read, to explain a failure. */
    private final Deque<Event> history = new ArrayDeque<>();
    private final URI uri;
    private volatile Session session;
    private volatile Closed closed;

    private RecordingSocket(URI uri) {
        this.uri = uri;
    }

    /** Connects offering {@value #SUBPROTOCOL}. */
    public static RecordingSocket connect(URI uri) throws DeploymentException, IOException {
        return connect(uri, List.of(SUBPROTOCOL));
    }

    /**
     * Connects offering exactly these subprotocols (none for an empty list).
     *
     * @throws DeploymentException when the handshake fails
     */
    public static RecordingSocket connect(URI uri, List<String> subprotocols) throws DeploymentException, IOException {
        RecordingSocket socket = new RecordingSocket(uri);
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create().preferredSubprotocols(subprotocols)
                .build();
        socket.session = CLIENTS.connectToServer(socket.new Recorder(), config, uri);
        return socket;
    }

    /** Connects and says hello as {@code clientId}; the {@code snapshot} that answers it is read. */
    public static RecordingSocket join(URI uri, String clientId) throws DeploymentException, IOException {
        return connectAnswered(uri, List.of(SUBPROTOCOL), socket -> socket.send(Wire.hello(clientId)), "snapshot");
    }

    /**
     * Connects, sends what {@code greet} sends, and reads the first message, which must be of type {@code first}. A
     * connection that delivers nothing at all within {@link #WAIT} is dead, as docs/protocol.md section 7 tells
     * every client (Payara has been seen, under churn, to upgrade a connection and never run the endpoint): it is
     * given up and tried once more, and the log says so. A server that never answers fails the second try too.
     */
    public static RecordingSocket connectAnswered(URI uri, List<String> subprotocols,
            java.util.function.Consumer<RecordingSocket> greet, String first) throws DeploymentException, IOException {
        for (int attempt = 1; ; attempt++) {
            RecordingSocket socket = connect(uri, subprotocols);
            try {
                greet.accept(socket);
                Event event = socket.nextEvent(WAIT);
                if (event == null && attempt == 1) {
                    System.out.println("RecordingSocket: no answer from " + uri + " within " + WAIT.toMillis()
                            + " ms; a connection that never answers is dead (protocol.md section 7): once more");
                    socket.close();
                    continue;
                }
                if (!(event instanceof Text text)) {
                    throw new AssertionError((event == null ? "no message within " + WAIT.toMillis() + " ms, twice"
                            : "expected a message, got " + event) + socket.recent());
                }
                assertEquals(first, Wire.type(text.json()), () -> "the first message: " + text + socket.recent());
                socket.firstAnswer = text.json();
                return socket;
            } catch (RuntimeException | Error e) {
                socket.close();
                throw e;
            }
        }
    }

    /** The first message {@link #connectAnswered} read, or null. */
    public JsonObject firstAnswer() {
        return firstAnswer;
    }

    private volatile JsonObject firstAnswer;

    private static ClientManager createClients() {
        ClientManager clients = ClientManager.createClient();
        clients.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, (int) HANDSHAKE_WAIT.toMillis());
        clients.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        return clients;
    }

    /** The endpoint Tyrus calls; everything it sees goes into the queue. */
    private final class Recorder extends Endpoint {
        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.setMaxTextMessageBufferSize(16 * 1024 * 1024);
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> events.add(new Text(text)));
            s.addMessageHandler(ByteBuffer.class,
                    (MessageHandler.Whole<ByteBuffer>) bytes -> events.add(new Binary(bytes.remaining())));
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            Closed event = new Closed(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            closed = event;
            events.add(event);
        }

        @Override
        public void onError(Session s, Throwable error) {
            events.add(new Failed(error));
        }
    }

    /** The subprotocol the server answered with; empty when it answered with none. */
    public String negotiatedSubprotocol() {
        return session.getNegotiatedSubprotocol();
    }

    public boolean isOpen() {
        return closed == null && session.isOpen();
    }

    public void send(JsonObject message) {
        send(message.toString());
    }

    /**
     * Sends one text frame and waits until it is written.
     *
     * @throws UncheckedIOException when the send fails on a connection the server has not closed
     */
    public void send(String text) {
        try {
            session.getBasicRemote().sendText(text);
        } catch (IOException | RuntimeException e) {
            failedUnlessClosedByServer(e);
        }
    }

    public void sendBinary(byte[] bytes) {
        try {
            session.getBasicRemote().sendBinary(ByteBuffer.wrap(bytes));
        } catch (IOException | RuntimeException e) {
            failedUnlessClosedByServer(e);
        }
    }

    /**
     * A send the server answered by closing: the close can overtake the end of the send, and Tyrus then reports the
     * send as failed although the server read the message (it closed because of it). The close is in the events for
     * the test to assert; only a send that failed on an open connection is an error.
     */
    private void failedUnlessClosedByServer(Exception e) {
        if (closed == null) {
            throw sendFailed(e);
        }
    }

    /** Tyrus reports a send on a closed session in several ways (even a RejectedExecutionException of its timer). */
    private UncheckedIOException sendFailed(Exception e) {
        IOException cause = e instanceof IOException io ? io : new IOException(e);
        return new UncheckedIOException("sending to " + uri + " failed; the connection "
                + (closed == null ? "is not known to be closed" : "closed with " + closed) + recent(), cause);
    }

    /** Whether an event is waiting to be read. */
    public boolean hasEvent() {
        return !events.isEmpty();
    }

    /** The next event, waiting at most {@code wait}; null when none came. */
    public Event nextEvent(Duration wait) {
        try {
            Event event = events.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
            if (event != null) {
                remember(event);
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting on " + uri, e);
        }
    }

    /** The next event must be a text message; returns it parsed. */
    public JsonObject nextMessage() {
        return nextMessage(WAIT);
    }

    public JsonObject nextMessage(Duration wait) {
        Event event = nextEvent(wait);
        if (event instanceof Text text) {
            return text.json();
        }
        throw new AssertionError(event == null ? "no message within " + wait.toMillis() + " ms" + recent()
                : "expected a message, got " + event + recent());
    }

    /** The next message must be of this type. */
    public JsonObject expectType(String type) {
        JsonObject message = nextMessage();
        assertEquals(type, Wire.type(message), () -> "the next message: " + message + recent());
        return message;
    }

    /** The next message must be an {@code error} with this code; returns it. */
    public JsonObject expectError(String code) {
        JsonObject error = expectType("error");
        assertEquals(code, Wire.string(error, "code"), () -> "error code of " + error);
        return error;
    }

    /** Skips other messages until one of this type; fails on a close or after {@link #WAIT}. */
    public JsonObject awaitType(String type) {
        return awaitMessage(m -> type.equals(Wire.type(m)), "a message of type " + type, WAIT);
    }

    /** Skips messages until one matches; fails on a close or after {@code wait}. */
    public JsonObject awaitMessage(Predicate<JsonObject> wanted, String what, Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            Event event = left > 0 ? nextEvent(Duration.ofNanos(left)) : null;
            if (event == null) {
                throw new AssertionError("no " + what + " within " + wait.toMillis() + " ms" + recent());
            }
            if (event instanceof Text text) {
                JsonObject message = text.json();
                if (wanted.test(message)) {
                    return message;
                }
            } else if (!(event instanceof Binary)) {
                throw new AssertionError("expected " + what + ", got " + event + recent());
            }
        }
    }

    /** Skips messages until the connection closes, within {@code wait}; returns how. */
    public Closed awaitClose(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            Event event = left > 0 ? nextEvent(Duration.ofNanos(left)) : null;
            if (event == null) {
                throw new AssertionError("the connection did not close within " + wait.toMillis() + " ms"
                        + recent());
            }
            if (event instanceof Closed close) {
                return close;
            }
        }
    }

    public Closed awaitClose() {
        return awaitClose(WAIT);
    }

    /** The connection closes (messages before it are skipped) with this code; returns the reason. */
    public String assertClosing(int code) {
        Closed close = awaitClose();
        assertEquals(code, close.code(), () -> "close code; reason \"" + close.reason() + "\"" + recent());
        return close.reason();
    }

    /** Nothing at all arrives for {@code quiet}. */
    public void assertNoMessage(Duration quiet) {
        Event event = nextEvent(quiet);
        if (event != null) {
            fail("expected silence for " + quiet.toMillis() + " ms, got " + event + recent());
        }
    }

    /** Closes normally (1000) if still open. */
    @Override
    public void close() {
        Session s = session;
        if (s != null && s.isOpen()) {
            try {
                s.close();
            } catch (IOException | IllegalStateException e) {
                // gone already
            }
        }
    }

    private synchronized void remember(Event event) {
        history.addLast(event);
        if (history.size() > 8) {
            history.removeFirst();
        }
    }

    /** The last events read, for failure messages. */
    public synchronized String recent() {
        return history.isEmpty() ? " (nothing read before)" : " (last read: " + history + ")";
    }
}
