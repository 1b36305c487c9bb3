package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.client.CoeditClient;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Two well-behaved editors in a document, to prove that whatever another connection did left them and the document
 * alone: they keep editing, each sees the other's edits, and a newcomer's snapshot holds exactly the text they wrote.
 */
final class Bystanders implements AutoCloseable {

    private static final Duration WAIT = RecordingSocket.WAIT;

    private final URI document;
    private final CoeditClient writer;
    private final CoeditClient reader;
    private String expected;
    private int proofs;

    private Bystanders(URI document, CoeditClient writer, CoeditClient reader, String expected) {
        this.document = document;
        this.writer = writer;
        this.reader = reader;
        this.expected = expected;
    }

    /** Two editors join {@code document}; the first types {@code text} and the second sees it. */
    static Bystanders join(URI document, String text) throws Exception {
        CoeditClient writer = CoeditClient.builder(document).name("Writer").connect(WAIT);
        CoeditClient reader = null;
        try {
            writer.insert(0, text);
            writer.awaitAcknowledged(WAIT);
            reader = CoeditClient.builder(document).name("Reader").connect(WAIT);
            CoeditClient r = reader;
            reader.await(() -> r.text().equals(text), WAIT, "the writer's text");
            return new Bystanders(document, writer, reader, text);
        } catch (Exception | Error e) {
            writer.close();
            if (reader != null) {
                reader.close();
            }
            throw e;
        }
    }

    /** The document's text as the bystanders wrote it. */
    String text() {
        return expected;
    }

    /** The document's version as the writer last saw it. */
    long version() {
        return writer.version();
    }

    /**
     * The writer appends a line, the reader receives it, and a newcomer's snapshot is exactly the bystanders' text:
     * nothing the test did elsewhere reached the document or them.
     */
    void proveUnaffected() throws Exception {
        String line = "\nstill fine " + ++proofs + " ✓";
        writer.insert(Wire.length(writer.text()), line);
        writer.awaitAcknowledged(WAIT);
        expected = expected + line;
        assertEquals(expected, writer.text(), "the writer's text");
        reader.await(() -> reader.text().equals(expected), WAIT, "the writer's new line");
        assertEquals(List.of(), writer.errors(), "errors the writer got");
        assertEquals(List.of(), reader.errors(), "errors the reader got");
        assertEquals(CoeditClient.Status.SYNCED, writer.status());
        assertEquals(CoeditClient.Status.SYNCED, reader.status());

        try (RecordingSocket newcomer = RecordingSocket.connect(document)) {
            newcomer.send(Wire.hello("newcomer-" + UUID.randomUUID().toString().substring(0, 8)));
            JsonObject snapshot = newcomer.awaitType("snapshot");
            assertEquals(expected, snapshot.getString("text"), "the document's text in a newcomer's snapshot");
            assertEquals(writer.version(), snapshot.getJsonNumber("version").longValue(), "the document's version");
        }
    }

    @Override
    public void close() {
        writer.close();
        reader.close();
    }
}
