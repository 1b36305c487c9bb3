package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The laws written above the methods of {@link TextOp}, each checked on {@link Laws#CASES} seeded random cases. A
 * failure prints the law, the seed and the document and ops of the failing case.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TextOpLawsTest {

    private static Jsonb jsonb;

    @BeforeAll
    static void openJsonb() {
        jsonb = JsonbBuilder.create();
    }

    @AfterAll
    static void closeJsonb() throws Exception {
        jsonb.close();
    }

    private static String randomDoc(Random r) {
        // Short documents make ops collide (same position, overlapping ranges) often.
        return RandomOps.randomText(r, r.nextInt(4) == 0 ? 40 : 12);
    }

    @Test
    void applying_a_then_b_is_applying_a_composed_with_b() {
        Laws.check("apply(apply(d, a), b) == apply(d, a.compose(b))", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            String mid = a.apply(doc);
            TextOp b = in.add("b", RandomOps.randomOp(r, mid));
            TextOp ab = in.add("a.compose(b)", a.compose(b));
            assertEquals(b.apply(mid), ab.apply(doc));
        });
    }

    @Test
    void a_split_op_does_in_its_two_parts_what_it_did_and_its_head_fits_the_budget() {
        Laws.check("split(op, n): apply(apply(d, head), tail) == apply(d, op) and utf8(json(head)) <= n", (r, in) -> {
            String doc = in.add("doc", RandomOps.randomText(r, r.nextInt(4) == 0 ? 200 : 30));
            TextOp edit = RandomOps.randomOp(r, doc);
            int length = edit.outputLength(doc.codePointCount(0, doc.length()));
            // A long insert somewhere, so that small budgets must cut through text.
            TextOp op = in.add("op", edit.compose(TextOp.insert(r.nextInt(length + 1),
                    RandomOps.randomText(r, 1, 300))));
            int max = in.add("maxBytes", 64 + r.nextInt(r.nextBoolean() ? 64 : 2_000));
            TextOp.Split split = op.split(max);
            in.add("head", split.head());
            in.add("tail", split.tail());
            assertTrue(split.head().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= max,
                    "the head is over the budget");
            assertEquals(op.apply(doc), split.tail().apply(split.head().apply(doc)));
            if (op.withoutDeletedText().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= max) {
                assertTrue(split.tail().isNoop(), "an op that fits is not cut");
            }
        });
    }

    @Test
    void composing_invertible_ops_gives_an_invertible_op() {
        Laws.check("a, b invertible => a.compose(b) invertible and undone by its inverse", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomInvertibleOp(r, doc));
            String mid = a.apply(doc);
            TextOp b = in.add("b", RandomOps.randomInvertibleOp(r, mid));
            TextOp ab = in.add("a.compose(b)", a.compose(b));
            assertTrue(ab.isInvertible(), "composition lost deleted text");
            assertEquals(doc, ab.invert().apply(ab.apply(doc)));
        });
    }

    @Test
    void compose_is_associative_in_effect() {
        Laws.check("apply(d, (a.b).c) == apply(d, a.(b.c))", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            TextOp b = in.add("b", RandomOps.randomOp(r, a.apply(doc)));
            TextOp c = in.add("c", RandomOps.randomOp(r, b.apply(a.apply(doc))));
            assertEquals(a.compose(b).compose(c).apply(doc), a.compose(b.compose(c)).apply(doc));
        });
    }

    @Test
    void the_no_op_is_neutral_for_compose_and_transform() {
        Laws.check("noop is neutral", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            TextOp noop = TextOp.noop();
            assertEquals(a, a.compose(noop));
            assertEquals(a, noop.compose(a));
            for (Side side : Side.values()) {
                assertEquals(a, a.transform(noop, side));
                assertEquals(noop, noop.transform(a, side));
            }
        });
    }

    @Test
    void concurrent_ops_converge_when_transformed_with_opposite_sides() {
        Laws.check("TP1: apply(apply(d,a), b.transform(a,s')) == apply(apply(d,b), a.transform(b,s))", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            TextOp b = in.add("b", RandomOps.randomOp(r, doc));
            for (Side side : Side.values()) {
                TextOp aAfterB = in.add("a.transform(b, " + side + ")", a.transform(b, side));
                TextOp bAfterA = in.add("b.transform(a, " + side.opposite() + ")", b.transform(a, side.opposite()));
                // apply() checks every delete text, so this also proves the transformed texts are right.
                assertEquals(bAfterA.apply(a.apply(doc)), aAfterB.apply(b.apply(doc)), "sides " + side);
            }
        });
    }

    @Test
    void transforming_invertible_ops_keeps_them_invertible() {
        Laws.check("a, b invertible => a.transform(b, side) invertible", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomInvertibleOp(r, doc));
            TextOp b = in.add("b", RandomOps.randomOp(r, doc));
            for (Side side : Side.values()) {
                TextOp t = in.add("a.transform(b, " + side + ")", a.transform(b, side));
                assertTrue(t.isInvertible(), "transform lost deleted text");
                String after = b.apply(doc);
                assertEquals(after, t.invert().apply(t.apply(after)));
            }
        });
    }

    @Test
    void the_inverse_undoes_an_op() {
        Laws.check("apply(apply(d, a), a.invert()) == d and a.invert().invert() == a", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomInvertibleOp(r, doc));
            TextOp inverse = in.add("a.invert()", a.invert());
            assertEquals(doc, inverse.apply(a.apply(doc)));
            assertEquals(a, inverse.invert());
        });
    }

    @Test
    void filling_in_deleted_text_changes_nothing_but_the_texts() {
        Laws.check("withDeletedText(d) applies like the op and is invertible", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            TextOp filled = in.add("filled", a.withDeletedText(doc));
            assertTrue(filled.isInvertible());
            assertEquals(a.apply(doc), filled.apply(doc));
            assertEquals(a.withoutDeletedText(), filled.withoutDeletedText());
            assertEquals(filled, filled.withDeletedText(doc));
        });
    }

    @Test
    void lengths_agree_with_apply() {
        Laws.check("outputLength(len(d)) == len(apply(d, a)) and inputLength <= len(d)", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            int length = doc.codePointCount(0, doc.length());
            String out = a.apply(doc);
            assertTrue(a.inputLength() <= length);
            assertEquals(out.codePointCount(0, out.length()), a.outputLength(length));
        });
    }

    @Test
    void an_op_survives_a_round_trip_through_json_values_and_json_text() {
        Laws.check("fromJson(op.toJson()) == op, also through Parsson and Yasson text", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            assertEquals(a, TextOp.fromJson(a.toJson()));
            // toString() is the wire notation: any JSON library must read it back to the same op.
            String text = a.toString();
            List<?> viaYasson = jsonb.fromJson(text, List.class);
            assertEquals(a, TextOp.fromJson(viaYasson));
            try (JsonReader reader = Json.createReader(new StringReader(text))) {
                assertEquals(a, TextOp.fromJson(plain(reader.readArray())));
            }
            assertEquals(a, TextOp.fromJson(jsonb.fromJson(jsonb.toJson(a.toJson()), List.class)));
        });
    }

    @Test
    void a_caret_keeps_its_place_among_the_surviving_text() {
        Laws.check("transformPosition agrees with apply on which code points are before the caret", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            int length = doc.codePointCount(0, doc.length());
            int caret = in.add("caret", r.nextInt(length + 1));
            Tokens result = Tokens.apply(doc, a);
            // The model must reproduce apply(), or it proves nothing.
            assertEquals(a.apply(doc), result.text());
            int moved = in.add("moved", a.transformPosition(caret));
            assertEquals(result.before(caret), moved, "tokens " + result);
            assertEquals(Selection.caret(moved), a.transform(Selection.caret(caret)));
        });
    }

    @Test
    void a_selection_moves_end_by_end() {
        Laws.check("transform(Selection) == (transformPosition(anchor), transformPosition(head))", (r, in) -> {
            String doc = in.add("doc", randomDoc(r));
            TextOp a = in.add("a", RandomOps.randomOp(r, doc));
            Selection s = in.add("selection", RandomOps.randomSelection(r, doc.codePointCount(0, doc.length())));
            Selection moved = a.transform(s);
            assertEquals(new Selection(a.transformPosition(s.anchor()), a.transformPosition(s.head())), moved);
            int outLength = a.outputLength(doc.codePointCount(0, doc.length()));
            assertTrue(moved.to() <= outLength, "selection " + moved + " past the end " + outLength);
        });
    }

    @Test
    void a_selection_goes_over_json_b_as_anchor_and_head_only() {
        assertEquals("{\"anchor\":1,\"head\":2}", jsonb.toJson(new Selection(1, 2)));
        assertEquals(new Selection(3, 4), jsonb.fromJson("{\"anchor\":3,\"head\":4}", Selection.class));
    }

    @Test
    void an_unchanged_selection_is_the_same_object() {
        Selection s = new Selection(1, 2);
        assertSame(s, TextOp.insert(5, "x").transform(s));
    }

    /**
     * A model of apply that tracks where every code point came from: {@code origin[i] >= 0} is the index of the old
     * code point that output code point i is, {@code -1 - p} marks text inserted at old position p.
     */
    private record Tokens(String text, List<Integer> origin) {

        static Tokens apply(String doc, TextOp op) {
            int[] cps = doc.codePoints().toArray();
            StringBuilder out = new StringBuilder();
            List<Integer> origin = new ArrayList<>();
            int pos = 0;
            for (Component c : op.components()) {
                if (c instanceof Skip s) {
                    for (int i = 0; i < s.count(); i++, pos++) {
                        out.appendCodePoint(cps[pos]);
                        origin.add(pos);
                    }
                } else if (c instanceof Insert ins) {
                    final int at = pos;
                    ins.text().codePoints().forEach(cp -> {
                        out.appendCodePoint(cp);
                        origin.add(-1 - at);
                    });
                } else {
                    pos += ((Delete) c).count();
                }
            }
            for (; pos < cps.length; pos++) {
                out.appendCodePoint(cps[pos]);
                origin.add(pos);
            }
            return new Tokens(out.toString(), origin);
        }

        /**
         * Where the caret at old position {@code caret} must land: after every surviving old code point before it and
         * every code point inserted before it, before everything else; which must form a prefix of the output.
         */
        int before(int caret) {
            int count = 0;
            boolean seenAfter = false;
            for (int o : origin) {
                boolean isBefore = o >= 0 ? o < caret : -1 - o < caret;
                if (isBefore) {
                    if (seenAfter) {
                        throw new AssertionError("code points before the caret are not a prefix: " + origin);
                    }
                    count++;
                } else {
                    seenAfter = true;
                }
            }
            return count;
        }
    }

    /** Parsson's values as plain Java ones, as the server's codec hands them to fromJson. */
    static List<Object> plain(JsonArray array) {
        List<Object> out = new ArrayList<>(array.size());
        for (JsonValue v : array) {
            out.add(plain(v));
        }
        return out;
    }

    private static Object plain(JsonValue v) {
        return switch (v.getValueType()) {
            case NUMBER -> ((JsonNumber) v).numberValue();
            case STRING -> ((JsonString) v).getString();
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (Map.Entry<String, JsonValue> e : ((JsonObject) v).entrySet()) {
                    map.put(e.getKey(), plain(e.getValue()));
                }
                yield map;
            }
            case ARRAY -> plain(v.asJsonArray());
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
        };
    }
}
