package dev.coedit.bench;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusSession;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The raw baseline: plain Tyrus on Grizzly, set up like the standalone server (a listener on 127.0.0.1, callbacks
 * on Grizzly's worker pool), with no protocol at all. A test fixture, never part of the product.
 *
 * <ul>
 *   <li>{@code /raw/echo}: every text message is sent back to its sender;</li>
 *   <li>{@code /raw/room/{room}}: every text message is sent to every session of the room, the sender included
 *       (its copy is its acknowledgement), one {@code sendText} per session, as Coedit's rooms do;</li>
 *   <li>{@code /raw/bcast/{room}}: the same through {@link TyrusSession#broadcast(String)}, which frames the message
 *       once; it reaches every session of the endpoint, so only one such room may be in use at a time.</li>
 * </ul>
 *
 * <p>{@code java -cp CLASSPATH dev.coedit.bench.RawServer [PORT]} prints {@code RawServer listening on PORT} and
 * runs until it is killed or its stdin closes.
 */
public final class RawServer implements AutoCloseable {

    static final String READY = "RawServer listening on ";

    private final HttpServer http;
    private final int port;

    private RawServer(HttpServer http, int port) {
        this.http = http;
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        try (RawServer server = start(port)) {
            System.out.println(READY + server.port());
            System.out.flush();
            // Ends when the parent closes our stdin (or dies): the fixture never outlives the benchmark.
            while (System.in.read() >= 0) {
                // keep reading
            }
        }
    }

    /** Starts the fixture in this JVM on 127.0.0.1 ({@code port} 0 picks a free one). */
    public static RawServer start(int port) throws IOException, DeploymentException {
        Map<String, Set<Session>> rooms = new ConcurrentHashMap<>();
        Container container = new Container(List.of(
                config(Echo.class, "/raw/echo", null),
                config(RoomEndpoint.class, "/raw/room/{room}", rooms),
                config(BroadcastEndpoint.class, "/raw/bcast/{room}", null)));
        container.deploy();
        HttpServer http = new HttpServer();
        NetworkListener listener = new NetworkListener("raw", "127.0.0.1", port);
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        listener.registerAddOn(container.addOn());
        http.addListener(listener);
        http.start();
        return new RawServer(http, listener.getPort());
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    private static ServerEndpointConfig config(Class<? extends Endpoint> type, String path,
            Map<String, Set<Session>> rooms) {
        return ServerEndpointConfig.Builder.create(type, path).configurator(new ServerEndpointConfig.Configurator() {
            @Override
            public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
                if (endpointClass == RoomEndpoint.class) {
                    return endpointClass.cast(new RoomEndpoint(rooms));
                }
                return super.getEndpointInstance(endpointClass);
            }
        }).build();
    }

    /** Sends every message back. */
    public static final class Echo extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class,
                    (MessageHandler.Whole<String>) text -> session.getAsyncRemote().sendText(text));
        }
    }

    /** Sends every message to each session of the room, one {@code sendText} per session. */
    public static final class RoomEndpoint extends Endpoint {
        private final Map<String, Set<Session>> rooms;

        public RoomEndpoint(Map<String, Set<Session>> rooms) {
            this.rooms = rooms;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            Set<Session> room = rooms.computeIfAbsent(session.getPathParameters().get("room"),
                    r -> ConcurrentHashMap.newKeySet());
            room.add(session);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                for (Session s : room) {
                    if (s.isOpen()) {
                        s.getAsyncRemote().sendText(text);
                    }
                }
            });
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            Set<Session> room = rooms.get(session.getPathParameters().get("room"));
            if (room != null) {
                room.remove(session);
            }
        }
    }

    /** Frames every message once for every session of this endpoint (Tyrus's broadcast). */
    public static final class BroadcastEndpoint extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class,
                    (MessageHandler.Whole<String>) text -> ((TyrusSession) session).broadcast(text));
        }
    }

    /** The endpoints on a Grizzly listener we bind ourselves (Tyrus's own server binds 0.0.0.0). */
    private static final class Container extends TyrusServerContainer {
        private final TyrusWebSocketEngine engine;
        private final List<ServerEndpointConfig> configs;

        Container(List<ServerEndpointConfig> configs) {
            super(Set.of());
            this.configs = configs;
            this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(1 << 20).build();
        }

        void deploy() throws DeploymentException, IOException {
            start("", -1);
            for (ServerEndpointConfig c : configs) {
                register(c);
            }
            doneDeployment();
        }

        @Override
        public void register(Class<?> endpointClass) throws DeploymentException {
            engine.register(endpointClass, "");
        }

        @Override
        public void register(ServerEndpointConfig config) throws DeploymentException {
            engine.register(config, "");
        }

        @Override
        public WebSocketEngine getWebSocketEngine() {
            return engine;
        }

        @Override
        public Map<String, Object> getProperties() {
            return Map.of();
        }

        WebSocketAddOn addOn() {
            try {
                // Package-private in Tyrus 2.1 (see dev.coedit.standalone.EndpointContainer).
                Constructor<WebSocketAddOn> c =
                        WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
                c.setAccessible(true);
                return c.newInstance(this, "");
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create Tyrus's WebSocketAddOn: " + e, e);
            }
        }
    }

}
