package dev.coedit.standalone;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.tyrus.container.grizzly.server.WebSocketAddOn;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The Tyrus container of the standalone runtime: the endpoint classes deployed under one context path, with no
 * server of its own. {@link StandaloneServer} plugs it into its Grizzly listener through {@link #addOn()}.
 *
 * <p>Tyrus's own Grizzly container ({@code GrizzlyServerContainer}) builds the same engine but then starts an
 * {@code HttpServer} on 0.0.0.0, whatever host it is given; this one leaves the listening to the caller.
 */
final class EndpointContainer extends TyrusServerContainer {

    private final String contextPath;
    private final TyrusWebSocketEngine engine;

    /**
     * @param endpoints          annotated {@code @ServerEndpoint} classes
     * @param contextPath        for example {@code /coedit}; endpoint paths are relative to it
     * @param incomingBufferSize largest WebSocket frame, in bytes, the engine buffers for one connection
     */
    EndpointContainer(Set<Class<?>> endpoints, String contextPath, int incomingBufferSize) {
        super(endpoints);
        this.contextPath = contextPath;
        // Handing out "this" before the constructor ends is what Tyrus's own containers do: the engine only keeps
        // the reference and calls back after start(...).
        this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
    }

    /** Registers the endpoint classes; a broken endpoint class fails here, before anything listens. */
    void deploy() throws DeploymentException {
        try {
            start(contextPath, -1);
        } catch (IOException e) {
            // TyrusServerContainer.start declares it for containers that listen; this one does not.
            throw new IllegalStateException("deploying endpoints did no I/O, yet failed with " + e, e);
        }
        doneDeployment();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, contextPath);
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    /** Settings of Tyrus's own thread pools (virtual threads, thread factory): none, so its defaults. */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    /**
     * The Grizzly add-on that hands WebSocket upgrade requests under the context path to this container.
     *
     * <p>{@link WebSocketAddOn} is public and documented as meant for "their own GrizzlyServerContainer
     * alternative", but its constructor is package-private in Tyrus 2.1 and 2.2 (the filter it installs is a
     * package-private class too), so it is called reflectively. This works on the class path, where Tyrus and this
     * code share the unnamed module; a Tyrus upgrade that changes the constructor fails here, at start-up, by name.
     */
    AddOn addOn() {
        try {
            Constructor<WebSocketAddOn> constructor =
                    WebSocketAddOn.class.getDeclaredConstructor(ServerContainer.class, String.class);
            constructor.setAccessible(true);
            return constructor.newInstance(this, contextPath);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot create Tyrus's WebSocketAddOn(ServerContainer, String): " + e, e);
        }
    }
}
