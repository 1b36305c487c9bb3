package dev.coedit.bench;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;

/**
 * One simulated typist on one WebSocket connection. It keeps at most one edit in flight and batches the keystrokes
 * made meanwhile into the next one, as every Coedit client does (docs/protocol.md, section 7); the raw baseline's
 * typists follow the same rule so that both carry the same load.
 */
interface Editor extends AutoCloseable {

    /** One keystroke now: a {@link Stamp} typed at the caret, sent at once unless an edit is in flight. */
    void type();

    /** Nothing typed is waiting for its acknowledgement. */
    boolean settled();

    /** The text as this client sees it, or null for a typist that keeps no replica (the raw baseline). */
    String text();

    /** The last version it has seen, or -1 when it keeps none. */
    long version();

    @Override
    void close();

    /**
     * Closed loop: the next keystroke follows the acknowledgement of the previous one, no sooner than {@code
     * minGapNanos} after it. Called by editors after an acknowledgement, outside their lock.
     */
    static void next(Editor editor, Phase phase, ScheduledExecutorService timer, long lastTyped, long minGapNanos) {
        if (!phase.running) {
            return;
        }
        long wait = lastTyped + minGapNanos - System.nanoTime();
        if (wait <= 0) {
            timer.execute(editor::type);
        } else {
            timer.schedule(editor::type, wait, TimeUnit.NANOSECONDS);
        }
    }

    /** The Tyrus client of every editor of the JVM: one shared Grizzly transport, large snapshots allowed. */
    final class Transport {
        static final int MAX_MESSAGE = 64 << 20;
        static final ClientManager CLIENT = create();

        private Transport() {
        }

        private static ClientManager create() {
            ClientManager client = ClientManager.createClient();
            Map<String, Object> p = client.getProperties();
            // Without it Tyrus starts a transport (selector and worker threads) per connection.
            p.put(ClientProperties.SHARED_CONTAINER, true);
            p.put(ClientProperties.INCOMING_BUFFER_SIZE, MAX_MESSAGE + 1024);
            return client;
        }

        static URI docUri(URI base, String documentId) {
            return URI.create(base.toString().replaceAll("/+$", "") + "/docs/" + documentId);
        }

        static final List<String> SUBPROTOCOL = List.of("coedit.v1");
    }
}
