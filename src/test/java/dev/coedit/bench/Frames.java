package dev.coedit.bench;

import dev.coedit.editing.entity.Json;
import dev.coedit.editing.entity.ServerMessage;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.Map;

/**
 * Reads the two messages that make up nearly all of a load test's traffic, {@code op} and {@code ack}, in one JSON-P
 * pass with a reader factory made once; everything else goes through the project's {@link Json#readServer}. Both
 * give the same records ({@code op} through the project's own {@link Json.OpAdapter}).
 *
 * <p>Why: {@link Json#readServer} parses every message twice (a JSON-P tree to check field types, then JSON-B), and
 * looks the JSON-P provider up again for each. With a room of 200 every edit is read 199 times by the clients but
 * once by the server, so on one core the load generator, not the server, was the bottleneck. Coedit typists and the
 * raw baseline's typists both read through here, so the two runs still differ only in the server.
 */
final class Frames {

    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());
    private static final Json.OpAdapter OPS = new Json.OpAdapter();

    private Frames() {
    }

    /** The messages of a {@code batch} frame, each as its own JSON text. */
    static java.util.List<String> split(String batch) {
        JsonObject o;
        try (JsonReader reader = READERS.createReader(new StringReader(batch))) {
            o = reader.readObject();
        }
        return o.getJsonArray("messages").stream().map(Object::toString).toList();
    }

    static ServerMessage read(String text) {
        if (text.startsWith("{\"type\":\"op\"") || text.startsWith("{\"type\":\"ack\"")) {
            JsonObject o;
            try (JsonReader reader = READERS.createReader(new StringReader(text))) {
                o = reader.readObject();
            }
            if (o.getString("type").equals("ack")) {
                return new ServerMessage.Ack(o.getJsonNumber("seq").longValue(),
                        o.getJsonNumber("version").longValue());
            }
            return new ServerMessage.RemoteOp(o.getJsonNumber("version").longValue(), OPS.adaptFromJson(o.get("op")),
                    o.getString("author"));
        }
        return Json.readServer(text);
    }
}
