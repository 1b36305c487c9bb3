package dev.coedit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes results.json, summary.txt, report.html and the charts as separate SVG files. */
final class Report {

    private static final String[] COLORS = {"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"};

    private Report() {
    }

    static void write(Path dir, Map<String, Object> results) throws IOException {
        Files.writeString(dir.resolve("results.json"), json(results, 0) + "\n");
        String summary = summary(results);
        Files.writeString(dir.resolve("summary.txt"), summary);
        String overTime = latencyOverTime(results);
        String percentiles = percentilesAgainstLoad(results);
        String throughput = throughput(results);
        Files.writeString(dir.resolve("latency-over-time.svg"), overTime);
        Files.writeString(dir.resolve("percentiles-vs-load.svg"), percentiles);
        Files.writeString(dir.resolve("throughput.svg"), throughput);
        Files.writeString(dir.resolve("report.html"), html(results, summary, List.of(overTime, percentiles,
                throughput)));
    }

    // ---- summary.txt

    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> m = (Map<String, Object>) r.get("machine");
        Map<String, Object> o = (Map<String, Object>) r.get("options");
        sb.append("Coedit benchmark, ").append(r.get("started")).append('\n');
        sb.append("Machine: ").append(m.get("cpus")).append(" x ").append(m.get("cpuModel")).append(", ")
                .append(m.get("memTotal")).append(", ").append(m.get("java")).append(", load average at start ")
                .append(m.get("loadAverageAtStart")).append('\n');
        sb.append("Pinning: ").append(m.get("pinning")).append("; server GC: ").append(m.get("serverCollector"))
                .append('\n');
        sb.append("Phases of ").append(o.get("durationSeconds")).append(" s, repeat ").append(o.get("repeat"))
                .append(" (medians when > 1); typical op frame ").append(r.get("typicalOpFrameBytes"))
                .append(" B; wall time ").append(r.get("wallSeconds")).append(" s\n\n");
        sb.append(String.format(Locale.ROOT, "%-22s %-7s %6s %8s %8s %9s %17s %23s %6s %7s %5s%n", "scenario",
                "side", "conns", "edits/s", "acks/s", "frames/s", "ack p50/p99 ms", "peer p50/p95/p99/max ms",
                "srvCPU", "cliCPU", "errs"));
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("scenarios")) {
            String name = (String) s.get("scenario");
            if (name.startsWith("idle")) {
                idleLine(sb, s);
                continue;
            }
            for (String side : List.of("raw", "rawBroadcast", "coedit", "control")) {
                if (s.get(side) instanceof Map<?, ?> p) {
                    row(sb, name, side, (Map<String, Object>) p);
                }
            }
            if (s.get("vsRaw") instanceof Map<?, ?> v && !v.isEmpty()) {
                sb.append("    coedit / raw: ").append(ratios((Map<String, Object>) v)).append('\n');
            }
            if (s.get("perOpEstimate") instanceof Map<?, ?> e) {
                sb.append(String.format(Locale.ROOT, "    ack p50 %.3f ms on the large document, %.3f ms on an empty "
                        + "one: about %.0f µs more per op%n", e.get("ackP50MsLarge"), e.get("ackP50MsEmpty"),
                        e.get("extraMicrosPerOp")));
            }
        }
        sb.append("\n* the load generator was saturated (CPU >= 85% of its core, or keystrokes more than 100 ms late):"
                + " latencies there are an upper bound on the server's, throughput a lower bound.\n");
        sb.append("\nConvergence (every replica and a newcomer hold the same text): ")
                .append(Boolean.TRUE.equals(r.get("convergencePassed")) ? "PASSED" : "FAILED").append('\n');
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("scenarios")) {
            for (String side : List.of("coedit", "control")) {
                if (s.get(side) instanceof Map<?, ?> p && p.get("convergence") instanceof Map<?, ?> c
                        && !Boolean.TRUE.equals(c.get("passed"))) {
                    sb.append("    ").append(s.get("scenario")).append(": ").append(c).append('\n');
                }
            }
        }
        sb.append("\nTargets (issue 7):\n");
        for (Map<String, Object> t : (List<Map<String, Object>>) r.get("targets")) {
            Object passed = t.get("passed");
            sb.append(String.format(Locale.ROOT, "  [%s] %s: %s %s (target %s) - %s%s%n",
                    passed == null ? "----" : Boolean.TRUE.equals(passed) ? "PASS" : "FAIL", t.get("what"),
                    t.get("measured") == null ? "n/a" : Bench.fmt((Double) t.get("measured")), t.get("unit"),
                    t.get("target"), t.get("gap"),
                    (Boolean.TRUE.equals(t.get("sizeMatchesTarget")) ? "" : " [ran at " + t.get("ranAt") + "]")
                            + (t.get("note") == null ? "" : " [" + t.get("note") + "]")));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void row(StringBuilder sb, String name, String side, Map<String, Object> p) {
        Map<String, Object> ack = (Map<String, Object>) p.get("ackLatencyMs");
        Map<String, Object> peer = (Map<String, Object>) p.get("editToPeerLatencyMs");
        sb.append(String.format(Locale.ROOT, "%-22s %-7s %6s %8s %8s %9s %17s %23s %6s %7s %5s%n",
                cut(name, 22), side.equals("rawBroadcast") ? "raw-bc" : side.equals("raw") ? "raw-" + (p.get("target")
                .equals("raw_echo") ? "ec" : "ps") : side, n(p.get("connections")), n(p.get("editsPerSecond")),
                n(p.get("acksPerSecond")), n(p.get("framesPerSecond")),
                ack == null ? "-" : n(ack.get("p50")) + "/" + n(ack.get("p99")),
                peer == null ? "-" : n(peer.get("p50")) + "/" + n(peer.get("p95")) + "/" + n(peer.get("p99")) + "/"
                        + n(peer.get("max")),
                n(p.get("serverCpuPercent")), n(p.get("clientCpuPercent"))
                        + (Boolean.TRUE.equals(p.get("generatorSaturated")) ? "*" : ""), n(p.get("errorCount"))));
    }

    @SuppressWarnings("unchecked")
    private static void idleLine(StringBuilder sb, Map<String, Object> s) {
        for (String side : List.of("raw", "coedit")) {
            if (s.get(side) instanceof Map<?, ?> pm) {
                Map<String, Object> p = (Map<String, Object>) pm;
                Double heap = Targets.num(p, "heapBytesPerSession");
                Double rss = Targets.num(p, "rssBytesPerSession");
                sb.append(String.format(Locale.ROOT, "%-22s %-7s %6s sessions in %.1f s (%s/s); heap %s KB and RSS %s KB "
                                + "per session; idle server CPU %s%%; errors %s%n", s.get("scenario"), side,
                        n(p.get("sessions")), p.get("connectSeconds"), n(p.get("connectsPerSecond")),
                        heap == null ? "n/a" : n(heap / 1024), rss == null ? "n/a" : n(rss / 1024),
                        n(p.get("serverCpuPercentIdle")), n(p.get("errorCount"))));
            }
        }
        if (s.get("vsRaw") instanceof Map<?, ?> v && !v.isEmpty()) {
            sb.append("    coedit / raw: ").append(ratios((Map<String, Object>) v)).append('\n');
        }
    }

    private static String ratios(Map<String, Object> v) {
        List<String> parts = new ArrayList<>();
        v.forEach((k, x) -> parts.add(k + " " + x));
        return String.join(", ", parts);
    }

    private static String n(Object o) {
        if (o == null) {
            return "-";
        }
        if (o instanceof Number x) {
            double d = x.doubleValue();
            if (d >= 100 || d == Math.rint(d)) {
                return String.format(Locale.ROOT, "%,.0f", d);
            }
            return String.format(Locale.ROOT, d >= 10 ? "%.1f" : "%.2f", d);
        }
        return o.toString();
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n);
    }

    // ---- charts

    @SuppressWarnings("unchecked")
    static String latencyOverTime(Map<String, Object> r) {
        List<Svg.Series> series = new ArrayList<>();
        int c = 0;
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("scenarios")) {
            String name = (String) s.get("scenario");
            if (name.startsWith("idle") || name.startsWith("durable") || !(s.get("coedit") instanceof Map<?, ?>)) {
                continue;
            }
            String color = COLORS[c++ % COLORS.length];
            addSeries(series, (Map<String, Object>) s.get("coedit"), name + " coedit", color, false);
            if (s.get("raw") instanceof Map<?, ?> raw) {
                addSeries(series, (Map<String, Object>) raw, name + " raw", color, true);
            }
        }
        return Svg.lines("Edit-to-peer p99 per second (ms, log scale; dashed: raw Tyrus baseline)",
                "seconds into the phase", "p99 ms", series, true);
    }

    @SuppressWarnings("unchecked")
    private static void addSeries(List<Svg.Series> series, Map<String, Object> p, String name, String color,
            boolean dashed) {
        if (!(p.get("intervals") instanceof List<?> list) || list.isEmpty()) {
            return;
        }
        double[] x = new double[list.size()];
        double[] y = new double[list.size()];
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> iv = (Map<String, Object>) list.get(i);
            x[i] = ((Number) iv.get("t")).doubleValue();
            y[i] = ((Number) iv.get(p.get("editToPeerLatencyMs") == null ? "ackP99" : "peerP99")).doubleValue();
        }
        series.add(new Svg.Series(cut(name, 30), color, x, y, dashed));
    }

    @SuppressWarnings("unchecked")
    static String percentilesAgainstLoad(Map<String, Object> r) {
        List<String> categories = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("scenarios")) {
            if (!(s.get("coedit") instanceof Map<?, ?> cm) || Targets.num((Map<String, Object>) cm,
                    "offeredEditsPerSecond") == null || ((Map<String, Object>) cm).get("editToPeerLatencyMs") == null) {
                continue;
            }
            Map<String, Object> c = (Map<String, Object>) cm;
            Map<String, Object> raw = s.get("raw") instanceof Map<?, ?> rm ? (Map<String, Object>) rm : Map.of();
            categories.add(Bench.fmt(Targets.num(c, "offeredEditsPerSecond")) + "/s " + s.get("scenario"));
            rows.add(new double[] {v(c, "p50"), v(c, "p95"), v(c, "p99"), v(c, "max"), v(raw, "p50"), v(raw, "p99")});
        }
        String[] names = {"coedit p50", "coedit p95", "coedit p99", "coedit max", "raw p50", "raw p99"};
        String[] colors = {"#93c5fd", "#3b82f6", "#1d4ed8", "#1e3a8a", "#fca5a5", "#dc2626"};
        List<Svg.Series> series = new ArrayList<>();
        for (int k = 0; k < names.length; k++) {
            double[] y = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                y[i] = rows.get(i)[k];
            }
            series.add(new Svg.Series(names[k], colors[k], new double[0], y, false));
        }
        return Svg.bars("Edit-to-peer latency percentiles against offered load (ms, log scale)", "ms",
                categories.stream().map(x -> cut(x, 26)).toList(), series, true);
    }

    private static double v(Map<String, Object> p, String percentile) {
        Double d = Targets.num(p, "editToPeerLatencyMs", percentile);
        return d == null ? 0 : d;
    }

    @SuppressWarnings("unchecked")
    static String throughput(Map<String, Object> r) {
        List<String> categories = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("scenarios")) {
            String name = (String) s.get("scenario");
            boolean durable = name.startsWith("durable");
            if (!(name.startsWith("fanout") || durable) || !(s.get("coedit") instanceof Map<?, ?> c)) {
                continue;
            }
            String key = durable ? "acksPerSecond" : "framesPerSecond";
            categories.add(name + (durable ? " acks/s" : " frames/s"));
            rows.add(new double[] {num(c, key), num(s.get("raw"), key), num(s.get("rawBroadcast"), key)});
        }
        String[] names = {"coedit", "raw (per-session send / echo)", "raw framed once"};
        String[] colors = {"#2563eb", "#dc2626", "#f97316"};
        List<Svg.Series> series = new ArrayList<>();
        for (int k = 0; k < names.length; k++) {
            double[] y = new double[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                y[i] = rows.get(i)[k];
            }
            series.add(new Svg.Series(names[k], colors[k], new double[0], y, false));
        }
        return Svg.bars("Throughput against the raw Tyrus baseline (per second)", "per second", categories,
                series, false);
    }

    @SuppressWarnings("unchecked")
    private static double num(Object p, String key) {
        if (!(p instanceof Map<?, ?> m)) {
            return 0;
        }
        Double d = Targets.num((Map<String, Object>) m, key);
        return d == null ? 0 : d;
    }

    // ---- report.html

    @SuppressWarnings("unchecked")
    static String html(Map<String, Object> r, String summary, List<String> charts) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Coedit benchmark</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:")
                .append("collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f4f6}")
                .append("td:first-child,th:first-child{text-align:left}.pass{color:#15803d}.fail{color:#b91c1c}")
                .append("pre{background:#f9fafb;padding:1em;overflow:auto;font-size:12px}</style></head><body>\n");
        sb.append("<h1>Coedit benchmark</h1>\n<p>").append(Svg.esc(String.valueOf(r.get("started"))))
                .append("; convergence: <b class=\"").append(Boolean.TRUE.equals(r.get("convergencePassed"))
                        ? "pass\">passed" : "fail\">FAILED").append("</b></p>\n");
        sb.append("<h2>Targets</h2>\n<table><tr><th>target</th><th>bound</th><th>measured</th><th>result</th>")
                .append("<th>gap</th></tr>\n");
        for (Map<String, Object> t : (List<Map<String, Object>>) r.get("targets")) {
            Object passed = t.get("passed");
            sb.append("<tr><td>").append(Svg.esc((String) t.get("what"))).append(Boolean.TRUE.equals(
                    t.get("sizeMatchesTarget")) ? "" : " <i>(ran at " + Svg.esc((String) t.get("ranAt")) + ")</i>")
                    .append("</td><td>").append(Svg.esc((String) t.get("target"))).append("</td><td>")
                    .append(t.get("measured") == null ? "n/a" : Bench.fmt((Double) t.get("measured")) + " "
                            + Svg.esc((String) t.get("unit")))
                    .append("</td><td class=\"").append(Boolean.TRUE.equals(passed) ? "pass\">pass" : passed == null
                            ? "\">-" : "fail\">FAIL").append("</td><td>").append(Svg.esc(String.valueOf(t.get("gap"))))
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n<h2>Charts</h2>\n");
        for (String c : charts) {
            sb.append("<div>").append(c).append("</div>\n");
        }
        sb.append("<h2>Per-phase latency over time</h2>\n");
        for (Map<String, Object> s : (List<Map<String, Object>>) r.get("scenarios")) {
            List<Svg.Series> series = new ArrayList<>();
            int k = 0;
            for (String side : List.of("coedit", "raw", "rawBroadcast", "control")) {
                if (s.get(side) instanceof Map<?, ?> pm && pm.get("intervals") instanceof List<?>) {
                    Map<String, Object> p = (Map<String, Object>) pm;
                    String color = COLORS[k++ % COLORS.length];
                    boolean peer = p.get("editToPeerLatencyMs") != null;
                    series.add(interval(p, side + (peer ? " peer p50" : " ack p50"), color, true,
                            peer ? "peerP50" : "ackP50"));
                    series.add(interval(p, side + (peer ? " peer p99" : " ack p99"), color, false,
                            peer ? "peerP99" : "ackP99"));
                }
            }
            if (!series.isEmpty()) {
                sb.append(Svg.lines(s.get("scenario") + ": latency per second (ms, log)", "seconds", "ms", series,
                        true));
            }
        }
        sb.append("<h2>Summary</h2>\n<pre>").append(Svg.esc(summary)).append("</pre>\n");
        sb.append("<h2>results.json</h2>\n<pre>").append(Svg.esc(json(r, 0))).append("</pre>\n</body></html>\n");
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Svg.Series interval(Map<String, Object> p, String name, String color, boolean dashed,
            String key) {
        List<Object> list = (List<Object>) p.get("intervals");
        double[] x = new double[list.size()];
        double[] y = new double[list.size()];
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> iv = (Map<String, Object>) list.get(i);
            x[i] = ((Number) iv.get("t")).doubleValue();
            y[i] = ((Number) iv.get(key)).doubleValue();
        }
        return new Svg.Series(name, color, x, y, dashed);
    }

    // ---- JSON

    static String json(Object o, int indent) {
        StringBuilder sb = new StringBuilder();
        json(sb, o, indent);
        return sb.toString();
    }

    private static void json(StringBuilder sb, Object o, int indent) {
        if (o == null) {
            sb.append("null");
        } else if (o instanceof String s) {
            sb.append('"');
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    default -> {
                        if (ch < 0x20) {
                            sb.append(String.format("\\u%04x", (int) ch));
                        } else {
                            sb.append(ch);
                        }
                    }
                }
            }
            sb.append('"');
        } else if (o instanceof Double d) {
            sb.append(Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue())
                    : d.toString()) : "null");
        } else if (o instanceof Number || o instanceof Boolean) {
            sb.append(o);
        } else if (o instanceof Map<?, ?> m) {
            boolean flat = m.values().stream().allMatch(v -> v == null || v instanceof Number || v instanceof Boolean);
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ",");
                first = false;
                if (!flat) {
                    sb.append('\n').append("  ".repeat(indent + 1));
                }
                json(sb, String.valueOf(e.getKey()), 0);
                sb.append(flat ? ":" : ": ");
                json(sb, e.getValue(), indent + 1);
            }
            if (!flat && !m.isEmpty()) {
                sb.append('\n').append("  ".repeat(indent));
            }
            sb.append('}');
        } else if (o instanceof List<?> l) {
            boolean flat = l.stream().allMatch(v -> !(v instanceof Map || v instanceof List));
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ",");
                if (!flat) {
                    sb.append('\n').append("  ".repeat(indent + 1));
                }
                json(sb, l.get(i), indent + 1);
            }
            if (!flat && !l.isEmpty()) {
                sb.append('\n').append("  ".repeat(indent));
            }
            sb.append(']');
        } else {
            json(sb, o.toString(), indent);
        }
    }
}
