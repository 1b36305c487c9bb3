package dev.coedit.ot;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs a law over many seeded random cases and, when one fails, says which law, the seed to rerun it with, and every
 * input of the failing case. The seed comes from the system property {@code coedit.seed} (random otherwise) and the
 * number of cases from {@code coedit.lawCases} (default 500; a nightly run may ask for 100000).
 */
public final class Laws {

    /** The seed of this run: {@code -Dcoedit.seed=...} reproduces it. */
    public static final long SEED = Long.getLong("coedit.seed", new Random().nextLong());
    public static final int CASES = Integer.getInteger("coedit.lawCases", 500);

    /** One case of a law: draw inputs from {@code random}, record them in {@code inputs}, assert. */
    @FunctionalInterface
    public interface Case {
        void check(Random random, Inputs inputs) throws Exception;
    }

    /** The inputs of one case, printed when it fails. */
    public static final class Inputs {
        private final List<String> lines = new ArrayList<>();

        /** Records {@code value} under {@code name} and returns it. */
        public <T> T add(String name, T value) {
            lines.add(name + " = " + show(value));
            return value;
        }

        private static String show(Object value) {
            if (value instanceof String s) {
                String literal = s.length() > 400 ? InvalidOpException.quote(s)
                        : Texts.appendQuoted(new StringBuilder(), s, 0, s.length()).toString();
                return literal + " (" + s.codePointCount(0, s.length()) + " code points)";
            }
            return String.valueOf(value);
        }

        @Override
        public String toString() {
            return String.join("\n  ", lines);
        }
    }

    private Laws() {
    }

    /** Checks {@code law} on {@link #CASES} cases. */
    public static void check(String law, Case body) {
        check(law, CASES, body);
    }

    /** Checks {@code law} on {@code cases} cases. */
    public static void check(String law, int cases, Case body) {
        Random seeds = new Random(SEED ^ law.hashCode());
        for (int i = 0; i < cases; i++) {
            long caseSeed = seeds.nextLong();
            Inputs inputs = new Inputs();
            try {
                body.check(new Random(caseSeed), inputs);
            } catch (Throwable t) {
                String report = "law \"" + law + "\" failed on case " + i + " of " + cases
                        + " (rerun with -Dcoedit.seed=" + SEED + ")\n  " + inputs + "\n  failure: " + t;
                System.err.println(report);
                throw new AssertionError(report, t);
            }
        }
    }
}
