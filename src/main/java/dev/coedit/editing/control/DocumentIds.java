package dev.coedit.editing.control;

import java.util.regex.Pattern;

/** Which document ids exist: checked at the handshake, before any document is created. */
public final class DocumentIds {

    public static final int MAX_LENGTH = 64;
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (MAX_LENGTH - 1) + "}");

    private DocumentIds() {
    }

    /** What is wrong with the id, or null when it is fine. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "document id is empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "document id is " + id.length() + " characters long; the limit is " + MAX_LENGTH;
        }
        if (!ALLOWED.matcher(id).matches()) {
            return "document id \"" + id + "\" may use only letters, digits, '.', '_' and '-', and must start with a"
                    + " letter or digit";
        }
        return null;
    }
}
