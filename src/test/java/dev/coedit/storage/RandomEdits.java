package dev.coedit.storage;

import dev.coedit.ot.TextOp;
import java.util.Random;

/**
 * A seeded stream of valid edits of one document, with the text they make: inserts (some outside the BMP, so code
 * points and chars differ), deletes and replacements at random places. The same seed gives the same edits, so a test
 * and a child process can both replay them.
 */
final class RandomEdits {

    private static final String[] WORDS = {"a", "hello ", "wörld", "😀", "\n", "한글", "e\u0301", "xyz ", "🚀🚀"};

    private final Random random;
    private String text = "";
    private long version;

    RandomEdits(long seed) {
        this.random = new Random(seed);
    }

    /** The next edit, applied to {@link #text()}. */
    TextOp next() {
        int length = text.codePointCount(0, text.length());
        TextOp.Builder op = TextOp.builder();
        int at = length == 0 ? 0 : random.nextInt(length + 1);
        if (at > 0) {
            op.skip(at);
        }
        int kind = random.nextInt(10);
        int room = length - at;
        if (kind < 3 && room > 0) {
            op.delete(1 + random.nextInt(Math.min(room, 8)));
        }
        if (kind >= 2 || room == 0) {
            op.insert(WORDS[random.nextInt(WORDS.length)]);
        }
        TextOp made = op.build();
        text = made.apply(text);
        version++;
        return made;
    }

    String text() {
        return text;
    }

    long version() {
        return version;
    }

    /** The text after the first {@code n} edits of {@code seed}. */
    static String textAfter(long seed, long n) {
        RandomEdits edits = new RandomEdits(seed);
        for (long i = 0; i < n; i++) {
            edits.next();
        }
        return edits.text();
    }
}
