package dev.coedit.editing.entity;

import dev.coedit.ot.InvalidOpException;
import dev.coedit.ot.TextOp;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.adapter.JsonbAdapter;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.io.StringReader;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON form of the protocol's messages, shared by the endpoints' codecs, the rooms (which encode a broadcast
 * once for all its readers) and the Java client. Ops use the compact notation {@code [3,"hi",{"d":2}]}.
 * Thread-safe: {@link Jsonb} instances are.
 */
public final class Json {

    /**
     * One JSON-P provider for the application: {@code jakarta.json.Json.createReader} and friends look the provider
     * up through the ServiceLoader on every call, which the benchmark found to be a quarter of the server's CPU.
     */
    public static final jakarta.json.spi.JsonProvider JSON_P = jakarta.json.spi.JsonProvider.provider();

    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withAdapters(new OpAdapter()));

    private Json() {
    }

    public static String write(Object message) {
        return JSONB.toJson(message);
    }

    /**
     * Reads a client message.
     *
     * @throws MalformedMessage naming what is wrong and the error code it maps to
     */
    public static ClientMessage readClient(String text) {
        return read(text, CLIENT_TYPES);
    }

    /** Reads a server message (the Java client's side). */
    /**
     * Every message of one frame: the messages of a {@code batch} (sent to clients that asked for batches in their
     * hello), in order, or the one message the frame holds.
     */
    public static List<ServerMessage> readServerAll(String text) {
        if (!text.startsWith("{\"type\":\"batch\"")) {
            return List.of(readServer(text));
        }
        JsonObject batch;
        try (JsonReader reader = JSON_P.createReader(new StringReader(text))) {
            batch = reader.readObject();
        }
        List<ServerMessage> messages = new ArrayList<>();
        for (JsonValue m : batch.getJsonArray("messages")) {
            messages.add(readServer(m.toString()));
        }
        return messages;
    }

    public static ServerMessage readServer(String text) {
        return read(text, SERVER_TYPES);
    }

    /*
     * Decoding dispatches on "type" itself and binds the concrete record: through the polymorphic path Yasson hands
     * a parser that cannot produce arrays, which ops are. The aliases come from each family's @JsonbTypeInfo.
     */
    private static final Map<String, Class<?>> CLIENT_TYPES = aliases(ClientMessage.class);
    private static final Map<String, Class<?>> SERVER_TYPES = aliases(ServerMessage.class);
    /** Each message record's components, looked up once rather than on every message. */
    private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
            return type.getRecordComponents();
        }
    };

    private static Map<String, Class<?>> aliases(Class<?> family) {
        Map<String, Class<?>> byAlias = new LinkedHashMap<>();
        for (JsonbSubtype subtype : family.getAnnotation(JsonbTypeInfo.class).value()) {
            byAlias.put(subtype.alias(), subtype.type());
        }
        return Map.copyOf(byAlias);
    }

    @SuppressWarnings("unchecked")
    private static <T> T read(String text, Map<String, Class<?>> types) {
        JsonObject object;
        try (JsonReader reader = JSON_P.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            if (!(value instanceof JsonObject o)) {
                throw new MalformedMessage(ErrorCode.BAD_JSON, "a message must be a JSON object, was "
                        + OpAdapter.describe(value));
            }
            object = o;
        } catch (JsonException e) {
            throw new MalformedMessage(ErrorCode.BAD_JSON, "not JSON: " + e.getMessage(), e);
        }
        JsonValue type = object.get("type");
        if (!(type instanceof JsonString alias)) {
            throw new MalformedMessage(ErrorCode.UNKNOWN_TYPE, type == null ? "the message has no \"type\" field"
                    : "\"type\" must be a string, was " + OpAdapter.describe(type)).about(object);
        }
        Class<?> target = types.get(alias.getString());
        if (target == null) {
            throw new MalformedMessage(ErrorCode.UNKNOWN_TYPE, "unknown message type \"" + clip(alias.getString())
                    + "\"; expected one of " + String.join(", ", types.keySet())).about(object);
        }
        checkFieldTypes(object, target, alias.getString());
        try {
            return (T) JSONB.fromJson(text, target);
        } catch (JsonbException e) {
            throw MalformedMessage.from(e).about(object);
        } catch (InvalidOpException e) {
            throw new MalformedMessage(ErrorCode.INVALID_OP, e.getMessage(), e).about(object);
        }
    }

    /**
     * Refuses a field whose JSON type does not fit its record component, naming both: left to itself Yasson would
     * quietly read {@code 42} into a string or {@code "7"} into a number. Missing fields are the message's own check
     * ({@link ClientMessage#problem()}); ops are checked component by component by the core.
     */
    private static void checkFieldTypes(JsonObject object, Class<?> record, String alias) {
        for (RecordComponent component : COMPONENTS.get(record)) {
            JsonValue value = object.get(component.getName());
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                continue;
            }
            Class<?> type = component.getType();
            String wanted = null;
            if (type == String.class && value.getValueType() != JsonValue.ValueType.STRING) {
                wanted = "a string";
            } else if ((type == Long.class || type == long.class || type == Integer.class || type == int.class)
                    && !isWholeNumber(value, type == Long.class || type == long.class)) {
                wanted = "a whole number";
            } else if (type == List.class && value.getValueType() != JsonValue.ValueType.ARRAY) {
                wanted = "an array";
            } else if (type.isRecord() && value.getValueType() != JsonValue.ValueType.OBJECT) {
                wanted = "an object";
            }
            if (wanted != null) {
                throw new MalformedMessage(ErrorCode.BAD_JSON, alias + "." + component.getName() + " must be "
                        + wanted + ", was " + OpAdapter.describe(value)
                        + (value.getValueType() == JsonValue.ValueType.NUMBER ? " " + value : ""))
                        .about(object);
            }
        }
    }

    private static boolean isWholeNumber(JsonValue value, boolean asLong) {
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            return false;
        }
        try {
            if (asLong) {
                number.longValueExact();
            } else {
                number.intValueExact();
            }
            return true;
        } catch (ArithmeticException tooLarge) {
            return false;
        }
    }

    private static String clip(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    /** A message that cannot be read: not JSON, no known type, or a field of the wrong JSON type. */
    public static final class MalformedMessage extends RuntimeException {
        private final ErrorCode code;
        private String ref;
        private Long seq;

        public MalformedMessage(ErrorCode code, String message) {
            this(code, message, null);
        }

        MalformedMessage(ErrorCode code, String message, Throwable cause) {
            super(message, cause, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }

        /** The offending message's {@code ref}, when it was a JSON object with a string ref. */
        public String ref() {
            return ref;
        }

        /** The offending message's {@code seq}, when it was a JSON object with an integral seq. */
        public Long seq() {
            return seq;
        }

        /** Keeps the offending message's ref and seq, so the error names the request. */
        MalformedMessage about(JsonObject object) {
            if (object.get("ref") instanceof JsonString s && s.getString().length() <= 64) {
                ref = s.getString();
            }
            if (object.get("seq") instanceof JsonNumber n && n.isIntegral()) {
                seq = n.longValue();
            }
            return this;
        }

        static MalformedMessage from(JsonbException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidOpException invalid) {
                    return new MalformedMessage(ErrorCode.INVALID_OP, invalid.getMessage(), e);
                }
            }
            return new MalformedMessage(ErrorCode.BAD_JSON, "a field has the wrong JSON type: " + innermost(e), e);
        }

        private static String innermost(Throwable e) {
            String message = e.getMessage();
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t.getMessage() != null) {
                    message = t.getMessage();
                }
            }
            return message == null ? e.getClass().getSimpleName() : message;
        }
    }

    /**
     * Ops in the compact notation. Read through {@link JsonValue} so every component keeps its JSON type (read into
     * {@code List<Object>}, Yasson turns {@code true} into "true"); the core checks each component and names what is
     * wrong ({@link TextOp#fromJson}).
     */
    public static final class OpAdapter implements JsonbAdapter<TextOp, JsonValue> {
        @Override
        public JsonValue adaptToJson(TextOp op) {
            JsonArrayBuilder array = JSON_P.createArrayBuilder();
            for (Object part : op.toJson()) {
                if (part instanceof Integer n) {
                    array.add(n);
                } else if (part instanceof String text) {
                    array.add(text);
                } else {
                    Object d = ((Map<?, ?>) part).get("d");
                    array.add(d instanceof Integer n
                            ? JSON_P.createObjectBuilder().add("d", n)
                            : JSON_P.createObjectBuilder().add("d", (String) d));
                }
            }
            return array.build();
        }

        @Override
        public TextOp adaptFromJson(JsonValue value) {
            if (value.getValueType() != JsonValue.ValueType.ARRAY) {
                throw new InvalidOpException("op must be a JSON array, was " + describe(value));
            }
            JsonArray array = value.asJsonArray();
            List<Object> raw = new ArrayList<>(array.size());
            for (JsonValue v : array) {
                raw.add(plain(v));
            }
            return TextOp.fromJson(raw);
        }

        private static Object plain(JsonValue v) {
            switch (v.getValueType()) {
                case NUMBER:
                    return ((JsonNumber) v).numberValue();
                case STRING:
                    return ((JsonString) v).getString();
                case OBJECT:
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonValue> e : v.asJsonObject().entrySet()) {
                        map.put(e.getKey(), plain(e.getValue()));
                    }
                    return map;
                case TRUE:
                    return Boolean.TRUE;
                case FALSE:
                    return Boolean.FALSE;
                case ARRAY:
                    return v.asJsonArray();
                default:
                    return null;
            }
        }

        static String describe(JsonValue v) {
            switch (v.getValueType()) {
                case OBJECT:
                    return "an object";
                case STRING:
                    return "a string";
                case NUMBER:
                    return "a number";
                case ARRAY:
                    return "an array";
                case NULL:
                    return "null";
                default:
                    return "a boolean";
            }
        }
    }
}
