package dev.coedit.it.channel;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** A reader of the monitoring channel ({@code /coedit/admin}): its {@code state} messages, with bounded waits. */
final class Monitor implements AutoCloseable {

    private final RecordingSocket socket;
    private JsonObject latest;

    private Monitor(RecordingSocket socket, JsonObject first) {
        this.socket = socket;
        this.latest = first;
    }

    /** Connects and reads the state sent on open. */
    static Monitor open(URI admin) throws Exception {
        RecordingSocket socket = RecordingSocket.connectAnswered(admin, List.of(), s -> { }, "state");
        return new Monitor(socket, stateOf(socket.firstAnswer()));
    }

    RecordingSocket socket() {
        return socket;
    }

    /** The {@code state} object of the latest message read. */
    JsonObject latest() {
        return latest;
    }

    /** Reads state messages until one matches (the latest read counts too); returns its {@code state}. */
    JsonObject awaitState(Predicate<JsonObject> wanted, String what, Duration wait) {
        if (wanted.test(latest)) {
            return latest;
        }
        JsonObject message = socket.awaitMessage(m -> "state".equals(Wire.type(m)) && wanted.test(stateOf(m)),
                "a monitoring state where " + what + " (latest: " + latest + ")", wait);
        latest = stateOf(message);
        return latest;
    }

    static JsonObject stateOf(JsonObject message) {
        return message.getJsonObject("state");
    }

    static List<JsonObject> sessions(JsonObject state) {
        return state.getJsonArray("sessions").getValuesAs(JsonObject.class);
    }

    static List<JsonObject> documents(JsonObject state) {
        return state.getJsonArray("documents").getValuesAs(JsonObject.class);
    }

    static boolean hasDocument(JsonObject state, String documentId) {
        return documents(state).stream().anyMatch(d -> documentId.equals(d.getString("documentId")));
    }

    /** The sessions of one document. */
    static List<JsonObject> sessionsOf(JsonObject state, String documentId) {
        return sessions(state).stream().filter(s -> documentId.equals(s.getString("documentId"))).toList();
    }

    /** Whether a session of this client is listed, in any document. */
    static boolean hasClient(JsonObject state, String clientId) {
        return sessions(state).stream().anyMatch(s -> s.get("clientId") != null
                && s.get("clientId").getValueType() == JsonValue.ValueType.STRING
                && clientId.equals(s.getString("clientId")));
    }

    @Override
    public void close() {
        socket.close();
    }
}
