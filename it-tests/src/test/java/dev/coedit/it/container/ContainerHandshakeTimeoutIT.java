package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coedit.it.support.SlowClient;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In the containers the handshake deadline is the HTTP listener's own (server-config/README.md): a connection that
 * sends nothing is closed by it, in WildFly (request-parse-timeout, no-request-timeout, set here as coedit.cli sets
 * them, shorter) and in Payara (timeout-seconds, 30 s by default); a request trickled a byte at a time is cut off by
 * WildFly. Payara has no setting that bounds a trickled request (docs/security.md: put a proxy in front).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@org.jboss.as.arquillian.api.ServerSetup(HandshakeTimeouts.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContainerHandshakeTimeoutIT {

    /** WildFly's deadlines in this test. */
    static final Duration DEADLINE = Duration.ofSeconds(3);
    /** Payara's listener default, timeout-seconds. */
    private static final Duration PAYARA_DEFAULT = Duration.ofSeconds(30);
    /** How long after the deadline the close may come: timers, a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(6);

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.openWar();
    }

    @ArquillianResource
    URL url;

    private static boolean wildfly() {
        return "wildfly".equals(System.getProperty("coedit.container"));
    }

    @Test
    void aConnectionThatSendsNothingIsClosedByTheListener() throws Exception {
        URI base = Ws.loopback(url);
        Ws.awaitReady(base, Duration.ofSeconds(120));
        Duration deadline = wildfly() ? DEADLINE : PAYARA_DEFAULT;
        Duration held = SlowClient.heldFor(base, new byte[0], Duration.ofMillis(100), deadline.plus(SLACK));
        assertNotNull(held, "still open after " + deadline.plus(SLACK));
        System.out.println("[" + System.getProperty("coedit.container") + "] a silent connection was closed after "
                + held.toMillis() + " ms");
        assertTrue(held.compareTo(deadline.minusSeconds(1)) >= 0, "closed by the listener's deadline: " + held);
    }

    @Test
    void aHandshakeTrickledByteByByteIsCutOffByWildFly() throws Exception {
        assumeTrue(wildfly(), "Payara bounds no trickled request; docs/security.md says to put a proxy in front");
        URI base = Ws.loopback(url);
        Ws.awaitReady(base, Duration.ofSeconds(120));
        byte[] request = ("GET " + base.getRawPath() + "docs/slow HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: coedit.v1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        // One byte every 200 ms: the whole request would take about 40 s.
        Duration held = SlowClient.heldFor(base, request, Duration.ofMillis(200), DEADLINE.plus(SLACK));
        assertNotNull(held, "a trickled handshake still held the connection after " + DEADLINE.plus(SLACK));
    }
}
