package dev.coedit.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection that is upgraded and then never answers (a container left it so under churn) is replaced after the
 * answer timeout, not kept until the idle timeout: the client reconnects and gets its document.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnswerTimeoutTest {

    private static final Pattern KEY = Pattern.compile("(?im)^Sec-WebSocket-Key:\\s*(\\S+)");

    @Test
    void anUpgradedConnectionThatNeverAnswersIsReplacedAndTheNextOneSyncs() throws Exception {
        AtomicInteger upgrades = new AtomicInteger();
        List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread fake = new Thread(() -> {
                try {
                    while (!server.isClosed()) {
                        Socket s = server.accept();
                        accepted.add(s);
                        upgrade(s);
                        if (upgrades.incrementAndGet() > 1) { // the first one stays silent for ever
                            readFrame(s.getInputStream()); // the hello
                            sendText(s.getOutputStream(), "{\"type\":\"snapshot\",\"documentId\":\"d\",\"version\":3,"
                                    + "\"text\":\"answered\",\"lastSeq\":0,\"participants\":[],\"role\":\"editor\"}");
                        }
                    }
                } catch (IOException | RuntimeException closedByTheTest) {
                    // the test is over
                }
            }, "fake-server");
            fake.setDaemon(true);
            fake.start();

            long start = System.nanoTime();
            try (CoeditClient client = CoeditClient.builder(
                            URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/coedit/docs/d"))
                    .answerTimeout(Duration.ofSeconds(1)).connect(Duration.ofSeconds(15))) {
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals("answered", client.text());
                assertEquals(3, client.version());
                assertEquals(List.of(CoeditClient.NO_ANSWER_ERROR), client.errors());
                assertEquals(2, upgrades.get(), "the silent connection, then one that answered");
                assertTrue(waited >= 1_000, "gave up only after the answer timeout: " + waited + " ms");
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static void upgrade(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.append((char) b);
        }
        Matcher key = KEY.matcher(head);
        if (!key.find()) {
            throw new IOException("no key in " + head);
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                    (key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: coedit.v1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Reads one masked client frame (small: the hello) and returns its payload. */
    private static byte[] readFrame(InputStream in) throws IOException {
        in.read();
        int length = in.read() & 0x7F;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        }
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes(length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return payload;
    }

    private static void sendText(OutputStream out, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.write(0x81);
        if (payload.length < 126) {
            out.write(payload.length);
        } else {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        }
        out.write(payload);
        out.flush();
    }
}
