package dev.coedit.it.support;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The Coedit server an integration test talks to, reached only from outside, by its address.
 * <ul>
 *   <li>With the system property {@value #URL_PROPERTY} (like {@code http://127.0.0.1:8080/coedit/}), a server
 *       deployed elsewhere: Payara, WildFly, or a standalone one started by hand.</li>
 *   <li>Without it, the standalone jar ({@value StandaloneProcess#JAR_PROPERTY}) started as a separate process on
 *       a free port with a fresh data folder, and killed at the end.</li>
 * </ul>
 *
 * <p>Tests get it as a parameter through {@link Extension}:
 * <pre>
 * &#64;ExtendWith(ServerUnderTest.Extension.class)
 * class EditingIT {
 *     &#64;Test
 *     void twoClientsConverge(ServerUnderTest server) {
 *         URI doc = server.wsUri("edit/doc-1");
 * </pre>
 * One server serves the whole run; a class annotated {@link OwnServer} gets one of its own, for tests that kill
 * or restart it through {@link #process()}.
 */
public final class ServerUnderTest implements ExtensionContext.Store.CloseableResource {

    /** The system property naming a running server's base address; unset means "start the standalone jar". */
    public static final String URL_PROPERTY = "coedit.it.url";

    /**
     * The one setting the shared server has that a person's would not: churn tests open thousands of connections a
     * second from one address, far past the default handshake limit, which has tests of its own.
     */
    public static final Map<String, String> LOAD_TEST_SETTINGS = Map.of("COEDIT_HANDSHAKES_PER_SECOND", "100000");

    private final URI httpUri;
    private final StandaloneProcess process; // null for a server deployed elsewhere
    private final Path dataDir;

    private ServerUnderTest(URI httpUri, StandaloneProcess process, Path dataDir) {
        this.httpUri = httpUri;
        this.process = process;
        this.dataDir = dataDir;
    }

    /** The server named by {@value #URL_PROPERTY}, or else a standalone process started now. */
    public static ServerUnderTest startOrConnect() {
        String url = System.getProperty(URL_PROPERTY);
        if (url != null && !url.isBlank()) {
            String base = url.trim().endsWith("/") ? url.trim() : url.trim() + "/";
            return new ServerUnderTest(URI.create(base), null, null);
        }
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("coedit-it-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a data folder for the server under test", e);
        }
        StandaloneProcess process = StandaloneProcess.start(0, dataDir, LOAD_TEST_SETTINGS);
        return new ServerUnderTest(process.httpUri(), process, dataDir);
    }

    /** The application's base address, ending in {@code /}, like {@code http://127.0.0.1:8080/coedit/}. */
    public URI httpUri() {
        return process != null ? process.httpUri() : httpUri;
    }

    /**
     * A WebSocket address under the application: {@code wsUri("edit/doc-1")} is
     * {@code ws://127.0.0.1:8080/coedit/edit/doc-1} ({@code wss} for an https server).
     *
     * @param path relative to the application's base address; a leading {@code /} is ignored
     */
    public URI wsUri(String path) {
        return wsUri(httpUri(), path);
    }

    /** As {@link #wsUri(String)}, under another base address, such as a {@link StandaloneProcess}'s of a test. */
    public static URI wsUri(URI base, String path) {
        String scheme = base.getScheme().equals("https") ? "wss" : "ws";
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return URI.create(scheme + "://" + base.getRawAuthority() + base.getRawPath()).resolve(relative);
    }

    /**
     * Skips the calling test when {@value #URL_PROPERTY} names a server deployed elsewhere: for tests that start
     * standalone processes of their own, with settings or a database that a deployed server's operator chose.
     */
    public static void assumeStandaloneRun(String what) {
        String url = System.getProperty(URL_PROPERTY);
        Assumptions.assumeTrue(url == null || url.isBlank(),
                "needs " + what + "; " + URL_PROPERTY + " points at a server deployed elsewhere");
    }

    /** Whether this run started the standalone jar itself (no {@value #URL_PROPERTY}). */
    public boolean isStandaloneProcess() {
        return process != null;
    }

    /**
     * The standalone process, to kill, stop or restart it. A test that calls this is skipped (not failed) when the
     * server is deployed elsewhere.
     */
    public StandaloneProcess process() {
        Assumptions.assumeTrue(process != null,
                "needs the standalone process; " + URL_PROPERTY + " points at a server deployed elsewhere");
        return process;
    }

    /** Kills a process this started and deletes its data folder; a server deployed elsewhere is left alone. */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.close();
        deleteQuietly(dataDir);
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary folder is harmless.
        }
    }

    /** The test class gets a server of its own, started before its first test and killed after its last. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @Inherited
    public @interface OwnServer {
    }

    /**
     * Resolves {@link ServerUnderTest} parameters of tests, lifecycle methods and constructors. The server lives
     * in the root context's store (closed at the end of the run) or, for an {@link OwnServer} class, in the
     * class's store.
     */
    public static final class Extension implements ParameterResolver {

        private static final ExtensionContext.Namespace NAMESPACE =
                ExtensionContext.Namespace.create(ServerUnderTest.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == ServerUnderTest.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            ExtensionContext owner = ownServerClass(context).orElse(context.getRoot());
            return owner.getStore(NAMESPACE)
                    .getOrComputeIfAbsent("server", key -> startOrConnect(), ServerUnderTest.class);
        }

        /** The class-level context of an {@link OwnServer} class, if the test is in one. */
        private static Optional<ExtensionContext> ownServerClass(ExtensionContext context) {
            for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
                if (c.getTestMethod().isEmpty() && c.getTestClass().isPresent()
                        && c.getRequiredTestClass().isAnnotationPresent(OwnServer.class)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }
    }
}
