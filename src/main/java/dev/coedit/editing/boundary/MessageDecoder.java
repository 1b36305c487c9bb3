package dev.coedit.editing.boundary;

import dev.coedit.editing.entity.ClientMessage;
import dev.coedit.editing.entity.Json;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;

/** Text frames to {@link ClientMessage}s; a frame that is not one becomes a DecodeException carrying the reason. */
public class MessageDecoder implements Decoder.Text<ClientMessage> {

    @Override
    public ClientMessage decode(String text) throws DecodeException {
        try {
            return Json.readClient(text);
        } catch (Json.MalformedMessage e) {
            throw new DecodeException(text, e.getMessage(), e);
        }
    }

    @Override
    public boolean willDecode(String text) {
        return true; // every text frame is meant as a message; decode() says what is wrong with it
    }
}
