package dev.coedit.it.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coedit.it.support.SlowClient;
import java.io.IOException;
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
 * off after the deadline ({@link SecuredServer#HANDSHAKE_TIMEOUT}); so is a later request on a kept-alive connection,
 * while waiting idle between requests is not. In Payara and WildFly the containers' own
 * listener settings do this (server-config/), not Coedit; this test runs against the standalone server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(SecuredServer.Extension.class)
class SecuredHandshakeIT {

    /** How long after the deadline the close may come: timers, a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(4);

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheDeadline(SecuredServer server) throws Exception {
        assumeTrue(server.isStandaloneProcess(), "the containers' listeners time out by their own settings");
        Duration held = SlowClient.heldFor(server.httpUri(), new byte[0], Duration.ofMillis(100),
                SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
        assertTrue(held != null, "still open after " + SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
        assertTrue(held.compareTo(SecuredServer.HANDSHAKE_TIMEOUT.minusMillis(200)) >= 0, "closed after " + held);
    }

    @Test
    void aSecondRequestTrickledByteByByteOnAKeptAliveConnectionIsClosedAfterTheDeadline(SecuredServer server)
            throws Exception {
        assumeTrue(server.isStandaloneProcess(), "the containers' listeners time out by their own settings");
        URI http = server.httpUri();
        try (Socket socket = afterOneRequest(http)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] second = get(http).getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            Duration limit = SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK);
            socket.setSoTimeout(50);
            int next = 0;
            // One byte every 200 ms: the request would take far longer than the deadline. Bounded by the limit.
            while (System.nanoTime() - start < limit.toNanos()) {
                try {
                    if (next < second.length) {
                        out.write(second[next++]);
                        out.flush();
                    }
                    if (readsEndWithin(in, Duration.ofMillis(200))) {
                        Duration held = Duration.ofNanos(System.nanoTime() - start);
                        assertTrue(held.compareTo(SecuredServer.HANDSHAKE_TIMEOUT.minusMillis(200)) >= 0,
                                "closed after " + held + ", before the deadline");
                        return;
                    }
                } catch (SocketException closed) {
                    return; // cut off while writing
                }
            }
            throw new AssertionError("a trickled second request still held the connection after " + limit);
        }
    }

    @Test
    void aKeptAliveConnectionMayWaitLongerThanTheDeadlineBetweenRequests(SecuredServer server) throws Exception {
        assumeTrue(server.isStandaloneProcess(), "the containers' listeners time out by their own settings");
        URI http = server.httpUri();
        try (Socket socket = afterOneRequest(http)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Idle is the keep-alive timeout's business (longer); only a request begun has the deadline.
            Thread.sleep(SecuredServer.HANDSHAKE_TIMEOUT.plusSeconds(1).toMillis());
            out.write(get(http).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals(200, readResponse(in), "the second request, sent at once, is answered");
        }
    }

    /** A connection whose first request was answered, and kept alive for the next. */
    private static Socket afterOneRequest(URI http) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(http.getHost(), http.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(get(http).getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertEquals(200, readResponse(socket.getInputStream()), "the first request is answered");
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** A plain GET of the application's page, keeping the connection alive (HTTP/1.1's default). */
    private static String get(URI http) {
        return "GET " + http.getRawPath() + " HTTP/1.1\r\nHost: " + http.getHost() + ":" + http.getPort()
                + "\r\n\r\n";
    }

    /** Reads one response, its head and its body (by Content-Length, or chunked); returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String head = line(in);
        int status = Integer.parseInt(head.split(" ")[1]);
        long length = 0;
        boolean chunked = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            in.readNBytes((int) length);
            return status;
        }
        for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
            in.readNBytes((int) size);
            line(in); // the CRLF after the chunk
        }
        line(in); // the CRLF after the last chunk (no trailers)
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new java.io.EOFException("the connection ended in the middle of a response: " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** Whether the server ends the connection within {@code wait} (an end of stream, or a reset). */
    private static boolean readsEndWithin(InputStream in, Duration wait) throws IOException {
        long until = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < until) {
            try {
                if (in.read() < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing yet
            } catch (SocketException e) {
                return true;
            }
        }
        return false;
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
        Duration held = SlowClient.heldFor(http, request, Duration.ofMillis(200), SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
        assertTrue(held != null, "a trickled handshake still held the connection after "
                + SecuredServer.HANDSHAKE_TIMEOUT.plus(SLACK));
    }
}
