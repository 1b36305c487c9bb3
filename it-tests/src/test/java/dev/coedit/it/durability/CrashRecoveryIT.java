package dev.coedit.it.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test. The standalone server runs as a separate process while 20 clients type; it dies mid-stream and is
 * started again on the same data folder. Every edit a client had seen acknowledged before the crash is in the
 * document the restarted server loads, exactly once; the clients reconnect, resend what was not acknowledged, and
 * all converge on a text with every edit exactly once. It dies two ways:
 * <ul>
 *   <li>SIGKILL: no shutdown hook, no flush;</li>
 *   <li>a torn write: the server runs through {@link TornWriteLauncher}, which writes only part of one real write of
 *       the database file (a commit in flight) and halts the JVM in the middle of it.</li>
 * </ul>
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
@ServerUnderTest.OwnServer
class CrashRecoveryIT {

    private static final int CLIENTS = 20;
    private static final Pattern TOKEN = Pattern.compile("<c(\\d\\d):(\\d{4})>");
    private static final Pattern TORN =
            Pattern.compile("torn write of (\\d+) of (\\d+) bytes at offset (\\d+) of (\\S+)");

    /** How the server dies mid-stream; it returns once the process is gone. */
    private interface Crash {
        void crash() throws Exception;
    }

    @Test
    void everyAcknowledgedEditSurvivesAKillAndTheClientsConverge(ServerUnderTest server) throws Exception {
        StandaloneProcess process = server.process();
        crashAndRecover(process, process::kill, "SIGKILL");
    }

    @Test
    void everyAcknowledgedEditSurvivesACrashInTheMiddleOfAWriteAndTheClientsConverge(@TempDir Path folder)
            throws Exception {
        ServerUnderTest.assumeStandaloneRun("a server started through " + TornWriteLauncher.class.getSimpleName());
        Path data = folder.resolve("data");
        Path trigger = folder.resolve("tear-now");
        // What the server makes of --data-dir (Database.h2Url), with the tearing file system instead of file:.
        String url = "jdbc:h2:" + TornWriteLauncher.SCHEME + ":" + data.toAbsolutePath().normalize().resolve("coedit")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        StandaloneProcess.Launch tearing = new StandaloneProcess.Launch(
                List.of("-D" + TornWriteLauncher.TRIGGER + "=" + trigger), TornWriteLauncher.class,
                List.of("--db-url", url));
        try (StandaloneProcess process = StandaloneProcess.start(0, data, ServerUnderTest.LOAD_TEST_SETTINGS,
                tearing)) {
            crashAndRecover(process, () -> {
                Files.createFile(trigger);
                int exitCode = process.awaitExit();
                String stderr = process.stderr();
                assertEquals(TornWriteLauncher.EXIT_CODE, exitCode, "the server died otherwise: " + stderr);
                Matcher torn = TORN.matcher(stderr);
                assertTrue(torn.find(), "no torn write reported: " + stderr);
                long written = Long.parseLong(torn.group(1));
                long total = Long.parseLong(torn.group(2));
                long offset = Long.parseLong(torn.group(3));
                Path file = Path.of(torn.group(4));
                assertTrue(written > 0 && written < total, torn.group());
                assertEquals(data.toAbsolutePath().normalize().resolve("coedit.mv.db"), file, "the torn file");
                assertTrue(Files.size(file) >= offset + written, "the torn bytes are in the file: " + Files.size(file)
                        + " bytes, " + torn.group());
                System.out.println("crash test: " + torn.group());
            }, "torn write");
        }
    }

    /** Types tokens like {@code <c07:0012>} at the start of the document, one client per thread. */
    private static final class Typist extends Thread {
        final int index;
        final CoeditClient client;
        final AtomicIntegerArray acked;
        final AtomicBoolean stop;
        int typed;

        Typist(int index, CoeditClient client, AtomicIntegerArray acked, AtomicBoolean stop) {
            super("typist-" + index);
            this.index = index;
            this.client = client;
            this.acked = acked;
            this.stop = stop;
        }

