package dev.coedit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one measured run of one scenario records: latencies in HdrHistograms (microseconds, 3 significant digits,
 * up to 2 minutes), cut into one-second intervals for the charts, and counters. Recording is thread-safe and
 * wait-free; {@link #tick} is called by one sampler thread.
 */
final class Phase {

    static final long MAX_MICROS = 120_000_000L;

    final String name;
    final Recorder ack = new Recorder(MAX_MICROS, 3);
    final Recorder peer = new Recorder(MAX_MICROS, 3);
    /** How late the load generator made each scheduled keystroke: its own health, not the server's. */
    final Recorder lag = new Recorder(MAX_MICROS, 3);
    final Histogram ackTotal = new Histogram(MAX_MICROS, 3);
    final Histogram peerTotal = new Histogram(MAX_MICROS, 3);
    final Histogram lagTotal = new Histogram(MAX_MICROS, 3);
    final LongAdder edits = new LongAdder();
    final LongAdder submits = new LongAdder();
    final LongAdder acks = new LongAdder();
    final LongAdder frames = new LongAdder();
    final LongAdder frameBytes = new LongAdder();
    final LongAdder stamps = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final List<Interval> intervals = new ArrayList<>();
    /** Keystrokes keep coming while true; closed-loop typists stop when it turns false. */
    volatile boolean running = true;

    private Histogram ackInterval;
    private Histogram peerInterval;
    private Histogram lagInterval;
    private long lastAcks;
    private long lastFrames;
    private long lastEdits;

    /** One second of a run. CPU in percent of one core; -1 where unknown. */
    record Interval(double t, long acks, long frames, long edits, double ackP50, double ackP99, double peerP50,
            double peerP99, double peerMax, double serverCpu, double clientCpu, double serverRssMb) {
    }

    Phase(String name) {
        this.name = name;
    }

    void error(String what) {
        errors.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    void recordAck(long nanos) {
        ack.recordValue(clamp(nanos));
    }

    void recordPeer(long nanos) {
        peer.recordValue(clamp(nanos));
    }

    void recordLag(long nanos) {
        lag.recordValue(clamp(nanos));
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(MAX_MICROS, nanos / 1_000));
    }

    /** Closes the current interval: moves what was recorded into the totals and returns that second's figures. */
    synchronized Interval tick(double t, double serverCpu, double clientCpu, double serverRssMb) {
        ackInterval = ack.getIntervalHistogram(ackInterval);
        peerInterval = peer.getIntervalHistogram(peerInterval);
        lagInterval = lag.getIntervalHistogram(lagInterval);
        ackTotal.add(ackInterval);
        peerTotal.add(peerInterval);
        lagTotal.add(lagInterval);
        long a = acks.sum();
        long f = frames.sum();
        long e = edits.sum();
        Interval i = new Interval(t, a - lastAcks, f - lastFrames, e - lastEdits, ms(ackInterval, 50),
                ms(ackInterval, 99), ms(peerInterval, 50), ms(peerInterval, 99),
                peerInterval.getTotalCount() == 0 ? 0 : peerInterval.getMaxValue() / 1000.0, serverCpu, clientCpu,
                serverRssMb);
        lastAcks = a;
        lastFrames = f;
        lastEdits = e;
        intervals.add(i);
        return i;
    }

    /** A percentile of a histogram of microseconds, in milliseconds (0 when empty). */
    static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
