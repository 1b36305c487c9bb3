package dev.coedit.storage;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL cluster for the tests, under {@code target/}: made with Debian's {@code initdb} as the
 * {@code postgres} user (initdb refuses root), trust authentication, listening on a free port of 127.0.0.1 only, and
 * stopped by a shutdown hook. Without PostgreSQL installed the tests that need it are skipped, saying so, unless
 * {@code -Dcoedit.postgres=required}, which makes them fail instead. Public for the integration tests (it-tests/),
 * which run a standalone server on a cluster of their own.
 */
public final class PostgresCluster implements AutoCloseable {

    /** Where Debian's packages put each version's programs: {@code /usr/lib/postgresql/15/bin}. */
    static final Path INSTALLED = Path.of("/usr/lib/postgresql");
    static final String REQUIRED_PROPERTY = "coedit.postgres";
    /** The one line the build log shows when PostgreSQL is missing (README, section Test). */
    static final String NOT_FOUND = "PostgreSQL not found (no initdb under " + INSTALLED + "/*/bin): the PostgreSQL"
            + " storage tests are SKIPPED; install postgresql or see .ci/run";
    /** Whether this JVM has printed {@link #NOT_FOUND}. */
    private static final AtomicBoolean TOLD = new AtomicBoolean();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    /** initdb refuses root: as root, the cluster belongs to the postgres user; otherwise to whoever runs the tests. */
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static PostgresCluster shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private volatile boolean running;

    private PostgresCluster(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** The cluster most tests share, started on first use. Skips or fails the calling test without PostgreSQL. */
    static synchronized PostgresCluster shared() {
        if (shared == null) {
            shared = startNew("shared");
        }
        return shared;
    }

    /** A cluster of the calling test's own, e.g. to stop and start it. Stop it with {@link #close()}. */
    public static PostgresCluster startNew(String name) {
        Path bin = binaries(INSTALLED).orElse(null);
        if (bin == null) {
            notFound(System.getProperty(REQUIRED_PROPERTY), TOLD, System.out);
        }
        try {
            Path dir = Path.of("target", "postgres", name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
            deleteRecursively(dir);
            Files.createDirectories(dir);
            if (ROOT) {
                run(List.of("chown", "postgres:postgres", dir.toString()));
            }
            PostgresCluster cluster = new PostgresCluster(bin, dir, freePort());
            cluster.asPostgres(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                    "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C.UTF-8");
            cluster.start();
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "stop-test-postgres"));
            return cluster;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a test PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Skips the calling test, or fails it with {@code -Dcoedit.postgres=required}. A skipped test's reason only reaches
     * the reports, so the build log gets {@link #NOT_FOUND} too, once per JVM ({@code told}), not once per test.
     */
    static void notFound(String required, AtomicBoolean told, PrintStream log) {
        if ("required".equals(required)) {
            Assertions.fail("PostgreSQL not found (no initdb under " + INSTALLED + "/*/bin), and "
                    + REQUIRED_PROPERTY + "=required: install postgresql or see .ci/run");
        }
        if (told.compareAndSet(false, true)) {
            log.println(NOT_FOUND);
            log.flush();
        }
        Assumptions.abort(NOT_FOUND);
    }

    /** The newest {@code VERSION/bin} under {@code root} with {@code initdb} and {@code pg_ctl}. */
    static Optional<Path> binaries(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent().getFileName().toString())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public void start() {
        asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + dir
                        + " -c max_connections=50", "start");
        running = true;
    }

    /** A fast stop: connections are closed at once, as when the database server goes away. */
    public void stop() {
        running = false;
        asPostgres(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w",
                "stop");
    }

    @Override
    public synchronized void close() {
        if (running) {
            try {
                stop();
            } catch (RuntimeException e) {
                System.err.println("test PostgreSQL did not stop: " + e.getMessage());
            }
        }
    }

    public int port() {
        return port;
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A new empty database; its name. */
    public String createDatabase() {
        String name = "coedit_test_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    private void asPostgres(String... command) {
        List<String> full = new ArrayList<>(ROOT ? List.of("runuser", "-u", "postgres", "--") : List.of());
        full.addAll(List.of(command));
        run(full);
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                        + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
