package dev.coedit.ot;

import java.util.Arrays;
import java.util.Objects;

/**
 * A mutable text addressed in code points, for the document a server edits on every message. Applying an op costs
 * time in the size of the op and of the chunks it touches, plus a scan over the chunk table (a few thousand ints for
 * 10 MB), never a copy of the whole text.
 *
 * <p>The text is cut into chunks of at most {@value #DEFAULT_MAX_CHUNK} chars, each with its code-point count
 * cached. Chunks are cut only between code points, so a surrogate pair never straddles two chunks and a chunk's count
 * equals its char length exactly when it holds no pair (then offsets inside it need no scan). Edits change chunks in
 * place; a chunk that grows too big is re-cut, and small or empty chunks near an edit are merged away afterwards.
 *
 * <p>Not thread-safe: confine a rope to its document's executor.
 */
public final class Rope {

    static final int DEFAULT_MAX_CHUNK = 4096;

    /** Chars a chunk may hold. */
    private final int maxChunk;
    /** Chars a freshly cut chunk holds: half full, so that typing fits in place for a long while. */
    private final int fillChunk;
    /** A chunk smaller than this is merged into a neighbour after an edit, when the two fit in one chunk. */
    private final int minChunk;

    private StringBuilder[] chunks;
    /** {@code counts[i]} is the number of code points in {@code chunks[i]}. */
    private int[] counts;
    /** Chunks in use; at least 1 (an empty rope is one empty chunk). */
    private int size;
    /** Code points in all chunks. */
    private int length;

    // The write cursor while an op is applied: chunk, char offset in it, code-point offset in it.
    private int ci;
    private int co;
    private int cpo;
    // Which chunks an op changed, for tidy(): the first and the last index, kept up to date as chunks come and go.
    private int dirtyFrom;
    private int dirtyTo;

    /**
     * @throws IllegalArgumentException when the text holds an unpaired surrogate: counts would then depend on where
     *                                  chunks are cut
     */
    public Rope(String initial) {
        this(initial, DEFAULT_MAX_CHUNK);
    }

    /** A rope with small chunks, so that tests reach chunk boundaries with short texts. */
    Rope(String initial, int maxChunk) {
        Objects.requireNonNull(initial, "initial");
        if (maxChunk < 4) {
            throw new IllegalArgumentException("chunks must hold at least 4 chars, not " + maxChunk);
        }
        int bad = Texts.firstUnpairedSurrogate(initial);
        if (bad >= 0) {
            throw new IllegalArgumentException("the text has an unpaired surrogate at char " + bad);
        }
        this.maxChunk = maxChunk;
        this.fillChunk = maxChunk / 2;
        this.minChunk = maxChunk / 4;
        int pieces = Math.max(1, (initial.length() + fillChunk - 1) / fillChunk + 1);
        this.chunks = new StringBuilder[Math.max(8, pieces + pieces / 4)];
        this.counts = new int[chunks.length];
        this.size = cut(initial, 0, initial.length(), chunks, counts, 0);
        if (size == 0) {
            chunks[0] = new StringBuilder();
            size = 1;
        }
        long total = 0;
        for (int i = 0; i < size; i++) {
            total += counts[i];
        }
        this.length = (int) total;
    }

    /** Length in code points. */
    public int length() {
        return length;
    }

    /** The whole text: O(length), for snapshots. */
    @Override
    public String toString() {
        long chars = 0;
        for (int i = 0; i < size; i++) {
            chars += chunks[i].length();
        }
        StringBuilder out = new StringBuilder((int) chars);
        for (int i = 0; i < size; i++) {
            out.append(chunks[i]);
        }
        return out.toString();
    }

    /**
     * The text from code point {@code from} (inclusive) to {@code to} (exclusive).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= length()}
     */
    public String substring(int from, int to) {
        if (from < 0 || from > to || to > length) {
            throw new IndexOutOfBoundsException("substring from " + from + " to " + to + " of a document of "
                    + length);
        }
        Reader r = new Reader();
        r.seek(from);
        StringBuilder out = new StringBuilder(to - from);
        r.read(to - from, out);
        return out.toString();
    }

    /**
     * Applies {@code op}. The whole op is checked first, so an invalid op leaves the rope as it was.
     *
     * <p>Law: {@code rope.apply(op)} leaves {@code rope.toString()} equal to {@code op.apply(before)}, and fails
     * exactly when that fails, with the same message.
     *
     * @throws InvalidOpException when a skip or delete runs past the end, or a delete that carries its text finds
     *                            other text
     */
    public void apply(TextOp op) {
        check(op, null);
        write(op);
    }

