package dev.coedit.editing.entity;

import dev.coedit.ot.TextOp;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.regex.Pattern;

/**
 * What a client may send on the editing channel; {@code type} is the discriminator. Fields are boxed so a missing
 * field is told apart from zero and reported by name (see {@link #problem()}). Every message may carry {@code ref}, a
 * client-chosen string that the server echoes in any error it causes.
 */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "hello", type = ClientMessage.Hello.class),
        @JsonbSubtype(alias = "submit", type = ClientMessage.Submit.class),
        @JsonbSubtype(alias = "caret", type = ClientMessage.Caret.class),
        @JsonbSubtype(alias = "access", type = ClientMessage.Access.class),
        @JsonbSubtype(alias = "history", type = ClientMessage.History.class),
        @JsonbSubtype(alias = "fetch", type = ClientMessage.Fetch.class)
})
public sealed interface ClientMessage {

    int MAX_REF_LENGTH = 64;
    int MAX_CLIENT_ID_LENGTH = 64;
    int MAX_NAME_LENGTH = 64;
    /** Checked on every message: compiled once. */
    Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_CLIENT_ID_LENGTH + "}");
    Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");

    String ref();

    /** What is wrong with the message's fields, or null when it is complete. */
    String problem();

    /**
     * Joins the document, or rejoins it after a reconnect.
     *
     * @param clientId    stable per editor tab across reconnects: 1–64 letters, digits, '-' or '_'
     * @param lastVersion the last version this client saw, to resume from; null for a fresh join
     * @param batch       true when the client takes {@code batch} messages (several messages in one frame)
     */
    record Hello(String clientId, String name, String color, Long lastVersion, String ref, Boolean batch)
            implements ClientMessage {

        @Override
        public String problem() {
            String p = checkClientId(clientId);
            if (p != null) {
                return p;
            }
            if (name != null && name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
                return "hello.name is longer than " + MAX_NAME_LENGTH + " characters";
            }
            if (color != null && !COLOR.matcher(color).matches()) {
                return "hello.color must look like #1a2b3c, was \"" + clip(color) + "\"";
            }
            if (lastVersion != null && lastVersion < 0) {
                return "hello.lastVersion must be 0 or more, was " + lastVersion;
            }
            return checkRef(ref);
        }
    }

    /**
     * An edit made on the document as it was at {@code baseVersion}.
     *
     * @param seq numbers the client's submits: 1, 2, 3, ...; a resent submit keeps its seq
     */
    record Submit(String clientId, Long seq, Long baseVersion, TextOp op, String ref) implements ClientMessage {
        @Override
        public String problem() {
            String p = checkClientId(clientId);
            if (p != null) {
                return p;
            }
            if (seq == null || seq < 1) {
                return seq == null ? "submit.seq is missing" : "submit.seq must be 1 or more, was " + seq;
            }
            if (baseVersion == null || baseVersion < 0) {
                return baseVersion == null ? "submit.baseVersion is missing"
                        : "submit.baseVersion must be 0 or more, was " + baseVersion;
            }
            if (op == null) {
                return "submit.op is missing";
            }
            return checkRef(ref);
        }
    }

    /**
     * Where this client's caret and selection are, in the document at {@code version}. Both ends null hides it.
     */
    record Caret(Long version, Integer anchor, Integer head, String ref) implements ClientMessage {
        @Override
        public String problem() {
            if (version == null || version < 0) {
                return version == null ? "caret.version is missing" : "caret.version must be 0 or more, was " + version;
            }
            if ((anchor == null) != (head == null)) {
                return "caret.anchor and caret.head must both be given, or both be left out";
            }
            if (anchor != null && (anchor < 0 || head < 0)) {
                return "caret.anchor and caret.head must be 0 or more, were " + anchor + " and " + head;
            }
            return checkRef(ref);
        }
    }

    /**
     * An owner gives {@code user} a role in the document: {@code viewer}, {@code editor}, {@code owner}, or
     * {@code none} to take access away. {@code user} {@code "*"} stands for every signed-in user without a rule.
     */
    record Access(String user, String role, String ref) implements ClientMessage {
        public static final int MAX_USER_LENGTH = 128;
        static final java.util.Set<String> ROLES = java.util.Set.of("viewer", "editor", "owner", "none");

        @Override
        public String problem() {
            if (user == null || user.isBlank()) {
                return "access.user is missing";
            }
            if (user.length() > MAX_USER_LENGTH) {
                return "access.user is longer than " + MAX_USER_LENGTH + " characters";
            }
            if (role == null || !ROLES.contains(role)) {
                return role == null ? "access.role is missing"
                        : "access.role must be viewer, editor, owner or none, was \"" + clip(role) + "\"";
            }
            return checkRef(ref);
        }
    }

    /**
     * Asks for the document's history: up to {@code limit} versions (default 50, at most 200) older than
     * {@code before} (default: from the newest), newest first.
     */
    record History(Long before, Integer limit, String ref) implements ClientMessage {
        @Override
        public String problem() {
            if (before != null && before < 1) {
                return "history.before must be 1 or more, was " + before;
            }
            if (limit != null && limit < 1) {
                return "history.limit must be 1 or more, was " + limit;
            }
            return checkRef(ref);
        }
    }

    /** Asks for the text of the document at one version of its history. */
    record Fetch(Long version, String ref) implements ClientMessage {
        @Override
        public String problem() {
            if (version == null || version < 0) {
                return version == null ? "fetch.version is missing" : "fetch.version must be 0 or more, was " + version;
            }
            return checkRef(ref);
        }
    }

    private static String checkClientId(String clientId) {
        if (clientId == null) {
            return "clientId is missing";
        }
        if (!CLIENT_ID.matcher(clientId).matches()) {
            return "clientId must be 1-" + MAX_CLIENT_ID_LENGTH + " letters, digits, '-' or '_', was \""
                    + clip(clientId) + "\"";
        }
        return null;
    }

    private static String checkRef(String ref) {
        return ref != null && ref.length() > MAX_REF_LENGTH
                ? "ref is longer than " + MAX_REF_LENGTH + " characters" : null;
    }

    private static String clip(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
}
