package dev.coedit.it.security;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handshake timeout: a client that connects and sends nothing, or sends its request a byte at a time, is cut
 * off after the deadline ({@link SecuredServer#HANDSHAKE_TIMEOUT}). In Payara and WildFly the containers' own
 * listener settings do this (server-config/), not Coedit; this test runs against the standalone server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(SecuredServer.Extension.class)
class SecuredHandshakeIT {

    /** How long after the deadline the close may come: timers, a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    /** Opens a TCP connection to the server, sends {@code bytes} one by one {@code every}, and times the close. */
    private static Duration heldFor(URI http, byte[] bytes, Duration every, Duration limit) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(http.getHost(), http.getPort()), 5_000);
            socket.setSoTimeout(50);
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int next = 0;
            while (System.nanoTime() - start < limit.toNanos()) {
                if (next < bytes.length) {
                    try {
                        out.write(bytes[next++]);
                        out.flush();
                    } catch (SocketException e) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                }
                long until = System.nanoTime() + every.toNanos();
                while (System.nanoTime() < until) {
                    try {
                        if (in.read() < 0) {
                            return Duration.ofNanos(System.nanoTime() - start);
                        }
                    } catch (java.net.SocketTimeoutException e) {
                        // nothing yet
                    } catch (SocketException e) {
                        return Duration.ofNanos(System.nanoTime() - start);
                    }
                }
            }
            return null;
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheDeadline(SecuredServer server) throws Exception {
        assumeTrue(server.isStandaloneProcess(), "the containers' listeners time out by their own settings");
        Duration held = heldFor(server.httpUri(), new byte[0], Duration.ofMillis(100),
                SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
        assertTrue(held != null, "still open after " + SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
        assertTrue(held.compareTo(SecuredServer.HANDSHAKE_TIMEOUT.minusMillis(200)) >= 0, "closed after " + held);
    }

    @Test
    void aHandshakeTrickledByteByByteIsClosedAfterTheDeadline(SecuredServer server) throws Exception {
        assumeTrue(server.isStandaloneProcess(), "the containers' listeners time out by their own settings");
        URI http = server.httpUri();
        byte[] request = ("GET " + http.getRawPath() + "docs/slow HTTP/1.1\r\nHost: " + http.getHost() + ":"
                + http.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: coedit.v1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        // One byte every 200 ms: the whole request would take far longer than the deadline.
        Duration held = heldFor(http, request, Duration.ofMillis(200), SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
        assertTrue(held != null, "a trickled handshake still held the connection after "
                + SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
    }
}
