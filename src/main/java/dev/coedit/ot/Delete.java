package dev.coedit.ot;

import java.util.Objects;

/**
 * Delete the next {@code count} code points. JSON: {@code {"d": count}}, or {@code {"d": "text"}} when the deleted
 * text is known. Knowing it costs bytes but makes the op invertible (undo, history); {@code text} is null otherwise.
 * Two deletes differ when one knows its text and the other does not, even if they delete the same range.
 *
 * @throws InvalidOpException when {@code count < 1}, or the text is empty, holds an unpaired surrogate, or is not
 *                            {@code count} code points long
 */
public record Delete(int count, String text) implements Component {

    public Delete {
        if (count < 1) {
            throw InvalidOpException.countTooSmall("a delete", count);
        }
        if (text != null) {
            if (text.isEmpty()) {
                throw InvalidOpException.emptyText(false);
            }
            int bad = Texts.firstUnpairedSurrogate(text);
            if (bad >= 0) {
                throw InvalidOpException.unpairedSurrogate(-1, false, bad);
            }
            int length = Texts.length(text);
            if (length != count) {
                throw InvalidOpException.deleteCountMismatch(count, text, length);
            }
        }
    }

    /** A delete of {@code count} code points whose text is not known. */
    public Delete(int count) {
        this(count, null);
    }

    /** A delete of exactly {@code text}. */
    public Delete(String text) {
        this(Texts.length(Objects.requireNonNull(text, "text")), text);
    }

    /** Whether the deleted text is known, so that the delete can be inverted. */
    public boolean hasText() {
        return text != null;
    }
}
