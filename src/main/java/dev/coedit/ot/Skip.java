package dev.coedit.ot;

/**
 * Keep the next {@code count} code points of the document. JSON: the number {@code count}.
 *
 * @throws InvalidOpException when {@code count < 1}
 */
public record Skip(int count) implements Component {

    public Skip {
        if (count < 1) {
            throw InvalidOpException.countTooSmall("a skip", count);
        }
    }
}