    /**
     * Applies {@code op} as {@link #apply} does and returns it with the text of every delete filled in (see
     * {@link TextOp#withDeletedText(String)}), ready to be kept in a history and inverted.
     */
    public TextOp applyInvertibly(TextOp op) {
        TextOp invertible = op;
        if (!op.isInvertible()) {
            TextOp.Builder filled = new TextOp.Builder(op.size());
            check(op, filled);
            invertible = filled.build();
        } else {
            check(op, null);
        }
        write(op);
        return invertible;
    }

    /** {@code op} with the text of every delete filled in from this rope, which it must fit; the rope is unchanged. */
    public TextOp withDeletedText(TextOp op) {
        if (op.isInvertible()) {
            check(op, null);
            return op;
        }
        TextOp.Builder filled = new TextOp.Builder(op.size());
        check(op, filled);
        return filled.build();
    }

    // ---------------------------------------------------------------- checking

    /**
     * Checks the op against this text in component order, so that the first problem reported is the one
     * {@link TextOp#apply(String)} reports; optionally collects the op with the deleted texts filled in.
     */
    private void check(TextOp op, TextOp.Builder filled) {
        Reader r = null;
        long pos = 0;
        for (int i = 0, n = op.size(); i < n; i++) {
            Component c = op.part(i);
            int k = op.lengthOf(i);
            if (c instanceof Insert ins) {
                if (filled != null) {
                    filled.append(TextOp.INSERT, k, ins.text(), 0, ins.text().length(), c);
                }
                continue;
            }
            boolean skip = c instanceof Skip;
            if (pos + k > length) {
                throw InvalidOpException.pastEnd(skip ? "skip" : "delete", k, pos, length);
            }
            if (skip) {
                if (filled != null) {
                    filled.append(TextOp.SKIP, k, null, 0, 0, c);
                }
            } else {
                String text = ((Delete) c).text();
                if (text != null || filled != null) {
                    if (r == null) {
                        r = new Reader();
                    }
                    r.seek(pos);
                    if (text != null) {
                        if (!r.regionEquals(text)) {
                            throw InvalidOpException.deleteMismatch(pos, text, substring((int) pos, (int) pos + k));
                        }
                        if (filled != null) {
                            filled.append(TextOp.DELETE, k, text, 0, text.length(), c);
                        }
                    } else {
                        StringBuilder deleted = new StringBuilder(k);
                        r.read(k, deleted);
                        String t = deleted.toString();
                        filled.append(TextOp.DELETE, k, t, 0, t.length(), null);
                    }
                }
            }
            pos += k;
        }
    }

    /** A read-only cursor, moving forward only. */
    private final class Reader {
        private int chunk;
        private int charAt;
        private int cpAt;
        private long pos;

        void seek(long target) {
            int n = (int) (target - pos);
            pos = target;
            while (true) {
                int left = counts[chunk] - cpAt;
                if (n <= left) {
                    charAt = charIndex(chunk, charAt, n);
                    cpAt += n;
                    return;
                }
                n -= left;
                next();
            }
        }

        /** Whether the text from here starts with {@code t}; does not move. */
        boolean regionEquals(String t) {
            int c = chunk;
            int at = charAt;
            int i = 0;
            int n = t.length();
            while (i < n) {
                StringBuilder sb = chunks[c];
                if (at == sb.length()) {
                    if (++c == size) {
                        return false;
                    }
                    at = 0;
                    continue;
                }
                int k = Math.min(sb.length() - at, n - i);
                for (int j = 0; j < k; j++) {
                    if (sb.charAt(at + j) != t.charAt(i + j)) {
                        return false;
                    }
                }
                at += k;
                i += k;
            }
            return true;
        }

        /** Appends the next {@code n} code points to {@code out} and moves past them. */
        void read(int n, StringBuilder out) {
            pos += n;
            while (n > 0) {
                int left = counts[chunk] - cpAt;
                if (left == 0) {
                    next();
                    continue;
                }
                int k = Math.min(n, left);
                int end = charIndex(chunk, charAt, k);
                out.append(chunks[chunk], charAt, end);
                charAt = end;
                cpAt += k;
                n -= k;
            }
        }

        private void next() {
            if (++chunk >= size) {
                throw new IllegalStateException("read past the last chunk; the rope's counts are off");
            }
            charAt = 0;
            cpAt = 0;
        }
    }

    // ---------------------------------------------------------------- writing

