package dev.coedit.ot;

import java.util.ArrayList;
import java.util.List;

/**
 * The op that turns one text into another, found by trimming their common prefix and suffix: one replaced region.
 * Not minimal when the texts differ in several places, but always correct:
 * {@code between(a, b).apply(a).equals(b)}. Used to rebase edits over a snapshot and to restore an old version.
 */
public final class Diff {

    private Diff() {
    }

    public static TextOp between(String from, String to) {
        int prefix = 0;
        int max = Math.min(from.length(), to.length());
        while (prefix < max && from.charAt(prefix) == to.charAt(prefix)) {
            prefix++;
        }
        // Never split a surrogate pair: back off to the pair's start.
        if (prefix > 0 && Character.isHighSurrogate(from.charAt(prefix - 1))) {
            prefix--;
        }
        int suffix = 0;
        int maxSuffix = max - prefix;
        while (suffix < maxSuffix
                && from.charAt(from.length() - 1 - suffix) == to.charAt(to.length() - 1 - suffix)) {
            suffix++;
        }
        if (suffix > 0 && Character.isLowSurrogate(from.charAt(from.length() - suffix))) {
            suffix--;
        }
        String deleted = from.substring(prefix, from.length() - suffix);
        String inserted = to.substring(prefix, to.length() - suffix);
        List<Component> parts = new ArrayList<>(3);
        int skip = from.codePointCount(0, prefix);
        if (skip > 0) {
            parts.add(new Skip(skip));
        }
        if (!inserted.isEmpty()) {
            parts.add(new Insert(inserted));
        }
        if (!deleted.isEmpty()) {
            parts.add(new Delete(deleted.codePointCount(0, deleted.length()), deleted));
        }
        return TextOp.of(parts);
    }
}
