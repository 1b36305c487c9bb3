package dev.coedit.ot;

/**
 * A selection in code-point offsets: {@code anchor} stays put while {@code head} moves with the caret, so head may be
 * before anchor. A plain caret has {@code anchor == head}.
 *
 * @throws InvalidOpException when an offset is negative
 */
public record Selection(int anchor, int head) {

    public Selection {
        if (anchor < 0) {
            throw InvalidOpException.negativeOffset("selection anchor", anchor);
        }
        if (head < 0) {
            throw InvalidOpException.negativeOffset("selection head", head);
        }
    }

    /** A caret at {@code offset}, selecting nothing. */
    public static Selection caret(int offset) {
        return new Selection(offset, offset);
    }

    /**
     * How many code points are selected; 0 for a caret. (Not {@code isCaret()}: JSON-B would send that as a property
     * of every selection on the wire.)
     */
    public int length() {
        return Math.abs(head - anchor);
    }

    /** The smaller end. */
    public int from() {
        return Math.min(anchor, head);
    }

    /** The larger end. */
    public int to() {
        return Math.max(anchor, head);
    }
}
