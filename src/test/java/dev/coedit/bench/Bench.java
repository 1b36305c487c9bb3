package dev.coedit.bench;

import dev.coedit.editing.entity.Json;
import dev.coedit.editing.entity.ServerMessage;
import dev.coedit.ot.Insert;
import dev.coedit.ot.Skip;
import dev.coedit.ot.TextOp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load benchmark (issue 7): simulated typists drive a Coedit server over real WebSocket connections, and the
 * same loads drive a raw Tyrus fixture ({@link RawServer}) in the same run, so every figure can be read against
 * what the transport itself does on this machine at this time. Writes {@code results.json}, {@code report.html}
 * and {@code summary.txt} into the output folder and prints the summary.
 *
 * <p>By default it starts the standalone jar and the raw fixture as child JVMs pinned to core 0 and pins itself to
 * core 1, so that on a 2-core machine the load generator does not steal the server's CPU; both sides' CPU is
 * reported. Every phase is bounded in time; nothing waits forever. Options: {@link Options#USAGE}.
 */
public final class Bench {

    private static final Pattern RUNNING = Pattern.compile("^Coedit is running at (https?)://(\\S+?)/coedit/?$");

    private static final String SHARED_CONTAINER = "org.glassfish.tyrus.client.sharedContainer";
    private static final String JSON_PROVIDER = "jakarta.json.provider";

    private Bench() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Map<String, Object> results = run(options);
            System.exit(Boolean.TRUE.equals(results.get("convergencePassed")) ? 0 : 1);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs the benchmark; returns what results.json holds. */
    public static Map<String, Object> run(Options o) throws Exception {
        Files.createDirectories(o.out());
        // Every Tyrus client of this JVM, CoeditClient's included, on one shared transport.
        String shared = System.setProperty(SHARED_CONTAINER, "true");
        // dev.coedit.editing.entity.Json calls jakarta.json.Json.createReader for every message, which looks the
        // JSON-P provider up through ServiceLoader each time: on this JVM's class path of a hundred jars that
        // cost the load generator more than everything else. Naming the provider skips the scan (the server is
        // left as it is; --server-java-opts can do the same there).
        String provider = System.getProperty(JSON_PROVIDER);
        if (provider == null) {
            System.setProperty(JSON_PROVIDER, "org.eclipse.parsson.JsonProviderImpl");
        }
        Map<String, Object> machine = machine(o);
        String pinning = "none";
        ChildProcess server = null;
        ChildProcess raw = null;
        Load load = null;
        try {
            int core = -1;
            if (o.pin() && Runtime.getRuntime().availableProcessors() >= 2 && pinSelf(1)) {
                core = 0;
                pinning = "servers on core 0 (taskset -c 0), load generator on core 1 (taskset -a -p -c 1)";
            }
            URI coeditBase;
            long serverPid;
            if (o.url() != null) {
                coeditBase = URI.create(o.url().toString().replaceAll("/+$", ""));
                serverPid = o.serverPid() == null ? -1 : o.serverPid();
                if (o.url() != null) {
                    pinning = pinning.equals("none") ? "none" : "load generator on core 1; the server is not ours";
                }
            } else {
                server = startCoedit(o, core);
                Matcher m = RUNNING.matcher(server.address);
                if (!m.matches()) {
                    throw new IllegalStateException("unexpected line " + server.address);
                }
                coeditBase = URI.create((m.group(1).equals("https") ? "wss" : "ws") + "://" + m.group(2) + "/coedit");
                serverPid = server.pid();
                machine.put("serverCommand", String.join(" ", server.command));
            }
            URI rawBase = null;
            if (o.raw()) {
                raw = ChildProcess.start("raw", List.of("-cp", System.getProperty("java.class.path"),
                        RawServer.class.getName(), "0"), core, o.out().resolve("raw-server.log"),
                        line -> line.startsWith(RawServer.READY) ? line.substring(RawServer.READY.length()) : null);
                rawBase = URI.create("ws://127.0.0.1:" + raw.address.trim() + "/");
                machine.put("rawCommand", String.join(" ", raw.command));
            }
            machine.put("pinning", pinning);
            machine.put("coeditUrl", coeditBase.toString());
            machine.put("serverPid", serverPid);
            machine.put("serverCollector", serverPid > 0 ? ProcessStats.collector(serverPid) : "unknown");
            long rawPid = raw == null ? -1 : raw.pid();
            load = new Load(coeditBase, rawBase, () -> serverPid, () -> rawPid, o.deleteShare());
            Map<String, Object> results = scenarios(o, load, machine);
            Report.write(o.out(), results);
            System.out.println(Files.readString(o.out().resolve("summary.txt")));
            System.out.println("Results: " + o.out().toAbsolutePath());
            return results;
        } finally {
            if (load != null) {
                load.shutdown();
            }
            if (server != null) {
                server.close();
            }
            if (raw != null) {
                raw.close();
            }
            if (provider == null) {
                System.clearProperty(JSON_PROVIDER);
            }
            if (shared == null) {
                System.clearProperty(SHARED_CONTAINER);
            } else {
                System.setProperty(SHARED_CONTAINER, shared);
            }
        }
    }

    private static Map<String, Object> scenarios(Options o, Load load, Map<String, Object> machine)
            throws InterruptedException {
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("tool", "dev.coedit.bench.Bench");
        results.put("started", Instant.now().toString());
        results.put("machine", machine);
        results.put("options", options(o));
        int rawSkip = 20_000;
        int typical = typicalOpFrameBytes(rawSkip);
        results.put("typicalOpFrameBytes", typical);
        Duration d = o.duration();
        List<Map<String, Object>> phases = new ArrayList<>();
        long started = System.nanoTime();

        // JIT warm-up of server, fixture and client: not reported.
        if (o.warmup().toMillis() > 0) {
            log("warm-up " + o.warmup().toSeconds() + " s");
            load.run(new Load.Shape("warmup", Load.Target.COEDIT, 2, 10, 5, 0, o.warmup(), 0, rawSkip));
            if (o.raw()) {
                load.run(new Load.Shape("warmup", Load.Target.RAW_ROOM, 2, 10, 5, 0, o.warmup(), 0, rawSkip));
            }
        }
        for (String s : o.scenarios()) {
            switch (s) {
                case "hot" -> {
                    for (double[] h : o.hot()) {
                        String name = "hot-" + (int) h[0] + "x" + fmt(h[1]);
                        phases.add(pair(o, load, new Load.Shape(name, Load.Target.COEDIT, 1, (int) h[0], h[1], 0, d,
                                0, rawSkip), Load.Target.RAW_ROOM));
                    }
                }
                case "many" -> {
                    double[] m = o.many();
                    String name = "many-" + (int) m[0] + "x" + (int) m[1] + "x" + fmt(m[2]);
                    phases.add(pair(o, load, new Load.Shape(name, Load.Target.COEDIT, (int) m[0], (int) m[1], m[2],
                            0, d, 0, rawSkip), Load.Target.RAW_ROOM));
                }
                case "idle" -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("scenario", "idle-" + o.idle());
                    log("idle-" + o.idle() + ": coedit");
                    p.put("coedit", repeat(o, () -> load.idle("idle", false, o.idle(), o.idlePerDoc(), idleSettle(o),
                            idleWindow(o))));
                    if (o.raw()) {
                        log("idle-" + o.idle() + ": raw");
                        p.put("raw", repeat(o, () -> load.idle("idle-raw", true, o.idle(), o.idlePerDoc(),
                                idleSettle(o), idleWindow(o))));
                    }
                    phases.add(p);
                }
                case "large" -> {
                    double[] e = o.largeEditors();
                    int chars = o.largeMb() * 1_000_000;
                    Map<String, Object> p = new LinkedHashMap<>();
                    String name = "large-" + o.largeMb() + "MB-" + (int) e[0] + "x" + fmt(e[1]);
                    p.put("scenario", name);
                    log(name + ": coedit, " + o.largeMb() + " MB document");
                    // Closed loop, so that thousands of acks make the difference of two medians meaningful.
                    p.put("coedit", repeat(o, () -> load.run(new Load.Shape(name, Load.Target.COEDIT, 1, (int) e[0],
                            0, e[1], d, chars, rawSkip))));
                    log(name + ": coedit, empty document (control)");
                    p.put("control", repeat(o, () -> load.run(new Load.Shape(name + "-control", Load.Target.COEDIT,
                            1, (int) e[0], 0, e[1], d, 0, rawSkip))));
                    phases.add(p);
                }
                case "durable" -> {
                    double[] u = o.durable();
                    String name = "durable-" + (int) u[0] + "x" + fmt(u[1]);
                    phases.add(pair(o, load, new Load.Shape(name, Load.Target.COEDIT, (int) u[0], 1, 0, u[1], d, 0,
                            rawSkip), Load.Target.RAW_ECHO));
                }
                case "fanout" -> {
                    double[] f = o.fanout();
                    String name = "fanout-" + (int) f[0] + "x" + fmt(f[1]);
                    Load.Shape shape = new Load.Shape(name, Load.Target.COEDIT, 1, (int) f[0], 0, f[1], d, 0, rawSkip);
                    Map<String, Object> p = pair(o, load, shape, Load.Target.RAW_ROOM);
                    if (o.raw()) {
                        log(name + ": raw, framed once (TyrusSession.broadcast)");
                        p.put("rawBroadcast", repeat(o, () -> load.run(withTarget(shape, Load.Target.RAW_BROADCAST))));
                    }
                    phases.add(p);
                }
                default -> throw new IllegalStateException("scenario " + s + " passed the option check");
            }
        }
        results.put("scenarios", phases);
        results.put("wallSeconds", Load.round((System.nanoTime() - started) / 1e9));
        Targets.evaluate(results, o);
        return results;
    }

    private static Duration idleSettle(Options o) {
        return o.quick() ? Duration.ofMillis(500) : Duration.ofSeconds(3);
    }

    private static Duration idleWindow(Options o) {
        return o.quick() ? Duration.ofSeconds(1) : Duration.ofSeconds(10);
    }

    /** The raw baseline of a shape, then the shape on Coedit, back to back. */
    private static Map<String, Object> pair(Options o, Load load, Load.Shape shape, Load.Target rawTarget)
            throws InterruptedException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("scenario", shape.name());
        if (o.raw()) {
            log(shape.name() + ": raw " + rawTarget.name().toLowerCase());
            p.put("raw", repeat(o, () -> load.run(withTarget(shape, rawTarget))));
        }
        log(shape.name() + ": coedit");
        p.put("coedit", repeat(o, () -> load.run(shape)));
        return p;
    }

    private static Load.Shape withTarget(Load.Shape s, Load.Target t) {
        return new Load.Shape(s.name(), t, s.docs(), s.perDoc(), s.rate(), s.cap(), s.duration(), s.initialChars(),
                s.rawSkip());
    }

    interface Run {
        Map<String, Object> run() throws InterruptedException;
    }

    /** Runs {@code n} times; with more than one, the figures are the medians and the runs are kept. */
    private static Map<String, Object> repeat(Options o, Run run) throws InterruptedException {
        List<Map<String, Object>> runs = new ArrayList<>();
        for (int i = 0; i < o.repeat(); i++) {
            runs.add(run.run());
        }
        if (runs.size() == 1) {
            return runs.get(0);
        }
        Map<String, Object> median = Medians.of(runs);
        median.put("repeats", runs.size());
        median.put("runs", runs.stream().map(r -> {
            Map<String, Object> copy = new LinkedHashMap<>(r);
            copy.remove("intervals");
            return (Object) copy;
        }).toList());
        return median;
    }

    /** The size of the {@code op} frame Coedit sends for one typical keystroke. */
    static int typicalOpFrameBytes(int skip) {
        String json = Json.write(new ServerMessage.RemoteOp(12_345, TextOp.of(new Skip(skip),
                new Insert(Stamp.now())), "bench00000000001"));
        return json.length();
    }

    private static ChildProcess startCoedit(Options o, int core) throws IOException {
        Path data = o.out().resolve("data");
        Files.createDirectories(data);
        List<String> args = new ArrayList<>(o.serverJavaOpts());
        // Every simulated typist connects from 127.0.0.1: lift the limits per address (and per user) that protect a
        // real server, or the load would be refused past 512 connections, 100 handshakes and 2,000 messages a second.
        args.addAll(List.of("-Dcoedit.max.connections.per.address=1000000", "-Dcoedit.max.connections.per.user=1000000",
                "-Dcoedit.handshakes.per.second=1000000", "-Dcoedit.rate.per.second.per.address=100000000",
                "-Dcoedit.rate.per.second.per.user=100000000"));
        if (!o.serverFromClasspath() && Files.isRegularFile(o.jar())) {
            args.addAll(List.of("-jar", o.jar().toString()));
        } else {
            if (!o.serverFromClasspath()) {
                log(o.jar() + " not found: starting the server from the class path (build the jar with package)");
            }
            args.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.coedit.standalone.Main"));
        }
        args.addAll(List.of("--port", "0", "--data-dir", data.toString()));
        return ChildProcess.start("coedit", args, core, o.out().resolve("server.log"),
                line -> RUNNING.matcher(line).matches() ? line : null);
    }

    /** Pins every thread of this JVM to one core (threads started later inherit it). */
    private static boolean pinSelf(int core) {
        try {
            Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(core),
                    Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, Object> machine(Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", firstMatch(Path.of("/proc/cpuinfo"), "model name\\s*:\\s*(.+)"));
        m.put("memTotal", firstMatch(Path.of("/proc/meminfo"), "MemTotal:\\s*(.+)"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("loadAverageAtStart", firstMatch(Path.of("/proc/loadavg"), "^(\\S+ \\S+ \\S+)"));
        m.put("benchPid", ProcessHandle.current().pid());
        return m;
    }

    private static String firstMatch(Path file, String regex) {
        try {
            Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(Files.readString(file));
            return m.find() ? m.group(1).trim() : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Map<String, Object> options(Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scenarios", List.copyOf(o.scenarios()));
        m.put("url", o.url() == null ? null : o.url().toString());
        m.put("serverJavaOpts", o.serverJavaOpts());
        m.put("hot", o.hot().stream().map(h -> (int) h[0] + "x" + fmt(h[1])).toList());
        m.put("many", (int) o.many()[0] + "x" + (int) o.many()[1] + "x" + fmt(o.many()[2]));
        m.put("idle", o.idle());
        m.put("idlePerDocument", o.idlePerDoc());
        m.put("largeMb", o.largeMb());
        m.put("largeEditors", (int) o.largeEditors()[0] + "x" + fmt(o.largeEditors()[1]));
        m.put("durable", (int) o.durable()[0] + "x" + fmt(o.durable()[1]));
        m.put("fanout", (int) o.fanout()[0] + "x" + fmt(o.fanout()[1]));
        m.put("durationSeconds", o.duration().toMillis() / 1000.0);
        m.put("warmupSeconds", o.warmup().toMillis() / 1000.0);
        m.put("repeat", o.repeat());
        m.put("deleteShare", o.deleteShare());
        m.put("quick", o.quick());
        return m;
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static void log(String what) {
        System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), what);
    }
}