        @Override
        public void run() {
            Random random = new Random(index);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // bounded even if nobody stops it
            while (!stop.get() && System.nanoTime() < end && typed < 9_999) {
                client.insert(0, String.format("<c%02d:%04d>", index, typed));
                typed++;
                try {
                    Thread.sleep(10 + random.nextInt(30));
                    if (typed % 5 == 0) {
                        // A checkpoint: this thread is the only one typing, so once nothing is unacknowledged,
                        // everything typed so far is stored. While the server is down it times out, and typing
                        // goes on offline.
                        client.awaitAcknowledged(Duration.ofSeconds(2));
                        acked.set(index, typed);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (java.util.concurrent.TimeoutException e) {
                    // not acknowledged in time: the server is down
                }
            }
        }
    }

    private static void crashAndRecover(StandaloneProcess process, Crash crash, String how) throws Exception {
        String documentId = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        URI doc = ws(process, documentId);
        List<CoeditClient> clients = new ArrayList<>();
        List<Typist> typists = new ArrayList<>();
        AtomicIntegerArray acked = new AtomicIntegerArray(CLIENTS);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(CoeditClient.builder(doc).name("typist " + i).maxBackoff(Duration.ofMillis(500))
                        .connect(Duration.ofSeconds(20)));
            }
            for (int i = 0; i < CLIENTS; i++) {
                typists.add(new Typist(i, clients.get(i), acked, stop));
                typists.get(i).start();
            }
            Thread.sleep(3_000);
            crash.crash();
            int[] ackedAtKill = new int[CLIENTS];
            for (int i = 0; i < CLIENTS; i++) {
                ackedAtKill[i] = acked.get(i);
            }
            Thread.sleep(500); // they type on, offline
            // The plain jar on the same data folder, as an operator starts it after a crash (file:, not tear:).
            process.restart(StandaloneProcess.Launch.JAR);

            // What the restarted server loaded: every acknowledged edit, once.
            try (CoeditClient observer = CoeditClient.builder(ws(process, documentId)).name("observer")
                    .connect(Duration.ofSeconds(20))) {
                int[][] counts = count(observer.text());
                int acknowledged = 0;
                for (int c = 0; c < CLIENTS; c++) {
                    acknowledged += ackedAtKill[c];
                    for (int t = 0; t < ackedAtKill[c]; t++) {
                        assertEquals(1, counts[c][t], "client " + c + " edit " + t + " was acknowledged before the"
                                + " crash (" + how + "); times in the reloaded document");
                    }
                }
                assertTrue(acknowledged > CLIENTS, "the test typed too little before the kill: " + acknowledged);
                System.out.printf("crash test (%s): %d edits acknowledged before the crash, all reloaded once%n",
                        how, acknowledged);

                Thread.sleep(1_000);
                stop.set(true);
                for (Typist t : typists) {
                    t.join(10_000);
                }
                for (CoeditClient client : clients) {
                    client.awaitAcknowledged(Duration.ofSeconds(60));
                }
                long version = clients.get(0).version();
                for (CoeditClient client : clients) {
                    version = Math.max(version, client.version());
                }
                long target = version;
                observer.awaitVersion(target, Duration.ofSeconds(30));
                String text = observer.text();
                for (CoeditClient client : clients) {
                    client.awaitVersion(target, Duration.ofSeconds(30));
                    assertEquals(text, client.text(), "every client converges");
                }
                int[][] finalCounts = count(text);
                for (int c = 0; c < CLIENTS; c++) {
                    for (int t = 0; t < typists.get(c).typed; t++) {
                        assertEquals(1, finalCounts[c][t], "client " + c + " edit " + t + " in the final text");
                    }
                }
            }
        } finally {
            stop.set(true);
            for (CoeditClient client : clients) {
                client.close();
            }
        }
    }

    private static URI ws(StandaloneProcess process, String documentId) {
        return URI.create(process.httpUri().toString().replaceFirst("^http", "ws") + "docs/" + documentId);
    }

    /** How many times each client's each token is in {@code text}. */
    private static int[][] count(String text) {
        int[][] counts = new int[CLIENTS][10_000];
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            counts[Integer.parseInt(m.group(1))][Integer.parseInt(m.group(2))]++;
        }
        return counts;
    }
}
