package dev.coedit.editing.control;

/** One connected editor, as a room sees it. Implementations are thread-safe. */
public interface Peer {

    /** Who signed in on this connection. */
    dev.coedit.security.entity.Identity identity();

    /** Unique per connection, for logs and monitoring. */
    String connectionId();

    /** Queues an encoded message; false when the peer is gone or has just been cut off for reading too slowly. */
    boolean send(String json);

    /** Ends the connection with a WebSocket close code and a reason a person can read. */
    void close(int code, String reason);
}
