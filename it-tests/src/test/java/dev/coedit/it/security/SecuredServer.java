package dev.coedit.it.security;

import dev.coedit.it.support.StandaloneProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A Coedit server that requires signed tokens, reached from outside by its address, like {@code ServerUnderTest}:
 * <ul>
 *   <li>with {@value #URL_PROPERTY}, one deployed elsewhere with {@link #SETTINGS} (Payara, WildFly: the WAR with a
 *       {@code coedit.properties} made of them);</li>
 *   <li>without, the standalone jar started with them in its environment, once for the whole run.</li>
 * </ul>
 */
public final class SecuredServer implements ExtensionContext.Store.CloseableResource {

    public static final String URL_PROPERTY = "coedit.it.secured.url";
    /** The HS256 secret of the test server; an operator would keep theirs out of files and process lists. */
    public static final String SECRET = "coedit-integration-tests-secret-0123456789abcdef";
    /** The admin role in tokens (the default of admin.role). */
    public static final String ADMIN = "coedit-admin";
    public static final int MAX_CONNECTIONS_PER_USER = 4;
    public static final int MAX_CONNECTIONS_PER_ADDRESS = 16;
    public static final int HANDSHAKES_PER_SECOND = 25;
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    /** Messages per second of one connection (the default), with bursts of {@link #RATE_BURST}. */
    public static final int RATE_PER_SECOND = 100;
    public static final int RATE_BURST = 200;
    /**
     * Messages per second of one user over all their connections, and from one address (bursts of twice): low
     * enough that a few connections, each under its own rate, pass them together.
     */
    public static final int RATE_PER_SECOND_PER_USER = 150;
    public static final int RATE_PER_SECOND_PER_ADDRESS = 400;

    /** The settings, by name without the coedit. prefix. */
    public static final Map<String, String> SETTINGS = settings();

    private final URI httpUri;
    private final StandaloneProcess process;
    private final Path dataDir;
    private final Tokens tokens = new Tokens(SECRET);

    private SecuredServer(URI httpUri, StandaloneProcess process, Path dataDir) {
        this.httpUri = httpUri;
        this.process = process;
        this.dataDir = dataDir;
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("auth", "jwt");
        s.put("jwt.secret", SECRET);
        s.put("jwt.clock.skew.seconds", "0");
        s.put("max.connections.per.user", Integer.toString(MAX_CONNECTIONS_PER_USER));
        s.put("max.connections.per.address", Integer.toString(MAX_CONNECTIONS_PER_ADDRESS));
        s.put("handshakes.per.second", Integer.toString(HANDSHAKES_PER_SECOND));
        s.put("handshake.timeout.ms", Long.toString(HANDSHAKE_TIMEOUT.toMillis()));
        s.put("rate.per.second", Integer.toString(RATE_PER_SECOND));
        s.put("rate.burst", Integer.toString(RATE_BURST));
        s.put("rate.per.second.per.user", Integer.toString(RATE_PER_SECOND_PER_USER));
        s.put("rate.per.second.per.address", Integer.toString(RATE_PER_SECOND_PER_ADDRESS));
        return Map.copyOf(s);
    }

    static SecuredServer startOrConnect() {
        String url = System.getProperty(URL_PROPERTY);
        if (url != null && !url.isBlank()) {
            return new SecuredServer(URI.create(url.endsWith("/") ? url : url + "/"), null, null);
        }
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("coedit-secured-it-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a data folder for the secured server", e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        SETTINGS.forEach((name, value) -> env.put("COEDIT_" + name.toUpperCase(Locale.ROOT).replace('.', '_'),
                value));
        StandaloneProcess process = StandaloneProcess.start(0, dataDir, env);
        return new SecuredServer(process.httpUri(), process, dataDir);
    }

    public Tokens tokens() {
        return tokens;
    }

    public URI httpUri() {
        return httpUri;
    }

    /** {@code wsUri("docs/x")}: a WebSocket address under the application. */
    public URI wsUri(String path) {
        String scheme = httpUri.getScheme().equals("https") ? "wss" : "ws";
        return URI.create(scheme + "://" + httpUri.getRawAuthority() + httpUri.getRawPath()).resolve(path);
    }

    /** The subprotocols that carry {@code token}, as a browser sends them. */
    public static List<String> withToken(String token) {
        return List.of("coedit.v1", "coedit.token." + token);
    }

    public boolean isStandaloneProcess() {
        return process != null;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a leftover temporary folder is harmless
            }
        }
    }

    /** Resolves {@link SecuredServer} parameters: one server for the whole run. */
    public static final class Extension implements ParameterResolver {
        private static final ExtensionContext.Namespace NAMESPACE =
                ExtensionContext.Namespace.create(SecuredServer.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SecuredServer.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent("server", key -> startOrConnect(), SecuredServer.class);
        }
    }
}
