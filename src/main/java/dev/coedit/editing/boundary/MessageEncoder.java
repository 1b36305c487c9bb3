package dev.coedit.editing.boundary;

import dev.coedit.editing.entity.Json;
import dev.coedit.editing.entity.ServerMessage;
import jakarta.websocket.Encoder;

/** {@link ServerMessage}s to text frames. Rooms encode a broadcast once and send the same text to every reader. */
public class MessageEncoder implements Encoder.Text<ServerMessage> {

    @Override
    public String encode(ServerMessage message) {
        return Json.write(message);
    }
}
