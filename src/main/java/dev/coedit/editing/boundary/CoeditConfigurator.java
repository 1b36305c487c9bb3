package dev.coedit.editing.boundary;

import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.security.control.Handshake;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Gives every endpoint instance the application's one {@link SessionRegistry}. In a Jakarta EE container the
 * container's own configurator makes the endpoint and CDI injects it; on plain Tyrus nothing injects, so this
 * supplies the registry that {@link #install} was given. It also captures the handshake's credentials for the
 * endpoint's {@code @OnOpen}, where the registry checks them.
 */
public class CoeditConfigurator extends ServerEndpointConfig.Configurator {

    /** Set only on runtimes without CDI; one application per class loader. */
    private static volatile SessionRegistry installed;

    /** Makes endpoints without CDI use {@code registry}; closing the result undoes it. */
    public static AutoCloseable install(SessionRegistry registry) {
        installed = registry;
        return () -> {
            if (installed == registry) {
                installed = null;
            }
        };
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(config, request, response);
        config.getUserProperties().put(Handshake.KEY, Handshake.capture(request));
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        T endpoint = super.getEndpointInstance(endpointClass);
        if (endpoint instanceof RegistryEndpoint user && user.registry() == null) {
            SessionRegistry registry = installed;
            if (registry == null) {
                throw new InstantiationException("no CDI container injected the SessionRegistry into "
                        + endpointClass.getSimpleName() + " and none was installed");
            }
            user.useRegistry(registry);
        }
        return endpoint;
    }
}
