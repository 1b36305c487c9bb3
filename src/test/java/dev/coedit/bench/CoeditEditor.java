package dev.coedit.bench;

import dev.coedit.client.ProtocolClient;
import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.editing.entity.Json;
import dev.coedit.editing.entity.ServerMessage;
import dev.coedit.ot.OtClient;
import dev.coedit.ot.TextOp;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A typist on Coedit through the project's Java client protocol ({@link ProtocolClient}: the replica, the
 * three-state OT client, resync) on a thin Tyrus endpoint of its own. It is not {@code CoeditClient} because that
 * client does not tell when an acknowledgement arrives nor who wrote a remote op; this one reads every server
 * message before handing it to {@link ProtocolClient}, which gives both. No reconnect: a lost connection is an error
 * of the run.
 *
 * <p>The typist types at its caret (remote edits move it), so its stamps stay whole; now and then it also deletes
 * the character after the caret, which was typed by someone else and already seen by everyone.
 */
final class CoeditEditor implements Editor {

    /** {@code -Dbench.noBatch=true}: typists that take one message per frame, to measure what batches save. */
    private static final boolean NO_BATCH = Boolean.getBoolean("bench.noBatch");

    private final String clientId;
    private final Phase phase;
    private final ProtocolClient protocol;
    private final ScheduledExecutorService timer;
    private final long closedLoopGapNanos;
    private final double deleteShare;
    private Session session;
    private int caret;
    private long inflightSeq;
    private long inflightSentAt;
    private long lastTyped;
    private boolean synced;
    private boolean closing;

    /**
     * @param closedLoopGapNanos 0 for keystrokes driven from outside; otherwise the typist types again as soon as its
     *                           edit is acknowledged, but no sooner than this after the previous keystroke
     */
    private CoeditEditor(String clientId, Phase phase, ScheduledExecutorService timer, long closedLoopGapNanos,
            double deleteShare) {
        this.clientId = clientId;
        this.phase = phase;
        this.timer = timer;
        this.closedLoopGapNanos = closedLoopGapNanos;
        this.deleteShare = deleteShare;
        this.protocol = new ProtocolClient(clientId, clientId, "#6366f1", new ProtocolClient.Events() {
            @Override
            public void remoteChange(TextOp change) {
                caret = change.transformPosition(caret);
            }

            @Override
            public void error(String code, String message) {
                phase.error("server error " + code);
            }

            @Override
            public void synced() {
                synced = true;
            }
        });
    }

    /** Connects, says hello and waits for the snapshot. */
    static CoeditEditor connect(URI base, String documentId, String clientId, Phase phase,
            ScheduledExecutorService timer, long closedLoopGapNanos, double deleteShare, Duration timeout)
            throws IOException, DeploymentException, TimeoutException, InterruptedException {
        CoeditEditor editor = new CoeditEditor(clientId, phase, timer, closedLoopGapNanos, deleteShare);
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(Transport.SUBPROTOCOL).build();
        Transport.CLIENT.connectToServer(editor.new Wire(), config, Transport.docUri(base, documentId));
        editor.awaitSynced(timeout);
        return editor;
    }

