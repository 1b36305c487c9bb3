package dev.coedit.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets of issue 7, each with the measured value, pass or fail and how far it is; and each Coedit figure as
 * a fraction of the raw baseline measured beside it.
 */
final class Targets {

    private Targets() {
    }

    @SuppressWarnings("unchecked")
    static void evaluate(Map<String, Object> results, Options o) {
        List<Map<String, Object>> scenarios = (List<Map<String, Object>>) results.get("scenarios");
        List<Map<String, Object>> targets = new ArrayList<>();
        boolean converged = true;
        int coeditPhases = 0;
        for (Map<String, Object> s : scenarios) {
            for (String side : List.of("coedit", "control")) {
                Map<String, Object> c = (Map<String, Object>) s.get(side);
                if (c != null && c.get("convergence") instanceof Map<?, ?> conv) {
                    coeditPhases++;
                    converged &= Boolean.TRUE.equals(conv.get("passed"));
                }
            }
            vsRaw(s);
        }
        results.put("convergencePassed", converged && coeditPhases > 0);

        String[] hotNames = {"40x5", "200x4"};
        double[] hotBounds = {50, 150};
        for (int i = 0; i < Math.min(2, o.hot().size()); i++) {
            String ran = (int) o.hot().get(i)[0] + "x" + Bench.fmt(o.hot().get(i)[1]);
            Map<String, Object> c = coedit(scenarios, "hot-" + ran);
            targets.add(below("hot-" + hotNames[i], "one document, " + hotNames[i].replace("x", " editors x ")
                    + " ops/s: edit-to-peer p99", ran, hotNames[i], hotBounds[i], "ms",
                    c == null ? null : num(c, "editToPeerLatencyMs", "p99"), saturated(c)));
        }
        String many = (int) o.many()[0] + "x" + (int) o.many()[1] + "x" + Bench.fmt(o.many()[2]);
        Map<String, Object> m = coedit(scenarios, "many-" + many);
        targets.add(below("many-1000x3x2.5", "1,000 documents x 3 editors x 2.5 ops/s: edit-to-peer p99", many,
                "1000x3x2.5", 100, "ms", m == null ? null : num(m, "editToPeerLatencyMs", "p99"), saturated(m)));
        Map<String, Object> idle = coedit(scenarios, "idle-" + o.idle());
        Double perSession = idle == null ? null : num(idle, "heapBytesPerSession");
        targets.add(below("idle-10000", "10,000 idle sessions: heap per session", Integer.toString(o.idle()),
                "10000", 20, "KB", perSession == null ? null : perSession / 1024, null));
        String fan = (int) o.fanout()[0] + "x" + Bench.fmt(o.fanout()[1]);
        Map<String, Object> fs = scenario(scenarios, "fanout-" + fan);
        Double share = null;
        if (fs != null && fs.get("vsRaw") instanceof Map<?, ?> v && v.get("framesPerSecond") instanceof Number n) {
            share = n.doubleValue() * 100;
        }
        targets.add(atLeast("fanout-100", "fan-out to a room of 100: frames/s as a share of the raw baseline's "
                + "(per-session sendText)", "room of " + (int) o.fanout()[0], "room of 100", 60, "%", share,
                saturated(fs == null ? null : (Map<String, Object>) fs.get("coedit"))));
        String dur = (int) o.durable()[0] + "x" + Bench.fmt(o.durable()[1]);
        Map<String, Object> d = coedit(scenarios, "durable-" + dur);
        targets.add(atLeast("durable", "durable acknowledged ops/s (an ack is sent once the commit is stored in the "
                + "server's database)", dur, "any", 10_000, "ops/s", d == null ? null : num(d, "acksPerSecond"), saturated(d)));
        String large = "large-" + o.largeMb() + "MB-" + (int) o.largeEditors()[0] + "x"
                + Bench.fmt(o.largeEditors()[1]);
        Map<String, Object> ls = scenario(scenarios, large);
        Double extra = null;
        if (ls != null && ls.get("coedit") instanceof Map<?, ?> lc && ls.get("control") instanceof Map<?, ?> cc) {
            Double a = num((Map<String, Object>) lc, "ackLatencyMs", "p50");
            Double b = num((Map<String, Object>) cc, "ackLatencyMs", "p50");
            if (a != null && b != null) {
                extra = (a - b) * 1000;
                Map<String, Object> est = new LinkedHashMap<>();
                est.put("ackP50MsLarge", a);
                est.put("ackP50MsEmpty", b);
                est.put("extraMicrosPerOp", Load.round(extra));
                ls.put("perOpEstimate", est);
            }
        }
        targets.add(below("large-10MB", "one op on a " + o.largeMb() + " MB document (ack p50 on it minus ack p50 "
                + "on an empty one; JMH gives the pure op)", o.largeMb() + " MB", "10 MB", 100, "µs",
                extra == null ? null : Math.max(0, extra), null));
        results.put("targets", targets);
    }

