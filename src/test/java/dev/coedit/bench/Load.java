package dev.coedit.bench;

import dev.coedit.client.CoeditClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * Runs one load phase: connects the typists, drives them for a bounded time, lets the last edits arrive (bounded
 * too), checks that every replica holds the same text, and turns the {@link Phase} into figures.
 */
final class Load {

    /** Where a phase's connections go. */
    enum Target { COEDIT, RAW_ROOM, RAW_BROADCAST, RAW_ECHO }

    /** How long the last edits may take to arrive after the keystrokes stop. */
    static final Duration SETTLE = Duration.ofSeconds(30);
    static final Duration CONNECT = Duration.ofSeconds(30);
    private static final AtomicLong IDS = new AtomicLong();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

    final URI coeditBase;
    final URI rawBase;
    final LongSupplier serverPid;
    final LongSupplier rawPid;
    final double deleteShare;
    final ScheduledExecutorService timer;
    private final ExecutorService connectors = Executors.newFixedThreadPool(16, daemon("bench-connect"));
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemon("bench-sampler"));

    Load(URI coeditBase, URI rawBase, LongSupplier serverPid, LongSupplier rawPid, double deleteShare) {
        this.coeditBase = coeditBase;
        this.rawBase = rawBase;
        this.serverPid = serverPid;
        this.rawPid = rawPid;
        this.deleteShare = deleteShare;
        this.timer = Executors.newScheduledThreadPool(2, daemon("bench-typist"));
    }

    /** A phase's shape. {@code rate} > 0: each editor types that often; 0: closed loop at most {@code cap}/s. */
    record Shape(String name, Target target, int docs, int perDoc, double rate, double cap, Duration duration,
            int initialChars, int rawSkip) {
    }

    /** Runs one phase and returns its figures. */
    Map<String, Object> run(Shape shape) throws InterruptedException {
        Phase phase = new Phase(shape.name);
        long pid = shape.target == Target.COEDIT ? serverPid.getAsLong() : rawPid.getAsLong();
        long gap = shape.rate > 0 ? 0 : (long) (1e9 / shape.cap);
        String prefix = shape.name.replaceAll("[^A-Za-z0-9]", "") + "-" + RUN + "-" + IDS.incrementAndGet();
        long connectStart = System.nanoTime();
        List<List<Editor>> docs = connect(shape, phase, prefix, gap);
        double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
        int connected = docs.stream().mapToInt(List::size).sum();
        List<Editor> all = docs.stream().flatMap(List::stream).toList();

        // Measure.
        long start = System.nanoTime();
        Sampler s = new Sampler(phase, pid, start);
        ScheduledFuture<?> ticks = sampler.scheduleAtFixedRate(s::tick, 1, 1, TimeUnit.SECONDS);
        List<ScheduledFuture<?>> typing = new ArrayList<>();
        Random random = new Random(42);
        for (Editor e : all) {
            if (shape.rate > 0) {
                long period = (long) (1e9 / shape.rate);
                long offset = (long) (random.nextDouble() * period);
                long first = System.nanoTime() + offset;
                AtomicLong k = new AtomicLong();
                typing.add(timer.scheduleAtFixedRate(() -> {
                    phase.recordLag(System.nanoTime() - (first + k.getAndIncrement() * period));
                    e.type();
                }, offset, period, TimeUnit.NANOSECONDS));
            } else {
                timer.schedule(e::type, random.nextInt(100), TimeUnit.MILLISECONDS);
            }
        }
        Thread.sleep(shape.duration.toMillis());
        phase.running = false;
        typing.forEach(t -> t.cancel(false));
        double typedSeconds = (System.nanoTime() - start) / 1e9;
        long editsWhileTyping = phase.edits.sum();
        long acksWhileTyping = phase.acks.sum();
        long framesWhileTyping = phase.frames.sum();
        double serverCpuTyping = s.cpuPercent(pid);
        double clientCpuTyping = s.cpuPercent(ProcessHandle.current().pid());

        // Let the last edits arrive.
        long settleStart = System.nanoTime();
        long peers = shape.target == Target.RAW_ECHO ? 0 : Math.max(0, shape.perDoc - 1);
        boolean settled = awaitSettled(docs, shape.target == Target.COEDIT, () -> phase.stamps.sum() >= phase.edits.sum() * peers);
        double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
        ticks.cancel(false);
        s.tick();

        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", shape.name);
        f.put("target", shape.target.name().toLowerCase());
        f.put("documents", shape.docs);
        f.put("editorsPerDocument", shape.perDoc);
        f.put("connections", connected);
        f.put("connectionsWanted", shape.docs * shape.perDoc);
        f.put("connectSeconds", round(connectSeconds));
        f.put("ratePerEditor", shape.rate > 0 ? shape.rate : null);
        f.put("closedLoopCapPerEditor", shape.rate > 0 ? null : shape.cap);
        f.put("offeredEditsPerSecond", shape.rate > 0 ? round(shape.rate * shape.docs * shape.perDoc) : null);
        f.put("seconds", round(typedSeconds));
        f.put("edits", phase.edits.sum());
        f.put("submits", phase.submits.sum());
        f.put("acks", phase.acks.sum());
        f.put("editsPerSecond", round(editsWhileTyping / typedSeconds));
        f.put("acksPerSecond", round(acksWhileTyping / typedSeconds));
        f.put("framesDelivered", phase.frames.sum());
        f.put("framesPerSecond", round(framesWhileTyping / typedSeconds));
        f.put("averageFrameBytes", phase.frames.sum() == 0 ? null : round((double) phase.frameBytes.sum() / phase.frames.sum()));
        long expected = phase.edits.sum() * Math.max(0, shape.perDoc - 1);
        f.put("stampsDelivered", phase.stamps.sum());
        f.put("stampsExpected", shape.target == Target.RAW_ECHO ? 0 : expected);
        f.put("ackLatencyMs", percentiles(phase.ackTotal));
        f.put("editToPeerLatencyMs", shape.perDoc > 1 ? percentiles(phase.peerTotal) : null);
        f.put("generatorLagMs", percentiles(phase.lagTotal));
        // A load generator that used nearly its whole core, or typed late, measured itself as much as the server.
        f.put("generatorSaturated", clientCpuTyping >= 85 || Phase.ms(phase.lagTotal, 99) > 100);
        f.put("serverCpuPercent", serverCpuTyping);
        f.put("clientCpuPercent", clientCpuTyping);
        f.put("serverRssMbMax", s.maxRssMb);
        // After a full GC (jcmd GC.run): the live heap, not wherever the collector happened to be.
        f.put("serverHeapMbUsed", mb(ProcessStats.heapUsedBytes(pid, true)));
        f.put("settled", settled);
        f.put("settleSeconds", round(settleSeconds));
        if (shape.target == Target.COEDIT) {
            f.put("convergence", converge(docs, prefix));
        }
        Map<String, Long> errors = new LinkedHashMap<>();
        phase.errors.forEach((k, v) -> errors.put(k, v.sum()));
        if (connected < shape.docs * shape.perDoc) {
            errors.merge("connect failed", (long) (shape.docs * shape.perDoc - connected), Long::sum);
        }
        f.put("errors", errors);
        f.put("errorCount", errors.values().stream().mapToLong(Long::longValue).sum());
        f.put("intervals", intervals(phase));
        closeAll(all);
        return f;
    }

    private List<List<Editor>> connect(Shape shape, Phase phase, String prefix, long gap) throws InterruptedException {
        if (shape.initialChars > 0) {
            // Built by a client of its own, so that its acknowledgements stay out of the phase's figures. The server
            // keeps a document after its last editor leaves.
            for (int d = 0; d < shape.docs; d++) {
                Phase building = new Phase("build");
                try (CoeditEditor builder = CoeditEditor.connect(coeditBase, prefix + "-" + d,
                        "builder" + IDS.incrementAndGet(), building, timer, 0, 0, CONNECT)) {
                    build(builder, shape.initialChars);
                } catch (Exception e) {
                    if (e instanceof InterruptedException ie) {
                        throw ie;
                    }
                    phase.error("building the document: " + rootMessage(e));
                }
            }
        }
        List<List<Future<Editor>>> pending = new ArrayList<>();
        for (int d = 0; d < shape.docs; d++) {
            String doc = prefix + "-" + d;
            List<Future<Editor>> editors = new ArrayList<>();
            for (int e = 0; e < shape.perDoc; e++) {
                editors.add(connectors.submit(() -> open(shape, phase, doc, gap)));
            }
            pending.add(editors);
        }
        List<List<Editor>> docs = new ArrayList<>();
        for (List<Future<Editor>> doc : pending) {
            List<Editor> editors = new ArrayList<>();
            for (Future<Editor> f : doc) {
                Editor ed = get(f, phase);
                if (ed != null) {
                    editors.add(ed);
                }
            }
            docs.add(editors);
        }
        return docs;
    }

    private Editor get(Future<Editor> f, Phase phase) throws InterruptedException {
        try {
            return f.get(CONNECT.toSeconds() * 4, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException ie) {
                throw ie;
            }
            f.cancel(true);
            phase.error("connect: " + rootMessage(e));
            return null;
        }
    }

    private Editor open(Shape shape, Phase phase, String doc, long gap) throws Exception {
        String id = String.format("bench%011d", IDS.incrementAndGet());
        return switch (shape.target) {
            case COEDIT -> CoeditEditor.connect(coeditBase, doc, id, phase, timer, gap, deleteShare, CONNECT);
            case RAW_ROOM -> RawEditor.connect(rawBase, "raw/room/" + doc, id, phase, timer, gap, shape.rawSkip);
            case RAW_BROADCAST -> RawEditor.connect(rawBase, "raw/bcast/" + doc, id, phase, timer, gap,
                    shape.rawSkip);
            case RAW_ECHO -> RawEditor.connect(rawBase, "raw/echo", id, phase, timer, gap, shape.rawSkip);
        };
    }

    /** Types a document of {@code chars} characters of prose, one acknowledged chunk at a time. */
    private static void build(CoeditEditor editor, int chars) throws Exception {
        String[] words = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "then", "writes",
                "a", "long", "document", "together", "with", "friends", "in", "real", "time.\n"};
        Random r = new Random(7);
        int chunk = 50_000; // well under the 65,536-byte message limit
        int done = 0;
        StringBuilder sb = new StringBuilder(chunk + 16);
        while (done < chars) {
            sb.setLength(0);
            int want = Math.min(chunk, chars - done);
            while (sb.length() < want) {
                sb.append(words[r.nextInt(words.length)]).append(' ');
            }
            sb.setLength(want);
            editor.insertAndWait(sb.toString(), CONNECT);
            done += want;
        }
    }

    /**
     * Waits until every edit is acknowledged, every replica of a document is at the same version, and every
     * keystroke reached every peer (an acknowledgement does not mean the peers have it yet).
     */
    private boolean awaitSettled(List<List<Editor>> docs, boolean versions, java.util.function.BooleanSupplier delivered)
            throws InterruptedException {
        long end = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < end) {
            boolean all = delivered.getAsBoolean();
            for (List<Editor> doc : docs) {
                long v = -2;
                for (Editor e : doc) {
                    if (!e.settled() || (versions && v != -2 && e.version() != v)) {
                        all = false;
                        break;
                    }
                    v = e.version();
                }
                if (!all) {
                    break;
                }
            }
            if (all) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /**
     * Every replica of a document holds the same text, and so does a newcomer: for up to 20 documents a fresh
     * {@link CoeditClient} (the project's Java client) joins and its snapshot must match.
     */
    private Map<String, Object> converge(List<List<Editor>> docs, String prefix) {
        int checked = 0;
        int diverged = 0;
        int newcomers = 0;
        int newcomerMismatches = 0;
        List<String> problems = new ArrayList<>();
        for (int d = 0; d < docs.size(); d++) {
            List<Editor> doc = docs.get(d);
            if (doc.isEmpty()) {
                continue;
            }
            checked++;
            String first = doc.get(0).text();
            boolean same = first != null && doc.stream().allMatch(e -> first.equals(e.text()));
            if (!same) {
                diverged++;
                if (problems.size() < 5) {
                    problems.add("document " + prefix + "-" + d + ": replicas differ (lengths "
                            + doc.stream().map(e -> e.text() == null ? "none" : Integer.toString(e.text().length()))
                            .toList() + ")");
                }
            }
            if (d < 20 && first != null) {
                newcomers++;
                String fresh = newcomerText(prefix + "-" + d, first.length());
                if (!first.equals(fresh)) {
                    newcomerMismatches++;
                    if (problems.size() < 5) {
                        problems.add("document " + prefix + "-" + d + ": a newcomer sees " + (fresh == null
                                ? "nothing" : fresh.length() + " chars") + ", the editors " + first.length());
                    }
                }
            }
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("documentsChecked", checked);
        c.put("documentsDiverged", diverged);
        c.put("newcomersChecked", newcomers);
        c.put("newcomerMismatches", newcomerMismatches);
        c.put("passed", checked > 0 && diverged == 0 && newcomerMismatches == 0);
        c.put("problems", problems);
        return c;
    }

    private String newcomerText(String doc, int length) {
        URI uri = Editor.Transport.docUri(coeditBase, doc);
        if (length < 1_000_000) { // CoeditClient keeps Tyrus's default 4 MiB frame buffer
            try (CoeditClient c = CoeditClient.builder(uri).name("checker").connect(CONNECT)) {
                return c.text();
            } catch (Exception e) {
                return null;
            }
        }
        Phase ignored = new Phase("newcomer");
        try (CoeditEditor c = CoeditEditor.connect(coeditBase, doc, "checker" + IDS.incrementAndGet(), ignored,
                timer, 0, 0, CONNECT)) {
            return c.text();
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * C idle sessions through the project's {@link CoeditClient}, {@code perDoc} to a document; the server's heap
     * after a full GC, with them and before them, gives the memory per session.
     */
    Map<String, Object> idle(String name, boolean raw, int count, int perDoc, Duration settle, Duration window)
            throws InterruptedException {
        long pid = raw ? rawPid.getAsLong() : serverPid.getAsLong();
        String prefix = name + "-" + RUN + "-" + IDS.incrementAndGet();
        OptionalLong heapBefore = ProcessStats.heapUsedBytes(pid, true);
        OptionalLong rssBefore = ProcessStats.rssBytes(pid);
        OptionalDouble cpuBefore = ProcessStats.cpuSeconds(pid);
        Phase phase = new Phase(name);
        long start = System.nanoTime();
        List<Future<AutoCloseable>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String doc = prefix + "-" + (i / Math.max(1, perDoc));
            pending.add(connectors.submit(() -> {
                if (raw) {
                    return RawEditor.connect(rawBase, "raw/room/" + doc, "idle" + IDS.incrementAndGet(), phase,
                            timer, 0, 0);
                }
                return CoeditClient.builder(Editor.Transport.docUri(coeditBase, doc)).name("idle")
                        .connect(CONNECT);
            }));
        }
        List<AutoCloseable> sessions = new ArrayList<>();
        for (Future<AutoCloseable> f : pending) {
            try {
                sessions.add(f.get(CONNECT.toSeconds() * 4, TimeUnit.SECONDS));
            } catch (Exception e) {
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                phase.error("connect: " + rootMessage(e));
            }
        }
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        double cpuConnect = ProcessStats.cpuSeconds(pid).orElse(Double.NaN) - cpuBefore.orElse(Double.NaN);
        Thread.sleep(settle.toMillis()); // let joins and presence settle
        OptionalDouble cpuIdleStart = ProcessStats.cpuSeconds(pid);
        Thread.sleep(window.toMillis());
        double idleCpu = (ProcessStats.cpuSeconds(pid).orElse(Double.NaN) - cpuIdleStart.orElse(Double.NaN))
                / (window.toMillis() / 1000.0) * 100;
        OptionalLong heapWith = ProcessStats.heapUsedBytes(pid, true);
        OptionalLong rssWith = ProcessStats.rssBytes(pid);
        int open = sessions.size();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", name);
        f.put("target", raw ? "raw_room" : "coedit");
        f.put("sessions", open);
        f.put("sessionsWanted", count);
        f.put("sessionsPerDocument", perDoc);
        f.put("connectSeconds", round(connectSeconds));
        f.put("connectsPerSecond", round(open / connectSeconds));
        f.put("serverCpuSecondsToConnect", round(cpuConnect));
        f.put("serverCpuPercentIdle", round(idleCpu));
        f.put("idleWindowSeconds", window.toMillis() / 1000.0);
        f.put("serverHeapMbBefore", mb(heapBefore));
        f.put("serverHeapMbWith", mb(heapWith));
        f.put("serverRssMbBefore", mb(rssBefore));
        f.put("serverRssMbWith", mb(rssWith));
        f.put("heapBytesPerSession", heapWith.isPresent() && heapBefore.isPresent() && open > 0
                ? Math.round((double) (heapWith.getAsLong() - heapBefore.getAsLong()) / open) : null);
        f.put("rssBytesPerSession", rssWith.isPresent() && rssBefore.isPresent() && open > 0
                ? Math.round((double) (rssWith.getAsLong() - rssBefore.getAsLong()) / open) : null);
        Map<String, Long> errors = new LinkedHashMap<>();
        phase.errors.forEach((k, v) -> errors.put(k, v.sum()));
        f.put("errors", errors);
        f.put("errorCount", errors.values().stream().mapToLong(Long::longValue).sum());
        List<Future<?>> closing = new ArrayList<>();
        for (AutoCloseable c : sessions) {
            closing.add(connectors.submit(() -> {
                c.close();
                return null;
            }));
        }
        waitAll(closing);
        return f;
    }

    private void closeAll(List<Editor> editors) throws InterruptedException {
        List<Future<?>> closing = new ArrayList<>();
        for (Editor e : editors) {
            closing.add(connectors.submit(e::close));
        }
        waitAll(closing);
    }

    private static void waitAll(List<Future<?>> futures) throws InterruptedException {
        long end = System.nanoTime() + CONNECT.toNanos();
        for (Future<?> f : futures) {
            try {
                f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException ie) {
                    throw ie;
                }
                f.cancel(true);
            }
        }
    }

    void shutdown() {
        timer.shutdownNow();
        connectors.shutdownNow();
        sampler.shutdownNow();
    }

    /** Per-second samples of one phase: CPU of the server and of this JVM, the server's RSS. */
    private static final class Sampler {
        private final Phase phase;
        private final long pid;
        private final long start;
        private final long self = ProcessHandle.current().pid();
        private final double serverCpu0;
        private final double clientCpu0;
        private double lastServer;
        private double lastClient;
        private long last;
        double maxRssMb;

        Sampler(Phase phase, long pid, long start) {
            this.phase = phase;
            this.pid = pid;
            this.start = start;
            this.last = start;
            this.serverCpu0 = ProcessStats.cpuSeconds(pid).orElse(Double.NaN);
            this.clientCpu0 = ProcessStats.cpuSeconds(self).orElse(Double.NaN);
            this.lastServer = serverCpu0;
            this.lastClient = clientCpu0;
        }

        synchronized void tick() {
            long now = System.nanoTime();
            double wall = (now - last) / 1e9;
            double server = ProcessStats.cpuSeconds(pid).orElse(Double.NaN);
            double client = ProcessStats.cpuSeconds(self).orElse(Double.NaN);
            double rss = ProcessStats.rssBytes(pid).orElse(-1) / 1048576.0;
            maxRssMb = Math.max(maxRssMb, round(rss));
            phase.tick(round((now - start) / 1e9), round((server - lastServer) / wall * 100),
                    round((client - lastClient) / wall * 100), round(rss));
            lastServer = server;
            lastClient = client;
            last = now;
        }

        /** Average CPU of a process since the phase started, in percent of one core. */
        double cpuPercent(long which) {
            double wall = (System.nanoTime() - start) / 1e9;
            double now = ProcessStats.cpuSeconds(which).orElse(Double.NaN);
            return round((now - (which == pid ? serverCpu0 : clientCpu0)) / wall * 100);
        }
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50", Phase.ms(h, 50));
        m.put("p95", Phase.ms(h, 95));
        m.put("p99", Phase.ms(h, 99));
        m.put("max", h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0);
        m.put("mean", h.getTotalCount() == 0 ? 0 : round(h.getMean() / 1000.0));
        return m;
    }

    private static List<Object> intervals(Phase phase) {
        List<Object> list = new ArrayList<>();
        for (Phase.Interval i : phase.intervals) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", i.t());
            m.put("edits", i.edits());
            m.put("acks", i.acks());
            m.put("frames", i.frames());
            m.put("ackP50", i.ackP50());
            m.put("ackP99", i.ackP99());
            m.put("peerP50", i.peerP50());
            m.put("peerP99", i.peerP99());
            m.put("peerMax", i.peerMax());
            m.put("serverCpu", i.serverCpu());
            m.put("clientCpu", i.clientCpu());
            m.put("serverRssMb", i.serverRssMb());
            list.add(m);
        }
        return list;
    }

    static Double mb(OptionalLong bytes) {
        return bytes.isPresent() ? round(bytes.getAsLong() / 1048576.0) : null;
    }

    static double round(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return -1;
        }
        return Math.round(d * 100) / 100.0;
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 120 ? m.substring(0, 120) : m));
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
