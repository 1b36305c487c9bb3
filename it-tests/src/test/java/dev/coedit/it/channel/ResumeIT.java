package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.support.ServerUnderTest;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coming back after a lost connection (docs/protocol.md sections 3, 4 and 7): a resume replays what was missed, own
 * commits as {@code ack}; a resent submit is committed once; a base older than the history kept is refused.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class ResumeIT {

    private static final Duration QUIET = Duration.ofMillis(500);

    private URI document;
    private String documentId;

    @BeforeEach
    void freshDocument(ServerUnderTest server) {
        documentId = "resume-" + UUID.randomUUID().toString().substring(0, 8);
        document = server.wsUri("docs/" + documentId);
    }

    @Test
    void aHelloWithALastVersionInsideTheHistoryGetsTheMissedCommitsOldestFirstThenResumed() throws Exception {
        try (RecordingSocket ben = RecordingSocket.join(document, "ben")) {
            RecordingSocket ana = RecordingSocket.join(document, "ana");
            ben.expectType("joined");
            ana.send(Wire.submit("ana", 1, 0, "[\"Ana \"]"));
            assertAck(ana.expectType("ack"), 1, 1);
            ben.expectType("op");
            ana.close();
            ben.awaitType("left");

            // While Ana is away, Ben makes two edits.
            ben.send(Wire.submit("ben", 1, 1, "[4, \"and Ben\"]"));
            assertAck(ben.expectType("ack"), 1, 2);
            ben.send(Wire.submit("ben", 2, 2, "[{\"d\": 4}, \"Mina\"]"));
            assertAck(ben.expectType("ack"), 2, 3);

            try (RecordingSocket back = RecordingSocket.connect(document)) {
                back.send(Wire.resume("ana", 0));

                assertAck(back.expectType("ack"), 1, 1); // her own commit comes back as an ack
                assertOp(back.expectType("op"), 2, "ben", "[4,\"and Ben\"]");
                assertOp(back.expectType("op"), 3, "ben", "[{\"d\":4},\"Mina\"]");
                JsonObject resumed = back.expectType("resumed");
                assertEquals(documentId, resumed.getString("documentId"));
                assertEquals(3, resumed.getJsonNumber("version").longValue());
                assertEquals(1, resumed.getJsonNumber("lastSeq").longValue());
                assertEquals(List.of("ben"), clientIds(resumed));
                assertTrue(!resumed.containsKey("text"), "a resume carries no text");

                back.assertNoMessage(QUIET);
            }
        }
    }

    @Test
    void aResumeFromTheCurrentVersionGetsOnlyResumed() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana")) {
            ana.send(Wire.submit("ana", 1, 0, "[\"x\"]"));
            assertAck(ana.expectType("ack"), 1, 1);
        }
        try (RecordingSocket back = RecordingSocket.connect(document)) {
            back.send(Wire.resume("ana", 1));
            JsonObject resumed = back.expectType("resumed");
            assertEquals(1, resumed.getJsonNumber("version").longValue());
            assertEquals(1, resumed.getJsonNumber("lastSeq").longValue());
        }
    }

    @Test
    void aResentSubmitThatWasCommittedIsAcknowledgedAgainWithItsOriginalVersionAndNotAppliedTwice() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana");
             RecordingSocket ben = RecordingSocket.join(document, "ben")) {
            ana.expectType("joined");
            ana.send(Wire.submit("ana", 1, 0, "[\"x\"]"));
            assertAck(ana.expectType("ack"), 1, 1);
            ben.expectType("op");
            ben.send(Wire.submit("ben", 1, 1, "[1, \"y\"]"));
            assertAck(ben.expectType("ack"), 1, 2);
            ana.expectType("op");

            ana.send(Wire.submit("ana", 1, 0, "[\"x\"]"));

            assertAck(ana.expectType("ack"), 1, 1);
            ben.assertNoMessage(QUIET);
            assertDocument("xy", 2);
        }
    }

    @Test
    void aSubmitWhoseAckWasLostIsAcknowledgedInTheResumeAndItsResendIsNotAppliedTwice() throws Exception {
        try (RecordingSocket ben = RecordingSocket.join(document, "ben")) {
            RecordingSocket ana = RecordingSocket.join(document, "ana");
            ben.expectType("joined");
            ana.send(Wire.submit("ana", 1, 0, "[\"Hi\"]"));
            assertAck(ana.expectType("ack"), 1, 1);
            ben.expectType("op");

            // Ana's second edit is committed (Ben receives it), but her connection dies before she reads the ack.
            ana.send(Wire.submit("ana", 2, 1, "[2, \" there\"]"));
            assertOp(ben.expectType("op"), 2, "ana", "[2,\" there\"]");
            ana.close();

            try (RecordingSocket back = RecordingSocket.connect(document)) {
                back.send(Wire.resume("ana", 1));
                assertAck(back.expectType("ack"), 2, 2);
                assertEquals(2, back.expectType("resumed").getJsonNumber("lastSeq").longValue());

                // A client that still resends it (it may not have matched the ack) gets the same ack again.
                back.send(Wire.submit("ana", 2, 1, "[2, \" there\"]"));
                assertAck(back.expectType("ack"), 2, 2);
                ben.awaitType("left");
                ben.awaitType("joined");
                ben.assertNoMessage(QUIET);
                assertDocument("Hi there", 2);
            }
        }
    }

    @Test
    void aSeqOlderThanTheServerRemembersGetsStaleSeq() throws Exception {
        try (RecordingSocket ana = RecordingSocket.join(document, "ana")) {
            for (int seq = 1; seq <= 12; seq++) {
                ana.send(Wire.submit("ana", seq, seq - 1, Wire.insertOp(0, "e" + seq)));
                assertAck(ana.expectType("ack"), seq, seq);
            }
            ana.send(Wire.submit("ana", 1, 0, "[\"again\"]", "r-old"));
            JsonObject error = ana.expectError("stale_seq");
            assertEquals(1L, Wire.number(error, "seq"));
            assertEquals("r-old", Wire.string(error, "ref"));
            assertDocument(null, 12);
        }
    }

    /** On a server that keeps only 5 commits: older bases and resumes are refused or answered with a snapshot. */
    @Test
    void aBaseVersionOlderThanTheHistoryKeptGetsStaleBaseAndAnOldResumeGetsASnapshot() throws Exception {
        try (TunedServer tuned = TunedServer.start(Map.of("history.window", "5"))) {
            URI doc = tuned.wsUri("docs/" + documentId);
            try (RecordingSocket ana = RecordingSocket.join(doc, "ana")) {
                StringBuilder text = new StringBuilder();
                for (int seq = 1; seq <= 7; seq++) {
                    ana.send(Wire.submit("ana", seq, seq - 1, Wire.insertOp(seq - 1, Integer.toString(seq))));
                    assertAck(ana.expectType("ack"), seq, seq);
                    text.append(seq);
                }
                // Versions 2..7 can still be bases (the 5 commits 3..7 are kept); 1 and 0 cannot.
                ana.send(Wire.submit("ana", 8, 1, "[\"late\"]", "r-stale"));
                JsonObject stale = ana.expectError("stale_base");
                assertEquals(8L, Wire.number(stale, "seq"));
                assertEquals("r-stale", Wire.string(stale, "ref"));
                assertTrue(stale.getString("message").matches("(?s).*\\b1\\b.*\\b2\\b.*\\b7\\b.*"),
                        () -> "names the base and the versions kept: " + stale);

                ana.send(Wire.caret(0, 0, 0));
                ana.expectError("stale_base");

                ana.send(Wire.submit("ana", 8, 2, "[\"!\"]"));
                assertAck(ana.expectType("ack"), 8, 8);
                text.insert(0, "!");

                try (RecordingSocket back = RecordingSocket.connect(doc)) {
                    back.send(Wire.resume("ben", 0));
                    JsonObject snapshot = back.expectType("snapshot");
                    assertEquals(text.toString(), snapshot.getString("text"));
                    assertEquals(8, snapshot.getJsonNumber("version").longValue());
                }
            }
        }
    }

    private void assertDocument(String text, long version) throws Exception {
        try (RecordingSocket probe = RecordingSocket.connect(document)) {
            probe.send(Wire.hello("probe-" + UUID.randomUUID().toString().substring(0, 6)));
            JsonObject snapshot = probe.expectType("snapshot");
            if (text != null) {
                assertEquals(text, snapshot.getString("text"), "the document's text");
            }
            assertEquals(version, snapshot.getJsonNumber("version").longValue(), "the document's version");
        }
    }

    private static void assertAck(JsonObject ack, long seq, long version) {
        assertEquals(seq, ack.getJsonNumber("seq").longValue(), () -> "seq of " + ack);
        assertEquals(version, ack.getJsonNumber("version").longValue(), () -> "version of " + ack);
    }

    private static void assertOp(JsonObject op, long version, String author, String ops) {
        assertEquals(version, op.getJsonNumber("version").longValue(), () -> "version of " + op);
        assertEquals(author, op.getString("author"));
        assertEquals(Wire.op(ops), op.getJsonArray("op"));
    }

    private static List<String> clientIds(JsonObject message) {
        return message.getJsonArray("participants").getValuesAs(JsonObject.class).stream()
                .map(p -> p.getString("clientId")).toList();
    }
}
