package dev.coedit.bench;

import dev.coedit.ot.Component;
import dev.coedit.ot.Insert;
import dev.coedit.ot.TextOp;
import java.util.function.LongConsumer;

/**
 * The text a simulated typist types: {@code <t> } where {@code t} is the moment of the keystroke, in microseconds
 * since the benchmark started, base 36. Every client lives in the benchmark's JVM, so a peer that receives the text
 * knows exactly when it was typed, however the server transformed, batched or composed it.
 */
final class Stamp {

    private static final long ORIGIN = System.nanoTime();

    private Stamp() {
    }

    /** A stamp for now, trailing space included. */
    static String now() {
        return "<" + Long.toString((System.nanoTime() - ORIGIN) / 1_000, 36) + "> ";
    }

    /** The nanoTime of a stamp's keystroke. */
    static long nanos(long micros) {
        return ORIGIN + micros * 1_000;
    }

    /** Calls {@code each} with the keystroke nanoTime of every stamp inserted by {@code op}. */
    static void forEach(TextOp op, LongConsumer each) {
        for (Component c : op.components()) {
            if (c instanceof Insert insert) {
                forEach(insert.text(), each);
            }
        }
    }

    static void forEach(String text, LongConsumer each) {
        int open = text.indexOf('<');
        while (open >= 0) {
            int close = text.indexOf('>', open + 1);
            if (close < 0) {
                return;
            }
            try {
                each.accept(nanos(Long.parseLong(text, open + 1, close, 36)));
            } catch (NumberFormatException e) {
                // not a stamp (cut by a delete); skip it
            }
            open = text.indexOf('<', close + 1);
        }
    }
}
