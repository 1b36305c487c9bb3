package dev.coedit.editing.boundary;

/** Names fixed by the protocol (docs/protocol.md). */
public final class Protocol {

    /** The WebSocket subprotocol a client must offer; a later, incompatible protocol gets a new name. */
    public static final String V1 = "coedit.v1";

    /** The largest message the endpoints accept, in bytes; larger ones close the connection with 1009. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private Protocol() {
    }
}
