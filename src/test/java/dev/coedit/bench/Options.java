package dev.coedit.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The benchmark's command line. Sizes are written {@code AxB}: {@code --hot 40x5,200x4} is 40 editors at 5/s, then 200 at 4/s. */
record Options(Set<String> scenarios, URI url, Long serverPid, Path jar, boolean serverFromClasspath, Path out,
        List<double[]> hot, double[] many, int idle, int idlePerDoc, int largeMb, double[] largeEditors,
        double[] durable, double[] fanout, Duration duration, Duration warmup, int repeat, boolean pin, boolean raw,
        double deleteShare, boolean quick, List<String> serverJavaOpts) {

    static final List<String> ALL = List.of("hot", "many", "idle", "large", "durable", "fanout");

    static final String USAGE = """
            Usage: Bench [options]          (mvn -B -q -Pbench -DskipTests package exec:exec -Dbench.args="...")

              --scenarios LIST     which to run, in this order: hot,many,idle,large,durable,fanout (default all)
              --url URL            drive a running server, e.g. ws://127.0.0.1:8080/coedit (default: start
                                   target/coedit-standalone.jar on a free port, pinned to core 0)
              --server-pid PID     with --url: read that process's CPU, RSS and heap
              --jar PATH           the standalone jar (default target/coedit-standalone.jar)
              --server-classpath   start the server from this JVM's class path instead of the jar
              --server-java-opts S JVM options for the server we start, space-separated (e.g. "-Xmx512m")
              --out DIR            where results go (default target/bench/<timestamp>)
              --hot LIST           one document: editors x ops/s per editor (default 40x5,200x4)
              --many DxExR         documents x editors x ops/s (default 1000x3x2.5)
              --idle N             idle sessions (default 10000), --idle-per-doc N of them per document (10)
              --large-mb N         size of the large document (default 10); --large-editors ExC: E editors
                                   typing again on every ack, at most C ops/s each (default 4x80), on it and
                                   on an empty document
              --durable DxC        documents with one editor each, typing again on every ack, at most C ops/s
                                   each (default 200x80; the server's limit is 100 messages/s per connection)
              --fanout NxC         one room of N editors, closed loop at most C ops/s each (default 100x20)
              --duration D         measured time of each load phase (default 20s)
              --warmup D           unmeasured load first (default 5s)
              --repeat N           run every scenario N times; figures are the medians (default 1)
              --delete-share F     share of keystrokes that also delete the next character (default 0.1)
              --no-pin             do not pin server and load generator to separate cores
              --no-raw             skip the raw Tyrus baseline
              --quick              tiny sizes and 2 s phases (the smoke test)
              --help""";

    static Options parse(String... args) {
        Set<String> scenarios = new LinkedHashSet<>(ALL);
        URI url = null;
        Long serverPid = null;
        Path jar = Path.of("target", "coedit-standalone.jar");
        boolean fromClasspath = false;
        Path out = null;
        String hot = "40x5,200x4";
        String many = "1000x3x2.5";
        int idle = 10_000;
        int idlePerDoc = 10;
        int largeMb = 10;
        String largeEditors = "4x80";
        String durable = "200x80";
        String fanout = "100x20";
        Duration duration = Duration.ofSeconds(20);
        Duration warmup = Duration.ofSeconds(5);
        int repeat = 1;
        boolean pin = true;
        boolean raw = true;
        double deleteShare = 0.1;
        boolean quick = false;
        List<String> serverJavaOpts = List.of();
        List<String> list = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=")) {
                list.add(a.substring(0, a.indexOf('=')));
                list.add(a.substring(a.indexOf('=') + 1));
            } else if (!a.isBlank()) {
                list.add(a);
            }
        }
        // --quick first, so that explicit sizes after it still win.
        if (list.contains("--quick")) {
            quick = true;
            hot = "6x5,10x4";
            many = "20x3x2.5";
            idle = 200;
            largeMb = 1;
            largeEditors = "3x50";
            durable = "10x50";
            fanout = "12x20";
            duration = Duration.ofMillis(1500);
            warmup = Duration.ofMillis(500);
        }
        for (int i = 0; i < list.size(); i++) {
            String flag = list.get(i);
            switch (flag) {
                case "--quick" -> { }
                case "--help", "-h", "help" -> throw new IllegalArgumentException(USAGE);
                case "--no-pin" -> pin = false;
                case "--no-raw" -> raw = false;
                case "--server-classpath" -> fromClasspath = true;
                default -> {
                    if (i + 1 >= list.size()) {
                        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
                    }
                    String v = list.get(++i);
                    switch (flag) {
                        case "--scenarios" -> {
                            scenarios = new LinkedHashSet<>(List.of(v.split(",")));
                            for (String s : scenarios) {
                                if (!ALL.contains(s)) {
                                    throw new IllegalArgumentException("unknown scenario " + s + "; known: " + ALL);
                                }
                            }
                        }
                        case "--url" -> url = URI.create(v);
                        case "--server-java-opts" -> serverJavaOpts = List.of(v.trim().split("\\s+"));
                        case "--server-pid" -> serverPid = Long.parseLong(v);
                        case "--jar" -> jar = Path.of(v);
                        case "--out" -> out = Path.of(v);
                        case "--hot" -> hot = v;
                        case "--many" -> many = v;
                        case "--idle" -> idle = Integer.parseInt(v);
                        case "--idle-per-doc" -> idlePerDoc = Integer.parseInt(v);
                        case "--large-mb" -> largeMb = Integer.parseInt(v);
                        case "--large-editors" -> largeEditors = v;
                        case "--durable" -> durable = v;
                        case "--fanout" -> fanout = v;
                        case "--duration" -> duration = duration(v);
                        case "--warmup" -> warmup = duration(v);
                        case "--repeat" -> repeat = Integer.parseInt(v);
                        case "--delete-share" -> deleteShare = Double.parseDouble(v);
                        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
                    }
                }
            }
        }
        List<double[]> hots = new ArrayList<>();
        for (String h : hot.split(",")) {
            hots.add(sizes(h, 2, "--hot"));
        }
        if (out == null) {
            out = Path.of("target", "bench", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        return new Options(scenarios, url, serverPid, jar, fromClasspath, out, hots, sizes(many, 3, "--many"), idle,
                idlePerDoc, largeMb, sizes(largeEditors, 2, "--large-editors"), sizes(durable, 2, "--durable"),
                sizes(fanout, 2, "--fanout"), duration, warmup, Math.max(1, repeat), pin, raw, deleteShare, quick,
                serverJavaOpts.stream().filter(x -> !x.isBlank()).toList());
    }

    private static double[] sizes(String v, int n, String flag) {
        String[] parts = v.toLowerCase().split("x");
        if (parts.length != n) {
            throw new IllegalArgumentException(flag + " wants " + n + " numbers joined by x, was " + v);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = Double.parseDouble(parts[i]);
        }
        return d;
    }

    /** {@code 20s}, {@code 500ms}, {@code 2m} or plain seconds. */
    static Duration duration(String v) {
        String s = v.trim().toLowerCase();
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
        }
        if (s.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)) * 60);
        }
        return Duration.ofMillis((long) (Double.parseDouble(s) * 1000));
    }
}
