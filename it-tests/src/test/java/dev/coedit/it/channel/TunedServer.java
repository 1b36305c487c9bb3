package dev.coedit.it.channel;

import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The standalone jar run with settings of its own ({@code java -Dcoedit.idle.timeout.ms=3000 ... -jar}), for tests
 * that need a short idle timeout or a small history window. {@link StandaloneProcess} starts the jar with flags only,
 * and the timeouts and bounds are settings (system properties or environment), so this starts it the same way with
 * {@code -D} options added. With {@code coedit.it.url} set such tests are skipped, since a deployed server's settings
 * are not this test's to choose, unless {@value #URL_PROPERTY} names a server deployed with exactly these settings (the
 * container suite deploys the WAR so).
 */
final class TunedServer implements AutoCloseable {

    /** A server deployed elsewhere with the settings the test asks for. */
    static final String URL_PROPERTY = "coedit.it.tuned.url";

    private static final Pattern RUNNING = Pattern.compile("^Coedit is running at (http://\\S+)$");

    private final Process process;
    private final Path dataDir;
    private final URI httpUri;
    private final StringBuffer output;
    private final Thread killOnExit;

    private TunedServer(Process process, Path dataDir, URI httpUri, StringBuffer output, Thread killOnExit) {
        this.process = process;
        this.dataDir = dataDir;
        this.httpUri = httpUri;
        this.output = output;
        this.killOnExit = killOnExit;
    }

    /**
     * Starts the jar on a free loopback port with these {@code coedit.*} settings (names without the prefix, like
     * {@code "idle.timeout.ms"}) and waits until it listens; skips the test when a deployed server is under test.
     */
    static TunedServer start(Map<String, String> settings) {
        String deployed = System.getProperty(URL_PROPERTY);
        if (!isBlank(deployed)) {
            System.out.println("Tuned server " + settings + " deployed at " + deployed);
            return new TunedServer(null, null, URI.create(deployed), new StringBuffer(), null);
        }
        Assumptions.assumeTrue(isBlank(System.getProperty(ServerUnderTest.URL_PROPERTY)),
                "needs a standalone server with settings " + settings + "; " + ServerUnderTest.URL_PROPERTY
                        + " names a server deployed elsewhere");
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("coedit-it-tuned-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        settings.forEach((name, value) -> command.add("-Dcoedit." + name + "=" + value));
        command.addAll(List.of("-jar", StandaloneProcess.jar().toString(), "--port", "0",
                "--data-dir", dataDir.toString()));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Thread killOnExit = new Thread(process::destroyForcibly, "kill-coedit-tuned");
        Runtime.getRuntime().addShutdownHook(killOnExit);

        StringBuffer output = new StringBuffer();
        CompletableFuture<URI> url = new CompletableFuture<>();
        drain(process.getInputStream(), output, url);
        try {
            URI uri = url.get(StandaloneProcess.STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            System.out.println("Tuned server " + settings + " pid " + process.pid() + " at " + uri);
            return new TunedServer(process, dataDir, uri, output, killOnExit);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("the tuned server " + command + " did not start: " + e + "\n" + output,
                    e);
        }
    }

    private static void drain(InputStream stream, StringBuffer into, CompletableFuture<URI> url) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    into.append(line).append('\n');
                    System.out.println("[coedit-tuned] " + line);
                    Matcher running = RUNNING.matcher(line);
                    if (running.matches()) {
                        url.complete(URI.create(running.group(1)));
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
            url.completeExceptionally(new IllegalStateException("the process ended"));
        }, "coedit-tuned-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** A WebSocket address under the application, as {@link ServerUnderTest#wsUri}. */
    URI wsUri(String path) {
        return URI.create("ws://" + httpUri.getRawAuthority() + httpUri.getRawPath()).resolve(path);
    }

    @Override
    public void close() {
        if (process == null) {
            return; // deployed elsewhere: not ours to stop
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook does the same
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
