package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every rejection names the numbers, and the same problem reads the same wherever it is found. The messages are
 * asserted word for word: clients show them, and tests in other packages may match them.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ValidationMessagesTest {

    private static void assertRejected(String message, Executable action) {
        InvalidOpException e = assertThrows(InvalidOpException.class, action);
        assertEquals(message, e.getMessage());
    }

    /** The op is rejected with this message by TextOp.apply, Rope.apply, Rope.applyInvertibly, withDeletedText. */
    private static void assertRejectedEverywhere(String message, String doc, TextOp op) {
        assertRejected(message, () -> op.apply(doc));
        assertRejected(message, () -> op.withDeletedText(doc));
        for (int chunk : new int[] {4, Rope.DEFAULT_MAX_CHUNK}) {
            Rope rope = new Rope(doc, chunk);
            assertRejected(message, () -> rope.apply(op));
            assertRejected(message, () -> rope.applyInvertibly(op));
            assertRejected(message, () -> rope.withDeletedText(op));
            assertEquals(doc, rope.toString(), "the rope changed");
        }
    }

    private static List<Object> json(Object... components) {
        return Arrays.asList(components);
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class AgainstTheDocument {

        // 14 code points, 16 chars: the numbers are code points, never chars.
        private final String doc = "0123456789ab😀😀";

        @Test
        void a_delete_past_the_end_names_its_count_position_and_the_length() {
            assertRejectedEverywhere("delete of 5 at 12 runs past the end of a document of 14", doc,
                    TextOp.delete(12, 5));
            assertRejected("delete of 5 at 12 runs past the end of a document of 14",
                    () -> TextOp.delete(12, 5).outputLength(14));
        }

        @Test
        void a_skip_past_the_end_names_its_count_position_and_the_length() {
            TextOp op = TextOp.of(new Delete(3), new Skip(20), new Insert("!"));
            assertRejectedEverywhere("skip of 20 at 3 runs past the end of a document of 10", "안녕하세요12345", op);
        }

        @Test
        void a_delete_of_other_text_shows_both_texts() {
            assertRejectedEverywhere("delete at 4 expects \"abc\" but the document has \"abd\"", "0123abd9",
                    TextOp.delete(4, "abc"));
            assertRejectedEverywhere("delete at 1 expects \"😀\" but the document has \"안\"", "x안",
                    TextOp.delete(1, "😀"));
        }

        @Test
        void the_first_problem_in_op_order_is_the_one_reported() {
            TextOp op = TextOp.of(new Skip(1), new Delete("zz"), new Skip(50), new Insert("x"));
            assertRejectedEverywhere("delete at 1 expects \"zz\" but the document has \"12\"", "0123", op);
        }

        @Test
        void a_long_text_is_cut_in_the_message() {
            String a = "a".repeat(100);
            String b = "a".repeat(99) + "b";
            String cut = "\"" + "a".repeat(40) + "…\" (60 more code points)";
            assertRejectedEverywhere("delete at 0 expects " + cut + " but the document has " + cut, b,
                    TextOp.delete(0, a));
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class ReadingJson {

        @Test
        void a_count_below_one_is_rejected_with_its_index() {
            assertRejected("component 2 has count 0; counts must be at least 1", () -> TextOp.fromJson(json(1, "a", 0)));
            assertRejected("component 0 has count -2; counts must be at least 1", () -> TextOp.fromJson(json(-2)));
            assertRejected("component 1 has count 0; counts must be at least 1",
                    () -> TextOp.fromJson(json("a", Map.of("d", 0))));
            assertRejected("component 0 has count -5; counts must be at least 1",
                    () -> TextOp.fromJson(json(new BigDecimal("-5"))));
        }

        @Test
        void a_count_that_is_not_whole_is_rejected() {
            assertRejected("component 1 has count 1.5; counts must be whole numbers",
                    () -> TextOp.fromJson(json("a", 1.5)));
            assertRejected("component 0 has count 2.5; counts must be whole numbers",
                    () -> TextOp.fromJson(json(new BigDecimal("2.5"))));
            assertRejected("component 0 has count NaN; counts must be whole numbers",
                    () -> TextOp.fromJson(json(Double.NaN)));
            assertRejected("component 0 has count 0.5; counts must be whole numbers",
                    () -> TextOp.fromJson(json(Map.of("d", 0.5))));
        }

        @Test
        void a_count_too_big_for_an_int_is_rejected() {
            assertRejected("component 0 has count 3000000000; counts must be at most 2147483647",
                    () -> TextOp.fromJson(json(3_000_000_000L)));
            assertRejected("component 0 has count 1E+20; counts must be at most 2147483647",
                    () -> TextOp.fromJson(json(new BigDecimal("1E+20"))));
            assertRejected("component 1 has count 99999999999999999999; counts must be at most 2147483647",
                    () -> TextOp.fromJson(json("x", new BigInteger("99999999999999999999"))));
        }

        @Test
        void two_huge_skips_cannot_add_up_past_an_int() {
            assertRejected("the op spans 4294967294 code points; at most 2147483647 are allowed",
                    () -> TextOp.fromJson(json(Integer.MAX_VALUE, Integer.MAX_VALUE, "x")));
        }

        @Test
        void a_component_of_another_type_is_named() {
            String expected = "; expected a number, a string or {\"d\": ...}";
            assertRejected("component 1 is a boolean" + expected, () -> TextOp.fromJson(json(1, true)));
            assertRejected("component 0 is null" + expected, () -> TextOp.fromJson(json((Object) null)));
            assertRejected("component 0 is an array" + expected, () -> TextOp.fromJson(json(List.of(1))));
            assertRejected("component 2 is an object with keys [i]" + expected,
                    () -> TextOp.fromJson(json(1, "a", Map.of("i", "abc"))));
            Map<String, Object> two = new LinkedHashMap<>();
            two.put("d", 1);
            two.put("x", 2);
            assertRejected("component 0 is an object with keys [d, x]" + expected,
                    () -> TextOp.fromJson(json(two)));
            assertRejected("component 0 is an object with no keys" + expected,
                    () -> TextOp.fromJson(json(new HashMap<>())));
        }

        @Test
        void a_delete_holding_neither_count_nor_text_is_named() {
            assertRejected("component 0 is {\"d\": a boolean}; a delete holds a count or the deleted text",
                    () -> TextOp.fromJson(json(Map.of("d", true))));
            Map<String, Object> nullD = new HashMap<>();
            nullD.put("d", null);
            assertRejected("component 1 is {\"d\": null}; a delete holds a count or the deleted text",
                    () -> TextOp.fromJson(json(1, nullD)));
        }

        @Test
        void empty_texts_are_rejected() {
            assertRejected("component 3 inserts an empty string; inserted text must not be empty",
                    () -> TextOp.fromJson(json(1, "a", 2, "")));
            assertRejected("component 0 deletes an empty string; deleted text must not be empty",
                    () -> TextOp.fromJson(json(Map.of("d", ""))));
        }

        @Test
        void an_unpaired_surrogate_is_located_by_char() {
            assertRejected("inserted text at component 0 contains an unpaired surrogate at char 3",
                    () -> TextOp.fromJson(json("abc\uD83D")));
            assertRejected("inserted text at component 1 contains an unpaired surrogate at char 0",
                    () -> TextOp.fromJson(json(2, "\uDE00x")));
            assertRejected("deleted text at component 0 contains an unpaired surrogate at char 2",
                    () -> TextOp.fromJson(json(Map.of("d", "😀\uDE00"))));
        }

        @Test
        void a_null_op_is_rejected() {
            assertRejected("an op must be a JSON array, not null", () -> TextOp.fromJson(null));
        }

        @Test
        void a_mutable_list_from_any_json_library_is_fine() {
            List<Object> raw = new ArrayList<>(json(2, "x"));
            assertEquals(TextOp.insert(2, "x"), TextOp.fromJson(raw));
        }
    }

    @Nested
    @DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
    class BuildingInCode {

        @Test
        void records_refuse_bad_counts_and_texts() {
            assertRejected("a skip has count 0; counts must be at least 1", () -> new Skip(0));
            assertRejected("a delete has count -1; counts must be at least 1", () -> new Delete(-1));
            assertRejected("an insert has empty text; inserted text must not be empty", () -> new Insert(""));
            assertRejected("a delete has empty text; deleted text must not be empty", () -> new Delete(1, ""));
            assertRejected("a delete of 3 carries \"ab\", which is 2 code points", () -> new Delete(3, "ab"));
            assertRejected("inserted text contains an unpaired surrogate at char 1", () -> new Insert("a\uD83D"));
            assertRejected("deleted text contains an unpaired surrogate at char 0", () -> new Delete("\uDE00"));
        }

        @Test
        void a_builder_refuses_negative_counts_and_half_pairs() {
            assertRejected("a skip has count -1; counts must be at least 1", () -> TextOp.builder().skip(-1));
            assertRejected("inserted text contains an unpaired surrogate at char 0",
                    () -> TextOp.builder().insert("\uD83D"));
        }

        @Test
        void inverting_needs_every_deleted_text() {
            assertRejected("cannot invert: the delete at component 1 carries no text",
                    () -> TextOp.delete(3, 2).invert());
        }

        @Test
        void selections_and_positions_are_never_negative() {
            assertRejected("selection anchor -1 is negative; offsets must be at least 0", () -> new Selection(-1, 0));
            assertRejected("selection head -3 is negative; offsets must be at least 0", () -> new Selection(0, -3));
            assertRejected("position -1 is negative; offsets must be at least 0",
                    () -> TextOp.noop().transformPosition(-1));
        }
    }
}
