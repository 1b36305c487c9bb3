package dev.coedit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The standalone runtime from outside: what it serves, where it listens, how it fails and how it stops. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class StandaloneServerIT {

    /**
     * HTTP/1.1 as a browser speaks it to an http:// address. The client's default, HTTP/2, asks for an h2c upgrade,
     * which Grizzly treats like any upgrade: the answer comes without Content-Type and Content-Length.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void servesThePageAtTheApplicationsAddress(ServerUnderTest server) throws Exception {
        HttpResponse<String> response = get(server.httpUri());

        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("Coedit"), response.body());
    }

    @Test
    void redirectsTheSiteRootToThePage(ServerUnderTest server) throws Exception {
        URI siteRoot = server.process().httpUri().resolve("/");

        HttpResponse<String> response = get(siteRoot);

        assertEquals(302, response.statusCode());
        assertEquals("/coedit/", response.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void printsPlainlyThatOpenModeIsOnBeforeItSaysItIsRunning(ServerUnderTest server) {
        List<String> lines = server.process().stdout().lines().toList();
        int notice = lines.indexOf("Open mode: no sign-in; anyone who can reach 127.0.0.1 may edit every document and"
                + " watch the admin page (--auth jwt to require tokens)");
        int running = lines.indexOf("Coedit is running at " + server.httpUri());
        assertTrue(notice >= 0, "the open-mode notice on stdout: " + lines);
        assertTrue(running > notice, "the notice comes first, where a person starting it reads: " + lines);
    }

    @Test
    void servesHttpsAndWssFromAPkcs12KeystoreWithThePasswordFromTheEnvironment(@TempDir Path dir)
            throws Exception {
        String password = "keystore-password-" + System.nanoTime();
        Path keystore = selfSignedKeystore(dir, password);
        try (StandaloneProcess process = StandaloneProcess.start(0, dir.resolve("data"),
                Map.of("COEDIT_TLS_PASSWORD", password),
                StandaloneProcess.Launch.jar("--tls-keystore", keystore.toString()))) {
            URI base = process.httpUri();
            assertEquals("https", base.getScheme(), "the address it printed");
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(keystore, password))
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Coedit"), page.body());

            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket socket = client.newWebSocketBuilder().subprotocols("coedit.v1")
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("wss://" + base.getRawAuthority() + base.getRawPath() + "docs/tls"),
                            new WebSocket.Listener() {
                                private final StringBuilder message = new StringBuilder();

                                @Override
                                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                    message.append(data);
                                    if (last) {
                                        received.add(message.toString());
                                        message.setLength(0);
                                    }
                                    ws.request(1);
                                    return null;
                                }
                            })
                    .get(10, TimeUnit.SECONDS);
            socket.sendText("{\"type\":\"hello\",\"clientId\":\"tls\"}", true).get(10, TimeUnit.SECONDS);
            String snapshot = received.poll(10, TimeUnit.SECONDS);
            assertTrue(snapshot != null && snapshot.startsWith("{\"type\":\"snapshot\""), "over wss: " + snapshot);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
            assertFalse((process.stdout() + process.stderr()).contains(password), "the password in the output");
        }
    }

    @Test
    void listensOnLoopbackOnlyByDefault(ServerUnderTest server) throws Exception {
        StandaloneProcess process = server.process();
        assertEquals("127.0.0.1", process.httpUri().getHost(), "the address it printed");

        // 127.0.0.2 is this machine too (all of 127/8 is loopback on Linux), but not the address the server bound:
        // a server on 0.0.0.0 would answer there. Another interface's address would prove the same, but this one
        // keeps the test's traffic on loopback.
        InetAddress otherLocal = InetAddress.getByName("127.0.0.2");
        if (isLocal(otherLocal)) {
            try (Socket socket = new Socket()) {
                assertThrows(ConnectException.class,
                        () -> socket.connect(new InetSocketAddress(otherLocal, process.port()), 5_000));
            }
        } else {
            System.out.println("127.0.0.2 is not an address of this machine; checked the printed address only");
        }
    }

    @Test
    void aSecondServerOnTheSamePortExitsWith2AndOneLine(ServerUnderTest server, @TempDir Path otherData)
            throws Exception {
        int port = server.process().port();

        StandaloneProcess.Finished second =
                StandaloneProcess.run("--port", Integer.toString(port), "--data-dir", otherData.toString());

        assertEquals(2, second.exitCode());
        assertOneLineWithoutStackTrace(second);
        assertTrue(second.stderr().contains(Integer.toString(port)), second.stderr());
        assertFalse(second.stdout().contains("Coedit is running"), second.stdout());
        assertEquals(200, statusOf(server.httpUri()), "the first server still serves");
    }

    @Test
    void anUnknownFlagExitsWith2AndOneLine() {
        StandaloneProcess.Finished run = StandaloneProcess.run("--prot", "8080");

        assertEquals(2, run.exitCode());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains("--prot"), run.stderr());
    }

    @Test
    void aHostThatDoesNotResolveExitsWith2AndOneLine() {
        StandaloneProcess.Finished run = StandaloneProcess.run("--host", "no-such-host.invalid", "--port", "0");

        assertEquals(2, run.exitCode(), run.stderr());
        assertOneLineWithoutStackTrace(run);
        assertEquals("coedit: unknown host \"no-such-host.invalid\" (try --host 127.0.0.1)", run.stderrLines().get(0));
        assertFalse(run.stdout().contains("Coedit is running"), run.stdout());
    }

    @Test
    void aPortOutOfRangeExitsWith2AndOneLine() {
        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "70000");

        assertEquals(2, run.exitCode());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains("70000"), run.stderr());
    }

    @Test
    void anUnreachableDatabaseExitsWith2AndOneLine(@TempDir Path data) {
        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "0", "--data-dir", data.toString(),
                "--db-url", "jdbc:postgresql://127.0.0.1:9/coedit");

        assertEquals(2, run.exitCode(), run.stderr());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains("jdbc:postgresql://127.0.0.1:9/coedit"), run.stderr());
    }

    @Test
    void aCorruptDatabaseFileExitsWith2AndOneLine(@TempDir Path data) throws Exception {
        java.nio.file.Files.write(data.resolve("coedit.mv.db"), "this is not an H2 database at all, just text\n"
                .repeat(200).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "0", "--data-dir", data.toString());

        assertEquals(2, run.exitCode(), run.stderr());
        assertOneLineWithoutStackTrace(run);
        assertTrue(run.stderr().contains(data.toString()), run.stderr());
    }

    /**
     * Tests run as root here, whom permissions do not stop, so the folders are ones no one can write: one that cannot
     * be made (under /proc), a file where the folder should be, and a folder that exists but takes no new file
     * (/proc itself).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a folder that cannot be made", "a file in the folder's place",
        "a folder that takes no file"})
    void anUnwritableDataFolderExitsWith2AndOneLineThatNamesItAndSaysWhy(String which, @TempDir Path temp)
            throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        Path folder;
        String why;
        switch (which) {
            case "a folder that cannot be made" -> {
                folder = Path.of("/proc/coedit-unwritable");
                why = "cannot be created: no such file or directory";
            }
            case "a file in the folder's place" -> {
                folder = Files.writeString(temp.resolve("data"), "not a folder");
                why = "cannot be created: " + folder + " exists and is not a folder";
            }
            default -> {
                folder = Path.of("/proc");
                why = "is not writable: no file can be created in it (no such file or directory)";
            }
        }

        StandaloneProcess.Finished run = StandaloneProcess.run("--port", "0", "--data-dir", folder.toString());

        assertEquals(2, run.exitCode(), run.stderr());
        assertOneLineWithoutStackTrace(run);
        assertEquals("coedit: data folder " + folder + " " + why, run.stderrLines().get(0));
        assertFalse(run.stdout().contains("Coedit is running"), run.stdout());
    }

    @Test
    void sigtermStopsItCleanlyWithExitCode0(@TempDir Path data) throws Exception {
        try (StandaloneProcess process = StandaloneProcess.start(0, data)) {
            assertEquals(200, statusOf(process.httpUri()));

            int exitCode = process.stop();

            assertEquals(0, exitCode, process.stderr());
            assertTrue(process.stdout().contains("Coedit stopped"), process.stdout());
            assertFalse(process.stderr().contains("Exception"), process.stderr());
        }
    }

    @Test
    void aKilledServerRestartsOnTheSamePortAndDataFolder(@TempDir Path data) throws Exception {
        try (StandaloneProcess process = StandaloneProcess.start(0, data)) {
            URI before = process.httpUri();

            process.kill();
            assertFalse(process.isAlive());
            process.restart();

            assertEquals(before, process.httpUri());
            assertEquals(200, statusOf(process.httpUri()));
        }
    }

    private static void assertOneLineWithoutStackTrace(StandaloneProcess.Finished run) {
        List<String> lines = run.stderrLines();
        assertEquals(1, lines.size(), "stderr: " + run.stderr());
        assertTrue(lines.get(0).startsWith("coedit: "), lines.get(0));
        assertFalse(run.stderr().contains("Exception"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), run.stderr());
    }

    /** A PKCS12 keystore with a key and a self-signed certificate for 127.0.0.1, made with the JDK's keytool. */
    private static Path selfSignedKeystore(Path dir, String password) throws Exception {
        Path keystore = dir.resolve("coedit.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "coedit", "-keyalg", "EC",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), "keytool: " + output);
        return keystore;
    }

    /** A client context that trusts the certificate in {@code keystore}, and only it: this test's client alone. */
    private static SSLContext trusting(Path keystore, String password) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, password.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Whether the address belongs to this machine: only then can a server listen there. */
    private static boolean isLocal(InetAddress address) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int statusOf(URI uri) throws Exception {
        return get(uri).statusCode();
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
