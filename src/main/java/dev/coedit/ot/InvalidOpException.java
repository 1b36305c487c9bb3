package dev.coedit.ot;

/**
 * Input from outside that is well-formed JSON but not a valid op (or selection) for the document it is meant for: a
 * count of zero, a skip past the end, a delete whose text the document does not have. The message names the numbers
 * so the sender can tell what it got wrong; it is meant to be sent back as is.
 *
 * <p>Every check in this package builds its message through one of the static factories, so that the same problem
 * gets the same words whether {@link TextOp#apply(String)}, {@link Rope#apply(TextOp)} or {@link TextOp#fromJson}
 * found it. A broken invariant inside this package is an {@link IllegalStateException} instead, never this.
 */
public final class InvalidOpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How many code points of a text a message shows before it elides the rest. */
    private static final int QUOTE_LIMIT = 40;

    /** The wording of a component that is not of any of the three kinds. */
    private static final String EXPECTED = "expected a number, a string or {\"d\": ...}";

    public InvalidOpException(String message) {
        // No stack trace: this is an answer to a client, not a bug report, and it is thrown on the hot path.
        super(message, null, false, false);
    }

    // ---- shape of the op (fromJson and the component records) ----

    /** {@code component 2 has count 0; counts must be at least 1}. */
    public static InvalidOpException countTooSmall(int component, Object count) {
        return new InvalidOpException(where(component) + " has count " + count + "; counts must be at least 1");
    }

    /** {@code a skip has count 0; counts must be at least 1}, for a component built in code rather than read. */
    public static InvalidOpException countTooSmall(String subject, int count) {
        return new InvalidOpException(subject + " has count " + count + "; counts must be at least 1");
    }

    /** {@code component 2 has count 3000000000; counts must be at most 2147483647}. */
    public static InvalidOpException countTooLarge(int component, Object count) {
        return new InvalidOpException(where(component) + " has count " + count + "; counts must be at most "
                + Integer.MAX_VALUE);
    }

    /** {@code component 2 has count 1.5; counts must be whole numbers}. */
    public static InvalidOpException countNotWhole(int component, Object count) {
        return new InvalidOpException(where(component) + " has count " + count + "; counts must be whole numbers");
    }

    /** {@code component 1 is a boolean; expected a number, a string or {"d": ...}}. */
    public static InvalidOpException wrongKind(int component, String what) {
        return new InvalidOpException(where(component) + " is " + what + "; " + EXPECTED);
    }

    /** {@code component 1 is {"d": true}; a delete holds a count or the deleted text}. */
    public static InvalidOpException wrongDeleteValue(int component, String what) {
        return new InvalidOpException(where(component) + " is {\"d\": " + what
                + "}; a delete holds a count or the deleted text");
    }

    /** {@code component 3 inserts an empty string; inserted text must not be empty}. */
    public static InvalidOpException emptyText(int component, boolean insert) {
        String verb = insert ? "inserts" : "deletes";
        String noun = insert ? "inserted" : "deleted";
        return new InvalidOpException(where(component) + " " + verb + " an empty string; " + noun
                + " text must not be empty");
    }

    /** {@code an insert has empty text; inserted text must not be empty}, for a component built in code. */
    public static InvalidOpException emptyText(boolean insert) {
        return new InvalidOpException(insert ? "an insert has empty text; inserted text must not be empty"
                : "a delete has empty text; deleted text must not be empty");
    }

    /** {@code inserted text at component 0 contains an unpaired surrogate at char 3}. */
    public static InvalidOpException unpairedSurrogate(int component, boolean insert, int charIndex) {
        String noun = insert ? "inserted text" : "deleted text";
        String at = component < 0 ? "" : " at " + where(component);
        return new InvalidOpException(noun + at + " contains an unpaired surrogate at char " + charIndex);
    }

    /** {@code a delete of 3 carries "ab", which is 2 code points}. */
    public static InvalidOpException deleteCountMismatch(int count, String text, int textLength) {
        return new InvalidOpException("a delete of " + count + " carries " + quote(text) + ", which is "
                + textLength + " code point" + (textLength == 1 ? "" : "s"));
    }

    /** {@code the op spans 4294967294 code points; at most 2147483647 are allowed}. */
    public static InvalidOpException tooLong(long span) {
        return new InvalidOpException("the op spans " + span + " code points; at most " + Integer.MAX_VALUE
                + " are allowed");
    }

    /** {@code selection head -1 is negative; offsets must be at least 0}. */
    public static InvalidOpException negativeOffset(String what, int offset) {
        return new InvalidOpException(what + " " + offset + " is negative; offsets must be at least 0");
    }

    // ---- the op against a document (apply, withDeletedText, Rope) ----

    /** {@code skip of 20 at 3 runs past the end of a document of 10}; {@code kind} is "skip" or "delete". */
    public static InvalidOpException pastEnd(String kind, int count, long at, long documentLength) {
        return new InvalidOpException(kind + " of " + count + " at " + at + " runs past the end of a document of "
                + documentLength);
    }

    /** {@code delete at 4 expects "abc" but the document has "abd"}. */
    public static InvalidOpException deleteMismatch(long at, String expected, String actual) {
        return new InvalidOpException("delete at " + at + " expects " + quote(expected) + " but the document has "
                + quote(actual));
    }

    /** {@code cannot invert: the delete at component 2 carries no text}. */
    public static InvalidOpException cannotInvert(int component) {
        return new InvalidOpException("cannot invert: the delete at " + where(component) + " carries no text");
    }

    private static String where(int component) {
        return "component " + component;
    }

    /**
     * The text as a JSON string literal, cut after {@value #QUOTE_LIMIT} code points so that a megabyte paste
     * does not become a megabyte error message.
     */
    static String quote(String text) {
        if (text.length() > QUOTE_LIMIT && text.codePointCount(0, text.length()) > QUOTE_LIMIT) {
            int cut = text.offsetByCodePoints(0, QUOTE_LIMIT);
            int rest = text.codePointCount(cut, text.length());
            StringBuilder out = Texts.appendQuoted(new StringBuilder(), text, 0, cut);
            out.setLength(out.length() - 1);
            return out.append("…\" (").append(rest).append(" more code points)").toString();
        }
        return Texts.appendQuoted(new StringBuilder(text.length() + 2), text, 0, text.length()).toString();
    }
}
