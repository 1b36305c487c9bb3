package dev.coedit.standalone;

import dev.coedit.CoeditConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * {@code java -jar coedit-standalone.jar [--host H] [--port P] [--data-dir D] [--tls-keystore F]}.
 *
 * <p>Its output is a contract with scripts and tests:
 * <ul>
 *   <li>once listening, exactly one line {@code Coedit is running at http://HOST:PORT/coedit/} (https with TLS)
 *       on stdout;</li>
 *   <li>on SIGTERM or Ctrl-C, {@code Coedit stopped} on stdout and exit code 0;</li>
 *   <li>a wrong flag or setting, a port in use, an unknown host: one line {@code coedit: ...} on stderr and exit
 *       code 2, with no stack trace;</li>
 *   <li>a few log lines on stderr.</li>
 * </ul>
 */
public final class Main {

    /** The exit code for anything the person starting the server can fix. */
    static final int EXIT_USAGE = 2;

    private static final Logger LOG = Logger.getLogger(Main.class.getName());

    private Main() {
    }

    public static void main(String[] args) {
        ConsoleLogging.configure();
        CommandLine command;
        try {
            command = CommandLine.parse(Arrays.asList(args), System.getProperties(), System.getenv());
        } catch (UsageException e) {
            exit(e.getMessage());
            return;
        }
        if (command instanceof CommandLine.Serve serve) {
            serve(serve.config(), serve.tls());
        } else {
            System.out.println(CommandLine.USAGE);
        }
    }

    private static void serve(CoeditConfig config, Optional<Tls> tls) {
        StandaloneServer server;
        try {
            server = StandaloneServer.start(config, tls);
        } catch (StartupException e) {
            exit(e.getMessage());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "coedit-shutdown"));

        LOG.info(() -> "documents in " + server.storage() + "; started in "
                + sinceJvmStart().toMillis() + " ms");
        if (config.security().openMode()) {
            System.out.println("Open mode: no sign-in; anyone who can reach " + config.host()
                    + " may edit every document and watch the admin page (--auth jwt to require tokens)");
        }
        System.out.println("Coedit is running at " + server.uri());
        System.out.flush();

        // Grizzly's threads are daemons: without this wait the JVM would end here. Only the hook ends it.
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs in the shutdown hook. A JVM ended by SIGTERM or SIGINT exits with 128 + the signal number once the hooks
     * are done, which service managers and scripts read as a failure; for this server it is the normal way to stop,
     * so the hook ends the JVM itself, with 0, once the server is closed. Nothing in this process calls
     * {@code System.exit} after the server has started, so the hook never hides another exit code.
     */
    private static void stop(StandaloneServer server) {
        int status = 0;
        try {
            server.close();
            System.out.println("Coedit stopped");
        } catch (RuntimeException | Error e) {
            System.err.println("coedit: error while stopping: " + e);
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }

    private static void exit(String message) {
        System.err.println("coedit: " + message);
        System.exit(EXIT_USAGE);
    }

    private static Duration sinceJvmStart() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> Duration.between(start, Instant.now()))
                .orElse(Duration.ZERO);
    }
}
