package dev.coedit.standalone;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/** A stand-in for the product's endpoints: proves that upgrades under the context path reach Tyrus. */
@ServerEndpoint("/echo")
public class EchoEndpoint {

    @OnMessage
    public String echo(String message) {
        return "echo: " + message;
    }
}
