package dev.coedit.it.container;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.net.URL;
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

    private Ws(URI uri) throws Exception {
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("coedit.v1")).build();
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
        return new Ws(uri);
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
