package dev.coedit.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standalone jar run as a separate JVM, as a person or a script would run it:
 * {@code java -jar coedit-...-standalone.jar --port P --data-dir D}. It is ready once it printed
 * {@code Coedit is running at URL} on stdout. Its output is echoed to this JVM's stdout, prefixed, and kept.
 *
 * <p>A killed or stopped server can be {@linkplain #restart() restarted} on the same port and data folder. The
 * process is killed at the latest when this JVM exits.
 *
 * <p>A test may start it another way ({@link Launch}): with more flags, or through a main class of its own that
 * prepares the JVM and then calls the server's {@code Main}, and restart it the plain way on the same files.
 */
public final class StandaloneProcess implements AutoCloseable {

    /** The system property with the jar's path; the pom's failsafe configuration sets it. */
    public static final String JAR_PROPERTY = "coedit.standaloneJar";

    /** How long a start may take before the process is killed and the start fails. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    /** How long {@link #stop()} and {@link #run} wait for a process to end. */
    public static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern RUNNING = Pattern.compile("^Coedit is running at (https?://\\S+)$");

    private final Path dataDir;
    private final Thread killOnExit = new Thread(this::destroyForcibly, "kill-coedit-standalone");
    private int port;
    private URI httpUri;
    private Duration startupTime;
    private volatile Process process; // read by the shutdown hook
    private Output output;

    private final Map<String, String> environment;
    private Launch launch;

    /**
     * How the server's JVM is started, besides {@code --port} and {@code --data-dir}.
     *
     * @param jvmOptions options before the main class, like {@code -Dname=value}
     * @param mainClass  null for {@code java -jar} (as a person runs it); else a test's main class, run with the jar
     *                   and the folder or jar that holds that class on the class path
     * @param args       flags after {@code --port} and {@code --data-dir}, like {@code --db-url URL}
     */
    public record Launch(List<String> jvmOptions, Class<?> mainClass, List<String> args) {

        /** {@code java -jar coedit-standalone.jar --port P --data-dir D}. */
        public static final Launch JAR = new Launch(List.of(), null, List.of());

        public Launch {
            jvmOptions = List.copyOf(jvmOptions);
            args = List.copyOf(args);
        }

        /** The jar with these flags added. */
        public static Launch jar(String... args) {
            return new Launch(List.of(), null, List.of(args));
        }
    }

    private StandaloneProcess(int port, Path dataDir, Map<String, String> environment, Launch launch) {
        this.port = port;
        this.dataDir = dataDir;
        this.environment = Map.copyOf(environment);
        this.launch = launch;
    }

    /**
     * Starts the jar and waits, at most {@link #STARTUP_TIMEOUT}, until it listens.
     *
     * @param port    0 for a free port chosen by the server; {@link #port()} then tells which
     * @param dataDir the server's data folder
     * @throws IllegalStateException if it exits or stays silent instead; the message holds its output
     */
    public static StandaloneProcess start(int port, Path dataDir) {
        return start(port, dataDir, Map.of());
    }

    /**
     * As {@link #start(int, Path)}, with settings in the server's environment ({@code COEDIT_AUTH=jwt}, ...): the
     * way an operator passes secrets.
     */
    public static StandaloneProcess start(int port, Path dataDir, Map<String, String> environment) {
        return start(port, dataDir, environment, Launch.JAR);
    }

    /** As {@link #start(int, Path, Map)}, started the way {@code launch} says. */
    public static StandaloneProcess start(int port, Path dataDir, Map<String, String> environment, Launch launch) {
        StandaloneProcess server = new StandaloneProcess(port, dataDir, environment, launch);
        Runtime.getRuntime().addShutdownHook(server.killOnExit);
        try {
            server.startProcess();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Runs the jar with these arguments to its end: for arguments that make it exit by itself (bad flags, a port
     * in use). Kills it and fails if it is still running after {@link #EXIT_TIMEOUT}.
     */
    public static Finished run(String... args) {
        List<String> command = command(Launch.JAR, List.of(args));
        Process process = spawn(command, Map.of());
        Output output = new Output(process, "coedit " + String.join(" ", args));
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("still running after " + EXIT_TIMEOUT + ": " + command
                        + output.describe());
            }
            output.awaitEnd();
            return new Finished(process.exitValue(), output.stdout(), output.stderr());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + command, e);
        }
    }

    /** How a {@link #run} ended. */
    public record Finished(int exitCode, String stdout, String stderr) {

        /** The lines of stderr that are not blank. */
        public List<String> stderrLines() {
            return stderr.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    /** The base address the server printed, like {@code http://127.0.0.1:41234/coedit/} ({@code https} with TLS). */
    public synchronized URI httpUri() {
        return httpUri;
    }

    /** The port it listens on; kept across restarts. */
    public synchronized int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** From spawning the JVM to the "Coedit is running" line, for the latest start. */
    public synchronized Duration startupTime() {
        return startupTime;
    }

    public synchronized long pid() {
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    /** What the current run printed on stdout so far. */
    public synchronized String stdout() {
        return output.stdout();
    }

    /** What the current run printed on stderr so far. */
    public synchronized String stderr() {
        return output.stderr();
    }

    /** SIGKILL, as a crash would end it: no shutdown hook runs. Waits until the process is gone. */
    public synchronized void kill() {
        // Through the handle: Process.destroyForcibly() would also close the pipes and lose the last output.
        process.toHandle().destroyForcibly();
        awaitExitOrKill();
    }

    /**
     * SIGTERM, as a service manager or Ctrl-C ends it, and waits for it to exit.
     *
     * @return its exit code (0 for a clean stop)
     */
    public synchronized int stop() {
        // Through the handle: Process.destroy() would also close the pipes, and what the server prints while it
        // stops would be lost.
        process.toHandle().destroy();
        return awaitExitOrKill();
    }

    /** Starts it again on the same port and data folder, after {@linkplain #stop() stopping} it if it runs. */
    public synchronized void restart() {
        restart(launch);
    }

    /** As {@link #restart()}, started the way {@code how} says from now on (e.g. the plain jar after a test's own). */
    public synchronized void restart(Launch how) {
        if (process.isAlive()) {
            stop();
        }
        launch = how;
        startProcess();
    }

    /**
     * Waits, at most {@link #EXIT_TIMEOUT}, for a process that ends by itself, and kills it after that.
     *
     * @return its exit code
     * @throws IllegalStateException when it was still running; the message holds its output
     */
    public synchronized int awaitExit() {
        return awaitExitOrKill();
    }

    /** Kills the process if it still runs. */
    @Override
    public synchronized void close() {
        destroyForcibly();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook does the same.
        }
    }

    private synchronized void startProcess() {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--data-dir",
                dataDir.toString()));
        args.addAll(launch.args());
        List<String> command = command(launch, args);
        long started = System.nanoTime();
        process = spawn(command, environment);
        output = new Output(process, "coedit:" + (port == 0 ? "?" : port));
        try {
            httpUri = output.url.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("no \"Coedit is running\" line within " + STARTUP_TIMEOUT + " from "
                    + command + output.describe(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the server ended before it was running: " + command
                    + output.describe(), e.getCause());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + command, e);
        }
        startupTime = Duration.ofNanos(System.nanoTime() - started);
        port = httpUri.getPort();
        System.out.printf("Standalone server pid %d listening at %s, started in %d ms%n", process.pid(), httpUri,
                startupTime.toMillis());
    }

    private int awaitExitOrKill() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("pid " + process.pid() + " did not exit within " + EXIT_TIMEOUT
                        + output.describe());
            }
            output.awaitEnd();
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + process.pid(), e);
        }
    }

    private void destroyForcibly() {
        Process current = process;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
        }
    }

    private static List<String> command(Launch launch, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch.jvmOptions());
        if (launch.mainClass() == null) {
            command.add("-jar");
            command.add(jar().toString());
        } else {
            // The jar first: the server's classes and libraries are the ones it ships; the test's folder adds the
            // main class (and whatever else it holds, which the server never looks for).
            command.add("-cp");
            command.add(jar() + java.io.File.pathSeparator + codeSource(launch.mainClass()));
            command.add(launch.mainClass().getName());
        }
        command.addAll(args);
        return command;
    }

    /** The folder or jar a class was loaded from. */
    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell where " + type.getName() + " was loaded from", e);
        }
    }

    /** The jar named by {@value #JAR_PROPERTY}, which must exist. */
    public static Path jar() {
        String property = System.getProperty(JAR_PROPERTY);
        if (property == null || property.isBlank()) {
            throw new IllegalStateException("system property " + JAR_PROPERTY + " is not set: run the integration "
                    + "tests with mvn verify, or set " + ServerUnderTest.URL_PROPERTY + " to a running server");
        }
        Path jar = Path.of(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it with mvn package");
        }
        return jar;
    }

    private static Process spawn(List<String> command, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putAll(environment);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Drains both pipes of a process (a full pipe would block it), keeps them, and spots the URL line. */
    private static final class Output {

        final CompletableFuture<URI> url = new CompletableFuture<>();
        private final StringBuffer stdout = new StringBuffer();
        private final StringBuffer stderr = new StringBuffer();
        private final Thread stdoutReader;
        private final Thread stderrReader;

        Output(Process process, String label) {
            stdoutReader = drain(process.getInputStream(), stdout, label, true);
            stderrReader = drain(process.getErrorStream(), stderr, label, false);
            process.onExit().thenRunAsync(() -> {
                try {
                    awaitEnd(); // a URL line printed just before the exit still counts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                url.completeExceptionally(new IllegalStateException("exited with code " + process.exitValue()));
            });
        }

        private Thread drain(InputStream stream, StringBuffer into, String label, boolean isStdout) {
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        into.append(line).append('\n');
                        System.out.println("[" + label + (isStdout ? "] " : " err] ") + line);
                        Matcher running = RUNNING.matcher(line);
                        if (isStdout && running.matches()) {
                            url.complete(URI.create(running.group(1)));
                        }
                    }
                } catch (IOException e) {
                    // Process.destroy*() closed the pipe (only on the way out); what came before is kept.
                }
            }, label + (isStdout ? "-stdout" : "-stderr"));
            reader.setDaemon(true);
            reader.start();
            return reader;
        }

        /** Waits until both pipes are read to their end, which follows the process's exit. */
        void awaitEnd() throws InterruptedException {
            stdoutReader.join(5_000);
            stderrReader.join(5_000);
        }

        String stdout() {
            return stdout.toString();
        }

        String stderr() {
            return stderr.toString();
        }

        String describe() {
            return "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }
}