    /** Applies an op that {@link #check} accepted; nothing here can fail for a reason the sender caused. */
    private void write(TextOp op) {
        if (op.isNoop()) {
            return;
        }
        ci = 0;
        co = 0;
        cpo = 0;
        dirtyFrom = Integer.MAX_VALUE;
        dirtyTo = -1;
        for (int i = 0, n = op.size(); i < n; i++) {
            Component c = op.part(i);
            if (c instanceof Skip) {
                skip(op.lengthOf(i));
            } else if (c instanceof Insert ins) {
                insert(ins.text(), op.lengthOf(i));
            } else {
                delete(op.lengthOf(i));
            }
        }
        tidy();
    }

    private void skip(int n) {
        while (true) {
            int left = counts[ci] - cpo;
            if (n <= left) {
                co = charIndex(ci, co, n);
                cpo += n;
                return;
            }
            n -= left;
            nextChunk();
        }
    }

    private void insert(String s, int n) {
        if (chunks[ci].length() + s.length() > maxChunk && co == chunks[ci].length() && ci + 1 < size
                && chunks[ci + 1].length() + s.length() <= maxChunk) {
            // At the end of a full chunk: the start of the next one is the same position.
            nextChunk();
        }
        StringBuilder sb = chunks[ci];
        length += n;
        if (sb.length() + s.length() <= maxChunk) {
            sb.insert(co, s);
            co += s.length();
            cpo += n;
            counts[ci] += n;
            touch(ci);
            return;
        }
        // Too big for one chunk: re-cut this chunk with the text in it, and put the cursor after the text.
        StringBuilder all = new StringBuilder(sb.length() + s.length()).append(sb, 0, co).append(s)
                .append(sb, co, sb.length());
        int caret = co + s.length();
        int pieces = (all.length() + fillChunk - 1) / fillChunk + 1;
        StringBuilder[] newChunks = new StringBuilder[pieces];
        int[] newCounts = new int[pieces];
        int k = cut(all, 0, all.length(), newChunks, newCounts, 0);
        replace(ci, newChunks, newCounts, k);
        int first = ci;
        int start = 0;
        for (int p = 0; p < k; p++) {
            int end = start + newChunks[p].length();
            if (caret <= end) {
                ci = first + p;
                co = caret - start;
                cpo = Character.codePointCount(newChunks[p], 0, co);
                break;
            }
            start = end;
        }
        touch(first);
        touch(first + k - 1);
    }

    private void delete(int n) {
        while (n > 0) {
            int left = counts[ci] - cpo;
            if (left == 0) {
                nextChunk();
                continue;
            }
            if (n < left) {
                chunks[ci].delete(co, charIndex(ci, co, n));
                counts[ci] -= n;
                length -= n;
                touch(ci);
                return;
            }
            // The rest of this chunk, then whole chunks, then the head of the one after.
            chunks[ci].setLength(co);
            counts[ci] = cpo;
            length -= left;
            n -= left;
            touch(ci);
            int j = ci + 1;
            while (n > 0 && j < size && counts[j] <= n) {
                n -= counts[j];
                length -= counts[j];
                j++;
            }
            remove(ci + 1, j);
            if (n > 0) {
                if (ci + 1 >= size) {
                    throw new IllegalStateException("delete runs past the last chunk; the rope's counts are off");
                }
                chunks[ci + 1].delete(0, charIndex(ci + 1, 0, n));
                counts[ci + 1] -= n;
                length -= n;
                n = 0;
                touch(ci + 1);
            }
        }
    }

    private void nextChunk() {
        if (++ci >= size) {
            throw new IllegalStateException("cursor moved past the last chunk; the op was not checked");
        }
        co = 0;
        cpo = 0;
    }

    /** The char index {@code n} code points after char {@code from} in chunk {@code i}. */
    private int charIndex(int i, int from, int n) {
        StringBuilder sb = chunks[i];
        return sb.length() == counts[i] ? from + n : Character.offsetByCodePoints(sb, from, n);
    }

    private void touch(int chunk) {
        dirtyFrom = Math.min(dirtyFrom, chunk);
        dirtyTo = Math.max(dirtyTo, chunk);
    }

