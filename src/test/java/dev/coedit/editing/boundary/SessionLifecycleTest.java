package dev.coedit.editing.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.CoeditConfig;
import dev.coedit.editing.control.Room;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.standalone.StandaloneServer;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way in is matched by a way out: after ten thousand connections that join a document and close, the registry
 * holds no connection, no room lists anyone, and the heap is back near where it was after a warm-up. The server runs
 * in this JVM so that its registry and heap can be read; the clients are Tyrus's, over loopback, a few at a time.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SessionLifecycleTest {

    private static final int WARM_UP = 200;
    private static final int CYCLES = 10_000;
    private static final int PARALLEL = 4;
    /** The cycles must be done within this; a slower run fails with the count it reached. */
    private static final Duration BUDGET = Duration.ofSeconds(75);
    private static final Duration WAIT = Duration.ofSeconds(10);
    /**
     * Heap growth allowed over the whole run: 6 MiB, about 630 bytes a cycle, less than one session's objects (a
     * Tyrus session, a Connection, an outbox), so a leak of sessions fails. Seen: under 100 KiB.
     */
    private static final long MARGIN_BYTES = 6L * 1024 * 1024;

    @TempDir
    static Path data;

    /**
     * One Tyrus client for the class, never shut down: shutting a ClientManager down stops executors Tyrus shares
     * between clients, and the next test's handshakes then went unanswered.
     */
    private static final ClientManager CLIENTS = client();

    private static StandaloneServer server;
    private static URI docs;

    /** How each cycle ended; see {@link #cycle}. */
    enum Outcome { SNAPSHOT, CLOSED_BY_THE_SERVER_FIRST }

    /**
     * One server for the class: stopping an in-process Tyrus server container also stops a scheduler that Tyrus
     * clients created earlier in the same JVM go on using, and their next handshakes fail.
     */
    @BeforeAll
    static void start() throws Exception {
        // Thousands of handshakes a second from one address: far past the default limit, which is not under test.
        CoeditConfig config = CoeditConfig.defaults().withPort(0).withDataDir(data);
        server = StandaloneServer.start(config.withSecurity(config.security().withLimits(100_000, 100_000, 100_000)));
        docs = URI.create("ws://127.0.0.1:" + server.port() + "/coedit/docs/");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static ClientManager client() {
        ClientManager client = ClientManager.createClient();
        client.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, (int) WAIT.toMillis());
        return client;
    }

    @Test
    void tenThousandConnectJoinAndCloseCyclesLeaveNoSessionAndNoHeapBehind() throws Exception {
        SessionRegistry registry = server.registry();
        long openedBefore = registry.snapshot().connectionsOpened();

        cycles(WARM_UP, PARALLEL, Duration.ofSeconds(30));
        awaitNoConnection(registry);
        long baseline = settledHeapBytes();

        long start = System.nanoTime();
        Map<String, Integer> reasons = cycles(CYCLES, PARALLEL, BUDGET);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        awaitNoConnection(registry);
        long after = settledHeapBytes();

        System.out.printf("SessionLifecycleTest: %d cycles in %d ms (%d in parallel); heap after warm-up %.1f MiB,"
                + " after the cycles %.1f MiB, growth %+.1f KiB (%.1f bytes a cycle); closed by the server before"
                + " the snapshot: %s%n", CYCLES, millis, PARALLEL, baseline / 1048576.0, after / 1048576.0,
                (after - baseline) / 1024.0, (after - baseline) / (double) CYCLES, reasons);

        SessionRegistry.Snapshot snapshot = registry.snapshot();
        assertEquals(0, registry.connectionCount(), "connections still registered");
        assertEquals(List.of(), snapshot.sessions(), "sessions still listed");
        assertEquals(WARM_UP + CYCLES, snapshot.connectionsOpened() - openedBefore,
                "every connection was registered once");
        for (Room.Stats room : snapshot.documents()) {
            assertEquals(0, room.participants(), () -> "still present in " + room);
        }
        assertTrue(after - baseline < MARGIN_BYTES, () -> String.format(
                "the heap grew by %.1f MiB over %d cycles (allowed: %.1f MiB)", (after - baseline) / 1048576.0,
                CYCLES, MARGIN_BYTES / 1048576.0));
    }

    /**
     * A connection must live until it is idle for the idle timeout (60 s here), however many others come and go at
     * the same moment. The cycles above count the ones the server cut short; here, with more of them at once, there
     * must be none.
     */
    @Test
    void noFreshConnectionIsClosedAsIdleWhileOthersConnectAtTheSameTime() throws Exception {
        Map<String, Integer> cutShort = cycles(6_000, 2 * PARALLEL, Duration.ofSeconds(40));

        assertEquals(Map.of(), cutShort, "connections the server closed before sending their snapshot, by reason");
    }

    /**
     * {@code count} cycles, {@code parallel} at a time, each worker on its own document. Returns how many the server
     * closed before their snapshot, by close reason.
     */
    private Map<String, Integer> cycles(int count, int parallel, Duration budget) throws Exception {
        long deadline = System.nanoTime() + budget.toNanos();
        AtomicInteger done = new AtomicInteger();
        Map<String, Integer> cutShort = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < parallel; w++) {
                URI document = docs.resolve("lifecycle-" + w);
                int share = count / parallel + (w < count % parallel ? 1 : 0);
                int worker = w;
                futures.add(workers.submit(() -> {
                    for (int i = 0; i < share && System.nanoTime() < deadline; i++) {
                        CloseReason[] early = new CloseReason[1];
                        if (cycle(document, "c" + worker + "-" + (i % 50), early) != Outcome.SNAPSHOT) {
                            cutShort.merge(early[0].getCloseCode().getCode() + " " + early[0].getReasonPhrase(), 1,
                                    Integer::sum);
                        }
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(Math.max(1, deadline - System.nanoTime()) + WAIT.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            workers.shutdownNow();
        }
        assertEquals(count, done.get(), "cycles done within " + budget.toSeconds() + " s");
        return cutShort;
    }

    /**
     * Connects, says hello, reads the snapshot, closes and waits until the close is complete. When the server closes
     * the connection first, says so and puts the close reason in {@code early[0]}.
     */
    private Outcome cycle(URI document, String clientId, CloseReason[] early) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<CloseReason> closed = new CompletableFuture<>();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("coedit.v1")).build();
        Session session = CLIENTS.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) first::complete);
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                closed.complete(reason);
                first.complete(null);
            }
        }, config, document);
        try {
            session.getBasicRemote().sendText("{\"type\":\"hello\",\"clientId\":\"" + clientId + "\"}");
        } catch (IOException | RuntimeException e) {
            // Closed under our feet (Tyrus reports that in several ways); the close reason says why.
        }
        String snapshot = first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (snapshot == null || closed.isDone()) {
            early[0] = closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return Outcome.CLOSED_BY_THE_SERVER_FIRST;
        }
        if (!snapshot.contains("\"snapshot\"")) {
            throw new AssertionError("expected a snapshot, got " + snapshot);
        }
        session.close();
        closed.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return Outcome.SNAPSHOT;
    }

    private static void awaitNoConnection(SessionRegistry registry) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (registry.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, registry.connectionCount(), "connections registered " + WAIT.toSeconds()
                + " s after the last close");
    }

    /** Used heap after several full collections: the lowest of a few readings. */
    private static long settledHeapBytes() throws InterruptedException {
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            lowest = Math.min(lowest, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
