package dev.coedit.ot;

/**
 * Which of two concurrent ops wins a tie: when both insert at the same position, the {@link #LEFT} op's text ends up
 * first. The two ends of a transform must use opposite sides, or the replicas diverge.
 */
public enum Side {
    LEFT,
    RIGHT;

    /** The side the other op of a transform takes. */
    public Side opposite() {
        return this == LEFT ? RIGHT : LEFT;
    }
}
