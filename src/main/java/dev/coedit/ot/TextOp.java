package dev.coedit.ot;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An edit of a text document with the semantics of the public {@code text-unicode} OT type (npm
 * {@code ot-text-unicode}): a list of {@link Component}s that walk the document from its start, counting Unicode code
 * points. On the wire it is a JSON array, e.g. {@code [3,"hi",{"d":2}]}: skip 3, insert "hi", delete 2.
 *
 * <p>Immutable, and always normalized: no empty components, no two adjacent components of the same kind, no trailing
 * skip (the rest of the document is kept anyway). So two ops that do the same thing in the same way are
 * {@link #equals equal}, and the empty op is the no-op. Deletes may carry the deleted text, which makes the op
 * invertible; merging a delete that knows its text with one that does not gives a delete that does not.
 *
 * <p>An op does not know the length of the document it applies to: it may stop before the end, and only
 * {@link #apply(String)} (or {@link Rope#apply(TextOp)}) checks that it fits.
 */
public final class TextOp {

    static final int SKIP = 0;
    static final int INSERT = 1;
    static final int DELETE = 2;
    private static final int NO_KIND = -1;

    private static final BigDecimal MAX_COUNT = BigDecimal.valueOf(Integer.MAX_VALUE);

    private static final TextOp NOOP = new TextOp(new Component[0], new int[0], 0);

    /** Normalized; never exposed, so never changed. */
    private final Component[] parts;
    /** {@code lengths[i]} is the length of {@code parts[i]} in code points, counted once here. */
    private final int[] lengths;
    /** Skips plus deletes: the shortest document this op fits. */
    private final int inputLength;
    /** Code points inserted; a long because many inserts may add up past an int. */
    private final long inserted;
    private int hash;

    private TextOp(Component[] parts, int[] lengths, int size) {
        this.parts = parts.length == size ? parts : Arrays.copyOf(parts, size);
        this.lengths = lengths.length == size ? lengths : Arrays.copyOf(lengths, size);
        long input = 0;
        long added = 0;
        for (int i = 0; i < size; i++) {
            if (parts[i] instanceof Insert) {
                added += lengths[i];
            } else {
                input += lengths[i];
            }
        }
        if (input > Integer.MAX_VALUE) {
            throw InvalidOpException.tooLong(input);
        }
        this.inputLength = (int) input;
        this.inserted = added;
    }

    // ---------------------------------------------------------------- making ops

    /** The op that changes nothing. */
    public static TextOp noop() {
        return NOOP;
    }

    /** The op made of {@code parts}, normalized. */
    public static TextOp of(Component... parts) {
        Builder out = new Builder(parts.length);
        for (Component c : parts) {
            out.add(c);
        }
        return out.build();
    }

    /** The op made of {@code parts}, normalized. */
    public static TextOp of(List<? extends Component> parts) {
        Builder out = new Builder(parts.size());
        for (Component c : parts) {
            out.add(c);
        }
        return out.build();
    }

    /** Insert {@code text} at code point {@code at}. */
    public static TextOp insert(int at, String text) {
        return new Builder(2).skip(at).insert(text).build();
    }

    /** Delete {@code count} code points at {@code at}, without knowing them. */
    public static TextOp delete(int at, int count) {
        return new Builder(2).skip(at).delete(count).build();
    }

    /** Delete exactly {@code text} at code point {@code at}: invertible, and checked against the document. */
    public static TextOp delete(int at, String text) {
        return new Builder(2).skip(at).delete(text).build();
    }

    /** A builder of one op: components are merged and normalized as they come. */
    public static Builder builder() {
        return new Builder(4);
    }

    // ---------------------------------------------------------------- JSON

    /**
     * Reads an op from JSON values as a JSON library hands them over: a {@link Number} for a skip (a whole number from
     * 1 to 2147483647, whatever its Java type), a {@link String} for an insert, a {@link Map} with the single key
     * {@code "d"} holding a count or the deleted text for a delete. Only {@code java.util} types are needed, so the
     * core stays free of any JSON library. The result is normalized ({@code [1,1]} is the no-op).
     *
     * @throws InvalidOpException naming the index of the first bad component and what it was
     */
    public static TextOp fromJson(List<?> raw) {
        if (raw == null) {
            throw new InvalidOpException("an op must be a JSON array, not null");
        }
        Builder out = new Builder(raw.size());
        int i = 0;
        for (Object value : raw) {
            if (value instanceof Number number) {
                out.skip(count(i, number));
            } else if (value instanceof String text) {
                checkText(i, text, true);
                out.append(INSERT, Texts.length(text), text, 0, text.length(), null);
            } else if (value instanceof Map<?, ?> map) {
                if (map.size() != 1 || !map.containsKey("d")) {
                    throw InvalidOpException.wrongKind(i, describe(map));
                }
                Object d = map.get("d");
                if (d instanceof Number number) {
                    out.delete(count(i, number));
                } else if (d instanceof String text) {
                    checkText(i, text, false);
                    out.append(DELETE, Texts.length(text), text, 0, text.length(), null);
                } else {
                    throw InvalidOpException.wrongDeleteValue(i, describe(d));
                }
            } else {
                throw InvalidOpException.wrongKind(i, describe(value));
            }
            i++;
        }
        return out.build();
    }

    /**
     * The op as JSON values: {@link Integer} for a skip, {@link String} for an insert, {@code Map.of("d", Integer or
     * String)} for a delete. Law: {@code fromJson(op.toJson()).equals(op)}, because both ends are normalized.
     */
    public List<Object> toJson() {
        Object[] out = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Component c = parts[i];
            if (c instanceof Skip s) {
                out[i] = s.count();
            } else if (c instanceof Insert ins) {
                out[i] = ins.text();
            } else {
                Delete d = (Delete) c;
                out[i] = Map.of("d", d.text() != null ? d.text() : (Object) d.count());
            }
        }
        return List.of(out);
    }

    /** The compact JSON notation, e.g. {@code [3,"hi",{"d":2}]}; the same text {@link #toJson()} would print. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(16 * parts.length + 2).append('[');
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            Component c = parts[i];
            if (c instanceof Skip s) {
                out.append(s.count());
            } else if (c instanceof Insert ins) {
                Texts.appendQuoted(out, ins.text(), 0, ins.text().length());
            } else {
                Delete d = (Delete) c;
                out.append("{\"d\":");
                if (d.text() != null) {
                    Texts.appendQuoted(out, d.text(), 0, d.text().length());
                } else {
                    out.append(d.count());
                }
                out.append('}');
            }
        }
        return out.append(']').toString();
    }

    private static int count(int component, Number number) {
        long value;
        if (number instanceof Integer || number instanceof Long || number instanceof Short
                || number instanceof Byte) {
            value = number.longValue();
        } else if (number instanceof BigInteger big) {
            if (big.bitLength() > 62) {
                throw big.signum() < 0 ? InvalidOpException.countTooSmall(component, number)
                        : InvalidOpException.countTooLarge(component, number);
            }
            value = big.longValue();
        } else {
            BigDecimal exact;
            if (number instanceof BigDecimal big) {
                exact = big;
            } else if (number instanceof Double || number instanceof Float) {
                double d = number.doubleValue();
                if (!Double.isFinite(d)) {
                    throw InvalidOpException.countNotWhole(component, number);
                }
                exact = new BigDecimal(d);
            } else {
                try {
                    exact = new BigDecimal(number.toString());
                } catch (NumberFormatException e) {
                    throw InvalidOpException.countNotWhole(component, number);
                }
            }
            if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
                throw InvalidOpException.countNotWhole(component, number);
            }
            if (exact.compareTo(BigDecimal.ONE) < 0) {
                throw InvalidOpException.countTooSmall(component, number);
            }
            if (exact.compareTo(MAX_COUNT) > 0) {
                throw InvalidOpException.countTooLarge(component, number);
            }
            return exact.intValue();
        }
        if (value < 1) {
            throw InvalidOpException.countTooSmall(component, number);
        }
        if (value > Integer.MAX_VALUE) {
            throw InvalidOpException.countTooLarge(component, number);
        }
        return (int) value;
    }

    private static void checkText(int component, String text, boolean insert) {
        if (text.isEmpty()) {
            throw InvalidOpException.emptyText(component, insert);
        }
        int bad = Texts.firstUnpairedSurrogate(text);
        if (bad >= 0) {
            throw InvalidOpException.unpairedSurrogate(component, insert, bad);
        }
    }

    private static String describe(Object value) {
        if (value == null) {
            return "null";
        } else if (value instanceof Boolean) {
            return "a boolean";
        } else if (value instanceof List<?> || value instanceof Object[]) {
            return "an array";
        } else if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? "an object with no keys" : "an object with keys " + map.keySet();
        } else if (value instanceof Number) {
            return "a number";
        } else if (value instanceof String) {
            return "a string";
        }
        return "a " + value.getClass().getSimpleName();
    }

    // ---------------------------------------------------------------- reading

    /** The components, normalized; an unmodifiable view. */
    public List<Component> components() {
        return Collections.unmodifiableList(Arrays.asList(parts));
    }

    /** Whether this op changes nothing: it has no components. */
    public boolean isNoop() {
        return parts.length == 0;
    }

    /** Skips plus deletes: the shortest document, in code points, this op fits. */
    public int inputLength() {
        return inputLength;
    }

    /**
     * The length in code points of {@code apply(doc)} for a document of {@code docLength} code points.
     *
     * @throws InvalidOpException when the op runs past the end of such a document (same message as apply)
     */
    public int outputLength(int docLength) {
        checkFits(docLength);
        long out = (long) docLength - deletedLength() + inserted;
        if (out > Integer.MAX_VALUE) {
            throw InvalidOpException.tooLong(out);
        }
        return (int) out;
    }

    /** Code points this op deletes. */
    public int deletedLength() {
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] instanceof Delete) {
                n += lengths[i];
            }
        }
        return n;
    }

    /** Whether every delete carries its text, so that {@link #invert()} works. */
    public boolean isInvertible() {
        for (Component c : parts) {
            if (c instanceof Delete d && d.text() == null) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return parts.length;
    }

    Component part(int i) {
        return parts[i];
    }

    int lengthOf(int i) {
        return lengths[i];
    }

    /**
     * Throws the {@link #apply} error for the first skip or delete that runs past a document of {@code docLength}
     * code points. Needs only the counts, so it costs nothing near the document's length.
     */
    void checkFits(long docLength) {
        if (inputLength <= docLength) {
            return;
        }
        long at = 0;
        for (int i = 0; i < parts.length; i++) {
            Component c = parts[i];
            if (c instanceof Insert) {
                continue;
            }
            if (at + lengths[i] > docLength) {
                throw InvalidOpException.pastEnd(c instanceof Skip ? "skip" : "delete", lengths[i], at, docLength);
            }
            at += lengths[i];
        }
        throw new IllegalStateException("inputLength " + inputLength + " exceeds " + docLength
                + " but no component runs past the end");
    }

    // ---------------------------------------------------------------- apply

    /**
     * This op applied to {@code doc}. O(length of doc), since a String is copied: the server's document is a
     * {@link Rope} instead.
     *
     * @throws InvalidOpException when a skip or delete runs past the end of {@code doc}, or a delete that carries its
     *                            text finds other text in the document
     */
    public String apply(String doc) {
        if (parts.length == 0) {
            return doc;
        }
        StringBuilder out = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, doc.length() + 2 * inserted));
        walk(doc, out, null);
        return out.toString();
    }

    /**
     * This op with the text of every delete filled in from {@code doc}, the document it applies to; deletes that
     * carry text already are checked against it. Text-unicode calls this makeInvertible. Law:
     * {@code op.withDeletedText(doc).apply(doc).equals(op.apply(doc))}, and the result is {@link #isInvertible()}.
     *
     * @throws InvalidOpException as {@link #apply(String)} does
     */
    public TextOp withDeletedText(String doc) {
        if (isInvertible()) {
            walk(doc, null, null);
            return this;
        }
        Builder out = new Builder(parts.length);
        walk(doc, null, out);
        return out.build();
    }

    /** An op cut in two by {@link #split}: {@code head} then {@code tail} do what the op did. */
    public record Split(TextOp head, TextOp tail) {
    }

    /**
     * Cuts this op in two so that the first part's JSON takes at most {@code maxBytes} of UTF-8, or returns it whole
     * (and a no-op tail) when it fits already. Deletes are reduced to their counts (what a client sends anyway), so
     * only inserts are long on the wire, and a long insert is cut between code points. A client uses it to keep every
     * submit under the server's message limit: the tail waits to be sent like any later local edit.
     *
     * <p>Law: {@code tail.apply(head.apply(doc)).equals(withoutDeletedText().apply(doc))} for every {@code doc} this
     * op fits, and {@code head}'s JSON is at most {@code maxBytes}. Why: head does this op's components up to the cut
     * and keeps the rest of the document; its output is this op's output up to the cut followed by this op's
     * unconsumed input, so tail skips that output and goes on from there.
     *
     * @throws IllegalArgumentException when {@code maxBytes} leaves no room for one component (below 64)
     */
    public Split split(int maxBytes) {
        if (maxBytes < 64) {
            throw new IllegalArgumentException("maxBytes " + maxBytes + " leaves no room for an op");
        }
        TextOp counts = withoutDeletedText();
        long budget = maxBytes - 2L; // the brackets
        long need = 0;
        for (Component c : counts.parts) {
            need += jsonBytes(c) + 1;
        }
        if (need - 1 <= budget) {
            return new Split(counts, noop());
        }
        Builder head = new Builder(counts.parts.length);
        int output = 0; // code points of this op's output that head produces
        int i = 0;
        String rest = null; // the part of an insert left for the tail
        for (; i < counts.parts.length; i++) {
            Component c = counts.parts[i];
            int cost = jsonBytes(c) + 1;
            if (cost <= budget) {
                budget -= cost;
                head.add(c);
                if (!(c instanceof Delete)) {
                    output += counts.lengths[i];
                }
                continue;
            }
            if (c instanceof Insert ins) { // as many whole code points as fit
                String text = ins.text();
                long room = budget - 3; // quotes and comma
                int cut = 0;
                while (cut < text.length()) {
                    int cp = text.codePointAt(cut);
                    if (Texts.jsonWidth(cp) > room) {
                        break;
                    }
                    room -= Texts.jsonWidth(cp);
                    cut += Character.charCount(cp);
                }
                if (cut > 0) {
                    String piece = text.substring(0, cut);
                    head.insert(piece);
                    output += Texts.length(piece);
                    rest = text.substring(cut);
                }
            }
            break;
        }
        TextOp first = head.build();
        if (first.isNoop()) {
            throw new IllegalArgumentException("cannot cut an op to " + maxBytes + " bytes");
        }
        Builder tail = new Builder(counts.parts.length - i + 2).skip(output);
        if (rest != null) {
            tail.insert(rest);
            i++;
        }
        for (; i < counts.parts.length; i++) {
            tail.add(counts.parts[i]);
        }
        return new Split(first, tail.build());
    }

    /** The UTF-8 bytes of one component in the compact notation. */
    private static int jsonBytes(Component c) {
        if (c instanceof Skip s) {
            return Integer.toString(s.count()).length();
        }
        if (c instanceof Insert ins) {
            return Texts.jsonBytes(ins.text());
        }
        Delete d = (Delete) c;
        return 6 + (d.text() != null ? Texts.jsonBytes(d.text()) : Integer.toString(d.count()).length());
    }

    /** This op with every delete reduced to its count: smaller on the wire, no longer invertible. */
    public TextOp withoutDeletedText() {
        boolean anyText = false;
        for (Component c : parts) {
            anyText |= c instanceof Delete d && d.text() != null;
        }
        if (!anyText) {
            return this;
        }
        Builder out = new Builder(parts.length);
        for (int i = 0; i < parts.length; i++) {
            Component c = parts[i];
            if (c instanceof Delete) {
                out.append(DELETE, lengths[i], null, 0, 0, ((Delete) c).text() == null ? c : null);
            } else {
                String text = textOf(c);
                out.append(kindOf(c), lengths[i], text, 0, text == null ? 0 : text.length(), c);
            }
        }
        return out.build();
    }

    /** One pass over doc: checks, and writes the result to {@code result} and/or the filled op to {@code filled}. */
    private void walk(String doc, StringBuilder result, Builder filled) {
        int at = 0;
        int pos = 0;
        for (int i = 0; i < parts.length; i++) {
            Component c = parts[i];
            int n = lengths[i];
            if (c instanceof Insert ins) {
                if (result != null) {
                    result.append(ins.text());
                }
                if (filled != null) {
                    filled.append(INSERT, n, ins.text(), 0, ins.text().length(), c);
                }
                continue;
            }
            boolean skip = c instanceof Skip;
            int end = Texts.advance(doc, at, n);
            if (end < 0) {
                throw InvalidOpException.pastEnd(skip ? "skip" : "delete", n, pos, Texts.length(doc));
            }
            if (skip) {
                if (result != null) {
                    result.append(doc, at, end);
                }
                if (filled != null) {
                    filled.append(SKIP, n, null, 0, 0, c);
                }
            } else {
                String text = ((Delete) c).text();
                if (text != null && !(end - at == text.length() && doc.regionMatches(at, text, 0, end - at))) {
                    throw InvalidOpException.deleteMismatch(pos, text, doc.substring(at, end));
                }
                if (filled != null) {
                    filled.append(DELETE, n, doc, at, end, text != null ? c : null);
                }
            }
            at = end;
            pos += n;
        }
        if (result != null) {
            result.append(doc, at, doc.length());
        }
    }

    // ---------------------------------------------------------------- the algebra

    /**
     * This op, then {@code next}, as one op. {@code next} must be an op on the result of this one.
     *
     * <p>Law: {@code next.apply(this.apply(d)).equals(this.compose(next).apply(d))} for every d this op fits.
     * Why it holds: the result walks this op's input; where next deletes text this op inserted, both vanish; where it
     * deletes text this op kept, the delete carries next's text for that stretch (so composing invertible ops gives an
     * invertible op).
     */
    public TextOp compose(TextOp next) {
        if (next.parts.length == 0) {
            return this;
        }
        if (parts.length == 0) {
            return next;
        }
        Walker first = new Walker(this);
        Builder out = new Builder(parts.length + next.parts.length);
        for (int i = 0; i < next.parts.length; i++) {
            Component c = next.parts[i];
            int n = next.lengths[i];
            if (c instanceof Skip) {
                // Keeps n code points of this op's output; this op's deletes there have no output and pass through.
                while (n > 0) {
                    first.take(n, DELETE);
                    out.append(first);
                    if (first.kind != DELETE) {
                        n -= first.count;
                    }
                }
            } else if (c instanceof Insert ins) {
                out.append(INSERT, n, ins.text(), 0, ins.text().length(), c);
            } else {
                String text = ((Delete) c).text();
                boolean bmp = text != null && text.length() == n;
                int taken = 0;
                int charAt = 0;
                while (taken < n) {
                    first.take(n - taken, DELETE);
                    int k = first.count;
                    if (first.kind == DELETE) {
                        out.append(first);
                        continue;
                    }
                    int charEnd = text == null ? 0 : bmp ? charAt + k : Texts.advance(text, charAt, k);
                    if (first.kind == SKIP) {
                        out.append(DELETE, k, text, charAt, charEnd, k == n ? c : null);
                    }
                    // An insert of this op that next deletes simply never happens.
                    taken += k;
                    charAt = charEnd;
                }
            }
        }
        while (first.hasMore()) {
            first.take(Integer.MAX_VALUE, NO_KIND);
            out.append(first);
        }
        return out.build();
    }

    /**
     * This op rewritten to apply after {@code other}, where both were made on the same document. {@code side} breaks
     * ties between inserts at the same position: {@link Side#LEFT} puts this op's text first. The two ends of a
     * transform must take opposite sides:
     *
     * <pre>
     *                      d
     *            this    /   \    other
     *                   /     \
     *        this.apply(d)   other.apply(d)
     *                   \     /
     *  other.transform   \   /   this.transform
     *   (this, RIGHT)     \ /     (other, LEFT)
     *                      d'
     * </pre>
     *
     * <p>Law (TP1): {@code b.transform(a, RIGHT).apply(a.apply(d)).equals(a.transform(b, LEFT).apply(b.apply(d)))},
     * and likewise with the sides swapped. Why it holds: text this op inserts inside a range other deletes survives, at
     * the point of the deletion; text both delete is deleted once (the transformed delete loses that stretch); text
     * other inserts is skipped. Deletes keep the text they still delete, so transforming invertible ops gives
     * invertible ops, as in text-unicode.
     */
    public TextOp transform(TextOp other, Side side) {
        Objects.requireNonNull(side, "side");
        if (other.parts.length == 0 || parts.length == 0) {
            return this;
        }
        Walker mine = new Walker(this);
        Builder out = new Builder(parts.length + other.parts.length);
        for (int i = 0; i < other.parts.length; i++) {
            Component c = other.parts[i];
            int n = other.lengths[i];
            if (c instanceof Skip) {
                while (n > 0) {
                    mine.take(n, INSERT);
                    out.append(mine);
                    if (mine.kind != INSERT) {
                        n -= mine.count;
                    }
                }
            } else if (c instanceof Insert) {
                if (side == Side.LEFT && mine.nextIsInsert()) {
                    mine.take(Integer.MAX_VALUE, INSERT);
                    out.append(mine);
                }
                out.skip(n);
            } else {
                while (n > 0) {
                    mine.take(n, INSERT);
                    if (mine.kind == INSERT) {
                        out.append(mine);
                    } else {
                        // A skip of text other deleted is gone; a delete of it is already done.
                        n -= mine.count;
                    }
                }
            }
        }
        while (mine.hasMore()) {
            mine.take(Integer.MAX_VALUE, NO_KIND);
            out.append(mine);
        }
        return out.build();
    }

    /**
     * The op that undoes this one: inserts become deletes of the same text and deletes become inserts.
     *
     * <p>Law: {@code op.invert().apply(op.apply(d)).equals(d)} for every d the op fits, and
     * {@code op.invert().invert().equals(op)}. Needs every deleted text, which a document op only has after
     * {@link #withDeletedText(String)} or {@link Rope#applyInvertibly(TextOp)}.
     *
     * @throws InvalidOpException when a delete carries no text
     */
    public TextOp invert() {
        Builder out = new Builder(parts.length);
        for (int i = 0; i < parts.length; i++) {
            Component c = parts[i];
            if (c instanceof Skip) {
                out.append(SKIP, lengths[i], null, 0, 0, c);
            } else if (c instanceof Insert ins) {
                out.append(DELETE, lengths[i], ins.text(), 0, ins.text().length(), null);
            } else {
                String text = ((Delete) c).text();
                if (text == null) {
                    throw InvalidOpException.cannotInvert(i);
                }
                out.append(INSERT, lengths[i], text, 0, text.length(), null);
            }
        }
        return out.build();
    }

    // ---------------------------------------------------------------- positions

    /**
     * Where the caret at code point {@code position} of the document before this op is after it, exactly as
     * text-unicode's {@code transformPosition}: a caret inside a deleted range moves to its start; text inserted
     * exactly at the caret goes after it (the caret stays put: the other user typed there, not this one).
     *
     * <p>Law: every code point of the old document that survives lands before the new caret if it was before the old
     * one, and at or after it otherwise; inserted text lands before the caret exactly when it is inserted at a
     * position before the caret. Positions past the end of the document act as if the document went on; the result
     * saturates at {@link Integer#MAX_VALUE}.
     *
     * @throws InvalidOpException when the position is negative
     */
    public int transformPosition(int position) {
        if (position < 0) {
            throw InvalidOpException.negativeOffset("position", position);
        }
        long cursor = position;
        long pos = 0;
        for (int i = 0; i < parts.length && cursor > pos; i++) {
            Component c = parts[i];
            int n = lengths[i];
            if (c instanceof Skip) {
                pos += n;
            } else if (c instanceof Insert) {
                pos += n;
                cursor += n;
            } else {
                cursor -= Math.min(n, cursor - pos);
            }
        }
        return (int) Math.min(cursor, Integer.MAX_VALUE);
    }

    /** Both ends of {@code selection} moved by {@link #transformPosition(int)}, each on its own. */
    public Selection transform(Selection selection) {
        int anchor = transformPosition(selection.anchor());
        int head = selection.head() == selection.anchor() ? anchor : transformPosition(selection.head());
        return anchor == selection.anchor() && head == selection.head() ? selection : new Selection(anchor, head);
    }

    // ---------------------------------------------------------------- identity

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof TextOp other && Arrays.equals(parts, other.parts);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(parts);
            hash = h;
        }
        return h;
    }

    static int kindOf(Component c) {
        return c instanceof Skip ? SKIP : c instanceof Insert ? INSERT : DELETE;
    }

    /** The text an insert adds or a delete removes, if known; null for skips and count-only deletes. */
    static String textOf(Component c) {
        return c instanceof Insert ins ? ins.text() : c instanceof Delete d ? d.text() : null;
    }

    // ---------------------------------------------------------------- building

    /**
     * Collects components into a normalized op: empty pieces are dropped, neighbours of the same kind merged, a
     * trailing skip dropped. Texts are only copied when two pieces really merge. Not thread-safe; builds one op, once.
     */
    public static final class Builder {
        private Component[] parts;
        private int[] lengths;
        private int size;

        // The last component, kept open so that the next piece of the same kind can join it.
        private int kind = NO_KIND;
        private long count;
        /** The pending text is src[from, to) until a second piece joins it; then it lives in joined. */
        private String src;
        private int from;
        private int to;
        private StringBuilder joined;
        /** The pending piece when it is exactly one existing component, to reuse instead of rebuilding. */
        private Component whole;

        Builder(int capacity) {
            parts = new Component[Math.max(capacity, 2)];
            lengths = new int[parts.length];
        }

        /** Keep {@code count} code points; 0 adds nothing. */
        public Builder skip(int count) {
            if (count < 0) {
                throw InvalidOpException.countTooSmall("a skip", count);
            }
            append(SKIP, count, null, 0, 0, null);
            return this;
        }

        /** Insert {@code text}; "" adds nothing. */
        public Builder insert(String text) {
            if (Texts.firstUnpairedSurrogate(text) >= 0) {
                throw InvalidOpException.unpairedSurrogate(-1, true, Texts.firstUnpairedSurrogate(text));
            }
            append(INSERT, Texts.length(text), text, 0, text.length(), null);
            return this;
        }

        /** Delete {@code count} code points without knowing them; 0 adds nothing. */
        public Builder delete(int count) {
            if (count < 0) {
                throw InvalidOpException.countTooSmall("a delete", count);
            }
            append(DELETE, count, null, 0, 0, null);
            return this;
        }

        /** Delete exactly {@code text}; "" adds nothing. */
        public Builder delete(String text) {
            if (Texts.firstUnpairedSurrogate(text) >= 0) {
                throw InvalidOpException.unpairedSurrogate(-1, false, Texts.firstUnpairedSurrogate(text));
            }
            append(DELETE, Texts.length(text), text, 0, text.length(), null);
            return this;
        }

        /** Adds one component. */
        public Builder add(Component c) {
            Objects.requireNonNull(c, "component");
            if (c instanceof Skip s) {
                append(SKIP, s.count(), null, 0, 0, c);
            } else if (c instanceof Insert ins) {
                append(INSERT, ins.codePoints(), ins.text(), 0, ins.text().length(), c);
            } else {
                Delete d = (Delete) c;
                append(DELETE, d.count(), d.text(), 0, d.text() == null ? 0 : d.text().length(), c);
            }
            return this;
        }

        void append(Walker w) {
            append(w.kind, w.count, w.text, w.from, w.to, w.whole);
        }

        /**
         * Adds {@code codePoints} of {@code kind}; for inserts and text deletes the text is {@code text[from, to)},
         * for count-only deletes {@code text} is null. {@code component}, when not null, is exactly this piece.
         */
        void append(int kind, int codePoints, String text, int from, int to, Component component) {
            if (codePoints == 0) {
                return;
            }
            if (kind != this.kind) {
                flush();
                this.kind = kind;
                this.count = codePoints;
                this.src = text;
                this.from = from;
                this.to = to;
                this.whole = component;
                return;
            }
            count += codePoints;
            if (count > Integer.MAX_VALUE) {
                throw InvalidOpException.tooLong(count);
            }
            whole = null;
            if (kind == SKIP) {
                return;
            }
            if (text == null || (joined == null && src == null)) {
                // Merging a delete that knows its text with one that does not: only the count is known.
                src = null;
                joined = null;
                return;
            }
            if (joined == null) {
                joined = new StringBuilder(to - from + this.to - this.from).append(src, this.from, this.to);
            }
            joined.append(text, from, to);
        }

        private void flush() {
            if (kind == NO_KIND) {
                return;
            }
            Component c = whole;
            if (c == null) {
                String text = joined != null ? joined.toString() : src == null ? null : src.substring(from, to);
                int n = (int) count;
                c = kind == SKIP ? new Skip(n) : kind == INSERT ? new Insert(text) : new Delete(n, text);
            }
            if (size == parts.length) {
                parts = Arrays.copyOf(parts, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
            }
            parts[size] = c;
            lengths[size] = (int) count;
            size++;
            kind = NO_KIND;
            src = null;
            joined = null;
            whole = null;
        }

        /** The op; a trailing skip is dropped. */
        public TextOp build() {
            if (kind != SKIP) {
                flush();
            }
            kind = NO_KIND;
            TextOp op = size == 0 ? NOOP : new TextOp(parts, lengths, size);
            // The op may share these arrays: a second use of this builder must not change it.
            parts = null;
            lengths = null;
            return op;
        }
    }

    /**
     * Hands out an op's components piece by piece, for compose and transform. Past the last component the op skips
     * forever, because an op keeps whatever it does not reach.
     */
    static final class Walker {
        private final Component[] parts;
        private final int[] lengths;
        private int index;
        /** Code points of parts[index] already handed out, and the chars of its text they span. */
        private int offset;
        private int charOffset;

        // The piece last taken.
        int kind;
        int count;
        String text;
        int from;
        int to;
        /** The piece's component when the piece is all of it, else null. */
        Component whole;

        Walker(TextOp op) {
            this.parts = op.parts;
            this.lengths = op.lengths;
        }

        boolean hasMore() {
            return index < parts.length;
        }

        boolean nextIsInsert() {
            return index < parts.length && parts[index] instanceof Insert;
        }

        /** Takes at most {@code max} code points of the next component; all of it if its kind is indivisible. */
        void take(int max, int indivisible) {
            if (index == parts.length) {
                kind = SKIP;
                count = max;
                text = null;
                whole = null;
                return;
            }
            Component c = parts[index];
            int length = lengths[index];
            int left = length - offset;
            kind = kindOf(c);
            text = textOf(c);
            from = charOffset;
            if (left <= max || kind == indivisible) {
                count = left;
                to = text == null ? 0 : text.length();
                whole = offset == 0 ? c : null;
                index++;
                offset = 0;
                charOffset = 0;
            } else {
                count = max;
                if (text != null) {
                    to = text.length() == length ? from + max : Texts.advance(text, from, max);
                    charOffset = to;
                }
                whole = null;
                offset += max;
            }
        }
    }
}
