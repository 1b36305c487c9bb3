package dev.coedit.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.CoeditConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server in this JVM, on port 0, with its own fixture files in place of the real page. */
@Timeout(30)
class StandaloneServerTest {

    /**
     * HTTP/1.1 as a browser speaks it to an http:// address. The client's default, HTTP/2, asks for an h2c upgrade,
     * which Grizzly treats like any upgrade: the answer comes without Content-Type and Content-Length.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path temp;

    private static final String SECRET = "outside the web root";

    private static URLClassLoader resources;
    private static StandaloneServer server;

    @BeforeAll
    static void start() throws Exception {
        // A jar, as in the standalone jar: Grizzly serves files from a folder differently (sendfile).
        Path jar = temp.resolve("fixture.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, "webroot/index.html", "<!DOCTYPE html><title>fixture page</title>");
            add(out, "webroot/css/app.css", "body { margin: 0 }");
            add(out, "META-INF/resources/webjars/demo/1.0/demo.js", "export const demo = 1;");
            add(out, "secret.txt", SECRET);
        }
        resources = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());

        server = StandaloneServer.start(config(0), Set.of(EchoEndpoint.class), resources);
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        resources.close();
    }

    @Test
    void portZeroPicksAFreePortAndTheUriCarriesIt() {
        assertNotEquals(0, server.port());
        assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/coedit/"), server.uri());
    }

    @Test
    void servesTheIndexPageAtTheContextRootAndByName() throws Exception {
        for (String path : new String[] {"", "index.html"}) {
            HttpResponse<String> response = get(server.uri().resolve(path));

            assertEquals(200, response.statusCode(), path);
            assertEquals("<!DOCTYPE html><title>fixture page</title>", response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        }
    }

    @Test
    void servesOtherFilesOfTheWebRoot() throws Exception {
        HttpResponse<String> response = get(server.uri().resolve("css/app.css"));

        assertEquals(200, response.statusCode());
        assertEquals("body { margin: 0 }", response.body());
    }

    @Test
    void servesWebJarsUnderTheContext() throws Exception {
        HttpResponse<String> response = get(server.uri().resolve("webjars/demo/1.0/demo.js"));

        assertEquals(200, response.statusCode());
        assertEquals("export const demo = 1;", response.body());
    }

    @Test
    void redirectsTheSiteRootToTheContext() throws Exception {
        HttpResponse<String> response = get(server.uri().resolve("/"));

        assertEquals(302, response.statusCode());
        assertEquals("/coedit/", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void redirectsTheContextPathWithoutItsSlash() throws Exception {
        HttpResponse<String> response = get(server.uri().resolve("/coedit"));

        assertEquals(302, response.statusCode());
        assertEquals("/coedit/", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void anythingElseIsNotFound() throws Exception {
        for (String path : new String[] {"/favicon.ico", "/secret.txt", "/coedit/missing.html", "/coedit/webjars/"}) {
            assertEquals(404, get(server.uri().resolve(path)).statusCode(), path);
        }
    }

    @Test
    void nothingOutsideTheFoldersIsServed() throws Exception {
        for (String path : new String[] {"/coedit/%2e%2e/secret.txt", "/coedit//secret.txt",
            "/coedit/webjars/%2e%2e/%2e%2e/secret.txt", "/coedit/webjars/%2e%2e/%2e%2e/%2e%2e/secret.txt",
            "/coedit/webjars/..%2fsecret.txt", "/coedit/..%5csecret.txt"}) {
            HttpResponse<String> response = get(server.uri().resolve(path));

            // Grizzly answers 404, or 500 for a path that climbs above the root.
            assertTrue(response.statusCode() >= 400, path + " answered " + response.statusCode());
            assertFalse(response.body().contains(SECRET), path);
        }
    }

    @Test
    void webSocketUpgradesUnderTheContextReachTheEndpoints() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        URI echo = URI.create("ws://127.0.0.1:" + server.port() + "/coedit/echo");
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(echo, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                reply.complete(data.toString());
                return null;
            }
        }).get(10, TimeUnit.SECONDS);

        socket.sendText("hello", true).get(10, TimeUnit.SECONDS);

        assertEquals("echo: hello", reply.get(10, TimeUnit.SECONDS));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSecondServerOnTheSamePortFailsWithOneLineNamingThePort() {
        StartupException e = assertThrows(StartupException.class,
                () -> StandaloneServer.start(config(server.port()), Set.of(), resources));

        assertEquals("port " + server.port() + " on 127.0.0.1 is already in use (try --port)", e.getMessage());
    }

    @Test
    void anUnknownHostFailsWithOneLine() {
        StartupException e = assertThrows(StartupException.class,
                () -> StandaloneServer.start(config(0).withHost("no-such-host.invalid"), Set.of(), resources));

        assertEquals("unknown host \"no-such-host.invalid\" (try --host 127.0.0.1)", e.getMessage());
    }

    @Test
    void aDataDirThatIsAFileFailsWithOneLine() throws IOException {
        Path file = Files.writeString(temp.resolve("not-a-folder"), "x");

        StartupException e = assertThrows(StartupException.class,
                () -> StandaloneServer.start(config(0).withDataDir(file.resolve("data")), Set.of(), resources));

        // The reason comes from the operating system, "Not a directory" on Linux.
        assertTrue(e.getMessage().startsWith("data folder " + file.resolve("data") + " cannot be created: "),
                e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aDataFolderInUseByAnotherServerIsToldInOneLine() {
        StartupException e = assertThrows(StartupException.class,
                () -> StandaloneServer.start(config(0), Set.of(), resources));
        assertTrue(e.getMessage().startsWith("data folder " + temp.resolve("data")), e.getMessage());
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void closingFreesThePortAndCanBeRepeated() throws Exception {
        // A data folder of its own: the shared server holds the lock on the other one.
        StandaloneServer other = StandaloneServer.start(config(0).withDataDir(temp.resolve("other-data")), Set.of(),
                resources);
        assertEquals(200, get(other.uri()).statusCode());

        other.close();
        other.close();

        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), other.port()));
        }
    }

    @Test
    void createsTheDataFolder() {
        assertTrue(Files.isDirectory(temp.resolve("data")));
    }

    private static CoeditConfig config(int port) {
        return CoeditConfig.defaults().withPort(port).withDataDir(temp.resolve("data"));
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void add(JarOutputStream jar, String name, String content) throws IOException {
        jar.putNextEntry(new JarEntry(name));
        jar.write(content.getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
    }
}
