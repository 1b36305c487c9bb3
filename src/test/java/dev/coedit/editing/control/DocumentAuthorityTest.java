package dev.coedit.editing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.editing.control.DocumentAuthority.Committed;
import dev.coedit.editing.control.DocumentAuthority.Duplicate;
import dev.coedit.editing.control.DocumentAuthority.Reason;
import dev.coedit.editing.control.DocumentAuthority.Rejected;
import dev.coedit.ot.TextOp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentAuthorityTest {

    private static TextOp op(Object... parts) {
        return TextOp.fromJson(List.of(parts));
    }

    @Test
    void anOpOnTheCurrentVersionIsAppliedAndNumberedNext() {
        DocumentAuthority doc = new DocumentAuthority("Hello", 0, 10);
        Committed c = assertInstanceOf(Committed.class, doc.submit("a", 1, 0, op(5, " world")));
        assertEquals(1, c.commit().version());
        assertEquals("Hello world", doc.text());
        assertEquals(1, doc.version());
    }

    @Test
    void aLateOpIsTransformedPastEverythingCommittedSinceItsBaseTakingTheLeftSide() {
        DocumentAuthority doc = new DocumentAuthority("ab", 0, 10);
        doc.submit("a", 1, 0, op(1, "X"));
        Committed late = assertInstanceOf(Committed.class, doc.submit("b", 1, 0, op(1, "Y")));
        assertEquals("aYXb", doc.text());
        assertEquals(op(1, "Y"), late.commit().op());
    }

    @Test
    void aResentSubmitIsAcknowledgedWithItsOriginalVersionAndNotAppliedTwice() {
        DocumentAuthority doc = new DocumentAuthority("", 0, 10);
        doc.submit("a", 1, 0, op("x"));
        doc.submit("b", 1, 1, op("y"));
        Duplicate again = assertInstanceOf(Duplicate.class, doc.submit("a", 1, 0, op("x")));
        assertEquals(1, again.version());
        assertEquals("yx", doc.text());
        assertEquals(2, doc.version());
    }

    @Test
    void aSeqOlderThanTheOnesRememberedIsRefusedNamingTheLastCommittedSeq() {
        DocumentAuthority doc = new DocumentAuthority("", 0, 100);
        for (int seq = 1; seq <= DocumentAuthority.SEQS_PER_CLIENT + 2; seq++) {
            doc.submit("a", seq, doc.version(), op("x"));
        }
        Rejected r = assertInstanceOf(Rejected.class, doc.submit("a", 1, doc.version(), op("x")));
        assertEquals(Reason.STALE_SEQ, r.reason());
        assertTrue(r.message().contains("last committed seq is " + (DocumentAuthority.SEQS_PER_CLIENT + 2)),
                r.message());
    }

    @Test
    void aBaseOlderThanTheWindowIsRefusedAsStaleNamingTheVersionsKept() {
        DocumentAuthority doc = new DocumentAuthority("", 0, 2);
        for (int i = 1; i <= 5; i++) {
            doc.submit("a", i, doc.version(), op("x"));
        }
        Rejected r = assertInstanceOf(Rejected.class, doc.submit("b", 1, 2, op("y")));
        assertEquals(Reason.STALE_BASE, r.reason());
        assertEquals("base version 2 is older than the history kept (versions 3 to 5); resync with hello",
                r.message());
        assertEquals("xxxxx", doc.text());
        assertInstanceOf(Committed.class, doc.submit("b", 1, 3, op("y")));
    }

    @Test
    void aBaseFromTheFutureIsRefused() {
        DocumentAuthority doc = new DocumentAuthority("", 0, 10);
        Rejected r = assertInstanceOf(Rejected.class, doc.submit("a", 1, 7, op("x")));
        assertEquals(Reason.FUTURE_BASE, r.reason());
        assertEquals("base version 7 is newer than the document, which is at version 0", r.message());
    }

    @Test
    void anOpThatDoesNotFitIsRefusedWithItsNumbersAndChangesNothing() {
        DocumentAuthority doc = new DocumentAuthority("0123456789abcd", 0, 10);
        Rejected r = assertInstanceOf(Rejected.class, doc.submit("a", 1, 0, op(12, Map.of("d", 5))));
        assertEquals(Reason.INVALID_OP, r.reason());
        assertEquals("delete of 5 at 12 runs past the end of a document of 14", r.message());
        assertEquals("0123456789abcd", doc.text());
        assertEquals(0, doc.version());
        // A refused submit does not use up its seq.
        assertInstanceOf(Committed.class, doc.submit("a", 1, 0, op(14, "!")));
    }

    @Test
    void theRejectionOfATransformedOpSaysItWasTransformed() {
        DocumentAuthority doc = new DocumentAuthority("abcdef", 0, 10);
        doc.submit("a", 1, 0, op(Map.of("d", 3)));
        Rejected r = assertInstanceOf(Rejected.class, doc.submit("b", 1, 0, op(6, Map.of("d", 2))));
        assertTrue(r.message().endsWith("(after transforming it from version 0 to 1)"), r.message());
    }

    @Test
    void commitsSinceAVersionAreGivenOldestFirstWhileKept() {
        DocumentAuthority doc = new DocumentAuthority("", 0, 3);
        for (int i = 1; i <= 5; i++) {
            doc.submit("a", i, doc.version(), op(String.valueOf(i)));
        }
        assertEquals(List.of(4L, 5L), doc.since(3).orElseThrow().stream().map(c -> c.version()).toList());
        assertEquals(List.of(), doc.since(5).orElseThrow());
        assertTrue(doc.since(1).isEmpty(), "version 1 is older than the window");
        assertTrue(doc.since(6).isEmpty(), "version 6 is in the future");
        assertEquals(5, doc.lastSeq("a"));
        assertEquals(0, doc.lastSeq("nobody"));
    }

    @Test
    void emojiAndKoreanCountAsOneCodePointEach() {
        DocumentAuthority doc = new DocumentAuthority("안녕😀!", 0, 10);
        assertEquals(4, doc.length());
        doc.submit("a", 1, 0, op(2, Map.of("d", "😀"), " 세계"));
        assertEquals("안녕 세계!", doc.text());
    }
}
