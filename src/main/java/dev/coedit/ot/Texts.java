package dev.coedit.ot;

/** Code-point arithmetic on UTF-16 text, shared by the op and the rope. */
final class Texts {

    private Texts() {
    }

    /** The char index of the first surrogate that is not half of a pair, or -1 when the text is well-formed. */
    static int firstUnpairedSurrogate(CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Code points in {@code s}. */
    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /**
     * The char index {@code codePoints} code points after {@code from}, or -1 when the text ends first. Linear, but
     * without the bounds exception of {@link String#offsetByCodePoints}, so a too-long op costs no stack trace.
     */
    static int advance(CharSequence s, int from, int codePoints) {
        int n = s.length();
        int i = from;
        for (int left = codePoints; left > 0; left--) {
            if (i >= n) {
                return -1;
            }
            if (Character.isHighSurrogate(s.charAt(i++)) && i < n && Character.isLowSurrogate(s.charAt(i))) {
                i++;
            }
        }
        return i;
    }

    /** Appends {@code s[from, to)} as a JSON string literal, quotes included. */
    static StringBuilder appendQuoted(StringBuilder out, String s, int from, int to) {
        out.append('"');
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** The UTF-8 bytes that code point {@code cp} takes inside a JSON string as {@link #appendQuoted} writes it. */
    static int jsonWidth(int cp) {
        switch (cp) {
            case '"', '\\', '\n', '\r', '\t', '\b', '\f' -> {
                return 2;
            }
            default -> {
                if (cp < 0x20) {
                    return 6;
                }
            }
        }
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

    /** The UTF-8 bytes of {@code s} as a JSON string, quotes included. */
    static int jsonBytes(String s) {
        int bytes = 2;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            bytes += jsonWidth(cp);
            i += Character.charCount(cp);
        }
        return bytes;
    }
}