    /** Drops empty chunks and merges small ones around the chunks the last op changed. */
    private void tidy() {
        if (dirtyFrom == Integer.MAX_VALUE) {
            return;
        }
        int lo = Math.max(0, dirtyFrom - 1);
        int hi = Math.min(size - 1, dirtyTo + 1);
        dirtyFrom = Integer.MAX_VALUE;
        dirtyTo = -1;
        int w = lo;
        for (int r = lo; r <= hi; r++) {
            StringBuilder c = chunks[r];
            if (c.length() == 0) {
                continue;
            }
            if (w > lo) {
                StringBuilder p = chunks[w - 1];
                if ((p.length() < minChunk || c.length() < minChunk) && p.length() + c.length() <= maxChunk) {
                    p.append(c);
                    counts[w - 1] += counts[r];
                    continue;
                }
            }
            chunks[w] = c;
            counts[w] = counts[r];
            w++;
        }
        remove(w, hi + 1);
        if (size == 0) {
            chunks[0] = new StringBuilder();
            counts[0] = 0;
            size = 1;
        }
    }

    /**
     * Removes chunks {@code [from, to)}. The cursor only moves forward, so the first changed chunk is never after
     * {@code from}; the last one may be, and moves with the chunks after it (if it goes, its left neighbour stands in).
     */
    private void remove(int from, int to) {
        int gone = to - from;
        if (gone <= 0) {
            return;
        }
        if (dirtyTo >= to) {
            dirtyTo -= gone;
        } else if (dirtyTo >= from) {
            dirtyTo = from - 1;
        }
        System.arraycopy(chunks, to, chunks, from, size - to);
        System.arraycopy(counts, to, counts, from, size - to);
        Arrays.fill(chunks, size - gone, size, null);
        size -= gone;
    }

    /** Replaces chunk {@code at} by {@code k} new chunks. */
    private void replace(int at, StringBuilder[] newChunks, int[] newCounts, int k) {
        int grow = k - 1;
        if (dirtyTo > at) {
            dirtyTo += grow;
        }
        if (size + grow > chunks.length) {
            int capacity = Math.max(size + grow, chunks.length + chunks.length / 2);
            chunks = Arrays.copyOf(chunks, capacity);
            counts = Arrays.copyOf(counts, capacity);
        }
        System.arraycopy(chunks, at + 1, chunks, at + k, size - at - 1);
        System.arraycopy(counts, at + 1, counts, at + k, size - at - 1);
        System.arraycopy(newChunks, 0, chunks, at, k);
        System.arraycopy(newCounts, 0, counts, at, k);
        size += grow;
    }

    /**
     * Cuts {@code s[from, to)} into chunks of {@link #fillChunk} chars (one more to keep a surrogate pair whole), into
     * {@code out} from index {@code at}; returns how many, at most {@code ceil((to - from) / fillChunk)}.
     */
    private int cut(CharSequence s, int from, int to, StringBuilder[] out, int[] outCounts, int at) {
        int k = at;
        int start = from;
        while (start < to) {
            int end = Math.min(to, start + fillChunk);
            if (end < to && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
                end++;
            }
            StringBuilder chunk = new StringBuilder(Math.min(maxChunk, end - start + fillChunk / 2));
            chunk.append(s, start, end);
            out[k] = chunk;
            outCounts[k] = Character.codePointCount(s, start, end);
            k++;
            start = end;
        }
        return k - at;
    }

    /**
     * Throws an {@link IllegalStateException} when the chunk table is inconsistent: a count that is off, an empty
     * chunk beside others, a chunk over the limit or a surrogate pair cut in two. For tests.
     */
    void checkInvariants() {
        if (size < 1) {
            throw new IllegalStateException("a rope has at least one chunk, this one has " + size);
        }
        long total = 0;
        for (int i = 0; i < size; i++) {
            StringBuilder c = chunks[i];
            int n = Character.codePointCount(c, 0, c.length());
            if (n != counts[i]) {
                throw new IllegalStateException("chunk " + i + " holds " + n + " code points but counts " + counts[i]);
            }
            if (c.length() == 0 && size > 1) {
                throw new IllegalStateException("chunk " + i + " of " + size + " is empty");
            }
            if (c.length() > maxChunk) {
                throw new IllegalStateException("chunk " + i + " holds " + c.length() + " chars, over " + maxChunk);
            }
            if (c.length() > 0 && (Character.isLowSurrogate(c.charAt(0))
                    || Character.isHighSurrogate(c.charAt(c.length() - 1)))) {
                throw new IllegalStateException("chunk " + i + " cuts a surrogate pair");
            }
            total += n;
        }
        if (total != length) {
            throw new IllegalStateException("chunks hold " + total + " code points but length is " + length);
        }
        for (int i = size; i < chunks.length; i++) {
            if (chunks[i] != null) {
                throw new IllegalStateException("slot " + i + " past size " + size + " still holds a chunk");
            }
        }
    }

    /** Chunks in use; for tests. */
    int chunkCount() {
        return size;
    }
}
