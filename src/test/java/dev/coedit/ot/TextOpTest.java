package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Hand-picked cases, most of them about counting code points rather than chars. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TextOpTest {

    /** An op in the wire notation, for readable expectations. */
    static TextOp op(String json) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(json))) {
            return TextOp.fromJson(TextOpLawsTest.plain(reader.readArray()));
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class Normalizing {

        @Test
        void empty_and_trailing_skips_vanish() {
            assertEquals(TextOp.noop(), TextOp.of(new Skip(1), new Skip(1)));
            assertEquals(TextOp.noop(), TextOp.fromJson(List.of(1, 1)));
            assertEquals(op("[\"a\"]"), TextOp.of(new Insert("a"), new Skip(100)));
            assertTrue(TextOp.of().isNoop());
            assertSame(TextOp.noop(), TextOp.builder().skip(0).insert("").delete(0).delete("").build());
        }

        @Test
        void neighbours_of_one_kind_merge() {
            assertEquals(List.of(new Skip(2), new Insert("hi")),
                    TextOp.of(new Skip(1), new Skip(1), new Insert("hi")).components());
            assertEquals(List.of(new Delete(2), new Insert("hi")),
                    TextOp.of(new Delete(1), new Delete(1), new Insert("hi")).components());
            assertEquals(List.of(new Insert("ab")), TextOp.of(new Insert("a"), new Insert("b")).components());
            assertEquals(List.of(new Delete("a😀")), TextOp.of(new Delete("a"), new Delete("😀")).components());
            assertEquals(3, TextOp.of(new Insert("a"), new Skip(1), new Insert("b")).components().size());
        }

        @Test
        void a_delete_with_text_merged_with_one_without_knows_only_its_count() {
            assertEquals(List.of(new Delete(3)), TextOp.of(new Delete("ab"), new Delete(1)).components());
            assertEquals(List.of(new Delete(3)), TextOp.of(new Delete(1), new Delete("ab")).components());
        }

        @Test
        void equal_ops_are_equal_and_hash_alike() {
            TextOp a = op("[3,\"hi\",{\"d\":2}]");
            TextOp b = TextOp.of(new Skip(1), new Skip(2), new Insert("h"), new Insert("i"), new Delete(2));
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
            assertNotEquals(op("[{\"d\":\"ab\"}]"), op("[{\"d\":2}]"));
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class Notation {

        @Test
        void toString_is_the_compact_json_notation() {
            assertEquals("[3,\"hi\",{\"d\":2}]", TextOp.of(new Skip(3), new Insert("hi"), new Delete(2)).toString());
            assertEquals("[{\"d\":\"x\\\"y\\n\"}]", TextOp.of(new Delete("x\"y\n")).toString());
            assertEquals("[]", TextOp.noop().toString());
            assertEquals("[\"안녕😀\"]", TextOp.insert(0, "안녕😀").toString());
        }

        @Test
        void toJson_gives_integers_strings_and_d_maps() {
            TextOp op = TextOp.of(new Skip(3), new Insert("hi"), new Delete(2), new Skip(1), new Delete("x"));
            assertEquals(List.of(3, "hi", Map.of("d", 2), 1, Map.of("d", "x")), op.toJson());
        }

        @Test
        void fromJson_accepts_any_integral_number_type() {
            TextOp expected = TextOp.of(new Skip(7), new Insert("a"));
            assertEquals(expected, TextOp.fromJson(List.of(7L, "a")));
            assertEquals(expected, TextOp.fromJson(List.of(new BigDecimal("7"), "a")));
            assertEquals(expected, TextOp.fromJson(List.of(new BigDecimal("7.000"), "a")));
            assertEquals(expected, TextOp.fromJson(List.of(new BigDecimal("0.7E1"), "a")));
            assertEquals(expected, TextOp.fromJson(List.of(BigInteger.valueOf(7), "a")));
            assertEquals(expected, TextOp.fromJson(List.of(7.0, "a")));
            assertEquals(expected, TextOp.fromJson(List.of((short) 7, "a")));
            assertEquals(TextOp.delete(0, 2), TextOp.fromJson(List.of(Map.of("d", new BigDecimal("2")))));
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class CountingCodePoints {

        @Test
        void an_emoji_is_one_code_point() {
            assertEquals("ab", op("[1,{\"d\":1}]").apply("a😀b"));
            assertEquals("ab", op("[1,{\"d\":\"😀\"}]").apply("a😀b"));
            assertEquals("a😀!b", TextOp.insert(2, "!").apply("a😀b"));
            assertEquals(3, TextOp.noop().outputLength(3));
            assertEquals(1, TextOp.insert(0, "😀").outputLength(0));
        }

        @Test
        void a_hangul_syllable_is_one_code_point() {
            assertEquals("안녕!하세요", TextOp.insert(2, "!").apply("안녕하세요"));
            assertEquals("안녕요", TextOp.delete(2, "하세").apply("안녕하세요"));
            assertEquals("안녕하세요, 세계", TextOp.insert(5, ", 세계").apply("안녕하세요"));
        }

        @Test
        void a_combining_mark_is_a_code_point_of_its_own() {
            String e = "e\u0301";
            assertEquals(2, TextOp.insert(0, e).outputLength(0));
            assertEquals("e", TextOp.delete(1, 1).apply(e));
            assertEquals("x\u0301", op("[{\"d\":\"e\"},\"x\"]").apply(e));
        }

        @Test
        void composing_counts_code_points() {
            assertEquals(op("[\"👻🥰\"]"), op("[\"👻\"]").compose(op("[1,\"🥰\"]")));
            assertEquals(op("[1,\"ab\"]"), op("[1,\"a👻b\"]").compose(op("[2,{\"d\":1}]")));
            assertEquals(op("[1,\"a👻\"]"), op("[1,\"a👻b\"]").compose(op("[3,{\"d\":1}]")));
            assertEquals(op("[\"👻💃\"]"), op("[\"👻🥰💃\"]").compose(op("[1,{\"d\":1}]")));
        }

        @Test
        void transforming_counts_code_points() {
            assertEquals(op("[\"👻\"]"), op("[\"👻\"]").transform(op("[\"🥰\"]"), Side.LEFT));
            assertEquals(op("[1,\"👻\"]"), op("[\"👻\"]").transform(op("[\"🥰\"]"), Side.RIGHT));
            assertEquals(op("[3,{\"d\":\"하\"}]"), op("[1,{\"d\":\"녕하\"}]").transform(op("[1,{\"d\":\"녕\"},\"😀😀\"]"),
                    Side.LEFT));
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class Transforming {

        @Test
        void the_left_insert_goes_first_at_a_tie() {
            TextOp a = TextOp.insert(1, "A");
            TextOp b = TextOp.insert(1, "B");
            assertEquals("xABy", b.transform(a, Side.RIGHT).apply(a.apply("xy")));
            assertEquals("xABy", a.transform(b, Side.LEFT).apply(b.apply("xy")));
        }

        @Test
        void an_insert_inside_a_deleted_range_survives_at_the_deletion_point() {
            TextOp insert = TextOp.insert(3, "!");
            TextOp delete = TextOp.delete(1, "bcde");
            assertEquals(op("[1,\"!\"]"), insert.transform(delete, Side.LEFT));
            assertEquals("a!f", insert.transform(delete, Side.LEFT).apply(delete.apply("abcdef")));
        }

        @Test
        void overlapping_deletes_delete_once_and_keep_the_text_they_still_delete() {
            TextOp a = TextOp.delete(1, "bcd");
            TextOp b = TextOp.delete(2, "cde");
            assertEquals(op("[1,{\"d\":\"b\"}]"), a.transform(b, Side.LEFT));
            assertEquals(op("[1,{\"d\":\"e\"}]"), b.transform(a, Side.RIGHT));
            assertEquals("af", a.transform(b, Side.LEFT).apply(b.apply("abcdef")));
        }

        @Test
        void a_delete_of_the_same_range_becomes_the_no_op() {
            TextOp a = TextOp.delete(1, 2);
            assertTrue(a.transform(TextOp.delete(1, "bc"), Side.RIGHT).isNoop());
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class MovingCarets {

        // The document "abcdefghijklmnopqrstuvwxyz1234abcdefghijklmnopqrstuvwxyz1234"; the cases are the ones
        // text-unicode checks (after libot's test.c).
        private final TextOp insert = op("[10,\"oh hi\"]");
        private final TextOp delete = op("[25,{\"d\":20}]");
        private final TextOp both = op("[10,\"oh hi\",10,{\"d\":20}]");

        @Test
        void an_insert_exactly_at_the_caret_goes_after_it() {
            assertEquals(10, insert.transformPosition(10));
            assertEquals(10, both.transformPosition(10));
            assertEquals(0, TextOp.insert(0, "x").transformPosition(0));
        }

        @Test
        void an_insert_before_the_caret_pushes_it_along_by_code_points() {
            assertEquals(16, both.transformPosition(11));
            assertEquals(4, op("[\"👻🥰💃\"]").transformPosition(1));
            assertEquals(1, op("[2,\"👻🥰💃\"]").transformPosition(1));
        }

        @Test
        void a_caret_inside_a_deleted_range_moves_to_its_start() {
            assertEquals(25, delete.transformPosition(25));
            assertEquals(25, delete.transformPosition(35));
            assertEquals(25, delete.transformPosition(45));
        }

        @Test
        void carets_before_a_delete_stay_and_carets_after_it_move_back() {
            assertEquals(10, delete.transformPosition(10));
            assertEquals(35, delete.transformPosition(55));
            assertEquals(0, both.transformPosition(0));
            assertEquals(85, both.transformPosition(100));
            assertEquals(25, both.transformPosition(20));
            assertEquals(25, both.transformPosition(30));
            assertEquals(25, both.transformPosition(40));
            assertEquals(26, both.transformPosition(41));
        }

        @Test
        void a_selection_moves_end_by_end() {
            assertEquals(new Selection(25, 16), both.transform(new Selection(40, 11)));
            assertEquals(Selection.caret(10), both.transform(Selection.caret(10)));
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class Inverting {

        @Test
        void inserts_and_deletes_swap() {
            TextOp op = op("[2,\"😀\",{\"d\":\"안녕\"}]");
            assertEquals(op("[2,{\"d\":\"😀\"},\"안녕\"]"), op.invert());
            assertEquals("ab안녕", op.invert().apply(op.apply("ab안녕")));
        }

        @Test
        void withDeletedText_fills_in_what_the_document_holds() {
            TextOp op = op("[1,{\"d\":2},1,{\"d\":1}]");
            assertFalse(op.isInvertible());
            TextOp filled = op.withDeletedText("a😀bcd");
            assertEquals(op("[1,{\"d\":\"😀b\"},1,{\"d\":\"d\"}]"), filled);
            assertEquals(op, filled.withoutDeletedText());
        }
    }
}
