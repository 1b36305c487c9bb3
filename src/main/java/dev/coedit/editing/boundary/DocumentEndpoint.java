package dev.coedit.editing.boundary;

import dev.coedit.editing.control.CloseReasons;
import dev.coedit.editing.control.Connection;
import dev.coedit.editing.control.DocumentIds;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.editing.entity.Json;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.DecodeException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The editing channel of one document. Thin: each callback hands off to the {@link Connection}; the endpoint instance
 * is per connection and keeps nothing shared.
 */
@ServerEndpoint(value = "/docs/{documentId}",
        subprotocols = Protocol.V1,
        encoders = MessageEncoder.class,
        configurator = CoeditConfigurator.class)
public class DocumentEndpoint extends RegistryEndpoint {

    private static final Logger LOG = Logger.getLogger(DocumentEndpoint.class.getName());
    private static final Logger SECURITY = Logger.getLogger("dev.coedit.security");

    private Connection connection;
    /**
     * Decoding happens here rather than through {@code decoders=}: the size limit must be checked on the raw text
     * first, since not every container enforces it (WildFly's Undertow lets larger messages through).
     */
    private final MessageDecoder decoder = new MessageDecoder();

    @OnOpen
    public void open(Session session, @PathParam("documentId") String documentId) {
        if (!Protocol.V1.equals(session.getNegotiatedSubprotocol())) {
            refuseAtOpen(session, CloseCodes.PROTOCOL_ERROR, "no common subprotocol: this server speaks "
                    + Protocol.V1);
            return;
        }
        String problem = DocumentIds.problem(documentId);
        if (problem != null) {
            refuseAtOpen(session, CloseCodes.VIOLATED_POLICY, problem);
            return;
        }
        connection = registry.open(session, documentId);
    }

    @OnMessage
    public void message(String text) {
        if (connection == null || !connection.admitSize(text)) {
            return; // refused while closing, or too large: closed with 1009
        }
        try {
            connection.receive(decoder.decode(text));
        } catch (DecodeException e) {
            connection.receiveMalformed((Json.MalformedMessage) e.getCause());
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (connection != null) {
            connection.heard();
        }
    }

    @OnMessage
    public void binary(ByteBuffer ignored, Session session) {
        refuse(session, CloseCodes.CANNOT_ACCEPT, "binary messages are not part of " + Protocol.V1
                + "; send JSON text");
    }

    @OnClose
    public void close() {
        if (connection != null) {
            connection.closed();
        }
    }

    @OnError
    public void error(Session session, Throwable failure) {
        LOG.log(Level.FINE, "connection " + session.getId() + " failed", failure);
    }

    /** A refusal before the admission: logged, counted against the address's handshake rate, closed off this thread. */
    private void refuseAtOpen(Session session, CloseCodes code, String reason) {
        log(session, code, reason);
        registry.refusedAtOpen(session, CloseReasons.of(code.getCode(), reason));
    }

    /** Closes off this thread (see {@link SessionRegistry#closeSoon}). */
    private void refuse(Session session, CloseCodes code, String reason) {
        log(session, code, reason);
        registry.closeSoon(session, CloseReasons.of(code.getCode(), reason));
    }

    private static void log(Session session, CloseCodes code, String reason) {
        SECURITY.info(() -> "refused connection " + session.getId() + " to " + session.getRequestURI().getPath()
                + ": " + code.getCode() + " " + reason);
    }
}
