package dev.coedit.editing.boundary;

import dev.coedit.editing.control.SessionRegistry;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.concurrent.atomic.AtomicReference;

/** Test-only: remembers the registry that the container handed to an endpoint, for an in-container comparison. */
@ServerEndpoint(value = "/probe-identity", configurator = CoeditConfigurator.class)
public class IdentityProbeEndpoint extends RegistryEndpoint {

    public static final AtomicReference<SessionRegistry> SEEN = new AtomicReference<>();

    @OnOpen
    public void open(Session session) throws Exception {
        SEEN.set(registry);
        session.getBasicRemote().sendText("{\"type\":\"seen\",\"class\":\"" + registry.getClass().getName() + "\"}");
    }
}
