package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.support.ServerUnderTest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The history messages of docs/protocol.md (sections 4 and 5): {@code history} pages back through the stored versions
 * with who made each, when and how large it was, at most 200 a page; {@code fetch} gives the text at a version, and a
 * version that does not exist yet is refused with the numbers.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class HistoryIT {

    @Test
    void theHistoryPagesBackNewestFirstWithAuthorTimeAndSizeAndFetchGivesTheTextAtAVersion(ServerUnderTest server)
            throws Exception {
        URI doc = server.wsUri("docs/history-proto-" + UUID.randomUUID().toString().substring(0, 8));
        Instant before = Instant.now().minusSeconds(5); // the server's clock may differ a little from ours
        try (RecordingSocket hana = RecordingSocket.connectAnswered(doc, List.of(RecordingSocket.SUBPROTOCOL),
                s -> s.send(Wire.hello("hana-1", "Hana", "#e11d48")), "snapshot")) {
            String[] ops = {"[\"Hello\"]", "[5,\" world\"]", "[{\"d\":1},\"h\"]", "[11,\"!\"]", "[5,{\"d\":6}]"};
            for (int i = 0; i < ops.length; i++) {
                hana.send(Wire.submit("hana-1", i + 1, i, ops[i]));
                hana.awaitType("ack");
            }

            hana.send(Json.createObjectBuilder().add("type", "history").add("limit", 2).add("ref", "p1").build());
            JsonObject page = hana.awaitType("history");
            assertEquals("p1", page.getString("ref"));
            List<JsonObject> versions = page.getJsonArray("versions").getValuesAs(JsonObject.class);
            assertEquals(List.of(5L, 4L), numbers(versions));
            JsonObject newest = versions.get(0);
            assertEquals("hana-1", newest.getString("clientId"));
            assertEquals("Hana", newest.getString("author"));
            assertEquals(0, newest.getInt("inserted"));
            assertEquals(6, newest.getInt("deleted"));
            assertEquals(1, versions.get(1).getInt("inserted"));
            Instant time = Instant.parse(newest.getString("time"));
            assertFalse(time.isBefore(before) || time.isAfter(Instant.now().plusSeconds(5)), "time " + time);

            hana.send(Json.createObjectBuilder().add("type", "history").add("before", 4).add("limit", 2).build());
            assertEquals(List.of(3L, 2L), numbers(hana.awaitType("history").getJsonArray("versions")
                    .getValuesAs(JsonObject.class)));
            hana.send(Json.createObjectBuilder().add("type", "history").add("before", 2).build());
            assertEquals(List.of(1L), numbers(hana.awaitType("history").getJsonArray("versions")
                    .getValuesAs(JsonObject.class)));

            hana.send(Json.createObjectBuilder().add("type", "fetch").add("version", 3).add("ref", "f3").build());
            JsonObject v3 = hana.awaitType("version");
            assertEquals("hello world", v3.getString("text"));
            assertEquals(3, v3.getJsonNumber("version").longValue());
            assertEquals("f3", v3.getString("ref"));
            hana.send(Json.createObjectBuilder().add("type", "fetch").add("version", 0).build());
            assertEquals("", hana.awaitType("version").getString("text"));

            hana.send(Json.createObjectBuilder().add("type", "fetch").add("version", 99).add("ref", "f99").build());
            JsonObject refused = hana.expectError("bad_message");
            assertTrue(refused.getString("message").contains("version 99")
                    && refused.getString("message").contains("the newest stored is 5"), refused.toString());
            assertEquals("f99", refused.getString("ref"));
        }
    }

    @Test
    void aPageHoldsAtMost200VersionsHoweverManyAreAskedFor(ServerUnderTest server) throws Exception {
        URI doc = server.wsUri("docs/history-cap-" + UUID.randomUUID().toString().substring(0, 8));
        try (RecordingSocket writer = RecordingSocket.join(doc, "cap-1")) {
            for (int v = 0; v < 205; v++) {
                writer.send(Wire.submit("cap-1", v + 1, v, Wire.insertOp(v, "x")));
                writer.awaitType("ack");
            }
            writer.send(Json.createObjectBuilder().add("type", "history").add("limit", 1000).build());
            List<Long> versions = numbers(writer.awaitType("history").getJsonArray("versions")
                    .getValuesAs(JsonObject.class));
            assertEquals(200, versions.size());
            assertEquals(205L, versions.get(0));
            assertEquals(6L, versions.get(199));
            writer.send(Json.createObjectBuilder().add("type", "history").add("limit", 0).build());
            assertEquals("history.limit must be 1 or more, was 0",
                    writer.expectError("bad_message").getString("message"));
        }
    }

    private static List<Long> numbers(List<JsonObject> versions) {
        return versions.stream().map(v -> v.getJsonNumber("version").longValue()).toList();
    }
}
