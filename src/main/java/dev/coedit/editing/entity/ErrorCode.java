package dev.coedit.editing.entity;

import java.util.Locale;

/** The stable codes of {@code error} messages; docs/protocol.md lists what each means and what to do. */
public enum ErrorCode {
    /** The text is not JSON, or a field has the wrong JSON type. */
    BAD_JSON,
    /** The {@code type} is missing or not one this server knows. */
    UNKNOWN_TYPE,
    /** A field is missing or out of range. */
    BAD_MESSAGE,
    /** The first message must be hello; or a submit came from another client id than the hello's. */
    NOT_JOINED,
    /** The op does not fit the document: the document is unchanged. */
    INVALID_OP,
    /** The base version is older than the history kept: send hello with lastVersion to resync. */
    STALE_BASE,
    /** The base version is newer than the document. */
    FUTURE_BASE,
    /** The seq is older than the ones the server remembers for this client. */
    STALE_SEQ,
    /** Too many messages: the connection is closed with 1008. */
    RATE_LIMITED,
    /** The connection's role is viewer: submits are refused and the document is unchanged. */
    READ_ONLY,
    /** Only an owner may change access, and a document keeps at least one owner. */
    FORBIDDEN,
    /** The document's storage cannot answer now (history, or a version of it); try again later. */
    UNAVAILABLE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
