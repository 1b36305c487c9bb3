package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code container} authenticator: the WAR with {@code auth=container} and the application's own sign-in
 * (Jakarta Security BASIC over an identity store, {@link TestSignIn}). The user the container signed in is the
 * user in Coedit; the container role {@code coedit-admin} opens the monitoring channel; nobody signed in is refused.
 * On WildFly, Elytron's JASPI integration must first be switched off for an application's identity store
 * ({@link JaspiOff}, then a reload); Payara needs nothing.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@org.jboss.as.arquillian.api.ServerSetup({JaspiOff.class, org.jboss.as.arquillian.setup.ReloadServerSetupTask.class})
class ContainerPrincipalIT {

    private static final ClientManager CLIENT = ClientManager.createClient();

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.withSettings(Deployments.war(), Map.of("auth", "container"))
                .addClass(TestSignIn.class);
    }

    @ArquillianResource
    URL url;

    /** Connects with BASIC credentials (or none) and returns what arrived: messages, then "CLOSED code reason". */
    private BlockingQueue<String> connect(String path, String user, String password, String hello) throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
                .preferredSubprotocols(List.of("coedit.v1"))
                .configurator(new ClientEndpointConfig.Configurator() {
                    @Override
                    public void beforeRequest(Map<String, List<String>> headers) {
                        if (user != null) {
                            headers.put("Authorization", List.of("Basic " + Base64.getEncoder().encodeToString(
                                    (user + ":" + password).getBytes(StandardCharsets.UTF_8))));
                        }
                    }
                }).build();
        URI uri = Ws.ws(Ws.loopback(url), path);
        Session session = CLIENT.connectToServer(new Endpoint() {
            @Override
            public void onOpen(Session s, EndpointConfig c) {
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) received::add);
            }

            @Override
            public void onClose(Session s, CloseReason reason) {
                received.add("CLOSED " + reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
            }
        }, config, uri);
        if (hello != null) {
            session.getBasicRemote().sendText(hello);
        }
        return received;
    }

    private static String next(BlockingQueue<String> q) throws InterruptedException {
        String m = q.poll(20, TimeUnit.SECONDS);
        return m == null ? "(nothing within 20 s)" : m;
    }

    @Test
    void theContainersSignedInUserIsTheCoeditUser() throws Exception {
        // A fresh deployment initialises lazily: the first sign-in may take a while.
        String snapshot = "";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!snapshot.contains("\"type\":\"snapshot\"") && System.nanoTime() < end) {
            try {
                snapshot = next(connect("docs/principal-doc", "alice", "alice-pw",
                        "{\"type\":\"hello\",\"clientId\":\"c-alice\"}"));
            } catch (jakarta.websocket.DeploymentException | java.io.IOException e) {
                snapshot = e.toString();
                Thread.sleep(500);
            }
        }
        assertTrue(snapshot.contains("\"type\":\"snapshot\"") && snapshot.contains("\"role\":\"owner\""), snapshot);
        BlockingQueue<String> bob = connect("docs/principal-doc", "bob", "bob-pw",
                "{\"type\":\"hello\",\"clientId\":\"c-bob\"}");
        String bobs = next(bob);
        assertTrue(bobs.contains("\"user\":\"alice\""), "bob sees alice by her container name: " + bobs);

        assertTrue(next(connect("admin", "alice", "alice-pw", null)).contains("\"type\":\"state\""),
                "alice has the container role coedit-admin");
        String refused = next(connect("admin", "bob", "bob-pw", null));
        assertTrue(refused.startsWith("CLOSED 1008 the monitoring channel needs the admin role"), refused);
        String anonymous = next(connect("docs/principal-doc", null, null, null));
        assertEquals("CLOSED 1008 sign-in required: sign in to the server", anonymous);
    }
}
