package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.support.ServerUnderTest;
import jakarta.json.JsonObject;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Whatever one connection sends, it gets the answer docs/protocol.md gives for it (an {@code error} that names the
 * problem, or a close code), and nobody else notices: in every test two bystanders edit the same document before and
 * after, see each other's edits, and a newcomer's snapshot holds exactly their text.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class BadInputIT {

    /** Emoji, a combining mark and Hangul: every offset below counts code points. */
    private static final String TEXT = "Hello 😀 wörld\n한국어 e\u0301!";
    private static final int LENGTH = Wire.length(TEXT);
    private static final int LIMIT = 65_536;
    private static final String SUBPROTOCOL_REFUSED = "no common subprotocol: this server speaks coedit.v1";

    private ServerUnderTest server;
    private URI document;
    private Bystanders bystanders;

    @BeforeEach
    void twoBystandersEditTheDocument(ServerUnderTest server) throws Exception {
        this.server = server;
        document = server.wsUri("docs/bad-input-" + UUID.randomUUID().toString().substring(0, 8));
        bystanders = Bystanders.join(document, TEXT);
    }

    @AfterEach
    void leave() {
        bystanders.close();
    }

    @Test
    void textThatIsNotJsonGetsBadJsonAndTheConnectionStays() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send("hello there, {this is not JSON");
            assertNamesSomething(socket.expectError("bad_json"));

            socket.send("[1, 2, 3]");
            assertNamesSomething(socket.expectError("bad_json"));

            socket.send(Wire.hello("after-bad-json"));
            assertEquals(TEXT, socket.expectType("snapshot").getString("text"), "a later valid hello works");
        }
        bystanders.proveUnaffected();
    }

    @Test
    void anUnknownMessageTypeGetsUnknownTypeNamingItAndTheConnectionStays() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send("{\"type\":\"shout\",\"ref\":\"r-7\",\"text\":\"HELLO\"}");
            JsonObject error = socket.expectError("unknown_type");
            assertTrue(error.getString("message").contains("shout"), () -> "names the type: " + error);
            assertEquals("r-7", Wire.string(error, "ref"), "echoes the ref");

            socket.send("{\"clientId\":\"no-type\",\"ref\":\"r-8\"}");
            JsonObject missing = socket.expectError("unknown_type");
            assertTrue(missing.getString("message").contains("type"), () -> "names the field: " + missing);
            assertEquals("r-8", Wire.string(missing, "ref"));

            socket.send(Wire.hello("after-unknown-type"));
            assertEquals(TEXT, socket.expectType("snapshot").getString("text"), "a later valid hello works");
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aMissingFieldGetsBadMessageNamingTheField() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send("{\"type\":\"hello\",\"name\":\"No Id\",\"ref\":\"r-1\"}");
            JsonObject noClientId = socket.expectError("bad_message");
            assertTrue(noClientId.getString("message").contains("clientId"), () -> "names it: " + noClientId);
            assertEquals("r-1", Wire.string(noClientId, "ref"));

            socket.send(Wire.hello("missing-fields"));
            long version = socket.expectType("snapshot").getJsonNumber("version").longValue();

            socket.send("{\"type\":\"submit\",\"clientId\":\"missing-fields\",\"baseVersion\":" + version
                    + ",\"op\":[\"x\"],\"ref\":\"r-2\"}");
            JsonObject noSeq = socket.expectError("bad_message");
            assertTrue(noSeq.getString("message").contains("seq"), () -> "names it: " + noSeq);
            assertEquals("r-2", Wire.string(noSeq, "ref"));

            socket.send("{\"type\":\"submit\",\"clientId\":\"missing-fields\",\"seq\":1,\"op\":[\"x\"]}");
            JsonObject noBase = socket.expectError("bad_message");
            assertTrue(noBase.getString("message").contains("baseVersion"), () -> "names it: " + noBase);
            assertEquals(1L, Wire.number(noBase, "seq"), "echoes the seq");

            socket.send("{\"type\":\"submit\",\"clientId\":\"missing-fields\",\"seq\":1,\"baseVersion\":" + version
                    + "}");
            JsonObject noOp = socket.expectError("bad_message");
            assertTrue(noOp.getString("message").matches("(?s).*\\bop\\b.*"), () -> "names it: " + noOp);
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aFieldOfTheWrongJsonTypeGetsBadJsonNamingTheField() throws Exception {
        try (RecordingSocket socket = RecordingSocket.join(document, "wrong-types")) {
            socket.send("{\"type\":\"submit\",\"clientId\":\"wrong-types\",\"seq\":\"one\",\"baseVersion\":0,"
                    + "\"op\":[\"x\"],\"ref\":\"r-3\"}");
            JsonObject seqAsText = socket.expectError("bad_json");
            assertTrue(seqAsText.getString("message").contains("seq"), () -> "names the field: " + seqAsText);
            assertEquals("r-3", Wire.string(seqAsText, "ref"));

            socket.send("{\"type\":\"caret\",\"version\":0,\"anchor\":\"start\",\"head\":0}");
            JsonObject anchorAsText = socket.expectError("bad_json");
            assertTrue(anchorAsText.getString("message").contains("anchor"),
                    () -> "names the field: " + anchorAsText);

            socket.send(Wire.hello("wrong-types"));
            assertEquals(TEXT, socket.expectType("snapshot").getString("text"), "the connection stays");
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aNumberWhereTheProtocolWantsAStringGetsBadJsonRatherThanBeingTakenAsText() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send("{\"type\":\"hello\",\"clientId\":12345,\"ref\":\"r-num\"}");
            JsonObject error = socket.expectError("bad_json");
            assertTrue(error.getString("message").contains("clientId"), () -> "names the field: " + error);
            assertEquals("r-num", Wire.string(error, "ref"));
        }
        bystanders.proveUnaffected();
    }

    @Test
    void anOpThatDoesNotFitTheDocumentGetsInvalidOpWithItsNumbersAndChangesNothing() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send(Wire.hello("invalid-ops"));
            JsonObject snapshot = socket.expectType("snapshot");
            long version = snapshot.getJsonNumber("version").longValue();
            assertEquals(LENGTH, Wire.length(snapshot.getString("text")));

            // A delete that runs past the end: the message has the count, the position and the length.
            int at = LENGTH - 2;
            socket.send(Wire.submit("invalid-ops", 1, version, "[" + at + ", {\"d\": 5}]", "r-del"));
            JsonObject pastEnd = socket.expectError("invalid_op");
            assertEquals(1L, Wire.number(pastEnd, "seq"));
            assertEquals("r-del", Wire.string(pastEnd, "ref"));
            assertMentions(pastEnd, "5", Integer.toString(at), Integer.toString(LENGTH));

            // A skip past the end.
            socket.send(Wire.submit("invalid-ops", 2, version, "[" + (LENGTH + 3) + ", \"x\"]"));
            JsonObject skip = socket.expectError("invalid_op");
            assertEquals(2L, Wire.number(skip, "seq"));
            assertNull(Wire.string(skip, "ref"), "no ref was sent");
            assertMentions(skip, Integer.toString(LENGTH + 3), Integer.toString(LENGTH));

            // A delete naming text that is not there.
            socket.send(Wire.submit("invalid-ops", 3, version, "[{\"d\": \"Howdy\"}]", "r-text"));
            JsonObject mismatch = socket.expectError("invalid_op");
            assertEquals(3L, Wire.number(mismatch, "seq"));
            assertTrue(mismatch.getString("message").contains("Howdy"), () -> "names the text: " + mismatch);

            // A component of the wrong JSON type, and a count that is not at least 1.
            socket.send(Wire.submit("invalid-ops", 4, version, "[true]", "r-bool"));
            assertEquals("r-bool", Wire.string(socket.expectError("invalid_op"), "ref"));
            socket.send(Wire.submit("invalid-ops", 5, version, "[0, \"x\"]", "r-zero"));
            assertMentions(socket.expectError("invalid_op"), "0");

            // Nothing changed, and the connection is still there: a second hello gets the same document.
            socket.send(Wire.hello("invalid-ops"));
            JsonObject again = socket.expectType("snapshot");
            assertEquals(TEXT, again.getString("text"));
            assertEquals(version, again.getJsonNumber("version").longValue(), "no version was used up");
            assertEquals(0, again.getJsonNumber("lastSeq").longValue(), "no seq was committed");
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aBaseVersionFromTheFutureGetsFutureBase() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send(Wire.hello("time-traveller"));
            long version = socket.expectType("snapshot").getJsonNumber("version").longValue();

            socket.send(Wire.submit("time-traveller", 1, version + 5, "[\"from the future\"]", "r-f"));
            JsonObject error = socket.expectError("future_base");
            assertEquals(1L, Wire.number(error, "seq"));
            assertEquals("r-f", Wire.string(error, "ref"));
            assertMentions(error, Long.toString(version + 5), Long.toString(version));

            socket.send(Wire.caret(version + 1, 0, 0));
            assertMentions(socket.expectError("future_base"), Long.toString(version + 1));

            socket.send(Wire.hello("time-traveller"));
            assertEquals(TEXT, socket.expectType("snapshot").getString("text"), "nothing was applied");
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aSubmitBeforeHelloGetsNotJoined() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send(Wire.submit("too-early", 1, bystanders.version(), "[\"sneaky\"]", "r-early"));
            JsonObject error = socket.expectError("not_joined");
            assertEquals(1L, Wire.number(error, "seq"));
            assertEquals("r-early", Wire.string(error, "ref"));

            socket.send(Wire.caret(bystanders.version(), 0, 0));
            socket.expectError("not_joined");

            socket.send(Wire.hello("too-early"));
            assertEquals(TEXT, socket.expectType("snapshot").getString("text"), "nothing was applied");

            socket.send(Wire.submit("someone-else", 1, bystanders.version(), "[\"impostor\"]"));
            socket.expectError("not_joined");

            socket.send(Wire.hello("yet-another-id"));
            socket.expectError("not_joined");
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aBinaryFrameClosesTheConnectionWith1003() throws Exception {
        try (RecordingSocket socket = RecordingSocket.join(document, "binary-sender")) {
            socket.sendBinary(new byte[] {1, 2, 3, 4});
            observed("a binary frame", 1003, socket.assertClosing(1003));
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aMessageOfExactly64KiBIsAccepted() throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(document)) {
            socket.send(helloOfBytes("exactly-limit", LIMIT, "x"));
            assertEquals(TEXT, socket.expectType("snapshot").getString("text"));
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aMessageOneByteOver64KiBClosesTheConnectionWith1009() throws Exception {
        try (RecordingSocket socket = RecordingSocket.join(document, "one-byte-over")) {
            socket.send(helloOfBytes("one-byte-over", LIMIT + 1, "x"));
            observed("65,537 bytes", 1009, socket.assertClosing(1009));
        }
        bystanders.proveUnaffected();
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() throws Exception {
        try (RecordingSocket socket = RecordingSocket.join(document, "wide-chars")) {
            // About 25,000 characters, 75,000 bytes: under the limit in characters, over it in bytes.
            socket.send(helloOfBytes("wide-chars", 75_000, "한"));
            observed("75,000 bytes of Hangul", 1009, socket.assertClosing(1009));
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aMessageOver64KiBSentInFragmentsClosesTheConnectionWith1009() throws Exception {
        try (RawSocket socket = RawSocket.connect(document)) {
            byte[] message = helloOfBytes("fragments", 8 * 16 * 1024, "x").getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Void> sending = sendInBackground(() -> {
                for (int i = 0; i < 8; i++) {
                    byte[] part = Arrays.copyOfRange(message, i * 16 * 1024, (i + 1) * 16 * 1024);
                    socket.sendFrame(i == 0 ? RawSocket.TEXT : RawSocket.CONTINUATION, i == 7, part);
                }
            });
            RawSocket.End end = socket.readUntilEnd(RecordingSocket.WAIT, true);
            observed("128 KiB in 8 fragments", end);
            assertEquals(1009, end.closeCode(), () -> "how it ended: " + end);
            sending.cancel(true);
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aSingleFrameOver64KiBThatFitsTheTransportsBufferClosesTheConnectionWith1009() throws Exception {
        // 128 KiB: over the message limit, under the standalone server's frame buffer of 2 x 64 KiB + 1 KiB.
        RawSocket.End end = sendOneFrame(helloOfBytes("big-frame", 2 * LIMIT, "x"));
        observed("one frame of 128 KiB", end);
        assertEquals(1009, end.closeCode(), () -> "how it ended: " + end);
        bystanders.proveUnaffected();
    }

    @Test
    void aSingleFrameLargerThanTheTransportsBufferIsCutOffWith1011() throws Exception {
        RawSocket.End end = sendOneFrame(helloOfBytes("huge-frame", 1024 * 1024, "x"));
        observed("one frame of 1 MiB", end);
        if (server.isStandaloneProcess()) {
            // docs/protocol.md section 6: 1011 for a single frame over 2 x 65,536 + 1,024 bytes on this server.
            assertEquals(1011, end.closeCode(), () -> "how it ended: " + end);
        } else {
            // Another runtime's frame buffer may be larger: then the message limit answers, with 1009.
            assertTrue(end.hasCloseFrame() && (end.closeCode() == 1009 || end.closeCode() == 1011),
                    () -> "how it ended: " + end);
        }
        bystanders.proveUnaffected();
    }

    private RawSocket.End sendOneFrame(String message) throws Exception {
        try (RawSocket socket = RawSocket.connect(document)) {
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            CompletableFuture<Void> sending = sendInBackground(() -> socket.sendTextBytes(bytes));
            RawSocket.End end = socket.readUntilEnd(RecordingSocket.WAIT, true);
            sending.cancel(true);
            return end;
        }
    }

    @Test
    void aTextFrameThatIsNotUtf8ClosesTheConnectionWith1007() throws Exception {
        try (RawSocket socket = RawSocket.connect(document)) {
            socket.sendText(Wire.hello("bad-bytes").toString());
            // "{"type": ... "é" } with the é cut after its first byte: 0xC3 followed by '(' is not UTF-8.
            byte[] broken = "{\"type\":\"hello\",\"clientId\":\"bad-bytes\",\"name\":\"Ren? \"}"
                    .getBytes(StandardCharsets.US_ASCII);
            broken[broken.length - 4] = (byte) 0xC3;
            socket.sendTextBytes(broken);

            RawSocket.End end = socket.readUntilEnd(RecordingSocket.WAIT, true);
            observed("invalid UTF-8", end);
            assertEquals(1007, end.closeCode(), () -> "how it ended: " + end);
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aFloodPastTheRateLimitGetsRateLimitedThenClose1008() throws Exception {
        try (RecordingSocket socket = RecordingSocket.join(document, "flooder")) {
            int sent = 0;
            // Stops at the first answer (the rate_limited error), so that little is still on its way to a server
            // that has closed the connection.
            for (; sent < 1000 && socket.isOpen() && !socket.hasEvent(); sent++) {
                try {
                    socket.send(Wire.hideCaret(bystanders.version()));
                } catch (UncheckedIOException e) {
                    break; // the server closed the connection: the flood is over
                }
            }
            int flood = sent;
            JsonObject error = socket.awaitType("error");
            assertEquals("rate_limited", Wire.string(error, "code"), () -> "after " + flood + " messages: " + error);
            String reason = socket.assertClosing(1008);
            assertFalse(reason.isBlank(), "the close names the reason");
            observed("a flood of " + flood + " messages", 1008, reason);
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aClientOfferingNoSubprotocolIsRefusedWith1002() throws Exception {
        assertRefusedForSubprotocols(List.of());
    }

    @Test
    void aClientOfferingOnlyAnotherVersionIsRefusedWith1002() throws Exception {
        assertRefusedForSubprotocols(List.of("coedit.v9"));
    }

    /**
     * As docs/protocol.md section 1: the server does not answer with coedit.v1 and closes with 1002 and the documented
     * reason; no document is created. Seen on the wire (the handshake answer and the close frame), and from a Java
     * client library, which sees the same close.
     */
    private void assertRefusedForSubprotocols(List<String> offered) throws Exception {
        String id = "no-protocol-" + UUID.randomUUID().toString().substring(0, 8);
        URI refused = server.wsUri("docs/" + id);

        try (RawSocket raw = RawSocket.connect(refused, offered, 0)) {
            assertEquals(101, raw.status(), () -> "handshake answer " + raw.headers());
            assertNull(raw.header("Sec-WebSocket-Protocol"), "the server must not claim a subprotocol");
            RawSocket.End end = raw.readUntilEnd(RecordingSocket.WAIT, true);
            observed("subprotocols " + offered, end);
            assertEquals(1002, end.closeCode(), () -> "how it ended: " + end);
            assertEquals(SUBPROTOCOL_REFUSED, end.closeReason());
        }

        try (RecordingSocket socket = RecordingSocket.connect(refused, offered)) {
            assertEquals("", socket.negotiatedSubprotocol());
            assertEquals(SUBPROTOCOL_REFUSED, socket.assertClosing(1002));
        } catch (DeploymentException handshakeFailed) {
            throw new AssertionError("the documented refusal is a close 1002, not a failed handshake",
                    handshakeFailed);
        }

        try (Monitor monitor = Monitor.open(server.wsUri("admin"))) {
            assertFalse(Monitor.hasDocument(monitor.latest(), id), () -> "no document is created: "
                    + monitor.latest());
        }
        bystanders.proveUnaffected();
    }

    @Test
    void aDocumentIdWithForbiddenCharactersIsRefusedWith1008NamingTheProblem() throws Exception {
        String reason = assertDocumentIdRefused("bad%20id%21", "bad id!");
        assertTrue(reason.contains("bad id!"), () -> "names the id: " + reason);
    }

    @Test
    void aDocumentIdOf65CharactersIsRefusedWith1008NamingTheProblem() throws Exception {
        String id = "a".repeat(65);
        String reason = assertDocumentIdRefused(id, id);
        assertTrue(reason.contains("65") && reason.contains("64"), () -> "names the length and the limit: " + reason);
    }

    @Test
    void aDocumentIdOf64CharactersIsAccepted() throws Exception {
        String id = "b".repeat(63) + "9";
        try (RecordingSocket socket = RecordingSocket.join(server.wsUri("docs/" + id), "long-id")) {
            assertTrue(socket.isOpen());
        }
        bystanders.proveUnaffected();
    }

    /**
     * The refusal seen on the wire: a hand-made client sends the path exactly as given (Tyrus's client decodes
     * {@code %20} into a space and sends a broken request line).
     */
    private String assertDocumentIdRefused(String pathSegment, String id) throws Exception {
        RawSocket.End end;
        try (RawSocket socket = RawSocket.connect(server.wsUri("docs/" + pathSegment))) {
            assertEquals(101, socket.status(), () -> "the handshake answer: " + socket.headers());
            socket.sendText(Wire.hello("wrong-door").toString());
            end = socket.readUntilEnd(RecordingSocket.WAIT, true);
        }
        observed("document id " + pathSegment, end);
        assertEquals(1008, end.closeCode(), () -> "how it ended: " + end);
        String reason = end.closeReason();
        assertTrue(reason.contains("document id"), () -> "names the problem: " + reason);
        try (Monitor monitor = Monitor.open(server.wsUri("admin"))) {
            assertFalse(Monitor.hasDocument(monitor.latest(), id), () -> "no document: " + monitor.latest());
            assertFalse(Monitor.hasDocument(monitor.latest(), pathSegment), () -> "no document: " + monitor.latest());
        }
        bystanders.proveUnaffected();
        return reason;
    }

    /** A hello of exactly {@code bytes} bytes of UTF-8, padded with an unknown field (which the server ignores). */
    private static String helloOfBytes(String clientId, int bytes, String pad) {
        String head = "{\"type\":\"hello\",\"clientId\":\"" + clientId + "\",\"padding\":\"";
        String tail = "\"}";
        int room = bytes - (head + tail).getBytes(StandardCharsets.UTF_8).length;
        int padBytes = pad.getBytes(StandardCharsets.UTF_8).length;
        String message = head + pad.repeat(room / padBytes) + "x".repeat(room % padBytes) + tail;
        assertEquals(bytes, message.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(clientId, Wire.parse(message).getString("clientId"));
        return message;
    }

    /** Prints how the server answered, for the record (docs/protocol.md section 6). */
    private static void observed(String input, RawSocket.End end) {
        System.out.println("BadInputIT: " + input + " -> " + (end.hasCloseFrame()
                ? "close " + end.closeCode() + " \"" + end.closeReason() + "\"" : end.ending() + " " + end.detail()));
    }

    private static void observed(String input, int code, String reason) {
        System.out.println("BadInputIT: " + input + " -> close " + code + " \"" + reason + "\"");
    }

    private static void assertNamesSomething(JsonObject error) {
        assertFalse(error.getString("message", "").isBlank(), () -> "an error says what is wrong: " + error);
    }

    private static void assertMentions(JsonObject error, String... numbers) {
        String message = error.getString("message");
        for (String n : numbers) {
            assertTrue(message.matches("(?s).*\\b" + n + "\\b.*"), () -> "the message has " + n + ": " + message);
        }
    }

    /** Writes that may block (the server stops reading when it refuses a frame) run apart from the reads. */
    private static CompletableFuture<Void> sendInBackground(IoAction action) {
        return CompletableFuture.runAsync(() -> {
            try {
                action.run();
            } catch (IOException e) {
                // the server closed the connection while the frame was on its way: that is the expected end
            }
        });
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
