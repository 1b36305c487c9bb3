package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The rope must be indistinguishable from {@link TextOp#apply(String)} on a string, success and failure alike.
 * Tiny chunks (4 to 64 chars) put chunk boundaries, splits and merges under almost every edit.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RopeLawsTest {

    private static final int[] CHUNKS = {4, 5, 8, 16, 64, Rope.DEFAULT_MAX_CHUNK};
    /** Cases for laws whose cases run 25 ops each. */
    private static final int RUNS = Math.max(20, Laws.CASES / 2);

    /** Mostly ordinary ops, sometimes a paste big enough to re-cut a chunk. */
    private static TextOp randomEdit(Random r, String doc) {
        if (r.nextInt(8) == 0) {
            int length = doc.codePointCount(0, doc.length());
            return TextOp.insert(r.nextInt(length + 1), RandomOps.randomText(r, 20, 150));
        }
        return RandomOps.randomOp(r, doc);
    }

    @Test
    void a_rope_applies_ops_exactly_as_a_string_does() {
        Laws.check("Rope.apply(op) == TextOp.apply(string, op), over a run of ops", RUNS, (r, in) -> {
            int chunk = in.add("max chunk", CHUNKS[r.nextInt(CHUNKS.length)]);
            String doc = in.add("doc", RandomOps.randomText(r, 200));
            Rope rope = new Rope(doc, chunk);
            rope.checkInvariants();
            for (int step = 0; step < 25; step++) {
                TextOp op = in.add("op " + step, randomEdit(r, doc));
                rope.apply(op);
                doc = op.apply(doc);
                rope.checkInvariants();
                assertEquals(doc, rope.toString(), "after op " + step);
                assertEquals(doc.codePointCount(0, doc.length()), rope.length());
            }
        });
    }

    @Test
    void substring_agrees_with_the_string() {
        Laws.check("rope.substring(from, to) == the same code points of the string", (r, in) -> {
            int chunk = in.add("max chunk", CHUNKS[r.nextInt(CHUNKS.length)]);
            String doc = in.add("doc", RandomOps.randomText(r, 120));
            Rope rope = new Rope(doc, chunk);
            TextOp op = in.add("op", randomEdit(r, doc));
            rope.apply(op);
            doc = op.apply(doc);
            int length = doc.codePointCount(0, doc.length());
            int from = in.add("from", r.nextInt(length + 1));
            int to = in.add("to", from + r.nextInt(length - from + 1));
            assertEquals(doc.substring(doc.offsetByCodePoints(0, from), doc.offsetByCodePoints(0, to)),
                    rope.substring(from, to));
        });
    }

    @Test
    void applying_invertibly_returns_the_op_with_its_deleted_text() {
        Laws.check("rope.applyInvertibly(op) == op.withDeletedText(before)", (r, in) -> {
            int chunk = in.add("max chunk", CHUNKS[r.nextInt(CHUNKS.length)]);
            String doc = in.add("doc", RandomOps.randomText(r, 60));
            Rope rope = new Rope(doc, chunk);
            TextOp op = in.add("op", randomEdit(r, doc));
            assertEquals(op.withDeletedText(doc), rope.withDeletedText(op));
            assertEquals(doc, rope.toString());
            TextOp invertible = rope.applyInvertibly(op);
            assertEquals(op.withDeletedText(doc), invertible);
            assertEquals(op.apply(doc), rope.toString());
            rope.apply(invertible.invert());
            assertEquals(doc, rope.toString());
            rope.checkInvariants();
        });
    }

    @Test
    void an_invalid_op_fails_with_the_strings_message_and_leaves_the_rope_unchanged() {
        Laws.check("rope.apply(bad op) throws apply's message; the rope is as before", (r, in) -> {
            int chunk = in.add("max chunk", CHUNKS[r.nextInt(CHUNKS.length)]);
            String doc = in.add("doc", RandomOps.randomText(r, 40));
            Rope rope = new Rope(doc, chunk);
            TextOp op = in.add("op", spoil(r, doc));
            String expected;
            try {
                expected = op.apply(doc);
            } catch (InvalidOpException e) {
                InvalidOpException fromRope = assertThrows(InvalidOpException.class, () -> rope.apply(op));
                assertEquals(e.getMessage(), fromRope.getMessage());
                assertEquals(doc, rope.toString());
                rope.checkInvariants();
                InvalidOpException filling = assertThrows(InvalidOpException.class, () -> rope.applyInvertibly(op));
                assertEquals(e.getMessage(), filling.getMessage());
                assertEquals(doc, rope.toString());
                return;
            }
            // Spoiling does not always succeed; then both must accept the op.
            rope.apply(op);
            assertEquals(expected, rope.toString());
        });
    }

    /** An op that probably does not fit doc: made for a longer or different text, or with a wrong delete text. */
    private static TextOp spoil(Random r, String doc) {
        switch (r.nextInt(3)) {
            case 0:
                return RandomOps.randomOp(r, doc + RandomOps.randomText(r, 1, 6));
            case 1: {
                // Same length, other text: the deletes that carry text find the wrong text.
                int length = doc.codePointCount(0, doc.length());
                String other = RandomOps.randomText(r, length, length);
                return RandomOps.randomOp(r, other).withDeletedText(other);
            }
            default: {
                TextOp op = RandomOps.randomOp(r, doc).withDeletedText(doc);
                return op.compose(TextOp.delete(op.outputLength(doc.codePointCount(0, doc.length())),
                        1 + r.nextInt(3)));
            }
        }
    }

    @Test
    void a_ten_megabyte_rope_takes_small_edits_anywhere() {
        Random r = new Random(Laws.SEED);
        StringBuilder big = new StringBuilder(10_000_000);
        while (big.length() < 10_000_000) {
            big.append(RandomOps.randomText(r, 64, 64));
        }
        String doc = big.toString();
        Rope rope = new Rope(doc);
        int length = rope.length();
        for (int i = 0; i < 2_000; i++) {
            int at = r.nextInt(length);
            TextOp insert = TextOp.insert(at, "😀x");
            rope.apply(insert);
            rope.apply(TextOp.delete(at, "😀x"));
        }
        rope.checkInvariants();
        assertEquals(length, rope.length());
        assertEquals(doc, rope.toString());
    }
}
