package dev.coedit.ot;

import java.util.Objects;

/**
 * Insert {@code text} at the current position. JSON: the string itself.
 *
 * @throws InvalidOpException when the text is empty or holds an unpaired surrogate (it could not be sent as UTF-8)
 */
public record Insert(String text) implements Component {

    public Insert {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw InvalidOpException.emptyText(true);
        }
        int bad = Texts.firstUnpairedSurrogate(text);
        if (bad >= 0) {
            throw InvalidOpException.unpairedSurrogate(-1, true, bad);
        }
    }

    /** The length of the text in code points. O(length): {@link TextOp} caches it. */
    public int codePoints() {
        return Texts.length(text);
    }
}
