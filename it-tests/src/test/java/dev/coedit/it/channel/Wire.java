package dev.coedit.it.channel;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;

/**
 * The protocol's messages as a client written from docs/protocol.md alone would build them: plain JSON through
 * Parsson, no server classes. Ops use the compact notation ({@code [3, "hi", {"d": 2}]}), written as JSON text.
 */
public final class Wire {

    private Wire() {
    }

    /** Parses one JSON object; fails the test with the text when it is not one. */
    public static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new AssertionError("not a JSON object: " + text, e);
        }
    }

    /** A JSON array from its text, for ops: {@code op("[6, {\"d\": 5}, \"there\"]")}. */
    public static JsonArray op(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readArray();
        }
    }

    public static JsonObject hello(String clientId) {
        return Json.createObjectBuilder().add("type", "hello").add("clientId", clientId).build();
    }

    public static JsonObject hello(String clientId, String name, String color) {
        return Json.createObjectBuilder().add("type", "hello").add("clientId", clientId).add("name", name)
                .add("color", color).build();
    }

    public static JsonObject resume(String clientId, long lastVersion) {
        return Json.createObjectBuilder().add("type", "hello").add("clientId", clientId)
                .add("lastVersion", lastVersion).build();
    }

    public static JsonObject submit(String clientId, long seq, long baseVersion, String op) {
        return submitBuilder(clientId, seq, baseVersion, op).build();
    }

    public static JsonObject submit(String clientId, long seq, long baseVersion, String op, String ref) {
        return submitBuilder(clientId, seq, baseVersion, op).add("ref", ref).build();
    }

    private static JsonObjectBuilder submitBuilder(String clientId, long seq, long baseVersion, String op) {
        return Json.createObjectBuilder().add("type", "submit").add("clientId", clientId).add("seq", seq)
                .add("baseVersion", baseVersion).add("op", op(op));
    }

    /** An insert of {@code text} at code point {@code at}. */
    public static String insertOp(int at, String text) {
        JsonArrayBuilder op = Json.createArrayBuilder();
        if (at > 0) {
            op.add(at);
        }
        return op.add(text).build().toString();
    }

    /** An owner gives {@code user} ({@code *} for everyone else) a role: viewer, editor, owner or none. */
    public static JsonObject access(String user, String role) {
        return Json.createObjectBuilder().add("type", "access").add("user", user).add("role", role).build();
    }

    public static JsonObject caret(long version, int anchor, int head) {
        return Json.createObjectBuilder().add("type", "caret").add("version", version).add("anchor", anchor)
                .add("head", head).build();
    }

    /** A caret message without positions: hides the caret. */
    public static JsonObject hideCaret(long version) {
        return Json.createObjectBuilder().add("type", "caret").add("version", version).build();
    }

    public static String type(JsonObject message) {
        JsonValue type = message.get("type");
        return type instanceof jakarta.json.JsonString s ? s.getString() : String.valueOf(type);
    }

    /** A string field, or null when absent or JSON null. */
    public static String string(JsonObject message, String field) {
        JsonValue value = message.get(field);
        return value instanceof jakarta.json.JsonString s ? s.getString() : null;
    }

    /** A number field, or null when absent or JSON null. */
    public static Long number(JsonObject message, String field) {
        JsonValue value = message.get(field);
        return value instanceof jakarta.json.JsonNumber n ? n.longValueExact() : null;
    }

    /** Code points in {@code text}: every offset of the protocol counts them. */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }
}
