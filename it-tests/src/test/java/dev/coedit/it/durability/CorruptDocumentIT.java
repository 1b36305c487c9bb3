package dev.coedit.it.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.channel.RecordingSocket;
import dev.coedit.it.channel.Wire;
import dev.coedit.it.support.ServerUnderTest;
import dev.coedit.it.support.StandaloneProcess;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A document whose stored rows are damaged is refused for good, not "try again later": every connection to it is
 * closed with 1011 and a reason that names the document and the version, the server says so in its log once however
 * often clients come, and the Java client stops at the first refusal instead of reconnecting. Other documents are
 * served as usual.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CorruptDocumentIT {

    private static final int CORRUPT = 1011;

    @Test
    void aDocumentWithADamagedOpIsRefusedWith1011ReportedOnceAndTheJavaClientStops(@TempDir Path data)
            throws Exception {
        ServerUnderTest.assumeStandaloneRun("a standalone server whose H2 file the test damages");
        String damaged = "damaged-" + UUID.randomUUID().toString().substring(0, 8);
        String fine = "fine-" + UUID.randomUUID().toString().substring(0, 8);
        try (StandaloneProcess server = StandaloneProcess.start(0, data)) {
            for (String id : List.of(damaged, fine)) {
                try (CoeditClient writer = CoeditClient.builder(doc(server, id)).connect(Duration.ofSeconds(20))) {
                    writer.insert(0, "hello");
                    writer.awaitAcknowledged(Duration.ofSeconds(10));
                    writer.insert(5, " world");
                    writer.awaitAcknowledged(Duration.ofSeconds(10));
                }
            }
            server.stop();
            damage(data, damaged, 2);
            server.restart();

            String reason = null;
            for (int attempt = 0; attempt < 4; attempt++) {
                try (RecordingSocket raw = RecordingSocket.connect(doc(server, damaged))) {
                    raw.send(Wire.hello("raw-" + attempt));
                    String told = raw.assertClosing(CORRUPT);
                    assertTrue(told.startsWith("corrupt document " + damaged + ": the op of version 2 does not"
                            + " parse"), told);
                    if (reason != null) {
                        assertEquals(reason, told, "the same refusal every time");
                    }
                    reason = told;
                }
            }
            System.out.println("corrupt document: clients are told " + reason);

            List<String> closes = new CopyOnWriteArrayList<>();
            List<String> errors = new CopyOnWriteArrayList<>();
            CoeditClient.Refused refused = assertThrows(CoeditClient.Refused.class, () -> CoeditClient
                    .builder(doc(server, damaged)).maxBackoff(Duration.ofMillis(100))
                    .listener(new CoeditClient.Listener() {
                        @Override
                        public void closed(int code, String why) {
                            closes.add(code + " " + why);
                        }

                        @Override
                        public void error(String code, String message) {
                            errors.add(code + " " + message);
                        }
                    }).connect(Duration.ofSeconds(20)));
            assertEquals(CORRUPT, refused.code());
            assertEquals(reason, refused.reason());
            assertEquals(List.of(CORRUPT + " " + reason), closes, "one connection, closed once");
            assertEquals(List.of(CoeditClient.CORRUPT_ERROR + " " + reason), errors, "reported to the program");
            Thread.sleep(1_000); // a client that went on reconnecting (100 ms back-off) would be seen by now
            assertEquals(5, count(server.stderr(), "to docs/" + damaged), "connections to the damaged document: four"
                    + " raw ones and the Java client's one, never again\n" + server.stderr());
            List<String> warnings = server.stderr().lines()
                    .filter(line -> line.contains("WARNING") && line.contains(damaged)).toList();
            assertEquals(1, warnings.size(), "one warning for the document, not one a connection: " + warnings);
            assertTrue(warnings.get(0).contains("document " + damaged + " is refused (close 1011) until its stored"
                    + " data is repaired and the server restarted: corrupt document " + damaged + ": the op of version 2"
                    + " does not parse"), warnings.get(0));

            try (CoeditClient other = CoeditClient.builder(doc(server, fine)).connect(Duration.ofSeconds(20))) {
                assertEquals("hello world", other.text(), "other documents are served");
            }
        }
    }

    /** Overwrites one stored op with text that is not an op, behind the stopped server's back. */
    private static void damage(Path data, String documentId, long version) throws Exception {
        String url = "jdbc:h2:file:" + data.toAbsolutePath().normalize().resolve("coedit");
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             PreparedStatement s = c.prepareStatement(
                     "UPDATE ops SET op = 'not an op' WHERE document_id = ? AND version = ?")) {
            s.setString(1, documentId);
            s.setLong(2, version);
            assertEquals(1, s.executeUpdate(), "the row to damage");
        }
    }

    private static int count(String text, String what) {
        return (int) text.lines().filter(line -> line.contains(what)).count();
    }

    private static URI doc(StandaloneProcess server, String documentId) {
        return ServerUnderTest.wsUri(server.httpUri(), "docs/" + documentId);
    }
}
