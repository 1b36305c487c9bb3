package dev.coedit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * Every setting of a Coedit server, with its default. A setting is read from the system property {@code coedit.x.y}
 * first, then from the environment variable {@code COEDIT_X_Y}; the standalone launcher also takes flags.
 *
 * @param host             address the standalone server binds (containers bind their own)
 * @param port             port of the standalone server
 * @param dataDir          folder for the document database
 * @param maxMessageBytes  largest text message a client may send; larger ones close the connection with 1009
 * @param idleTimeout      a connection with no incoming frame for this long is closed (pongs count)
 * @param pingInterval     how often the server pings each connection, well below {@code idleTimeout}
 * @param historyWindow    committed ops kept in memory per document; older base versions must resync
 * @param outboxMaxBytes   bytes queued for one slow reader before it is closed with 1013
 * @param ratePerSecond    sustained messages per second one connection may send
 * @param rateBurst        messages one connection may send in a burst above the sustained rate
 * @param allowedOrigins   origins whose pages may open the WebSockets besides the server's own, e.g.
 *                         {@code https://app.example.com}; from a comma-separated setting
 * @param security         who may connect, and how often ({@link SecurityConfig})
 * @param storage          where documents are kept ({@link StorageConfig})
 */
public record CoeditConfig(
        String host,
        int port,
        Path dataDir,
        int maxMessageBytes,
        Duration idleTimeout,
        Duration pingInterval,
        int historyWindow,
        long outboxMaxBytes,
        int ratePerSecond,
        int rateBurst,
        Set<String> allowedOrigins,
        SecurityConfig security,
        StorageConfig storage) {

    public static final String CONTEXT_PATH = "/coedit";
    /** Settings of one deployment, on its class path; system properties and environment variables win. */
    public static final String DEPLOYMENT_FILE = "coedit.properties";

    public CoeditConfig {
        require(port >= 0 && port <= 65535, "port must be 0..65535, was " + port);
        require(maxMessageBytes >= 1024, "max message size must be at least 1024 bytes, was " + maxMessageBytes);
        require(!idleTimeout.isNegative() && !idleTimeout.isZero(), "idle timeout must be positive, was " + idleTimeout);
        require(pingInterval.compareTo(idleTimeout) < 0,
                "ping interval (" + pingInterval + ") must be shorter than the idle timeout (" + idleTimeout + ")");
        require(historyWindow >= 1, "history window must be at least 1 op, was " + historyWindow);
        require(outboxMaxBytes >= maxMessageBytes, "outbox bound (" + outboxMaxBytes
                + " bytes) must hold at least one message of " + maxMessageBytes + " bytes");
        require(ratePerSecond >= 1 && rateBurst >= 1,
                "rate limit must be positive, was " + ratePerSecond + "/s burst " + rateBurst);
        allowedOrigins = Set.copyOf(allowedOrigins);
        for (String origin : allowedOrigins) {
            require(origin.matches("https?://[^/\\s]+"), "an allowed origin looks like https://host[:port], was \""
                    + origin + "\"");
        }
    }

    /** The defaults: loopback, port 8080, {@code ./data}, 64 KiB messages, 60 s idle timeout. */
    public static CoeditConfig defaults() {
        int ratePerSecond = 100;
        return new CoeditConfig("127.0.0.1", 8080, Path.of("data"), 64 * 1024, Duration.ofSeconds(60),
                Duration.ofSeconds(20), 1000, 4L * 1024 * 1024, ratePerSecond, 2 * ratePerSecond, Set.of(),
                SecurityConfig.defaults(List.of("open"), ratePerSecond), StorageConfig.defaults());
    }

    /** The defaults overridden by {@code coedit.*} system properties and {@code COEDIT_*} environment variables. */
    public static CoeditConfig fromEnvironment() {
        return from(System.getProperties(), System.getenv());
    }

    /**
     * The settings of a deployment in a Jakarta EE container: as {@link #fromEnvironment()}, over the file
     * {@code coedit.properties} on the application's class path ({@code WEB-INF/classes/}) when there is one, and
     * with the container's own sign-in as the default authenticator instead of open mode.
     */
    public static CoeditConfig forContainer(ClassLoader application) {
        Properties merged = new Properties();
        try (InputStream in = application.getResourceAsStream(DEPLOYMENT_FILE)) {
            if (in != null) {
                Properties file = new Properties();
                file.load(in);
                // Keys may be written with or without the coedit. prefix.
                file.forEach((k, v) -> merged.put(k.toString().startsWith("coedit.") ? k : "coedit." + k, v));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + DEPLOYMENT_FILE + ": " + e.getMessage());
        }
        merged.putAll(System.getProperties());
        return from(merged, System.getenv(), List.of("container"));
    }

    /**
     * Reads settings from properties (names like {@code coedit.idle.timeout}) and an environment (names like
     * {@code COEDIT_IDLE_TIMEOUT}); properties win.
     *
     * @throws IllegalArgumentException naming the setting and the bad value
     */
    public static CoeditConfig from(Properties properties, Map<String, String> env) {
        return from(properties, env, List.of("open"));
    }

    private static CoeditConfig from(Properties properties, Map<String, String> env, List<String> defaultAuth) {
        Function<String, String> lookup = name -> {
            String value = properties.getProperty("coedit." + name);
            return value != null ? value : env.get("COEDIT_" + name.toUpperCase().replace('.', '_'));
        };
        CoeditConfig d = defaults();
        int ratePerSecond = integer(lookup, "rate.per.second", d.ratePerSecond);
        return new CoeditConfig(
                text(lookup, "host", d.host),
                integer(lookup, "port", d.port),
                Path.of(text(lookup, "data.dir", d.dataDir.toString())),
                integer(lookup, "max.message.bytes", d.maxMessageBytes),
                Duration.ofMillis(integer(lookup, "idle.timeout.ms", (int) d.idleTimeout.toMillis())),
                Duration.ofMillis(integer(lookup, "ping.interval.ms", (int) d.pingInterval.toMillis())),
                integer(lookup, "history.window", d.historyWindow),
                integer(lookup, "outbox.max.bytes", (int) d.outboxMaxBytes),
                ratePerSecond,
                integer(lookup, "rate.burst", d.rateBurst),
                list(lookup, "allowed.origins"),
                SecurityConfig.from(lookup, defaultAuth, ratePerSecond),
                StorageConfig.from(lookup));
    }

    public CoeditConfig withHost(String newHost) {
        return new CoeditConfig(newHost, port, dataDir, maxMessageBytes, idleTimeout, pingInterval, historyWindow,
                outboxMaxBytes, ratePerSecond, rateBurst, allowedOrigins, security, storage);
    }

    public CoeditConfig withPort(int newPort) {
        return new CoeditConfig(host, newPort, dataDir, maxMessageBytes, idleTimeout, pingInterval, historyWindow,
                outboxMaxBytes, ratePerSecond, rateBurst, allowedOrigins, security, storage);
    }

    public CoeditConfig withDataDir(Path newDataDir) {
        return new CoeditConfig(host, port, newDataDir, maxMessageBytes, idleTimeout, pingInterval, historyWindow,
                outboxMaxBytes, ratePerSecond, rateBurst, allowedOrigins, security, storage);
    }

    public CoeditConfig withSecurity(SecurityConfig newSecurity) {
        return new CoeditConfig(host, port, dataDir, maxMessageBytes, idleTimeout, pingInterval, historyWindow,
                outboxMaxBytes, ratePerSecond, rateBurst, allowedOrigins, newSecurity, storage);
    }

    public CoeditConfig withStorage(StorageConfig newStorage) {
        return new CoeditConfig(host, port, dataDir, maxMessageBytes, idleTimeout, pingInterval, historyWindow,
                outboxMaxBytes, ratePerSecond, rateBurst, allowedOrigins, security, newStorage);
    }

    private static String text(Function<String, String> lookup, String name, String fallback) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static Set<String> list(Function<String, String> lookup, String name) {
        String value = lookup.apply(name);
        return value == null || value.isBlank() ? Set.of() : new LinkedHashSet<>(items(value));
    }

    /** The non-blank items of a comma-separated setting, trimmed. */
    static List<String> items(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    static int integer(Function<String, String> lookup, String name, int fallback) {
        String value = lookup.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + name + " must be a whole number, was \"" + value + "\"");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
