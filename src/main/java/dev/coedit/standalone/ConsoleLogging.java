package dev.coedit.standalone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * java.util.logging for the console of the standalone server: one line a record on stderr, Coedit at INFO, the
 * libraries (Grizzly, Tyrus, Yasson all log through JUL) at WARNING. stdout stays for the lines scripts read.
 *
 * <p>Tyrus's endpoint wrapper logs failures a client causes (a frame larger than the buffer) at WARNING with a full
 * stack trace, so any client could flood the log at will; the client already gets the close code, so only SEVERE
 * records of that logger are kept.
 */
final class ConsoleLogging {

    private static final String CONFIGURATION = """
            handlers = java.util.logging.ConsoleHandler
            java.util.logging.ConsoleHandler.level = ALL
            java.util.logging.SimpleFormatter.format = %1$tT %4$s %3$s: %5$s%6$s%n
            .level = INFO
            org.glassfish.level = WARNING
            org.eclipse.level = WARNING
            org.glassfish.tyrus.core.TyrusEndpointWrapper.level = SEVERE
            dev.coedit.level = INFO
            """;

    private ConsoleLogging() {
    }

    /** Applies the console configuration, unless the JVM was started with a logging configuration of its own. */
    static void configure() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try {
            LogManager.getLogManager().readConfiguration(
                    new ByteArrayInputStream(CONFIGURATION.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a configuration held in memory", e);
        }
    }
}
