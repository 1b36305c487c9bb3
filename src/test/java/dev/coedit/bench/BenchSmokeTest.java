package dev.coedit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole benchmark tool in its quick mode, against a Coedit server and the raw fixture started as child JVMs from
 * the test class path: every scenario runs, results.json holds every figure, every replica converged, and the
 * report and summary are written.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchSmokeTest {

    @Test
    void theQuickRunReportsEveryFigureAndEveryReplicaConverges() throws Exception {
        Path out = Path.of("target", "bench", "smoke-" + System.currentTimeMillis());
        Bench.run(Options.parse("--quick", "--server-classpath", "--no-pin", "--out", out.toString()));

        JsonObject r;
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(out.resolve("results.json"))))) {
            r = reader.readObject();
        }
        List<String> missing = new ArrayList<>();
        assertTrue(r.getBoolean("convergencePassed"), "convergence failed: " + out.resolve("summary.txt"));
        List<String> seen = new ArrayList<>();
        for (JsonValue v : r.getJsonArray("scenarios")) {
            JsonObject s = v.asJsonObject();
            String name = s.getString("scenario");
            seen.add(name.replaceAll("-.*", ""));
            JsonObject coedit = s.getJsonObject("coedit");
            assertNotNull(coedit, name + " has no coedit figures");
            assertEquals(0, coedit.getJsonNumber("errorCount").longValue(), name + ": " + coedit.get("errors"));
            assertTrue(s.containsKey(name.startsWith("large") ? "control" : "raw"), name + " has no baseline");
            if (name.startsWith("idle")) {
                require(missing, name, coedit, "heapBytesPerSession", "rssBytesPerSession", "serverHeapMbWith");
                require(missing, name, s.getJsonObject("raw"), "heapBytesPerSession");
                assertEquals(coedit.getInt("sessionsWanted"), coedit.getInt("sessions"), name);
                continue;
            }
            for (String side : List.of("coedit", "raw", "rawBroadcast", "control")) {
                if (!s.containsKey(side)) {
                    continue;
                }
                JsonObject p = s.getJsonObject(side);
                String where = name + " " + side;
                require(missing, where, p, "acksPerSecond", "editsPerSecond", "serverCpuPercent", "clientCpuPercent",
                        "serverRssMbMax", "serverHeapMbUsed");
                assertTrue(p.getJsonNumber("acks").longValue() > 0, where + " got no acknowledgement");
                assertTrue(p.getBoolean("settled"), where + " did not settle");
                assertFalse(p.getJsonArray("intervals").isEmpty(), where + " has no per-second intervals");
                for (String q : List.of("p50", "p95", "p99", "max")) {
                    require(missing, where + " ack", p.getJsonObject("ackLatencyMs"), q);
                }
                if (p.getInt("editorsPerDocument") > 1) {
                    require(missing, where, p, "framesPerSecond");
                    JsonObject peer = p.getJsonObject("editToPeerLatencyMs");
                    for (String q : List.of("p50", "p95", "p99", "max")) {
                        require(missing, where + " edit-to-peer", peer, q);
                    }
                    assertTrue(peer.getJsonNumber("count").longValue() > 0, where + ": no edit reached a peer");
                    assertEquals(p.getJsonNumber("stampsExpected").longValue(),
                            p.getJsonNumber("stampsDelivered").longValue(), where + ": keystrokes lost");
                }
                if (side.equals("coedit") || side.equals("control")) {
                    assertTrue(p.getJsonObject("convergence").getBoolean("passed"), where + " diverged");
                }
            }
        }
        assertEquals(List.of("hot", "many", "idle", "large", "durable", "fanout"), seen.stream().distinct().toList());
        assertTrue(missing.isEmpty(), "figures missing: " + missing);
        assertEquals(7, r.getJsonArray("targets").size());
        for (JsonValue v : r.getJsonArray("targets")) {
            JsonObject t = v.asJsonObject();
            assertTrue(t.get("measured").getValueType() == JsonValue.ValueType.NUMBER, "target not measured: " + t);
            assertTrue(t.get("passed").getValueType() != JsonValue.ValueType.NULL, "target not judged: " + t);
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && !html.contains("<script src"), "report.html is not self-contained");
        assertTrue(Files.readString(out.resolve("summary.txt")).contains("Targets"));
    }

    private static void require(List<String> missing, String where, JsonObject o, String... keys) {
        for (String k : keys) {
            if (o == null || !o.containsKey(k) || o.get(k).getValueType() != JsonValue.ValueType.NUMBER) {
                missing.add(where + " " + k);
            }
        }
    }
}