    /** A note for a target whose phase saturated the load generator, or null. */
    private static String saturated(Map<String, Object> phase) {
        return phase != null && Boolean.TRUE.equals(phase.get("generatorSaturated")) ? "load generator saturated"
                : null;
    }

    /** Coedit's figure divided by the raw baseline's, for throughput and latency. */
    @SuppressWarnings("unchecked")
    private static void vsRaw(Map<String, Object> s) {
        if (!(s.get("coedit") instanceof Map<?, ?> cm) || !(s.get("raw") instanceof Map<?, ?> rm)) {
            return;
        }
        Map<String, Object> c = (Map<String, Object>) cm;
        Map<String, Object> r = (Map<String, Object>) rm;
        Map<String, Object> v = new LinkedHashMap<>();
        ratio(v, "framesPerSecond", num(c, "framesPerSecond"), num(r, "framesPerSecond"));
        ratio(v, "acksPerSecond", num(c, "acksPerSecond"), num(r, "acksPerSecond"));
        ratio(v, "editToPeerP50", num(c, "editToPeerLatencyMs", "p50"), num(r, "editToPeerLatencyMs", "p50"));
        ratio(v, "editToPeerP99", num(c, "editToPeerLatencyMs", "p99"), num(r, "editToPeerLatencyMs", "p99"));
        ratio(v, "ackP99", num(c, "ackLatencyMs", "p99"), num(r, "ackLatencyMs", "p99"));
        ratio(v, "serverCpuPercent", num(c, "serverCpuPercent"), num(r, "serverCpuPercent"));
        ratio(v, "heapBytesPerSession", num(c, "heapBytesPerSession"), num(r, "heapBytesPerSession"));
        if (s.get("rawBroadcast") instanceof Map<?, ?> bm) {
            ratio(v, "framesPerSecondVsBroadcast", num(c, "framesPerSecond"),
                    num((Map<String, Object>) bm, "framesPerSecond"));
        }
        s.put("vsRaw", v);
    }

    private static void ratio(Map<String, Object> v, String key, Double a, Double b) {
        if (a != null && b != null && b > 0) {
            v.put(key, Math.round(a / b * 1000) / 1000.0);
        }
    }

    private static Map<String, Object> below(String id, String what, String ran, String wanted, double bound,
            String unit, Double measured, String note) {
        Map<String, Object> t = base(id, what, ran, wanted, "< " + Bench.fmt(bound) + " " + unit, measured, unit,
                note);
        if (measured != null) {
            boolean ok = measured < bound;
            t.put("passed", ok);
            t.put("gap", ok ? String.format("met: %.0f%% of the bound", measured / bound * 100)
                    : String.format("%.1fx the bound, %s %s over", measured / bound, Bench.fmt(Load.round(measured
                    - bound)), unit));
        }
        return t;
    }

    private static Map<String, Object> atLeast(String id, String what, String ran, String wanted, double bound,
            String unit, Double measured, String note) {
        Map<String, Object> t = base(id, what, ran, wanted, ">= " + Bench.fmt(bound) + " " + unit, measured, unit,
                note);
        if (measured != null) {
            boolean ok = measured >= bound;
            t.put("passed", ok);
            t.put("gap", ok ? String.format("met: %.0f%% of the target", measured / bound * 100)
                    : String.format("%.0f%% of the target, %s %s short", measured / bound * 100,
                    Bench.fmt(Load.round(bound - measured)), unit));
        }
        return t;
    }

    private static Map<String, Object> base(String id, String what, String ran, String wanted, String target,
            Double measured, String unit, String note) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("what", what);
        t.put("target", target);
        t.put("measured", measured == null ? null : Load.round(measured));
        t.put("unit", unit);
        t.put("passed", null);
        t.put("gap", measured == null ? "not measured" : null);
        t.put("ranAt", ran);
        t.put("sizeMatchesTarget", wanted.equals("any") || wanted.equals(ran));
        t.put("note", note);
        return t;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> scenario(List<Map<String, Object>> scenarios, String name) {
        return scenarios.stream().filter(s -> name.equals(s.get("scenario"))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> coedit(List<Map<String, Object>> scenarios, String name) {
        Map<String, Object> s = scenario(scenarios, name);
        return s == null ? null : (Map<String, Object>) s.get("coedit");
    }

    @SuppressWarnings("unchecked")
    static Double num(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            if (!(o instanceof Map<?, ?> map)) {
                return null;
            }
            o = ((Map<String, Object>) map).get(p);
        }
        return o instanceof Number n ? n.doubleValue() : null;
    }
}
