package dev.coedit.it.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
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

    private static void crashAndRecover(StandaloneProcess process, Crash crash, String how) throws Exception {
        String documentId = "crash-" + UUID.randomUUID().toString().substring(0, 8);
        try (Typists typists = Typists.start(ServerUnderTest.wsUri(process.httpUri(), "docs/" + documentId), CLIENTS, i -> new CoeditClient.Listener() { })) {
            Thread.sleep(3_000);
            crash.crash();
            int[] ackedAtCrash = typists.acknowledged();
            Thread.sleep(500); // they type on, offline
            // The plain jar on the same data folder, as an operator starts it after a crash (file:, not tear:).
            process.restart(StandaloneProcess.Launch.JAR);

            // What the restarted server loaded: every acknowledged edit, once.
            try (CoeditClient observer = CoeditClient.builder(ServerUnderTest.wsUri(process.httpUri(), "docs/" + documentId)).name("observer")
                    .connect(Duration.ofSeconds(20))) {
                typists.assertEachOnce(observer.text(), ackedAtCrash, "was acknowledged before the crash (" + how
                        + ") and must be in the reloaded document");
                int acknowledged = IntStream.of(ackedAtCrash).sum();
                assertTrue(acknowledged > CLIENTS, "the test typed too little before the crash: " + acknowledged);
                System.out.printf("crash test (%s): %d edits acknowledged before the crash, all reloaded once%n",
                        how, acknowledged);

                Thread.sleep(1_000);
                typists.stopAndConverge(observer);
            }
        }
    }
}
