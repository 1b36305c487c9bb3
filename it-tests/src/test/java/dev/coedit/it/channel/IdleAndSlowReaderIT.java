package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections that go quiet or stop reading, on a server with short limits: a 3 s idle timeout, a ping every second
 * and a 256 KiB outbox (and a rate limit of 2,000 messages a second, so that a few editors make traffic fast). A live
 * client that sends nothing stays; a dead one (no pongs, no reads) is dropped within about the idle timeout; a reader
 * too slow for the document's traffic is cut off, never allowed to slow the others.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public class IdleAndSlowReaderIT {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
    private static final int OUTBOX_BYTES = 256 * 1024;
    /** "Within about the idle timeout": the timeout, a ping interval and generous scheduling slack. */
    private static final Duration DEAD_PEER_DROPPED_WITHIN = IDLE_TIMEOUT.plusSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TunedServer server;

    private URI document;

    /** The server's settings for this class; the container suite deploys the WAR with them. */
    public static final Map<String, String> SETTINGS = Map.of(
            "idle.timeout.ms", Long.toString(IDLE_TIMEOUT.toMillis()),
            "ping.interval.ms", "1000",
            "outbox.max.bytes", Integer.toString(OUTBOX_BYTES),
            "rate.per.second", "2000",
            "rate.burst", "2000");

    @BeforeAll
    static void startServerWithShortLimits() {
        server = TunedServer.start(SETTINGS);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshDocument() {
        document = server.wsUri("docs/idle-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void anIdleClientThatAnswersPingsStaysConnectedPastTheIdleTimeout() throws Exception {
        try (RecordingSocket idle = RecordingSocket.join(document, "idle")) {
            // Tyrus answers the server's pings by itself; the client sends nothing else for twice the timeout.
            idle.assertNoMessage(IDLE_TIMEOUT.multipliedBy(2).plusSeconds(1));

            assertTrue(idle.isOpen());
            idle.send(Wire.submit("idle", 1, 0, "[\"still here\"]"));
            assertEquals(1, idle.expectType("ack").getInt("version"));
        }
    }

    @Test
    void aPeerWhoseOnlyFramesArePongsStaysConnectedPastTheIdleTimeout() throws Exception {
        try (RawSocket quiet = RawSocket.connect(document)) {
            quiet.sendText(Wire.hello("pongs-only").toString());

            RawSocket.End end = quiet.readUntilEnd(IDLE_TIMEOUT.multipliedBy(2).plusSeconds(1), true);
            assertEquals(RawSocket.Ending.STILL_OPEN, end.ending(), () -> "ended although it answered every ping: "
                    + end);
            assertTrue(end.pings() >= 4, () -> "the server pings every second: " + end);

            quiet.sendText(Wire.submit("pongs-only", 1, 0, "[\"pong\"]").toString());
            String ack = readText(quiet);
            assertEquals("ack", Wire.type(Wire.parse(ack)), ack);
        }
    }

    @Test
    void aPeerThatNeverAnswersPingsAndNeverReadsIsDroppedWithinTheIdleTimeoutAndItsLeftIsBroadcast()
            throws Exception {
        try (RecordingSocket observer = RecordingSocket.join(document, "observer");
             RawSocket dead = RawSocket.connect(document, List.of(RecordingSocket.SUBPROTOCOL), 4096);
             Monitor monitor = Monitor.open(server.wsUri("admin"))) {
            dead.sendText(Wire.hello("dead").toString());
            observer.expectType("joined");
            long start = System.nanoTime();

            // From now on the peer neither reads nor answers pings: a pulled cable, a frozen laptop.
            JsonObject left = observer.awaitMessage(m -> "left".equals(Wire.type(m)), "left for the dead peer",
                    DEAD_PEER_DROPPED_WITHIN);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("IdleAndSlowReaderIT: the dead peer was dropped after %d ms%n", millis);
            assertEquals("dead", left.getString("clientId"));
            monitor.awaitState(s -> !Monitor.hasClient(s, "dead"), "the dead peer's session is gone", WAIT);

            // If the close frame got through at all (the peer reads nothing): 1001, "idle: ..." (docs/protocol.md).
            RawSocket.End end = dead.readUntilEnd(WAIT, false);
            System.out.println("IdleAndSlowReaderIT: the dead peer's connection ended with " + end);
            if (end.hasCloseFrame()) {
                assertEquals(1001, end.closeCode(), () -> "the idle close: " + end);
                assertTrue(end.closeReason().startsWith("idle"), () -> "the idle close's reason: " + end);
            }
        }
    }

    @Test
    void aPeerStuckHalfwayThroughAFrameIsClosedWithinTheIdleTimeout() throws Exception {
        try (RecordingSocket observer = RecordingSocket.join(document, "observer");
             RawSocket stuck = RawSocket.connect(document, List.of(RecordingSocket.SUBPROTOCOL), 0)) {
            stuck.sendText(Wire.hello("stuck").toString());
            observer.expectType("joined");
            // The header of a masked text frame of 100 bytes, and 10 of them: the rest never comes.
            byte[] half = new byte[2 + 4 + 10];
            half[0] = (byte) 0x81;
            half[1] = (byte) (0x80 | 100);
            stuck.sendRaw(half);
            long start = System.nanoTime();
            JsonObject left = observer.awaitMessage(m -> "left".equals(Wire.type(m)), "left for the stuck peer",
                    DEAD_PEER_DROPPED_WITHIN);
            assertEquals("stuck", left.getString("clientId"));
            System.out.printf("IdleAndSlowReaderIT: the half-sent frame was cut off after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    @Test
    void aReaderTooSlowForTheDocumentIsCutOffWhileTheOthersKeepReceivingOps() throws Exception {
        List<CoeditClient> editors = new ArrayList<>();
        ExecutorService typing = Executors.newFixedThreadPool(4);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger edits = new AtomicInteger();
        try (CoeditClient reader = CoeditClient.builder(document).name("Reader").connect(WAIT);
             RecordingSocket watcher = RecordingSocket.join(document, "watcher");
             RawSocket slow = RawSocket.connect(document, List.of(RecordingSocket.SUBPROTOCOL), 4096);
             Monitor monitor = Monitor.open(server.wsUri("admin"))) {
            slow.sendText(Wire.hello("slow").toString());
            // It never reads, yet it is alive: it hides its caret every half second, so the idle timeout does not
            // apply and only the outbox bound can end it.
            typing.submit(() -> {
                while (!stop.get()) {
                    slow.sendText(Wire.hideCaret(0).toString());
                    Thread.sleep(500);
                }
                return null;
            });
            watcher.awaitMessage(m -> "joined".equals(Wire.type(m)) && "slow".equals(
                    m.getJsonObject("participant").getString("clientId")), "the slow reader joins", WAIT);
            monitor.awaitState(s -> Monitor.hasClient(s, "slow"), "the slow reader's session", WAIT);

            // Three editors type 1 KiB every 4 ms until the slow reader is cut off (the kernel's socket buffers take a
            // few MiB before the server's outbox starts to fill).
            String kib = "0123456789abcdef".repeat(64);
            List<Future<?>> typists = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CoeditClient editor = CoeditClient.builder(document).name("Editor " + i).connect(WAIT);
                editors.add(editor);
                typists.add(typing.submit(() -> {
                    for (int n = 0; n < 2_000 && !stop.get(); n++) {
                        editor.insert(0, kib);
                        edits.incrementAndGet();
                        Thread.sleep(4);
                    }
                    return null;
                }));
            }

            long start = System.nanoTime();
            // (On a busy machine a healthy editor may fall behind too, and reconnect: only the slow reader's left
            // counts here, and the convergence below shows that everyone else has everything.)
            watcher.awaitMessage(m -> "left".equals(Wire.type(m)) && "slow".equals(m.getString("clientId")),
                    "left for the slow reader", Duration.ofSeconds(30));
            stop.set(true);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("IdleAndSlowReaderIT: the slow reader was cut off after %d edits of 1 KiB, %d ms%n",
                    edits.get(), millis);
            for (Future<?> typist : typists) {
                typist.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            monitor.awaitState(s -> !Monitor.hasClient(s, "slow"), "the slow reader's session is gone", WAIT);

            // The others are fine: all copies agree, and one more edit reaches everyone. (Settled first: an
            // editor's last keystrokes may still be waiting for their ack, and a concurrent insert at 0 that reaches
            // the server later goes before "after the cut ".)
            List<CoeditClient> everyone = new ArrayList<>(editors);
            everyone.add(reader);
            ConvergenceIT.awaitConvergence(everyone);
            editors.get(0).insert(0, "after the cut ");
            // (No newcomer here: the document is now larger than this server's outbox; see the test below.)
            String text = ConvergenceIT.awaitConvergence(everyone);
            assertTrue(text.startsWith("after the cut "), "the last edit is in");
            assertEquals(List.of(), reader.errors());

            // What reached the slow reader's socket ends in 1013, if a close frame got through at all.
            RawSocket.End end = slow.readUntilEnd(WAIT, false);
            System.out.println("IdleAndSlowReaderIT: the slow reader's connection ended with " + end);
            if (end.hasCloseFrame()) {
                assertEquals(1013, end.closeCode(), () -> "how it ended: " + end);
            }
        } finally {
            stop.set(true);
            typing.shutdownNow();
            editors.forEach(CoeditClient::close);
        }
    }

    /**
     * The outbox bounds what waits for a slow reader, not the size of one message: a client that reads at once must
     * get the snapshot of a document larger than the bound (nothing limits a document's size).
     */
    @Test
    void aNewcomerGetsTheSnapshotOfADocumentLargerThanTheOutboxBound() throws Exception {
        String chunk = "large document ".repeat(4_000); // 60,000 characters: each submit is under 64 KiB
        try (RecordingSocket writer = RecordingSocket.join(document, "writer")) {
            for (int seq = 1; seq <= 5; seq++) {
                writer.send(Wire.submit("writer", seq, seq - 1, Wire.insertOp(0, chunk)));
                assertEquals(seq, writer.expectType("ack").getInt("seq"));
            }
        }
        try (RecordingSocket newcomer = RecordingSocket.connect(document)) {
            newcomer.send(Wire.hello("newcomer"));
            JsonObject snapshot = newcomer.nextMessage();
            assertEquals("snapshot", Wire.type(snapshot), () -> "the answer to hello, " + snapshot.toString()
                    .substring(0, Math.min(200, snapshot.toString().length())));
            assertEquals(5 * chunk.length(), snapshot.getString("text").length());
        }
    }

    /** The next text frame, skipping pings (answered) and pongs. */
    private static String readText(RawSocket socket) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            RawSocket.Frame frame = socket.readFrame(WAIT);
            assertTrue(frame != null, "no frame within " + WAIT);
            if (frame.opcode() == RawSocket.TEXT) {
                return frame.text();
            }
            if (frame.opcode() == RawSocket.PING) {
                socket.sendPong(frame.payload());
            }
            assertFalse(frame.opcode() == RawSocket.CLOSE, () -> "closed: " + frame);
        }
        throw new AssertionError("no text frame within " + WAIT);
    }
}
