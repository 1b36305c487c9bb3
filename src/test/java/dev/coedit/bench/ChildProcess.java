package dev.coedit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A server the benchmark starts as a separate JVM (the Coedit standalone jar, or the {@link RawServer} fixture),
 * pinned to a core with {@code taskset} where possible. It is ready once a line of its stdout yields an address;
 * its output goes to a log file. Killed when closed, and at the latest when the benchmark's JVM exits.
 */
final class ChildProcess implements AutoCloseable {

    final String label;
    final Process process;
    final String address;
    final List<String> command;
    private final Thread killOnExit;

    private ChildProcess(String label, Process process, String address, List<String> command, Thread killOnExit) {
        this.label = label;
        this.process = process;
        this.address = address;
        this.command = command;
        this.killOnExit = killOnExit;
    }

    /**
     * @param core  the CPU to pin it to, or -1 for none
     * @param ready maps a line of stdout to the address it announces, or null
     */
    static ChildProcess start(String label, List<String> javaArgs, int core, Path log,
            Function<String, String> ready) {
        List<String> command = new ArrayList<>();
        if (core >= 0) {
            command.addAll(List.of("taskset", "-c", Integer.toString(core)));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaArgs);
        Process process;
        try {
            log.getParent().toFile().mkdirs();
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Thread killOnExit = new Thread(process::destroyForcibly, "kill-" + label);
        Runtime.getRuntime().addShutdownHook(killOnExit);
        CompletableFuture<String> address = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String a = ready.apply(line);
                    if (a != null) {
                        address.complete(a);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            address.completeExceptionally(new IllegalStateException(label + " ended; see " + log));
        }, label + "-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ChildProcess(label, process, address.get(60, TimeUnit.SECONDS), command, killOnExit);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException(label + " did not start within 60 s: " + command + " (log " + log + ")",
                    e);
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        // SIGTERM first: the standalone server closes its sessions and exits cleanly.
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
