package dev.coedit.editing.boundary;

/** Names fixed by the protocol (docs/protocol.md). */
public final class Protocol {

    /** The WebSocket subprotocol a client must offer; a later, incompatible protocol gets a new name. */
    public static final String V1 = "coedit.v1";

    private Protocol() {
    }
}
