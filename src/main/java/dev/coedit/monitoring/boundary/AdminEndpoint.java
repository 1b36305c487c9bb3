package dev.coedit.monitoring.boundary;

import dev.coedit.editing.boundary.CoeditConfigurator;
import dev.coedit.editing.boundary.Protocol;
import dev.coedit.editing.boundary.RegistryEndpoint;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.security.control.Security;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * The live monitoring channel: on open and after every change (at most four times a second) it sends the whole
 * picture, every document and session, as one {@code state} message (docs/protocol.md). It takes no input, and only
 * admins may open it.
 */
@ServerEndpoint(value = "/admin", subprotocols = Protocol.V1,
        configurator = CoeditConfigurator.class)
public class AdminEndpoint extends RegistryEndpoint {

    private SnapshotStream stream;

    /** The message this channel sends. */
    public record State(String type, SessionRegistry.Snapshot state) {
    }

    private Security.Admission admission;

    @OnOpen
    public void open(Session session) {
        admission = registry.admitMonitor(session, "admin", true, () -> SnapshotStream.close(session,
                CloseCodes.VIOLATED_POLICY, "the token expired; get a fresh token and reconnect"));
        if (admission != null) {
            stream = new SnapshotStream(registry, session, snapshot -> new State("state", snapshot));
        }
    }

    @OnMessage
    public void message(String ignored, Session session) {
        SnapshotStream.close(session, CloseCodes.CANNOT_ACCEPT, "the monitoring channel takes no messages");
    }

    @OnClose
    public void close() {
        if (stream != null) {
            stream.stop();
        }
        if (admission != null) {
            admission.release();
        }
    }
}
