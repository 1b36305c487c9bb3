package dev.coedit.editing.entity;

import dev.coedit.ot.Selection;
import dev.coedit.ot.TextOp;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;
import java.util.List;

/** What the server sends on the editing channel; {@code type} is the discriminator. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "snapshot", type = ServerMessage.Snapshot.class),
        @JsonbSubtype(alias = "resumed", type = ServerMessage.Resumed.class),
        @JsonbSubtype(alias = "ack", type = ServerMessage.Ack.class),
        @JsonbSubtype(alias = "op", type = ServerMessage.RemoteOp.class),
        @JsonbSubtype(alias = "presence", type = ServerMessage.Presence.class),
        @JsonbSubtype(alias = "joined", type = ServerMessage.Joined.class),
        @JsonbSubtype(alias = "left", type = ServerMessage.Left.class),
        @JsonbSubtype(alias = "error", type = ServerMessage.Error.class),
        @JsonbSubtype(alias = "role", type = ServerMessage.RoleChanged.class),
        @JsonbSubtype(alias = "access", type = ServerMessage.Access.class),
        @JsonbSubtype(alias = "history", type = ServerMessage.History.class),
        @JsonbSubtype(alias = "version", type = ServerMessage.VersionText.class)
})
public sealed interface ServerMessage {

    /**
     * The whole document: the answer to a fresh hello, or to one whose {@code lastVersion} is no longer in the
     * history kept. {@code lastSeq} is the highest seq of this client already committed: edits up to it are in
     * {@code text}, so the client drops them from its pending edits and numbers new ones after it. {@code role} is
     * what this connection may do: {@code viewer}, {@code editor} or {@code owner}; an owner also gets the
     * document's {@code access} rules (as in {@link Access}), others none.
     */
    record Snapshot(String documentId, long version, String text, long lastSeq, List<Participant> participants,
                    String role, java.util.Map<String, String> access) implements ServerMessage {
    }

    /**
     * Ends a resume: before it the server sent every edit committed after the client's {@code lastVersion}, as
     * {@code op} for others' edits and {@code ack} for the client's own.
     */
    record Resumed(String documentId, long version, long lastSeq, List<Participant> participants, String role,
                   java.util.Map<String, String> access) implements ServerMessage {
    }

    /** The submit numbered {@code seq} is committed as {@code version}. */
    record Ack(long seq, long version) implements ServerMessage {
    }

    /** Another client's edit, committed as {@code version}; it applies to the document at {@code version - 1}. */
    record RemoteOp(long version, TextOp op, String author) implements ServerMessage {
    }

    /** A participant's caret moved, in the document at {@code version}; a null selection hides it. */
    record Presence(String clientId, long version, Selection selection) implements ServerMessage {
    }

    record Joined(Participant participant) implements ServerMessage {
    }

    record Left(String clientId) implements ServerMessage {
    }

    /** An owner changed what this connection may do; {@code role} is {@code viewer}, {@code editor} or {@code owner}. */
    record RoleChanged(String role) implements ServerMessage {
    }

    /**
     * The document's access rules, sent to its owners after every change: user to role, and {@code "*"} (everyone
     * else signed in) to a role or {@code none}. (Owners get the rules when they join in the snapshot's or
     * resumed's {@code access}.)
     */
    record Access(String documentId, java.util.Map<String, String> rules) implements ServerMessage {
    }

    /** The answer to {@code history}: stored versions, newest first; {@code ref} echoes the request's. */
    record History(String documentId, List<Version> versions, String ref) implements ServerMessage {
    }

    /**
     * One version of a document: who made it ({@code clientId}, and {@code author}, their display name then), when
     * ({@code time}, ISO-8601 UTC), and how many code points it inserted and deleted.
     */
    record Version(long version, String time, String clientId, String author, int inserted, int deleted) {
    }

    /** The answer to {@code fetch}: the document's text at {@code version}. */
    record VersionText(String documentId, long version, String text, String ref) implements ServerMessage {
    }

    /**
     * Something the client sent was refused. {@code ref} echoes the offending message's ref and {@code seq} its
     * seq, when it had them.
     */
    record Error(String code, String message, String ref, Long seq) implements ServerMessage {
        public static Error of(ErrorCode code, String message, String ref, Long seq) {
            return new Error(code.wire(), message, ref, seq);
        }
    }
}
