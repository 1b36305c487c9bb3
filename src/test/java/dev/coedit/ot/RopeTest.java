package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RopeTest {

    @Test
    void an_empty_rope_takes_text_and_can_be_emptied_again() {
        Rope rope = new Rope("", 4);
        assertEquals(0, rope.length());
        assertEquals("", rope.toString());
        rope.apply(TextOp.insert(0, "안녕하세요 😀 world"));
        assertEquals("안녕하세요 😀 world", rope.toString());
        assertEquals(13, rope.length());
        rope.apply(TextOp.delete(0, 13));
        assertEquals("", rope.toString());
        assertEquals(1, rope.chunkCount());
        rope.checkInvariants();
    }

    @Test
    void emoji_on_chunk_boundaries_stay_whole() {
        // With 4-char chunks cut at 2, every emoji sits at a boundary.
        Rope rope = new Rope("😀😀😀😀😀😀", 4);
        rope.checkInvariants();
        rope.apply(TextOp.insert(3, "x"));
        rope.apply(TextOp.delete(1, "😀😀x"));
        assertEquals("😀😀😀😀", rope.toString());
        assertEquals("😀😀", rope.substring(1, 3));
        rope.checkInvariants();
    }

    @Test
    void a_big_paste_is_cut_into_chunks() {
        Rope rope = new Rope("ab", 8);
        String paste = "0123456789😀안녕".repeat(10);
        rope.apply(TextOp.insert(1, paste));
        assertEquals("a" + paste + "b", rope.toString());
        assertTrue(rope.chunkCount() > 10, "chunks: " + rope.chunkCount());
        rope.checkInvariants();
        rope.apply(TextOp.of(new Skip(2), new Delete(paste.codePointCount(0, paste.length()) - 2), new Skip(1),
                new Insert("!")));
        assertEquals("a0녕!b", rope.toString());
        rope.checkInvariants();
    }

    @Test
    void deleting_across_many_chunks_merges_what_is_left() {
        Rope rope = new Rope("x".repeat(1000), 16);
        rope.apply(TextOp.of(new Skip(3), new Delete(990)));
        assertEquals("x".repeat(10), rope.toString());
        assertEquals(1, rope.chunkCount());
        rope.checkInvariants();
    }

    @Test
    void a_ten_megabyte_text_has_a_few_thousand_chunks() {
        Rope rope = new Rope("y".repeat(10_000_000));
        assertEquals(10_000_000, rope.length());
        assertTrue(rope.chunkCount() < 10_000, "chunks: " + rope.chunkCount());
    }

    @Test
    void applying_invertibly_keeps_what_was_deleted() {
        Rope rope = new Rope("hello 안녕 😀");
        TextOp kept = rope.applyInvertibly(TextOp.of(new Skip(6), new Delete(2), new Insert("world")));
        assertEquals(TextOp.of(new Skip(6), new Delete("안녕"), new Insert("world")), kept);
        assertEquals("hello world 😀", rope.toString());
        rope.apply(kept.invert());
        assertEquals("hello 안녕 😀", rope.toString());
    }

    @Test
    void substring_out_of_range_names_the_numbers() {
        Rope rope = new Rope("abc");
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> rope.substring(2, 5));
        assertEquals("substring from 2 to 5 of a document of 3", e.getMessage());
    }

    @Test
    void a_text_with_an_unpaired_surrogate_is_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Rope("ab\uD83D"));
        assertEquals("the text has an unpaired surrogate at char 2", e.getMessage());
    }
}
