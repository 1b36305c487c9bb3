package dev.coedit.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.CoeditConfig;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.client.SslEngineConfigurator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The standalone server over TLS: https:// and wss:// from a PKCS12 keystore, made here with the JDK's keytool. */
@Timeout(60)
class TlsTest {

    private static final String PASSWORD = "test-secret";

    @TempDir
    static Path dir;
    private static Path keystore;

    @BeforeAll
    static void makeKeystore() throws Exception {
        keystore = dir.resolve("coedit.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "coedit", "-keyalg", "EC",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, p.exitValue(), "keytool: " + output);
    }

    private static SSLContext trusting(Path store) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static StandaloneServer startTls(Path store, String password) throws StartupException {
        return StandaloneServer.start(CoeditConfig.defaults().withPort(0).withDataDir(dir.resolve("data")),
                Optional.of(new Tls(store, password.toCharArray())));
    }

    @Test
    void pagesAreServedOverHttpsAndTheEditingChannelOverWss() throws Exception {
        try (StandaloneServer server = startTls(keystore, PASSWORD)) {
            URI base = server.uri();
            assertEquals("https", base.getScheme());

            HttpClient http = HttpClient.newBuilder().sslContext(trusting(keystore))
                    .version(HttpClient.Version.HTTP_1_1).build();
            // webroot/ is packed into the standalone jar only; CodeMirror's WebJar is on this test's class path.
            HttpResponse<String> file = http.send(HttpRequest.newBuilder(
                    base.resolve("webjars/codemirror/6.0.2/dist/index.js")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, file.statusCode());

            ClientManager client = ClientManager.createClient();
            client.getProperties().put(ClientProperties.SSL_ENGINE_CONFIGURATOR,
                    new SslEngineConfigurator(trusting(keystore), true, false, false));
            BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
            Session session = client.connectToServer(new Endpoint() {
                @Override
                public void onOpen(Session s, EndpointConfig c) {
                    s.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
                }
            }, ClientEndpointConfig.Builder.create().preferredSubprotocols(List.of("coedit.v1")).build(),
                    URI.create("wss://127.0.0.1:" + server.port() + "/coedit/docs/secure"));
            session.getBasicRemote().sendText("{\"type\":\"hello\",\"clientId\":\"tls\"}");
            String snapshot = received.poll(10, TimeUnit.SECONDS);
            assertTrue(snapshot != null && snapshot.startsWith("{\"type\":\"snapshot\""), "got " + snapshot);
            session.close();
        }
    }

    @Test
    void aMissingKeystoreIsNamedInOneLineBeforeAnythingListens() {
        StartupException e = assertThrows(StartupException.class, () -> startTls(dir.resolve("nope.p12"), "x"));
        assertEquals("the TLS keystore " + dir.resolve("nope.p12") + " does not exist", e.getMessage());
    }

    @Test
    void aWrongPasswordIsNamedInOneLine() {
        StartupException e = assertThrows(StartupException.class, () -> startTls(keystore, "wrong"));
        assertEquals("cannot read the TLS keystore " + keystore + ": wrong password", e.getMessage());
    }

    @Test
    void aKeystoreWithoutAPasswordIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> CommandLine.parse(
                List.of("--tls-keystore", keystore.toString()), new java.util.Properties(), java.util.Map.of()));
        assertTrue(e.getMessage().startsWith("a TLS keystore is set"), e.getMessage());
    }

    @Test
    void thePasswordNeverShowsInTheSettingsText() {
        assertEquals("Tls[keystore=" + keystore + "]", new Tls(keystore, PASSWORD.toCharArray()).toString());
    }
}
