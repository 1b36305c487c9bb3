package dev.coedit.editing.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.ot.RandomOps;
import dev.coedit.ot.Selection;
import dev.coedit.ot.TextOp;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void everyClientMessageSurvivesTheWireUnchanged() {
        List<ClientMessage> messages = List.of(
                new ClientMessage.Hello("k3f9", "Mina 😀", "#e11d48", 41L, "r1", null),
                new ClientMessage.Hello("k3f9", null, null, null, null, null),
                new ClientMessage.Submit("k3f9", 7L, 41L, TextOp.fromJson(List.of(12, "안녕 😀", java.util.Map.of("d", 3))),
                        null),
                new ClientMessage.Caret(42L, 5, 9, "c"),
                new ClientMessage.Caret(42L, null, null, null),
                new ClientMessage.Access("bob@example.com", "viewer", "a1"),
                new ClientMessage.Hello("k3f9", "Mina", null, 3L, null, true),
                new ClientMessage.History(40L, 20, "h"),
                new ClientMessage.Fetch(12L, null),
                new ClientMessage.Access("*", "none", null));
        for (ClientMessage m : messages) {
            assertEquals(m, Json.readClient(Json.write(m)), Json.write(m));
        }
    }

    @Test
    void everyServerMessageSurvivesTheWireUnchanged() {
        Participant mina = new Participant("k3f9", "mina@example.com", "Mina", "#e11d48",
                new Selection(1, 4));
        List<ServerMessage> messages = List.of(
                new ServerMessage.Snapshot("notes", 42, "Hello 한국어 👋", 6, List.of(mina), "owner",
                        java.util.Map.of("mina@example.com", "owner", "*", "editor")),
                new ServerMessage.Resumed("notes", 44, 7, List.of(), "viewer", null),
                new ServerMessage.RoleChanged("owner"),
                new ServerMessage.Access("notes", java.util.Map.of("mina@example.com", "owner", "*", "none")),
                new ServerMessage.Ack(7, 43),
                new ServerMessage.RemoteOp(44, TextOp.fromJson(List.of(3, "x")), "b71c"),
                new ServerMessage.Presence("b71c", 44, new Selection(8, 8)),
                new ServerMessage.Presence("b71c", 44, null),
                new ServerMessage.Joined(mina.withSelection(null)),
                new ServerMessage.Left("c0de"),
                ServerMessage.Error.of(ErrorCode.INVALID_OP, "delete of 5 at 12 runs past the end", "r", 8L));
        for (ServerMessage m : messages) {
            assertEquals(m, Json.readServer(Json.write(m)), Json.write(m));
        }
    }

    @Test
    void aBatchFrameIsReadAsItsMessagesInOrder() {
        String frame = "{\"type\":\"batch\",\"messages\":[{\"type\":\"ack\",\"seq\":1,\"version\":5},"
                + "{\"type\":\"op\",\"version\":6,\"op\":[2,\"x\"],\"author\":\"b\"}]}";
        assertEquals(List.of(new ServerMessage.Ack(1, 5),
                new ServerMessage.RemoteOp(6, TextOp.fromJson(List.of(2, "x")), "b")), Json.readServerAll(frame));
        assertEquals(List.of(new ServerMessage.Ack(1, 5)), Json.readServerAll("{\"type\":\"ack\",\"seq\":1,"
                + "\"version\":5}"));
    }

    @Test
    void randomOpsSurviveTheWireUnchanged() {
        long seed = Long.getLong("coedit.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 300; i++) {
            String doc = RandomOps.randomText(random, 40);
            TextOp op = RandomOps.randomOp(random, doc);
            ServerMessage m = new ServerMessage.RemoteOp(i + 1, op, "a");
            assertEquals(m, Json.readServer(Json.write(m)), "seed " + seed + ": " + Json.write(m));
        }
    }

    @Test
    void theTypeComesFirstAndAbsentFieldsAreLeftOut() {
        String json = Json.write(new ServerMessage.Ack(7, 43));
        assertTrue(json.startsWith("{\"type\":\"ack\""), json);
        assertEquals("{\"type\":\"left\",\"clientId\":\"c0de\"}", Json.write(new ServerMessage.Left("c0de")));
    }

    @Test
    void textThatIsNotJsonIsBadJson() {
        Json.MalformedMessage e = assertThrows(Json.MalformedMessage.class, () -> Json.readClient("hello there"));
        assertEquals(ErrorCode.BAD_JSON, e.code());
    }

    @Test
    void anUnknownTypeIsNamed() {
        Json.MalformedMessage e = assertThrows(Json.MalformedMessage.class,
                () -> Json.readClient("{\"type\":\"dance\",\"ref\":\"r9\"}"));
        assertEquals(ErrorCode.UNKNOWN_TYPE, e.code());
        assertTrue(e.getMessage().contains("dance"), e.getMessage());
        assertEquals("r9", e.ref());
    }

    @Test
    void aMissingTypeIsUnknownType() {
        Json.MalformedMessage e = assertThrows(Json.MalformedMessage.class,
                () -> Json.readClient("{\"clientId\":\"a\"}"));
        assertEquals(ErrorCode.UNKNOWN_TYPE, e.code());
    }

    @Test
    void anOpComponentOfTheWrongKindIsAnInvalidOpThatNamesItAndKeepsTheSeq() {
        Json.MalformedMessage e = assertThrows(Json.MalformedMessage.class, () -> Json.readClient(
                "{\"type\":\"submit\",\"clientId\":\"a\",\"seq\":4,\"baseVersion\":0,\"op\":[2,true]}"));
        assertEquals(ErrorCode.INVALID_OP, e.code());
        assertTrue(e.getMessage().contains("component 1"), e.getMessage());
        assertEquals(4L, e.seq());
    }

    @Test
    void aZeroSkipIsAnInvalidOp() {
        Json.MalformedMessage e = assertThrows(Json.MalformedMessage.class, () -> Json.readClient(
                "{\"type\":\"submit\",\"clientId\":\"a\",\"seq\":1,\"baseVersion\":0,\"op\":[0,\"x\"]}"));
        assertEquals(ErrorCode.INVALID_OP, e.code());
    }

    @Test
    void aFieldOfTheWrongJsonTypeIsBadJson() {
        Json.MalformedMessage e = assertThrows(Json.MalformedMessage.class, () -> Json.readClient(
                "{\"type\":\"submit\",\"clientId\":\"a\",\"seq\":\"four\",\"baseVersion\":0,\"op\":[]}"));
        assertEquals(ErrorCode.BAD_JSON, e.code());
    }

    @Test
    void aFieldOfTheWrongJsonTypeIsNamedWithWhatItWas() {
        Json.MalformedMessage number = assertThrows(Json.MalformedMessage.class,
                () -> Json.readClient("{\"type\":\"hello\",\"clientId\":42}"));
        assertEquals(ErrorCode.BAD_JSON, number.code());
        assertEquals("hello.clientId must be a string, was a number 42", number.getMessage());
        Json.MalformedMessage fraction = assertThrows(Json.MalformedMessage.class, () -> Json.readClient(
                "{\"type\":\"caret\",\"version\":1.5,\"anchor\":0,\"head\":0}"));
        assertEquals("caret.version must be a whole number, was a number 1.5", fraction.getMessage());
        Json.MalformedMessage huge = assertThrows(Json.MalformedMessage.class, () -> Json.readClient(
                "{\"type\":\"caret\",\"version\":1,\"anchor\":99999999999,\"head\":0}"));
        assertEquals("caret.anchor must be a whole number, was a number 99999999999", huge.getMessage());
    }

    @Test
    void missingFieldsAreNamedByTheMessageItself() {
        ClientMessage m = Json.readClient("{\"type\":\"submit\",\"clientId\":\"a\",\"baseVersion\":0,\"op\":[]}");
        assertEquals("submit.seq is missing", m.problem());
        assertEquals("clientId is missing", Json.readClient("{\"type\":\"hello\"}").problem());
    }
}