    private final class Wire extends Endpoint {
        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.setMaxTextMessageBufferSize(Transport.MAX_MESSAGE);
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) CoeditEditor.this::received);
            synchronized (CoeditEditor.this) {
                session = s;
                send(List.of(protocol.connected()));
            }
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            synchronized (CoeditEditor.this) {
                if (!closing) {
                    phase.error("connection closed by the server: " + reason.getCloseCode().getCode());
                }
                session = null;
                CoeditEditor.this.notifyAll();
            }
        }

        @Override
        public void onError(Session s, Throwable failure) {
            if (!closing) {
                phase.error("transport: " + failure.getClass().getSimpleName());
            }
        }
    }

    private synchronized void awaitSynced(Duration timeout) throws TimeoutException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!synced) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                close();
                throw new TimeoutException(clientId + ": no snapshot within " + timeout.toMillis() + " ms");
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 50_000_000));
        }
    }

    /** A 10 MB document is built in chunks: each waits for the previous one's acknowledgement. */
    synchronized void insertAndWait(String text, Duration timeout) throws TimeoutException, InterruptedException {
        int at = protocol.replica().orElseThrow().length();
        send(protocol.edit(TextOp.insert(at, text)));
        long end = System.nanoTime() + timeout.toNanos();
        while (!settled()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(clientId + ": no ack within " + timeout.toMillis() + " ms");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public synchronized void type() {
        // A closed loop's next keystroke may have been scheduled just before the phase ended.
        if (!phase.running || session == null || protocol.replica().isEmpty()) {
            return;
        }
        int length = protocol.replica().get().length();
        caret = Math.min(caret, length);
        String stamp = Stamp.now();
        TextOp.Builder op = TextOp.builder();
        if (caret > 0) {
            op.skip(caret);
        }
        op.insert(stamp);
        if (caret < length && ThreadLocalRandom.current().nextDouble() < deleteShare) {
            op.delete(1);
        }
        caret += stamp.length();
        lastTyped = System.nanoTime();
        phase.edits.increment();
        send(protocol.edit(op.build()));
    }

    /** A frame from the server: one message, or a batch of them (this typist asks for batches, as clients do). */
    private void received(String frame) {
        if (!frame.startsWith("{\"type\":\"batch\"")) {
            receivedOne(frame);
            return;
        }
        for (String text : Frames.split(frame)) {
            receivedOne(text);
        }
    }

    private void receivedOne(String text) {
        long now = System.nanoTime();
        boolean acked = false;
        synchronized (this) {
            ServerMessage message;
            try {
                message = Frames.read(text);
            } catch (RuntimeException e) {
                phase.error("unreadable server message");
                return;
            }
            if (message instanceof ServerMessage.Ack ack && ack.seq() == inflightSeq) {
                phase.recordAck(now - inflightSentAt);
                phase.acks.increment();
                inflightSeq = 0;
                acked = true;
            } else if (message instanceof ServerMessage.RemoteOp op) {
                phase.frames.increment();
                phase.frameBytes.add(text.length());
                Stamp.forEach(op.op(), typed -> {
                    phase.recordPeer(now - typed);
                    phase.stamps.increment();
                });
            }
            try {
                send(protocol.receive(message));
            } catch (RuntimeException e) {
                phase.error("client state: " + e.getMessage());
            }
            notifyAll();
        }
        if (acked && closedLoopGapNanos > 0) {
            Editor.next(this, phase, timer, lastTyped, closedLoopGapNanos);
        }
    }

    private void send(List<ClientMessage> messages) {
        for (ClientMessage m : messages) {
            Session s = session;
            if (s == null) {
                return;
            }
            if (m instanceof ClientMessage.Hello h && NO_BATCH) {
                m = new ClientMessage.Hello(h.clientId(), h.name(), h.color(), h.lastVersion(), h.ref(), null);
            }
            if (m instanceof ClientMessage.Submit submit) {
                inflightSeq = submit.seq();
                inflightSentAt = System.nanoTime();
                phase.submits.increment();
            }
            try {
                s.getBasicRemote().sendText(Json.write(m));
            } catch (IOException | IllegalStateException e) {
                if (!closing) {
                    phase.error("send failed: " + e.getClass().getSimpleName());
                }
            }
        }
    }

    @Override
    public synchronized boolean settled() {
        return protocol.replica().map(r -> r.unacknowledged() == 0).orElse(true);
    }

    @Override
    public synchronized String text() {
        return protocol.replica().map(OtClient::text).orElse(null);
    }

    @Override
    public synchronized long version() {
        return protocol.replica().map(OtClient::version).orElse(-1L);
    }

    public synchronized boolean connected() {
        return session != null;
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
