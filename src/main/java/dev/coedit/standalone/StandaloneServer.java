package dev.coedit.standalone;

import dev.coedit.Coedit;
import dev.coedit.CoeditConfig;
import dev.coedit.editing.control.SessionRegistry;
import dev.coedit.security.control.OriginPolicy;
import dev.coedit.storage.StorageException;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpHandlerRegistration;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.MimeType;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;

/**
 * Coedit without an application server: one Grizzly listener on the configured host and port that carries the
 * WebSocket endpoints and the static files, all under {@link CoeditConfig#CONTEXT_PATH}.
 *
 * <pre>
 *   /                       302 to /coedit/
 *   /coedit                 302 to /coedit/
 *   /coedit/                webroot/ from the class path (index.html for folders)
 *   /coedit/webjars/...     META-INF/resources/webjars/ from the class path
 *   /coedit/&lt;endpoint&gt;      WebSocket upgrade to the endpoints of {@link Coedit#endpoints()}
 * </pre>
 *
 * <p>Used by {@link Main} and, in-process, by tests: {@code try (var server = StandaloneServer.start(config))}.
 */
public final class StandaloneServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StandaloneServer.class.getName());

    /** How long {@link #close()} lets requests in flight finish before it cuts the connections. */
    private static final long GRACE_MILLIS = 2_000;

    private final HttpServer http;
    private final Transport transport;
    private final EndpointContainer endpoints;
    private final Coedit.Application application;
    private final String host;
    private final int port;
    private final boolean secure;
    private boolean closed; // guarded by this

    private StandaloneServer(HttpServer http, Transport transport, EndpointContainer endpoints,
            Coedit.Application application, String host, int port, boolean secure) {
        this.http = http;
        this.transport = transport;
        this.endpoints = endpoints;
        this.application = application;
        this.host = host;
        this.port = port;
        this.secure = secure;
    }

    /**
     * Starts Coedit and returns once it accepts connections. Port 0 picks a free port; {@link #port()} tells which.
     *
     * @throws StartupException for a cause the person starting it can fix (port taken, unknown host, unusable data
     *                          folder); the message is one line
     */
    public static StandaloneServer start(CoeditConfig config) throws StartupException {
        return start(config, Optional.empty());
    }

    /** As {@link #start(CoeditConfig)}, serving https:// and wss:// when {@code tls} is given. */
    public static StandaloneServer start(CoeditConfig config, Optional<Tls> tls) throws StartupException {
        return start(config, tls, new LinkedHashSet<>(Coedit.endpoints()), StandaloneServer.class.getClassLoader());
    }

    /**
     * As {@link #start(CoeditConfig)}, with other endpoints and static files: tests deploy their own.
     *
     * @param resources the class loader that holds {@code webroot/} and {@code META-INF/resources/webjars/}
     */
    static StandaloneServer start(CoeditConfig config, Set<Class<?>> endpointClasses, ClassLoader resources)
            throws StartupException {
        return start(config, Optional.empty(), endpointClasses, resources);
    }

    private static StandaloneServer start(CoeditConfig config, Optional<Tls> tls, Set<Class<?>> endpointClasses,
            ClassLoader resources) throws StartupException {
        // A bad keystore is told before anything listens.
        SSLContext sslContext = tls.isPresent() ? tls.get().context() : null;
        InetAddress address = resolve(config.host());
        checkPortIsFree(address, config);
        // The data folder is the storage's: it creates and checks it when it opens H2 there (below, before anything
        // listens), and a server on PostgreSQL needs none.

        EndpointContainer endpoints = new EndpointContainer(endpointClasses, CoeditConfig.CONTEXT_PATH,
                incomingFrameBufferBytes(config));
        // Tyrus's defaults are unbounded (Integer.MAX_VALUE); a fragmented message must not grow past the limit.
        endpoints.setDefaultMaxTextMessageBufferSize(config.maxMessageBytes());
        endpoints.setDefaultMaxBinaryMessageBufferSize(config.maxMessageBytes());
        // No container idle timeout (Tyrus's default, 0): the registry's heartbeat closes silent connections, and a
        // Tyrus idle timer would re-arm a scheduled task on every frame, each kept until its delay ran out.
        HttpServer http = new HttpServer();
        RequestDeadline deadline = new RequestDeadline(config.security().handshakeTimeout());
        NetworkListener listener = new NetworkListener("coedit", config.host(), config.port());
        if (sslContext != null) {
            listener.setSecure(true);
            listener.setSSLEngineConfig(new SSLEngineConfigurator(sslContext, false, false, false));
        }
        Coedit.Application application = null;
        try {
            endpoints.deploy();
            // Callbacks run on Grizzly's worker pool, not on the selector threads (as in Tyrus's own container).
            listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
            // Grizzly's idle timeout (30 s by default) also applies to upgraded WebSocket connections. Keep it as a
            // backstop behind the application's own idle timeout, so it never cuts a live session first, while
            // idle HTTP keep-alive connections are still reaped.
            listener.getKeepAlive().setIdleTimeoutInSeconds((int) config.idleTimeout().toSeconds() + 10);
            // The handshake timeout and the origin check must sit ahead of Tyrus in the filter chain: registered
            // first, they are placed first.
            listener.registerAddOn(deadline);
            OriginPolicy origins = new OriginPolicy(config.allowedOrigins(), config.security().openMode());
            listener.registerAddOn(new OriginGuard(origins, sslContext != null));
            listener.registerAddOn(endpoints.addOn());
            http.addListener(listener);
            http.getServerConfiguration().setName("coedit");
            addHttpHandlers(http, resources);

            // The application must exist before the first connection arrives; HttpServer.start() accepts at once.
            application = Coedit.startWithoutContainer(config);
            http.start();
        } catch (DeploymentException e) {
            stopQuietly(application, http, endpoints);
            // A broken endpoint class is a bug in Coedit, not a setting to fix: no StartupException.
            throw new IllegalStateException("cannot deploy the WebSocket endpoints: " + e.getMessage(), e);
        } catch (IOException e) {
            stopQuietly(application, http, endpoints);
            throw cannotListen(config, e);
        } catch (StorageException e) {
            // Unreachable database, unwritable or locked data folder, corrupt data: one line, the person can act.
            stopQuietly(application, http, endpoints);
            throw new StartupException(e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            stopQuietly(application, http, endpoints);
            throw e;
        }
        return new StandaloneServer(http, listener.getTransport(), endpoints, application, config.host(),
                listener.getPort(), sslContext != null);
    }

    /** The base address of the application, like {@code http://127.0.0.1:8080/coedit/} ({@code https} with TLS). */
    public URI uri() {
        String authority = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host; // IPv6 literal
        return URI.create((secure ? "https://" : "http://") + authority + ":" + port + CoeditConfig.CONTEXT_PATH + "/");
    }

    /** Where the documents are kept, as messages name it: the data folder, or the database without its password. */
    public String storage() {
        return application.storage();
    }

    /** The application's registry of documents and connections (for monitoring and tests). */
    public SessionRegistry registry() {
        return application.registry();
    }

    /** The port the server listens on: the configured one, or the one picked for port 0. */
    public int port() {
        return port;
    }

    /**
     * Stops the application first (it ends every session), then the listener: it stops accepting at once and lets
     * requests in flight finish for a short grace period before it cuts the remaining connections. Calling it
     * again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            application.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the application failed", e);
        }
        try {
            // HttpServer.shutdown(period) would log a WARNING on every stop, so the grace period is kept here: the
            // shutdown without a period waits for the requests in flight, and the transport reports when it is done.
            http.shutdown();
            transport.getState().notifyWhenStateIsEqual(Transport.State.STOPPED, null)
                    .get(GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.FINE, "requests still running after the grace period are cut", e);
        } finally {
            http.shutdownNow();
            endpoints.stop();
        }
    }

    private static void addHttpHandlers(HttpServer http, ClassLoader resources) {
        addMimeTypes();
        String context = CoeditConfig.CONTEXT_PATH;
        var configuration = http.getServerConfiguration();
        configuration.addHttpHandler(new ClassPathFiles(resources, "/webroot/"),
                HttpHandlerRegistration.builder().contextPath(context).urlPattern("/").build());
        configuration.addHttpHandler(new ClassPathFiles(resources, "/META-INF/resources/webjars/"),
                HttpHandlerRegistration.builder().contextPath(context + "/webjars").urlPattern("/").build());
        configuration.addHttpHandler(new SiteRoot(context + "/"), HttpHandlerRegistration.ROOT);
    }

    /** Types Grizzly 4.0 does not know; a browser refuses an ES module served without a JavaScript type. */
    private static void addMimeTypes() {
        Map.of("mjs", "text/javascript", "json", "application/json", "map", "application/json", "woff2", "font/woff2")
                .forEach((extension, type) -> {
                    if (!MimeType.contains(extension)) {
                        MimeType.add(extension, type);
                    }
                });
    }

    /**
     * The files of one class-path folder under the handler's context path, {@code index.html} for a folder. The
     * context path itself, without its slash, is redirected to the folder, so relative links in the page resolve.
     */
    private static final class ClassPathFiles extends CLStaticHttpHandler {

        ClassPathFiles(ClassLoader loader, String folder) {
            super(loader, folder);
        }

        @Override
        public void service(Request request, Response response) throws Exception {
            if (request.getRequestURI().equals(request.getContextPath())) {
                redirect(response, request.getContextPath() + "/");
            } else {
                super.service(request, response);
            }
        }
    }

    /** {@code /} redirects to the application's page; anything else outside the context path is 404. */
    private static final class SiteRoot extends HttpHandler {

        private final String location;

        SiteRoot(String location) {
            this.location = location;
        }

        @Override
        public void service(Request request, Response response) throws Exception {
            if (request.getRequestURI().equals("/")) {
                redirect(response, location);
            } else {
                response.sendError(404);
            }
        }
    }

    /** A 302 with a path-only Location: right whatever Host the server was reached as (RFC 9110 allows it). */
    private static void redirect(Response response, String path) {
        response.setStatus(302);
        response.setHeader("Location", path);
    }

    private static InetAddress resolve(String host) throws StartupException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new StartupException("unknown host \"" + host + "\" (try --host 127.0.0.1)", e);
        }
    }

    /**
     * Fails fast, before the application opens its data folder, when the port is taken: the usual mistake is a
     * second server started next to the first, on the same folder. Grizzly's own bind below still decides.
     */
    private static void checkPortIsFree(InetAddress address, CoeditConfig config) throws StartupException {
        if (config.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Grizzly binds, so a port in TIME_WAIT is not reported as taken
            probe.bind(new InetSocketAddress(address, config.port()));
        } catch (IOException e) {
            throw cannotListen(config, e);
        }
    }

    private static StartupException cannotListen(CoeditConfig config, IOException e) {
        String where = "port " + config.port() + " on " + config.host();
        String reason = String.valueOf(e.getMessage());
        if (e instanceof BindException && reason.contains("in use")) {
            return new StartupException(where + " is already in use (try --port)", e);
        }
        if (e instanceof BindException) {
            return new StartupException("cannot listen on " + where + ": " + reason
                    + " (is " + config.host() + " an address of this machine? try --host 127.0.0.1)", e);
        }
        return new StartupException("cannot listen on " + where + ": " + reason, e);
    }

    /**
     * Tyrus buffers each incoming frame whole, 4 MiB by default, per connection. Bound it near the message limit,
     * but above it, so that a message somewhat over the limit still reaches the endpoint's size check (close code
     * 1009); a frame larger than this buffer is closed by Tyrus with 1011.
     */
    private static int incomingFrameBufferBytes(CoeditConfig config) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * config.maxMessageBytes() + 1024);
    }

    private static void stopQuietly(AutoCloseable application, HttpServer http, EndpointContainer endpoints) {
        try {
            if (application != null) {
                application.close();
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the application after a failed start failed", e);
        } finally {
            http.shutdownNow();
            endpoints.stop();
        }
    }
}
