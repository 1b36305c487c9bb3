package dev.coedit.bench;

import dev.coedit.ot.RandomOps;
import dev.coedit.ot.Rope;
import dev.coedit.ot.TextOp;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One small op (one char inserted or deleted at a random position) on a 10 MB document: the server's {@link Rope}
 * against {@link TextOp#apply(String)} on a String, which copies the whole text every time.
 *
 * <p>{@code text=ascii} is prose without surrogate pairs (offsets inside a chunk are plain arithmetic);
 * {@code text=mixed} is {@link RandomOps#randomText} with emoji, Hangul and combining marks in every chunk (offsets
 * inside a chunk need a scan). The delete benchmarks delete one char and insert one back at the same place, so the
 * document keeps its size, and report the mean time of the two ops ({@code @OperationsPerInvocation(2)}).
 *
 * <p>Run: {@code mvn -o -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * -Dmdep.includeScope=test}, then {@code java -cp target/test-classes:target/classes:$(cat target/cp.txt)
 * org.openjdk.jmh.Main RopeBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RopeBenchmark {

    private static final int DOC_CHARS = 10_000_000;
    private static final int OPS = 1 << 12;

    @Param({"ascii", "mixed"})
    public String text;

    private String initial;
    private int length;
    private TextOp[] inserts;
    private TextOp[] deletes;
    /** {@code reinserts[i]} puts one char back where {@code deletes[i]} took one. */
    private TextOp[] reinserts;
    private int next;

    private Rope rope;
    private String string;

    @Setup(Level.Trial)
    public void makeDocument() {
        Random r = new Random(42);
        StringBuilder doc = new StringBuilder(DOC_CHARS + 100);
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor\n";
        while (doc.length() < DOC_CHARS) {
            if (text.equals("ascii")) {
                doc.append(words, r.nextInt(40), words.length());
            } else {
                doc.append(RandomOps.randomText(r, 80, 80));
            }
        }
        initial = doc.toString();
        length = initial.codePointCount(0, initial.length());
        inserts = new TextOp[OPS];
        deletes = new TextOp[OPS];
        reinserts = new TextOp[OPS];
        for (int i = 0; i < OPS; i++) {
            inserts[i] = TextOp.insert(r.nextInt(length + 1), "x");
            int at = r.nextInt(length);
            deletes[i] = TextOp.delete(at, 1);
            reinserts[i] = TextOp.insert(at, "y");
        }
    }

    @Setup(Level.Iteration)
    public void freshDocument() {
        rope = new Rope(initial);
        string = initial;
    }

    @Benchmark
    public int ropeInsertOneChar() {
        // The rope grows by one char per op: a few MB at most over an iteration, no effect on the cost.
        rope.apply(inserts[next++ & (OPS - 1)]);
        return rope.length();
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public int ropeDeleteOneChar() {
        int i = next++ & (OPS - 1);
        rope.apply(deletes[i]);
        rope.apply(reinserts[i]);
        return rope.length();
    }

    @Benchmark
    public String stringInsertOneChar() {
        string = inserts[next++ & (OPS - 1)].apply(string);
        return string;
    }

    @Benchmark
    @OperationsPerInvocation(2)
    public String stringDeleteOneChar() {
        int i = next++ & (OPS - 1);
        string = deletes[i].apply(string);
        string = reinserts[i].apply(string);
        return string;
    }
}
