package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.support.ServerUnderTest;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Who is in a document, and where their carets are: {@code joined}, {@code left}, {@code presence}, snapshots. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class PresenceIT {

    /** How soon "as soon as" is: a leave is broadcast well within this on loopback. */
    private static final Duration PROMPTLY = Duration.ofSeconds(3);

    private URI document;

    @BeforeEach
    void freshDocument(ServerUnderTest server) {
        document = server.wsUri("docs/presence-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void othersAreToldWhenSomeoneJoinsWithTheirNameAndColour() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana");
             RecordingSocket jun = RecordingSocket.connect(document)) {
            jun.send(Wire.hello("jun", "Jun <b>Park</b>", "#2563eb"));
            JsonObject snapshot = jun.expectType("snapshot");
            List<JsonObject> present = snapshot.getJsonArray("participants").getValuesAs(JsonObject.class);
            assertEquals(1, present.size(), () -> "the snapshot lists everyone else: " + snapshot);
            assertEquals("ana", present.get(0).getString("clientId"));
            assertEquals("#3b82f6", present.get(0).getString("color"), "the default colour");
            assertEquals("Guest ana", present.get(0).getString("name"), "the default name");

            JsonObject joined = ana.expectType("joined");
            JsonObject who = joined.getJsonObject("participant");
            assertEquals("jun", who.getString("clientId"));
            assertEquals("Jun <b>Park</b>", who.getString("name"), "the name as text, unchanged");
            assertEquals("#2563eb", who.getString("color"));
            jun.assertNoMessage(Duration.ofMillis(300)); // nobody is told about themselves
        }
    }

    @Test
    void othersAreToldAsSoonAsSomeoneClosesTheirConnection() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana")) {
            RecordingSocket jun = RecordingSocket.join(document, "jun");
            ana.expectType("joined");

            jun.close();

            JsonObject left = ana.awaitMessage(m -> "left".equals(Wire.type(m)), "left", PROMPTLY);
            assertEquals("jun", left.getString("clientId"));
        }
    }

    @Test
    void othersAreToldAsSoonAsSomeonesConnectionIsCutWithoutACloseFrame() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana")) {
            RawSocket jun = RawSocket.connect(document);
            jun.sendText(Wire.hello("jun").toString());
            ana.expectType("joined");

            jun.abort(); // a TCP reset, as when the process or the network dies

            JsonObject left = ana.awaitMessage(m -> "left".equals(Wire.type(m)), "left", PROMPTLY);
            assertEquals("jun", left.getString("clientId"));
        }
    }

    @Test
    void aJavaClientWhoseConnectionDropsLeavesAndComesBack() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana");
             CoeditClient jun = CoeditClient.builder(document).clientId("jun").name("Jun")
                     .connect(RecordingSocket.WAIT)) {
            ana.expectType("joined");

            jun.dropConnection();

            assertEquals("jun", ana.awaitMessage(m -> "left".equals(Wire.type(m)), "left", PROMPTLY)
                    .getString("clientId"));
            JsonObject back = ana.awaitMessage(m -> "joined".equals(Wire.type(m)), "joined", PROMPTLY);
            assertEquals("jun", back.getJsonObject("participant").getString("clientId"));
            jun.awaitStatus(CoeditClient.Status.SYNCED, PROMPTLY);
        }
    }

    @Test
    void aLateJoinerSeesACaretWhereEditsMadeAfterItHaveMovedIt() throws Exception {
        assertLateJoinerSees("[\"Oh, \"]", "Oh, Hello world", 10, 15);
    }

    @Test
    void textInsertedExactlyAtACaretGoesAfterItWhileTheSelectionsEndMoves() throws Exception {
        // Ana's selection starts at 6; "big " inserted at 6 goes after that end and before the other.
        assertLateJoinerSees("[6, \"big \"]", "Hello big world", 6, 15);
    }

    /**
     * Ana selects "world" in "Hello world" at version 1, Ben edits with {@code op}, then Cleo joins: her snapshot
     * shows Ana's selection as transformed through Ben's edit.
     */
    private void assertLateJoinerSees(String op, String text, int anchor, int head) throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana");
             RecordingSocket ben = RecordingSocket.join(document, "ben")) {
            ana.expectType("joined");
            ben.send(Wire.submit("ben", 1, 0, "[\"Hello world\"]"));
            assertEquals(1, ben.expectType("ack").getInt("version"));
            assertEquals(1, ana.expectType("op").getInt("version"));

            ana.send(Wire.caret(1, 6, 11));
            JsonObject presence = ben.expectType("presence");
            assertEquals("ana", presence.getString("clientId"));
            assertEquals(1, presence.getInt("version"));
            assertSelection(presence.getJsonObject("selection"), 6, 11);

            ben.send(Wire.submit("ben", 2, 1, op));
            assertEquals(2, ben.expectType("ack").getInt("version"));
            ana.expectType("op");

            try (RecordingSocket cleo = RecordingSocket.connect(document)) {
                cleo.send(Wire.hello("cleo"));
                JsonObject snapshot = cleo.expectType("snapshot");
                assertEquals(text, snapshot.getString("text"));
                assertEquals(2, snapshot.getInt("version"));
                assertSelection(participant(snapshot, "ana").getJsonObject("selection"), anchor, head);
                assertFalse(hasSelection(participant(snapshot, "ben")), "Ben placed no caret");
            }
        }
    }

    @Test
    void aCaretInsideADeletedRangeMovesToItsStartForALateJoiner() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana");
             RecordingSocket ben = RecordingSocket.join(document, "ben")) {
            ana.expectType("joined");
            ben.send(Wire.submit("ben", 1, 0, "[\"one 😀 two three\"]"));
            ben.expectType("ack");
            ana.expectType("op");

            ana.send(Wire.caret(1, 8, 8)); // inside "two" (in code points: the emoji counts 1)
            ben.expectType("presence");
            ben.send(Wire.submit("ben", 2, 1, "[6, {\"d\": 4}]")); // deletes "two "
            ben.expectType("ack");

            try (RecordingSocket cleo = RecordingSocket.connect(document)) {
                cleo.send(Wire.hello("cleo"));
                JsonObject snapshot = cleo.expectType("snapshot");
                assertEquals("one 😀 three", snapshot.getString("text"));
                assertSelection(participant(snapshot, "ana").getJsonObject("selection"), 6, 6);
            }
        }
    }

    @Test
    void aSecondHelloWithTheSameClientIdReplacesTheFirstConnectionWithoutALeft() throws Exception {
        try (RecordingSocket observer = RecordingSocket.join(document, "observer");
             RecordingSocket first = RecordingSocket.join(document, "mina")) {
            observer.expectType("joined");

            try (RecordingSocket second = RecordingSocket.connect(document)) {
                second.send(Wire.hello("mina"));
                JsonObject snapshot = second.expectType("snapshot");
                assertEquals(List.of("observer"), snapshot.getJsonArray("participants")
                        .getValuesAs(JsonObject.class).stream().map(p -> p.getString("clientId")).toList());

                String reason = first.assertClosing(1008);
                assertEquals("replaced by a newer connection of client mina", reason);

                observer.assertNoMessage(Duration.ofSeconds(1)); // no left, and no second joined
                assertTrue(second.isOpen());
            }
            // The newer connection's own close is a real leave.
            assertEquals("mina", observer.awaitMessage(m -> "left".equals(Wire.type(m)), "left", PROMPTLY)
                    .getString("clientId"));
        }
    }

    @Test
    void hidingACaretTellsTheOthersWithoutASelection() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana");
             RecordingSocket ben = RecordingSocket.join(document, "ben")) {
            ana.expectType("joined");
            ana.send(Wire.caret(0, 0, 0));
            assertSelection(ben.expectType("presence").getJsonObject("selection"), 0, 0);

            ana.send(Wire.hideCaret(0));
            JsonObject hidden = ben.expectType("presence");
            assertEquals("ana", hidden.getString("clientId"));
            assertFalse(hasSelection(hidden), () -> "hidden: " + hidden);
        }
    }

    private static JsonObject participant(JsonObject snapshot, String clientId) {
        return snapshot.getJsonArray("participants").getValuesAs(JsonObject.class).stream()
                .filter(p -> clientId.equals(p.getString("clientId"))).findFirst()
                .orElseThrow(() -> new AssertionError(clientId + " is not in " + snapshot));
    }

    private static void assertSelection(JsonObject selection, int anchor, int head) {
        assertEquals(anchor, selection.getInt("anchor"), () -> "anchor of " + selection);
        assertEquals(head, selection.getInt("head"), () -> "head of " + selection);
    }

    /** Absent and null are the same (docs/protocol.md section 1). */
    private static boolean hasSelection(JsonObject o) {
        return o.containsKey("selection") && !o.isNull("selection");
    }
}
