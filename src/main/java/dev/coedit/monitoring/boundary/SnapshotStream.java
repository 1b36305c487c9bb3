package dev.coedit.monitoring.boundary;

import dev.coedit.editing.control.CloseReasons;
import dev.coedit.editing.control.Outbox;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.editing.entity.Json;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a view of the registry's snapshot to one WebSocket session, now and after every change, through a bounded
 * outbox: a watcher that cannot keep up is closed (1013) and loses nothing, since every message is the whole view.
 */
final class SnapshotStream {

    private static final Logger LOG = Logger.getLogger(SnapshotStream.class.getName());
    private static final long OUTBOX_CHARS = 8L * 1024 * 1024;

    private final SessionRegistry registry;
    private final Consumer<SessionRegistry.Snapshot> watcher;

    SnapshotStream(SessionRegistry registry, Session session, Function<SessionRegistry.Snapshot, Object> view) {
        this.registry = registry;
        Outbox outbox = new Outbox(
                (text, done) -> session.getAsyncRemote().sendText(text, r -> done.accept(r.getException())),
                OUTBOX_CHARS,
                () -> close(session, CloseCodes.TRY_AGAIN_LATER, "too slow to follow the updates"),
                failure -> close(session, CloseCodes.UNEXPECTED_CONDITION, "send failed"));
        this.watcher = snapshot -> outbox.offer(Json.write(view.apply(snapshot)));
        registry.watch(watcher);
    }

    void stop() {
        registry.unwatch(watcher);
    }

    static void close(Session session, CloseCodes code, String reason) {
        try {
            session.close(CloseReasons.of(code.getCode(), reason));
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing a watcher failed", e);
        }
    }
}
