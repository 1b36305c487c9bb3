package dev.coedit.it.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.it.channel.RecordingSocket;
import dev.coedit.it.channel.Wire;
import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import jakarta.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once survives a restart, step by step with raw protocol messages (docs/protocol.md): a submit that was
 * acknowledged before a SIGKILL and is resent afterwards, as a client does that never saw the ack, is acknowledged
 * again with its original version and not applied a second time; the document's version does not move.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RestartIT {

    @Test
    void aSubmitResentAfterAKillAndRestartIsAcknowledgedWithItsOriginalVersionAndAppliedOnce(@TempDir Path data)
            throws Exception {
        ServerUnderTest.assumeStandaloneRun("a standalone server to kill and restart");
        String documentId = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        String first = Wire.insertOp(0, "once ");
        try (StandaloneProcess server = StandaloneProcess.start(0, data)) {
            URI doc = ServerUnderTest.wsUri(server.httpUri(), "docs/" + documentId);
            long original;
            try (RecordingSocket ann = RecordingSocket.join(doc, "ann");
                 RecordingSocket bob = RecordingSocket.join(doc, "bob")) {
                ann.send(Wire.submit("ann", 1, 0, first));
                original = ackOf(ann, 1);
                bob.awaitType("op");
                // Another client's edit on top, so the document's head is past the resent submit's version.
                bob.send(Wire.submit("bob", 1, original, Wire.insertOp(5, "and for all")));
                assertEquals(original + 1, ackOf(bob, 1));
            }

            server.kill();
            server.restart();

            try (RecordingSocket ann = RecordingSocket.connect(doc)) {
                ann.send(Wire.hello("ann"));
                JsonObject snapshot = ann.expectType("snapshot");
                assertEquals("once and for all", Wire.string(snapshot, "text"), snapshot.toString());
                assertEquals(original + 1, Wire.number(snapshot, "version"));
                assertEquals(1L, Wire.number(snapshot, "lastSeq"), "the seq ledger was reloaded: " + snapshot);

                // The same submit again: same seq, same base, same op.
                ann.send(Wire.submit("ann", 1, 0, first));
                assertEquals(original, ackOf(ann, 1), "the ack of a resend carries the version it became first");
                ann.assertNoMessage(Duration.ofMillis(500));
            }
            try (RecordingSocket cy = RecordingSocket.connect(doc)) {
                cy.send(Wire.hello("cy"));
                JsonObject snapshot = cy.expectType("snapshot");
                assertEquals("once and for all", Wire.string(snapshot, "text"), "applied once: " + snapshot);
                assertEquals(original + 1, Wire.number(snapshot, "version"), "the version did not move");
            }
        }
    }

    /** The next ack (others' joins and presence may come first) must be of {@code seq}; its version. */
    private static long ackOf(RecordingSocket socket, long seq) {
        JsonObject ack = socket.awaitType("ack");
        assertEquals(seq, Wire.number(ack, "seq"), ack.toString());
        return Wire.number(ack, "version");
    }
}
