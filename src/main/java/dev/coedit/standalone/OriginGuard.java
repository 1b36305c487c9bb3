package dev.coedit.standalone;

import dev.coedit.security.control.OriginPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Refuses a WebSocket handshake from a page of a foreign origin with 403, before Tyrus upgrades it: a Grizzly filter
 * placed ahead of Tyrus's (register this add-on first). It asks {@link OriginPolicy}, as the WAR's servlet filter
 * ({@code OriginFilter}) does.
 */
final class OriginGuard extends BaseFilter implements AddOn {

    private static final Logger SECURITY = Logger.getLogger("dev.coedit.security");
    /** Set once a connection's upgrade passed: its WebSocket frames go through here too and need no check. */
    private static final Attribute<Boolean> PASSED =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(OriginGuard.class.getName() + ".passed");

    private final OriginPolicy policy;
    private final String scheme;

    OriginGuard(OriginPolicy policy, boolean secure) {
        this.policy = policy;
        this.scheme = secure ? "https" : "http";
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), this);
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)
                || !"websocket".equalsIgnoreCase(request.getUpgrade())
                || Boolean.TRUE.equals(PASSED.get(connection))) {
            return ctx.getInvokeAction();
        }
        String refusal = policy.refusal(request.getHeader("Origin"), scheme, request.getHeader("Host"));
        if (refusal == null) {
            PASSED.set(connection, Boolean.TRUE);
            return ctx.getInvokeAction();
        }
        SECURITY.info(() -> "refused handshake to " + request.getRequestURI() + " from " + request.getRemoteAddress()
                + ": " + refusal);
        HttpResponsePacket response = request.getResponse();
        response.setStatus(403);
        response.setReasonPhrase("Forbidden");
        response.setHeader("Connection", "close");
        response.setContentType("text/plain;charset=UTF-8");
        byte[] body = refusal.getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        ctx.write(HttpContent.builder(response).content(Buffers.wrap(ctx.getMemoryManager(), body)).last(true).build(),
                new EmptyCompletionHandler<WriteResult>() {
                    @Override
                    public void completed(WriteResult result) {
                        connection.closeSilently();
                    }

                    @Override
                    public void failed(Throwable failure) {
                        connection.closeSilently();
                    }
                });
        return ctx.getStopAction();
    }
}
