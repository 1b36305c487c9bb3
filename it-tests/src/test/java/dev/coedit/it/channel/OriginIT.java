package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.it.support.ServerUnderTest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cross-site WebSocket hijacking: a page of another origin cannot open Coedit's WebSockets, on every channel and every
 * runtime: the handshake is refused with 403 before the upgrade (the standalone server's Grizzly filter; in Payara and
 * WildFly the WAR's servlet filter, through the endpoint configurator's checkOrigin). The server's own pages, and
 * programs that send no Origin, pass. The suite runs in open mode, where a name that DNS rebinding can point at the
 * server is not the server's own origin.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class OriginIT {

    @Test
    void aForgedOriginIsRefusedOnEveryChannel(ServerUnderTest server) throws IOException {
        for (String path : new String[] {"docs/origin-test", "admin", "lobby"}) {
            assertEquals("403", handshake(server, path, "https://evil.example", null),
                    path + ": refused before the upgrade");
        }
    }

    /**
     * DNS rebinding: evil.example, pointed at the server's address after the page loaded, makes the page's Origin and
     * the request's Host agree. In open mode only loopback names are the server's own.
     */
    @Test
    void aReboundNameIsNotTheServersOwnOriginInOpenMode(ServerUnderTest server) throws IOException {
        String rebound = "evil.example:" + server.httpUri().getPort();
        for (String path : new String[] {"docs/origin-test", "admin", "lobby"}) {
            assertEquals("403", handshake(server, path, "http://" + rebound, rebound), path);
        }
        String local = "localhost:" + server.httpUri().getPort();
        assertEquals("101 and open", handshake(server, "docs/origin-test", "http://" + local, local),
                "a loopback name is");
    }

    @Test
    void thePagesOwnOriginIsUpgraded(ServerUnderTest server) throws IOException {
        URI http = server.httpUri();
        String own = http.getScheme() + "://" + http.getHost() + ":" + http.getPort();
        assertEquals("101 and open", handshake(server, "docs/origin-test", own, null));
    }

    @Test
    void aProgramThatSendsNoOriginIsUpgraded(ServerUnderTest server) throws IOException {
        assertEquals("101 and open", handshake(server, "docs/origin-test", null, null));
    }

    /**
     * A raw RFC 6455 handshake: "403" and the like for a refusal, "101 and open" when nothing follows the upgrade
     * within a second, or "101 then close CODE REASON" when a close frame does.
     *
     * @param host the Host header, or null for the server's address
     */
    private static String handshake(ServerUnderTest server, String path, String origin, String host)
            throws IOException {
        URI http = server.httpUri();
        URI target = http.resolve(path);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        try (Socket socket = new Socket(http.getHost(), http.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder()
                    .append("GET ").append(target.getRawPath()).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host != null ? host : http.getHost() + ":" + http.getPort())
                    .append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: coedit.v1\r\n");
            if (origin != null) {
                request.append("Origin: ").append(origin).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.io.InputStream in = socket.getInputStream();
            String head = readHead(in);
            String status = head.split(" ")[1];
            if (!status.equals("101")) {
                return status;
            }
            socket.setSoTimeout(1_000);
            int first;
            byte[] payload;
            do { // pings from the heartbeat may come first
                try {
                    first = in.read();
                } catch (java.net.SocketTimeoutException e) {
                    return "101 and open";
                }
                int length = in.read() & 0x7F;
                payload = in.readNBytes(length);
            } while ((first & 0x0F) == 0x9);
            if ((first & 0x0F) != 0x8 || payload.length < 2) {
                return "101 then opcode " + (first & 0x0F);
            }
            int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            return "101 then close " + code + " " + new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    private static String readHead(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
