package dev.coedit.it.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

/**
 * The crash test. The standalone server runs as a separate process while 20 clients type; it is killed with SIGKILL
 * mid-stream (no shutdown hook, no flush) and started again on the same data folder. Every edit a client had seen
 * acknowledged before the kill is in the document the restarted server loads, exactly once; the clients reconnect,
 * resend what was not acknowledged, and all converge on a text with every edit exactly once. Again with a torn last
 * write: bytes of a write that never completed at the end of the database file.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
@ServerUnderTest.OwnServer
class CrashRecoveryIT {

    private static final int CLIENTS = 20;
    private static final Pattern TOKEN = Pattern.compile("<c(\\d\\d):(\\d{4})>");

    @Test
    void everyAcknowledgedEditSurvivesAKillAndTheClientsConverge(ServerUnderTest server) throws Exception {
        crashAndRecover(server.process(), false);
    }

    @Test
    void everyAcknowledgedEditSurvivesAKillWithATornLastWrite(ServerUnderTest server) throws Exception {
        crashAndRecover(server.process(), true);
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

    private static void crashAndRecover(StandaloneProcess process, boolean tornWrite) throws Exception {
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
            process.kill();
            int[] ackedAtKill = new int[CLIENTS];
            for (int i = 0; i < CLIENTS; i++) {
                ackedAtKill[i] = acked.get(i);
            }
            if (tornWrite) {
                tearLastWrite(process.dataDir().resolve("coedit.mv.db"));
            }
            Thread.sleep(500); // they type on, offline
            process.restart();

            // What the restarted server loaded: every acknowledged edit, once.
            try (CoeditClient observer = CoeditClient.builder(ws(process, documentId)).name("observer")
                    .connect(Duration.ofSeconds(20))) {
                int[][] counts = count(observer.text());
                int acknowledged = 0;
                for (int c = 0; c < CLIENTS; c++) {
                    acknowledged += ackedAtKill[c];
                    for (int t = 0; t < ackedAtKill[c]; t++) {
                        assertEquals(1, counts[c][t], "client " + c + " edit " + t + " was acknowledged before the"
                                + " kill; times in the reloaded document");
                    }
                }
                assertTrue(acknowledged > CLIENTS, "the test typed too little before the kill: " + acknowledged);
                System.out.printf("crash test%s: %d edits acknowledged before the kill, all reloaded once%n",
                        tornWrite ? " (torn last write)" : "", acknowledged);

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

    /** A write the kill interrupted: a few KB of what looks like a half-written block at the end of the file. */
    private static void tearLastWrite(Path file) throws IOException {
        byte[] torn = new byte[4096 + 512];
        new Random(7).nextBytes(torn);
        byte[] header = "chunk:7fff,len:4,pages:2,max:1000,map:20,root:0,time:1,version:99999,next:0,"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, torn, 0, header.length);
        Files.write(file, torn, StandardOpenOption.APPEND);
    }
}
