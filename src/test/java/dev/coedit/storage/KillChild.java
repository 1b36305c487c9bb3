package dev.coedit.storage;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * The child process of {@link CrashTest}, started with the test class path:
 *
 * <pre>
 * KillChild append DATABASE ACK_FILE SEED DOCUMENTS [nosync]   appends seeded edits for ever; one line per
 *                                                           acknowledged commit; nosync: H2 without fsync
 * KillChild hold   DATABASE READY_FILE                opens the store, writes READY_FILE, and waits to be killed
 * </pre>
 *
 * DATABASE is {@code h2:FOLDER} or a {@code jdbc:postgresql:} URL (user postgres, trust authentication).
 */
public final class KillChild {

    private KillChild() {
    }

    public static void main(String[] args) throws Exception {
        DocumentStore.Builder b = DocumentStore.builder();
        b = args[1].startsWith("h2:") ? b.dataFolder(Path.of(args[1].substring(3)))
                : b.jdbcUrl(args[1], "postgres", null);
        DocumentStore store = b.snapshotEvery(50).syncEveryCommit(!(args.length > 5 && args[5].equals("nosync")))
                .open();
        if (args[0].equals("hold")) {
            try (FileOutputStream ready = new FileOutputStream(args[2])) {
                ready.write("ready\n".getBytes(StandardCharsets.UTF_8));
            }
            Thread.sleep(120_000);
            System.exit(3);
        }
        long seed = Long.parseLong(args[3]);
        int documents = Integer.parseInt(args[4]);
        RandomEdits[] edits = new RandomEdits[documents];
        for (int d = 0; d < documents; d++) {
            edits[d] = new RandomEdits(seed + d);
        }
        // Unbuffered: each line is in the OS before the next ack, so a SIGKILL loses none that was written.
        FileOutputStream acks = new FileOutputStream(args[2], true);
        Semaphore inFlight = new Semaphore(200);
        long deadline = System.nanoTime() + 60_000_000_000L; // the parent kills it long before
        while (System.nanoTime() < deadline) {
            for (int d = 0; d < documents; d++) {
                var op = edits[d].next();
                long version = edits[d].version();
                String line = "doc-" + d + " " + version + "\n";
                inFlight.acquire();
                store.append("doc-" + d, version, op, "child", version, "Child", Instant.now())
                        .whenComplete((ok, failure) -> {
                            inFlight.release();
                            if (failure != null) {
                                System.err.println("append failed: " + failure);
                                System.exit(2);
                            }
                            write(acks, line);
                        });
            }
        }
        System.exit(4);
    }

    private static void write(FileOutputStream out, String line) {
        try {
            synchronized (out) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            System.err.println("cannot record ack: " + e);
            System.exit(2);
        }
    }
}
