package dev.coedit.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A process appending as fast as it can is killed with SIGKILL; reopening finds every acknowledged commit, each once,
 * and nothing but the seeded edits in order (so no torn or doubled write).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashTest {

    private static final int DOCUMENTS = 8;
    private static final int KILL_AFTER_ACKS = 3000;

    static Process child(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), KillChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Backend.newFolder("child-log").toFile()).start();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyAcknowledgedCommitSurvivesASigkillOnceAndInOrder(Backend backend) throws Exception {
        killAndCheck(backend, "sync");
    }

    /** Without fsync H2 is only safe against a process crash, through WRITE_DELAY=0: this checks that part. */
    @Test
    void everyAcknowledgedCommitOfH2WithoutFsyncSurvivesASigkill() throws Exception {
        killAndCheck(Backend.H2, "nosync");
    }

    private static void killAndCheck(Backend backend, String sync) throws Exception {
        Backend.TestDb db = backend.fresh();
        if (db.folder() == null) {
            db.open().close(); // PostgreSQL: the schema exists before the child starts
        }
        long seed = new Random().nextLong();
        Path acks = Backend.newFolder("acks");
        String database = backend == Backend.H2 ? "h2:" + db.folder() : db.url();
        Process p = child("append", database, acks.toString(), Long.toString(seed), Integer.toString(DOCUMENTS),
                sync);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (lines(acks) < KILL_AFTER_ACKS && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), () -> "the child stopped by itself with exit code " + p.exitValue());
        } finally {
            p.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Map<String, Long> acked = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (String line : Files.readAllLines(acks)) {
            assertTrue(seen.add(line), "acknowledged twice: " + line);
            String[] parts = line.split(" ");
            acked.merge(parts[0], Long.parseLong(parts[1]), Math::max);
        }
        assertTrue(seen.size() >= KILL_AFTER_ACKS || System.nanoTime() >= deadline, "acks: " + seen.size());
        long stored = 0;
        try (DocumentStore store = db.open()) {
            for (int d = 0; d < DOCUMENTS; d++) {
                String doc = "doc-" + d;
                StoredDocument loaded = store.load(doc);
                long ackedVersion = acked.getOrDefault(doc, 0L);
                assertTrue(loaded.version() >= ackedVersion, doc + " acknowledged up to " + ackedVersion
                        + " but stored only up to " + loaded.version() + " (seed " + seed + ")");
                assertEquals(RandomEdits.textAfter(seed + d, loaded.version()), loaded.text(), doc + " seed " + seed);
                assertEquals(List.of(loaded.version()),
                        db.longs("SELECT COUNT(*) FROM ops WHERE document_id = '" + doc + "'"));
                stored += loaded.version();
            }
        }
        System.out.printf("crash test %s (%s): %d commits acknowledged before SIGKILL, %d stored%n", backend, sync,
                seen.size(), stored);
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        byte[] bytes = Files.readAllBytes(file);
        long n = 0;
        for (byte b : bytes) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
