package dev.coedit.it.container;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;

/** A tiny Tyrus client that queues every text message it receives. */
public final class Ws implements AutoCloseable {

    private static final ClientManager CLIENT = ClientManager.createClient();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final Session session;

    private Ws(URI uri, List<String> subprotocols) throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(subprotocols).build();
        session = CLIENT.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                received.add("CLOSED " + reason);
            }
        }, config, uri);
    }

    public static Ws open(URI uri) throws Exception {
        return new Ws(uri, List.of("coedit.v1"));
    }

    /** With these subprotocols, e.g. {@code coedit.v1} and a {@code coedit.token.<jwt>} entry. */
    public static Ws open(URI uri, List<String> subprotocols) throws Exception {
        return new Ws(uri, subprotocols);
    }

    public Session session() {
        return session;
    }

    public void send(String text) throws Exception {
        session.getBasicRemote().sendText(text);
    }

    /** The next message whose JSON has "type":"{type}", skipping others; fails after 10 s. */
    public String expect(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            String m = received.poll(200, TimeUnit.MILLISECONDS);
            if (m != null && m.contains("\"type\":\"" + type + "\"")) {
                return m;
            }
            if (m != null) {
                System.out.println("  (skipped " + m + ")");
            }
        }
        throw new AssertionError("no " + type + " message within 10 s");
    }

    @Override
    public void close() throws Exception {
        session.close();
    }

    /**
     * Waits, up to {@code bound}, until a fresh deployment serves what the suite uses: the editor page, and a
     * snapshot on the editing channel and a message on the lobby. A container initialises these lazily on first
     * use (CDI, the WebSocket endpoints, the static files), which under load can take longer than a test's own
     * waits; the suite measures the product, not that warm-up.
     */
    public static Duration awaitReady(URI http, Duration bound) throws Exception {
        return awaitReady(http, bound, List.of("coedit.v1"));
    }

    /** As {@link #awaitReady(URI, Duration)}, connecting with these subprotocols (a token for a secured server). */
    public static Duration awaitReady(URI http, Duration bound, List<String> subprotocols) throws Exception {
        long start = System.nanoTime();
        long end = start + bound.toNanos();
        Throwable last = null;
        HttpClient pages = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        while (System.nanoTime() < end) {
            try {
                int status = pages.send(HttpRequest.newBuilder(http.resolve("edit.html")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200) {
                    throw new IllegalStateException("edit.html answered " + status);
                }
                try (Ws doc = open(ws(http, "docs/warm-up"), subprotocols);
                     Ws lobby = open(ws(http, "lobby"), subprotocols)) {
                    doc.send("{\"type\":\"hello\",\"clientId\":\"warm-up\"}");
                    doc.expect("snapshot");
                    lobby.expect("documents");
                }
                return Duration.ofNanos(System.nanoTime() - start);
            } catch (Exception | AssertionError e) {
                last = e;
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the deployment at " + http + " was not ready within " + bound, last);
    }

    /** http://host:port/coedit/ with the host made 127.0.0.1 (Payara reports the machine's address). */
    public static URI loopback(URL url) {
        URI u = URI.create(url.toString());
        String path = u.getPath().endsWith("/") ? u.getPath() : u.getPath() + "/";
        return URI.create(u.getScheme() + "://127.0.0.1:" + u.getPort() + path);
    }

    public static URI ws(URI http, String relative) {
        return URI.create(http.toString().replaceFirst("^http", "ws")).resolve(relative);
    }
}
