package dev.coedit.monitoring.boundary;

import dev.coedit.editing.boundary.CoeditConfigurator;
import dev.coedit.editing.boundary.Protocol;
import dev.coedit.editing.boundary.RegistryEndpoint;
import dev.coedit.editing.control.Room;
import dev.coedit.security.control.Security;
import dev.coedit.security.entity.Identity;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.List;

/**
 * What the start page shows: the documents people are in now, and how many are in each. Sent on open and after every
 * change (at most four times a second) as one {@code documents} message (docs/protocol.md): only those the signed-in
 * user has access to. It takes no input.
 */
@ServerEndpoint(value = "/lobby", subprotocols = Protocol.V1,
        configurator = CoeditConfigurator.class)
public class LobbyEndpoint extends RegistryEndpoint {

    private SnapshotStream stream;

    /** The message this channel sends. */
    public record Documents(String type, List<Active> documents) {
    }

    /** A document with people in it. */
    public record Active(String documentId, int participants, int length) {
    }

    private Security.Admission admission;

    @OnOpen
    public void open(Session session) {
        admission = registry.admitMonitor(session, "lobby", false, () -> SnapshotStream.close(session,
                CloseCodes.VIOLATED_POLICY, "the token expired; get a fresh token and reconnect"));
        if (admission == null) {
            return;
        }
        Identity who = admission.identity();
        stream = new SnapshotStream(registry, session, snapshot -> new Documents("documents",
                snapshot.documents().stream()
                        .filter(d -> d.participants() > 0)
                        .filter(d -> registry.roleOf(d.documentId(), who).isPresent())
                        .map(LobbyEndpoint::active)
                        .toList()));
    }

    @OnMessage
    public void message(String ignored, Session session) {
        SnapshotStream.close(session, CloseCodes.CANNOT_ACCEPT, "the lobby takes no messages");
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

    private static Active active(Room.Stats stats) {
        return new Active(stats.documentId(), stats.participants(), stats.length());
    }
}
