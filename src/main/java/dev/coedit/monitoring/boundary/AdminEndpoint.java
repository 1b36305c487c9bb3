package dev.coedit.monitoring.boundary;

import dev.coedit.editing.boundary.CoeditConfigurator;
import dev.coedit.editing.control.CloseReasons;
import dev.coedit.editing.control.Outbox;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.editing.entity.Json;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The live monitoring channel: on open and after every change (at most four times a second) it sends the whole
 * picture as one {@code state} message (docs/protocol.md). It takes no input.
 */
@ServerEndpoint(value = "/admin", configurator = CoeditConfigurator.class)
public class AdminEndpoint implements CoeditConfigurator.UsesRegistry {

    private static final Logger LOG = Logger.getLogger(AdminEndpoint.class.getName());
    /** A monitor that cannot keep up with this much is cut off: the state is resent whole, so nothing is lost. */
    private static final long OUTBOX_CHARS = 8L * 1024 * 1024;

    @Inject
    SessionRegistry registry;
    private Consumer<SessionRegistry.Snapshot> watcher;

    /** The message this channel sends. */
    public record State(String type, SessionRegistry.Snapshot state) {
    }

    @OnOpen
    public void open(Session session) {
        Outbox outbox = new Outbox(
                (text, done) -> session.getAsyncRemote().sendText(text, r -> done.accept(r.getException())),
                OUTBOX_CHARS,
                () -> close(session, CloseCodes.TRY_AGAIN_LATER, "monitor too slow"),
                failure -> close(session, CloseCodes.UNEXPECTED_CONDITION, "send failed"));
        watcher = snapshot -> outbox.offer(Json.write(new State("state", snapshot)));
        registry.watch(watcher);
    }

    @OnMessage
    public void message(String ignored, Session session) {
        close(session, CloseCodes.CANNOT_ACCEPT, "the monitoring channel takes no messages");
    }

    @OnClose
    public void close() {
        if (watcher != null) {
            registry.unwatch(watcher);
        }
    }

    @Override
    public SessionRegistry registry() {
        return registry;
    }

    @Override
    public void useRegistry(SessionRegistry registry) {
        this.registry = registry;
    }

    private static void close(Session session, CloseCodes code, String reason) {
        try {
            session.close(CloseReasons.of(code.getCode(), reason));
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing a monitor failed", e);
        }
    }
}
