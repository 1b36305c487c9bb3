package dev.coedit.bench;

import dev.coedit.editing.entity.ServerMessage;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A typist on the raw baseline ({@link RawServer}). It follows Coedit's client rule (one message in flight, the
 * keystrokes made meanwhile sent together next) and sends what Coedit's server sends: a Coedit {@code op} frame,
 * {@code {"type":"op","version":V,"op":[SKIP,"<stamps>"],"author":ID}}, padded to the size of a typical one. Its
 * own copy coming back (room) or echoed (echo) is its acknowledgement. Peers decode every frame with the same JSON-B
 * mapping as Coedit's clients, so the two runs differ in the server, not in the client's work.
 */
final class RawEditor implements Editor {

    private final String id;
    private final Phase phase;
    private final ScheduledExecutorService timer;
    private final long closedLoopGapNanos;
    private final int skip;
    private final StringBuilder pending = new StringBuilder();
    private Session session;
    private boolean inflight;
    private long inflightSentAt;
    private long lastTyped;
    private long version;
    private boolean closing;

    private RawEditor(String id, Phase phase, ScheduledExecutorService timer, long closedLoopGapNanos, int skip) {
        this.id = id;
        this.phase = phase;
        this.timer = timer;
        this.closedLoopGapNanos = closedLoopGapNanos;
        this.skip = skip;
    }

    /**
     * @param path {@code raw/room/ROOM}, {@code raw/bcast/ROOM} or {@code raw/echo}
     * @param skip the op's skip count: it pads the frame to a typical Coedit op frame's size
     */
    static RawEditor connect(URI rawBase, String path, String id, Phase phase, ScheduledExecutorService timer,
            long closedLoopGapNanos, int skip) throws IOException, DeploymentException {
        RawEditor editor = new RawEditor(id, phase, timer, closedLoopGapNanos, skip);
        Transport.CLIENT.connectToServer(editor.new Wire(), ClientEndpointConfig.Builder.create().build(),
                URI.create(rawBase + path));
        return editor;
    }

    private final class Wire extends Endpoint {
        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) RawEditor.this::received);
            synchronized (RawEditor.this) {
                session = s;
            }
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            synchronized (RawEditor.this) {
                if (!closing) {
                    phase.error("raw connection closed: " + reason.getCloseCode().getCode());
                }
                session = null;
            }
        }
    }

    @Override
    public synchronized void type() {
        // A closed loop's next keystroke may have been scheduled just before the phase ended.
        if (!phase.running || session == null) {
            return;
        }
        pending.append(Stamp.now());
        lastTyped = System.nanoTime();
        phase.edits.increment();
        if (!inflight) {
            flush();
        }
    }

    private void flush() {
        String frame = "{\"type\":\"op\",\"version\":" + (++version) + ",\"op\":[" + skip + ",\"" + pending
                + "\"],\"author\":\"" + id + "\"}";
        pending.setLength(0);
        inflight = true;
        inflightSentAt = System.nanoTime();
        phase.submits.increment();
        try {
            session.getBasicRemote().sendText(frame);
        } catch (IOException | IllegalStateException e) {
            if (!closing) {
                phase.error("raw send failed: " + e.getClass().getSimpleName());
            }
        }
    }

    private void received(String text) {
        long now = System.nanoTime();
        ServerMessage message;
        try {
            message = Frames.read(text);
        } catch (RuntimeException e) {
            phase.error("unreadable raw frame");
            return;
        }
        if (!(message instanceof ServerMessage.RemoteOp op)) {
            phase.error("unexpected raw frame");
            return;
        }
        boolean acked = false;
        synchronized (this) {
            if (op.author().equals(id)) {
                phase.recordAck(now - inflightSentAt);
                phase.acks.increment();
                inflight = false;
                acked = true;
                if (pending.length() > 0) {
                    flush();
                }
            } else {
                phase.frames.increment();
                phase.frameBytes.add(text.length());
                Stamp.forEach(op.op(), typed -> {
                    phase.recordPeer(now - typed);
                    phase.stamps.increment();
                });
            }
        }
        if (acked && closedLoopGapNanos > 0) {
            Editor.next(this, phase, timer, lastTyped, closedLoopGapNanos);
        }
    }

    @Override
    public synchronized boolean settled() {
        return !inflight && pending.length() == 0;
    }

    @Override
    public String text() {
        return null;
    }

    @Override
    public long version() {
        return -1;
    }

    @Override
    public void close() {
        Session s;
        synchronized (this) {
            closing = true;
            s = session;
        }
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
