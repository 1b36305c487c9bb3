package dev.coedit.ot;

import java.util.Random;

/**
 * Random texts and ops for law tests, here and in other packages. The texts mix what breaks naive code-unit
 * arithmetic: ASCII, emoji (surrogate pairs, 2 chars for 1 code point), Korean Hangul syllables, combining marks
 * (one user-perceived character, 2 code points) and line breaks. All randomness comes from the caller's
 * {@link Random}, so a seed reproduces a case.
 */
public final class RandomOps {

    private static final String ASCII = "abcdefghijklmnopqrstuvwxyz ABC.,;!?0123\n\"\\";
    private static final int[] EMOJI = {0x1F600, 0x1F47B, 0x1F970, 0x1F483, 0x1F44D, 0x1F3FD, 0x1F1F0, 0x1F1F7};
    private static final String HANGUL = "안녕하세요한국어글자";
    private static final int[] COMBINING = {0x0301, 0x0308, 0x0323, 0x200D, 0xFE0F};

    private RandomOps() {
    }

    /** Up to {@code maxCodePoints} code points (possibly none) of mixed scripts. */
    public static String randomText(Random r, int maxCodePoints) {
        return randomText(r, 0, maxCodePoints);
    }

    /** Between {@code minCodePoints} and {@code maxCodePoints} code points of mixed scripts. */
    public static String randomText(Random r, int minCodePoints, int maxCodePoints) {
        int n = minCodePoints + (maxCodePoints > minCodePoints ? r.nextInt(maxCodePoints - minCodePoints + 1) : 0);
        StringBuilder out = new StringBuilder(n * 2);
        for (int i = 0; i < n; i++) {
            out.appendCodePoint(randomCodePoint(r));
        }
        return out.toString();
    }

    /** One code point: ASCII most of the time, otherwise an emoji, a Hangul syllable or a combining mark. */
    public static int randomCodePoint(Random r) {
        int pick = r.nextInt(10);
        if (pick < 5) {
            return ASCII.charAt(r.nextInt(ASCII.length()));
        } else if (pick < 7) {
            return EMOJI[r.nextInt(EMOJI.length)];
        } else if (pick < 9) {
            return HANGUL.charAt(r.nextInt(HANGUL.length()));
        }
        return COMBINING[r.nextInt(COMBINING.length)];
    }

    /**
     * A random op that fits {@code doc}: skips, inserts, and deletes that sometimes carry their (correct) text and
     * sometimes only their count; sometimes the no-op, sometimes an op that deletes everything.
     */
    public static TextOp randomOp(Random r, String doc) {
        int length = doc.codePointCount(0, doc.length());
        TextOp.Builder op = TextOp.builder();
        int shape = r.nextInt(20);
        if (shape == 0) {
            return TextOp.noop();
        }
        if (shape == 1 && length > 0) {
            return r.nextBoolean() ? TextOp.delete(0, doc) : TextOp.delete(0, length);
        }
        int pos = 0;
        int charAt = 0;
        while (true) {
            int left = length - pos;
            int action = r.nextInt(left == 0 ? 2 : 7);
            if (action == 0) {
                break;
            } else if (action == 1) {
                op.insert(randomText(r, 1, r.nextInt(4) == 0 ? 12 : 3));
            } else if (action < 5) {
                int n = 1 + r.nextInt(Math.min(left, 1 + r.nextInt(8)));
                op.skip(n);
                charAt = doc.offsetByCodePoints(charAt, n);
                pos += n;
            } else {
                int n = 1 + r.nextInt(Math.min(left, 1 + r.nextInt(6)));
                int end = doc.offsetByCodePoints(charAt, n);
                if (r.nextBoolean()) {
                    op.delete(doc.substring(charAt, end));
                } else {
                    op.delete(n);
                }
                charAt = end;
                pos += n;
            }
        }
        return op.build();
    }

    /** A random op that fits {@code doc} and whose deletes all carry their text. */
    public static TextOp randomInvertibleOp(Random r, String doc) {
        return randomOp(r, doc).withDeletedText(doc);
    }

    /** A random selection inside a document of {@code length} code points. */
    public static Selection randomSelection(Random r, int length) {
        int anchor = r.nextInt(length + 1);
        return r.nextInt(3) == 0 ? Selection.caret(anchor) : new Selection(anchor, r.nextInt(length + 1));
    }
}
