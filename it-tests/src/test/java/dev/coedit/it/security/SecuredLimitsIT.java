package dev.coedit.it.security;

import static dev.coedit.it.security.SecuredServer.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.channel.RawSocket;
import dev.coedit.it.channel.RecordingSocket;
import dev.coedit.it.channel.Wire;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Limits per user and per remote address: open connections and handshakes per second (every handshake counts against
 * its address, with a good token or not), refused with 1013 and a reason naming the limit; and messages per second
 * over all the connections of a user or an address, answered like a flood on one connection: {@code rate_limited}
 * naming the limit, then 1008. The others go on. Tests that need an address of their own connect from another loopback address (127.0.0.x all
 * reach a server on 127.0.0.1), so they never starve each other.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(SecuredServer.Extension.class)
class SecuredLimitsIT {

    private static final Duration LONG = Duration.ofMinutes(10);
    /** Messages each connection of a flood sends: under the burst of one connection, so only a shared limit bites. */
    private static final int FLOOD_EACH = SecuredServer.RATE_BURST - 20;

    /** What {@link #attempt} says when an upgraded connection never answered its hello. */
    private static final String NO_ANSWER = "no answer to hello within 10 s";
    /** What {@link #answerToFlood} says of a connection that got nothing at all: its messages all passed. */
    private static final String NOT_REFUSED = "no answer";

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
        RawSocket.Frame frame = socket.readAnswer(Duration.ofSeconds(10));
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
        List<RawSocket> open = new ArrayList<>();
        String rateRefusal = "1013 too many handshakes from 127.0.0.6: the limit is "
                + SecuredServer.HANDSHAKES_PER_SECOND + " per second";
        List<String> refusals = flood(rateRefusal, i -> {
            String outcome = attempt(doc, server.tokens().issue("f" + i + "-" + run(), LONG), "127.0.0.6", open);
            closeAll(open);
            return outcome;
        }).stream().filter(Objects::nonNull).toList();
        assertTrue(refusals.contains(rateRefusal), counted(refusals).toString());
        assertTrue(refusals.stream().allMatch(r -> r.startsWith("1013 too many handshakes") || r.startsWith("HTTP 5")
                        || r.equals(NO_ANSWER)),
                "every refusal names the limit (or is the container's own failure under the flood): "
                        + counted(refusals));
        Thread.sleep(2_500); // the bucket refills
        assertAdmitted(doc, server.tokens().issue("after-" + run(), LONG), "127.0.0.6", open, "admitted after the refill");
        closeAll(open);
    }

    @Test
    void aFloodOfHandshakesWithForgedTokensIsRefusedPastTheRateLikeGoodOnes(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-forged-" + run());
        String rateRefusal = "1013 too many handshakes from 127.0.0.7: the limit is "
                + SecuredServer.HANDSHAKES_PER_SECOND + " per second";
        String signatureRefusal = "1008 the token's signature does not verify";
        List<RawSocket> open = new ArrayList<>();
        List<String> outcomes = flood(rateRefusal, i -> {
            String outcome = attempt(doc, server.tokens().forged("forger-" + i), "127.0.0.7", open);
            closeAll(open);
            return outcome;
        });
        assertTrue(outcomes.contains(rateRefusal), "past the rate a forged token gets the handshake limit, not"
                + " another signature check: " + counted(outcomes));
        assertTrue(outcomes.stream().allMatch(o -> o != null && (o.equals(rateRefusal)
                        || o.startsWith(signatureRefusal) || o.startsWith("HTTP 5") || o.equals(NO_ANSWER))),
                "every forged token is refused, by the signature or by the limit: " + counted(outcomes));
        assertTrue(outcomes.get(0).startsWith(signatureRefusal), "below the rate the signature is checked: "
                + outcomes.get(0));
        assertAdmitted(doc, server.tokens().issue("elsewhere-" + run(), LONG), "127.0.0.8", open,
                "another address is not affected");
        Thread.sleep(2_500); // the bucket refills
        assertAdmitted(doc, server.tokens().issue("after-forger-" + run(), LONG), "127.0.0.7", open,
                "a good token from the flooding address is admitted after the refill");
        closeAll(open);
    }

    /**
     * Handshakes refused before sign-in (no common subprotocol) count against the address too: a flood of them
     * empties its bucket, which a good token probed now and then finds. Without the count the probes, far below the
     * rate on their own, would all be admitted.
     */
    @Test
    void handshakesRefusedForTheirSubprotocolCountAgainstTheAddress(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-subprotocol-" + run());
        String rateRefusal = "1013 too many handshakes from 127.0.2.9: the limit is "
                + SecuredServer.HANDSHAKES_PER_SECOND + " per second";
        List<RawSocket> open = new ArrayList<>();
        String probe = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int i = 1; i <= 20 * SecuredServer.HANDSHAKES_PER_SECOND && System.nanoTime() < deadline; i++) {
            try (RawSocket bad = RawSocket.connect(doc, List.of("coedit.v9"), 0, "127.0.2.9")) {
                if (bad.status() == 101) {
                    RawSocket.End end = bad.readUntilEnd(Duration.ofSeconds(5), false);
                    assertEquals(1002, end.closeCode(), () -> "how it ended: " + end);
                }
            }
            if (i % 10 == 0) {
                probe = attempt(doc, server.tokens().issue("probe-" + run(), LONG), "127.0.2.9", open);
                closeAll(open);
                if (rateRefusal.equals(probe)) {
                    break;
                }
            }
        }
        assertEquals(rateRefusal, probe, "a good token past a flood of refused handshakes from its address");
    }

    @Test
    void aFloodOfHandshakesByOneUserIsRefusedPastTheRate(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/limit-user-rate-" + run());
        String user = "flo-" + run();
        List<RawSocket> open = new ArrayList<>();
        String rateRefusal = "1013 too many handshakes by user " + user + ": the limit is "
                + SecuredServer.HANDSHAKES_PER_SECOND + " per second";
        List<String> outcomes = flood(rateRefusal, i -> {
            // Each from its own address, so that only the user's own bucket empties.
            String outcome = attempt(doc, server.tokens().issue(user, LONG), "127.0.1." + (i + 1), open);
            closeAll(open);
            return outcome;
        });
        assertTrue(outcomes.contains(rateRefusal), counted(outcomes).toString());
    }

    /** Each outcome and how often it came, in the order they first came: a failure message of a few lines. */
    private static Map<String, Long> counted(List<String> outcomes) {
        Map<String, Long> counts = new LinkedHashMap<>();
        outcomes.forEach(o -> counts.merge(o == null ? "admitted" : o, 1L, Long::sum));
        return counts;
    }

    /** One handshake of a flood: its outcome as {@link #attempt} tells it. */
    private interface Attempt {
        String run(int i) throws IOException;
    }

    /**
     * Handshakes one after another until {@code refusal} came three times; bounded by eight times the rate in count
     * (never more than 200, the addresses 127.0.1.x one test uses) and 20 s. A count alone would not do: on a busy
     * machine, handshakes that each wait for their answer may come no faster than the rate.
     *
     * @return every outcome in order, null for an admitted one
     */
    private static List<String> flood(String refusal, Attempt attempt) throws IOException {
        List<String> outcomes = new ArrayList<>();
        int refused = 0;
        int most = Math.min(200, 8 * SecuredServer.HANDSHAKES_PER_SECOND);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int i = 0; i < most && refused < 3 && System.nanoTime() < deadline; i++) {
            String outcome = attempt.run(i);
            outcomes.add(outcome);
            if (refusal.equals(outcome)) {
                refused++;
            }
        }
        return outcomes;
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

    @Test
    void severalConnectionsOfOneUserFloodingTogetherAreRateLimitedThoughEachIsUnderItsOwnRate(SecuredServer server)
            throws Exception {
        String user = "fran-" + run();
        String from = "127.0.0.20";
        List<RawSocket> flooders = new ArrayList<>();
        try (RawSocket bystander = joined(server.wsUri("docs/rate-calm-" + run()),
                server.tokens().issue("cal-" + run(), LONG), from, "c-cal")) {
            for (int i = 0; i < SecuredServer.MAX_CONNECTIONS_PER_USER; i++) { // each in a document of its own
                assertAdmitted(server.wsUri("docs/rate-user-" + run()), server.tokens().issue(user, LONG), from,
                        flooders, "connection " + i);
            }
            floodTogether(flooders, FLOOD_EACH);

            String refusal = "rate_limited: more than " + SecuredServer.RATE_PER_SECOND_PER_USER
                    + " messages per second by user " + user + " over all their connections (burst "
                    + 2 * SecuredServer.RATE_PER_SECOND_PER_USER + ") then 1008";
            assertRefusedTogether(flooders, refusal);
            assertStillEdits(bystander, "c-cal", "another user from the same address is not affected");
        } finally {
            closeAll(flooders);
        }
    }

    @Test
    void manyUsersFloodingFromOneAddressTogetherAreRateLimitedThoughEachIsUnderTheirOwnRates(SecuredServer server)
            throws Exception {
        String from = "127.0.0.21";
        int users = 12; // 12 x 180 messages: far past the address's burst, each user under theirs
        List<RawSocket> flooders = new ArrayList<>();
        try (RawSocket bystander = joined(server.wsUri("docs/rate-elsewhere-" + run()),
                server.tokens().issue("eli-" + run(), LONG), "127.0.0.22", "c-eli")) {
            for (int i = 0; i < users; i++) {
                assertAdmitted(server.wsUri("docs/rate-address-" + run()), server.tokens().issue("n" + i + "-" + run(),
                        LONG), from, flooders, "connection " + i);
            }
            floodTogether(flooders, FLOOD_EACH);

            String refusal = "rate_limited: more than " + SecuredServer.RATE_PER_SECOND_PER_ADDRESS
                    + " messages per second from " + from + " (burst " + 2 * SecuredServer.RATE_PER_SECOND_PER_ADDRESS
                    + ") then 1008";
            assertRefusedTogether(flooders, refusal);
            assertStillEdits(bystander, "c-eli", "a user from another address is not affected");
        } finally {
            closeAll(flooders);
        }
    }

    /** A connection that said hello as {@code clientId} and got its snapshot. */
    private static RawSocket joined(URI doc, String token, String from, String clientId) throws IOException {
        RawSocket socket = RawSocket.connect(doc, withToken(token), 0, from);
        assertEquals(101, socket.status(), "upgraded");
        socket.sendText(Wire.hello(clientId).toString());
        RawSocket.Frame frame = socket.readAnswer(Duration.ofSeconds(10));
        assertTrue(frame != null && frame.text().contains("\"snapshot\""), "snapshot, not " + frame);
        return socket;
    }

    /**
     * Sends {@code each} caret messages (which nobody else hears: each connection is alone in its document) on every
     * socket in turn, so that they arrive together; a socket the server closed stops.
     */
    private static void floodTogether(List<RawSocket> sockets, int each) {
        RawSocket.sendInTurns(sockets, Wire.hideCaret(0).toString(), each);
    }

    /**
     * Several of the flooding connections got {@code refusal} (the error, then the close), and none got anything
     * else. Which connections meet an emptied shared bucket depends on the server's threads; in practice all do.
     */
    private static void assertRefusedTogether(List<RawSocket> flooders, String refusal) {
        List<String> answers = new ArrayList<>();
        for (RawSocket socket : flooders) {
            answers.add(answerToFlood(socket));
        }
        System.out.println("SecuredLimitsIT: " + flooders.size() + " connections of " + FLOOD_EACH
                + " messages each: " + answers);
        assertTrue(answers.stream().filter(refusal::equals).count() >= 2, "expected several of " + refusal + ": "
                + answers);
        assertTrue(answers.stream().allMatch(a -> a.equals(refusal) || a.equals(NOT_REFUSED)),
                "every refusal names the shared limit: " + answers);
    }

    /** The first error after a flood and the close that followed, as "code: message then 1008". */
    private static String answerToFlood(RawSocket socket) {
        String error = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                RawSocket.Frame frame = socket.readFrame(Duration.ofSeconds(3));
                if (frame == null) {
                    return error == null ? NOT_REFUSED : error + " and no close";
                }
                if (frame.opcode() == RawSocket.TEXT && error == null) {
                    JsonObject message = Wire.parse(frame.text());
                    if ("error".equals(Wire.type(message))) {
                        error = Wire.string(message, "code") + ": " + Wire.string(message, "message");
                    }
                } else if (frame.opcode() == RawSocket.CLOSE) {
                    return (error == null ? "no error" : error) + " then " + frame.closeCode();
                } else if (frame.opcode() == RawSocket.PING) {
                    socket.sendPong(frame.payload());
                }
            }
        } catch (IOException e) {
            return (error == null ? "no error" : error) + " then " + e;
        }
        return "still open after 10 s";
    }

    /** The connection still edits: a submit is acknowledged. */
    private static void assertStillEdits(RawSocket socket, String clientId, String what) throws IOException {
        socket.sendText(Wire.submit(clientId, 1, 0, Wire.insertOp(0, "calm")).toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) { // bounded: 10 s
            RawSocket.Frame frame = socket.readFrame(Duration.ofSeconds(10));
            assertNotNull(frame, what + ": no answer to a submit");
            assertTrue(frame.opcode() != RawSocket.CLOSE, what + ": closed, " + frame);
            if (frame.opcode() == RawSocket.TEXT && "ack".equals(Wire.type(Wire.parse(frame.text())))) {
                return;
            }
        }
        throw new AssertionError(what + ": no ack within 10 s");
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
