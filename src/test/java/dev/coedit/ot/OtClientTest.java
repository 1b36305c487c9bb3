package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class OtClientTest {

    private static int bytes(TextOp op) {
        return op.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** Drains the client as a server would: acknowledges each submit, applying it to the server's text. */
    private static List<OtClient.Submit> drain(OtClient client, Optional<OtClient.Submit> first, StringBuilder server) {
        List<OtClient.Submit> sent = new ArrayList<>();
        Optional<OtClient.Submit> next = first;
        long version = client.version();
        while (next.isPresent()) {
            OtClient.Submit s = next.get();
            sent.add(s);
            String applied = s.op().apply(server.toString());
            server.setLength(0);
            server.append(applied);
            next = client.acknowledge(s.seq(), ++version);
        }
        return sent;
    }

    @Test
    void an_edit_larger_than_a_message_goes_out_in_pieces_each_under_the_limit() {
        OtClient client = new OtClient("hello", 7, 0, 1_000);
        String paste = "한글 and emoji 😀\n".repeat(500); // about 9,500 bytes of JSON
        StringBuilder server = new StringBuilder("hello");
        List<OtClient.Submit> sent = drain(client, client.applyLocal(TextOp.insert(5, paste)), server);
        assertTrue(sent.size() >= 9, "cut into pieces: " + sent.size());
        for (OtClient.Submit s : sent) {
            assertTrue(bytes(s.op()) <= 1_000, "a piece of " + bytes(s.op()) + " bytes");
        }
        assertEquals("hello" + paste, server.toString());
        assertEquals(client.text(), server.toString());
        assertEquals(OtClient.State.SYNCHRONIZED, client.state());
        assertEquals(7 + sent.size(), client.version());
    }

    @Test
    void edits_buffered_while_one_is_in_flight_are_cut_when_their_turn_comes() {
        OtClient client = new OtClient("", 0, 0, 200);
        Optional<OtClient.Submit> first = client.applyLocal(TextOp.insert(0, "a"));
        for (int i = 0; i < 300; i++) { // typed while "a" waits for its ack: composed into one buffer
            assertTrue(client.applyLocal(TextOp.insert(client.length(), "x")).isEmpty());
        }
        StringBuilder server = new StringBuilder();
        List<OtClient.Submit> sent = drain(client, first, server);
        for (OtClient.Submit s : sent) {
            assertTrue(bytes(s.op()) <= 200, "a piece of " + bytes(s.op()) + " bytes");
        }
        assertEquals("a" + "x".repeat(300), server.toString());
        assertEquals(client.text(), server.toString());
    }

    @Test
    void a_resync_rebases_a_large_offline_edit_into_pieces_under_the_limit() {
        OtClient client = new OtClient("base", 3, 0, 500);
        client.applyLocal(TextOp.insert(4, "y".repeat(2_000)));
        // The connection was lost before the ack; the server moved on and sends a snapshot without our edit.
        OtClient.Rebase rebase = client.resync("other base", 9, 0);
        StringBuilder server = new StringBuilder("other base");
        List<OtClient.Submit> sent = drain(client, rebase.resend(), server);
        assertTrue(sent.size() > 1);
        for (OtClient.Submit s : sent) {
            assertTrue(bytes(s.op()) <= 500, "a piece of " + bytes(s.op()) + " bytes");
        }
        assertEquals(client.text(), server.toString());
        assertTrue(server.toString().contains("y".repeat(2_000)));
    }
}
