package dev.coedit.it.security;

import static dev.coedit.it.security.SecuredServer.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.channel.RawSocket;
import dev.coedit.it.channel.RecordingSocket;
import dev.coedit.it.channel.Wire;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limits per user and per remote address: open connections and handshakes per second. Past each, the connection is
 * closed with 1013 and a reason naming the limit; the others go on. Tests that need an address of their own connect
 * from another loopback address (127.0.0.x all reach a server on 127.0.0.1), so they never starve each other.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(SecuredServer.Extension.class)
class SecuredLimitsIT {

    private static final Duration LONG = Duration.ofMinutes(10);

    /** What {@link #attempt} says when an upgraded connection never answered its hello. */
    private static final String NO_ANSWER = "no answer to hello within 10 s";

    /**
     * An attempt that must be admitted. Payara, right after a burst of connections closed, has been seen to complete
     * an upgrade and then never run the endpoint; one more attempt tells that apart from a refusal.
     */
    private static void assertAdmitted(URI doc, String token, String from, List<RawSocket> open, String what)
            throws IOException {
        String outcome = attempt(doc, token, from, open);
        if (NO_ANSWER.equals(outcome)) {
            outcome = attempt(doc, token, from, open);
        }
        assertNull(outcome, what);
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Opens a connection and says hello: null when it got its snapshot (it stays open in {@code open}), else the
     * close frame's "code reason".
     */
    private static String attempt(URI doc, String token, String from, List<RawSocket> open) throws IOException {
        RawSocket socket = RawSocket.connect(doc, withToken(token), 0, from);
        if (socket.status() != 101) { // the refusals are closes after the upgrade; a container may fail one itself
            socket.close();
            return "HTTP " + socket.status();
        }
        socket.sendText(Wire.hello("c-" + run()).toString());
        RawSocket.Frame frame = socket.readFrame(Duration.ofSeconds(10));
        if (frame == null) {
            socket.close();
            return NO_ANSWER;
        }
        if (frame.opcode() == RawSocket.TEXT && frame.text().contains("\"snapshot\"")) {
            open.add(socket);
            return null;
        }
        socket.close();
        return frame.opcode() == RawSocket.CLOSE ? frame.closeCode() + " " + frame.closeReason() : frame.toString();
    }

    /** Closes as a polite client does: a close frame, then the server's answer. */
    private static void closeAll(List<RawSocket> sockets) {
        for (RawSocket s : sockets) {
            try {
                s.sendClose(1000, "done");
                s.readUntilEnd(Duration.ofSeconds(5), false);
            } catch (IOException | RuntimeException e) {
                // gone already
            }
            s.close();
        }
        sockets.clear();
    }

    @Test
    void aUserPastTheirConnectionLimitIsRefusedUntilOneCloses(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-user-" + run());
        String user = "ursula-" + run();
        List<RawSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < SecuredServer.MAX_CONNECTIONS_PER_USER; i++) {
                assertNull(attempt(doc, server.tokens().issue(user, LONG), "127.0.0.3", open), "connection " + i);
            }
            String refused = attempt(doc, server.tokens().issue(user, LONG), "127.0.0.3", open);
            assertEquals("1013 too many connections of user " + user + ": the limit is "
                    + SecuredServer.MAX_CONNECTIONS_PER_USER, refused);
            // Another user from the same address is not affected.
            assertAdmitted(doc, server.tokens().issue("other-" + run(), LONG), "127.0.0.3", open,
                    "another user from the same address is not affected");

            open.remove(0).close();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String again;
            do { // the server counts the close once it has seen it
                again = attempt(doc, server.tokens().issue(user, LONG), "127.0.0.3", open);
            } while (again != null && System.nanoTime() < deadline && pause());
            assertNull(again, "a place came free");
        } finally {
            closeAll(open);
        }
    }

    @Test
    void anAddressPastItsConnectionLimitIsRefused(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-address-" + run());
        List<RawSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < SecuredServer.MAX_CONNECTIONS_PER_ADDRESS; i++) {
                assertNull(attempt(doc, server.tokens().issue("u" + i + "-" + run(), LONG), "127.0.0.4", open),
                        "connection " + i);
            }
            String refused = attempt(doc, server.tokens().issue("late-" + run(), LONG), "127.0.0.4", open);
            assertEquals("1013 too many connections from 127.0.0.4: the limit is "
                    + SecuredServer.MAX_CONNECTIONS_PER_ADDRESS, refused);
            assertAdmitted(doc, server.tokens().issue("elsewhere-" + run(), LONG), "127.0.0.5", open,
                    "another address is not affected");
        } finally {
            closeAll(open);
        }
    }

    @Test
    void aFloodOfHandshakesFromOneAddressIsRefusedPastTheRate(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-rate-" + run());
        List<String> refusals = new ArrayList<>();
        List<RawSocket> open = new ArrayList<>();
        for (int i = 0; i < 4 * SecuredServer.HANDSHAKES_PER_SECOND; i++) {
            String outcome = attempt(doc, server.tokens().issue("f" + i + "-" + run(), LONG), "127.0.0.6", open);
            closeAll(open);
            if (outcome != null) {
                refusals.add(outcome);
            }
        }
        assertTrue(refusals.contains("1013 too many handshakes from 127.0.0.6: the limit is "
                + SecuredServer.HANDSHAKES_PER_SECOND + " per second"), refusals.toString());
        assertTrue(refusals.stream().allMatch(r -> r.startsWith("1013 too many handshakes") || r.startsWith("HTTP 5")
                        || r.equals(NO_ANSWER)),
                "every refusal names the limit (or is the container's own failure under the flood): " + refusals);
        Thread.sleep(2_500); // the bucket refills
        assertAdmitted(doc, server.tokens().issue("after-" + run(), LONG), "127.0.0.6", open, "admitted after the refill");
        closeAll(open);
    }

    @Test
    void aFloodOfHandshakesByOneUserIsRefusedPastTheRate(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-user-rate-" + run());
        String user = "flo-" + run();
        List<String> refusals = new ArrayList<>();
        List<RawSocket> open = new ArrayList<>();
        for (int i = 0; i < 4 * SecuredServer.HANDSHAKES_PER_SECOND; i++) {
            // Each from its own address, so that only the user's own bucket empties.
            String outcome = attempt(doc, server.tokens().issue(user, LONG), "127.0.1." + (i + 1), open);
            closeAll(open);
            if (outcome != null) {
                refusals.add(outcome);
            }
        }
        assertTrue(refusals.contains("1013 too many handshakes by user " + user + ": the limit is "
                + SecuredServer.HANDSHAKES_PER_SECOND + " per second"), refusals.toString());
    }

    @Test
    void aRefusedConnectionLeavesTheOthersAlone(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-bystander-" + run());
        String user = "bea-" + run();
        try (RecordingSocket bea = RecordingSocket.connect(doc, withToken(server.tokens().issue(user, LONG)))) {
            bea.send(Wire.hello("c-bea"));
            bea.expectType("snapshot");
            List<RawSocket> open = new ArrayList<>();
            try {
                String refused = null;
                for (int i = 0; i < SecuredServer.MAX_CONNECTIONS_PER_USER && refused == null; i++) {
                    refused = attempt(doc, server.tokens().issue(user, LONG), "127.0.0.9", open);
                }
                assertNotNull(refused, "the user's limit was reached");
            } finally {
                closeAll(open);
            }
            // The refusals went to the new connections only: the user's first one still edits.
            bea.send(Wire.submit("c-bea", 1, 0, Wire.insertOp(0, "still here")));
            assertEquals(1, bea.awaitType("ack").getJsonNumber("version").longValue());
            assertTrue(bea.isOpen());
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
