package dev.coedit.standalone;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
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

/**
 * The handshake timeout: a connection must deliver a complete request header (a WebSocket handshake, or any request)
 * within the deadline after it was accepted, or it is closed. A client that opens sockets and sends nothing, or
 * trickles a header a byte at a time, cannot hold a connection beyond it. On a kept-alive connection each later
 * request has the same deadline, from its first byte: waiting idle between requests is the keep-alive idle timeout's
 * business, but a request once begun must be complete in time. After an upgrade the registry's heartbeat takes over.
 *
 * <p>Two filters: this one, after the HTTP codec, sees complete request headers (the deadline is met) and complete
 * responses (the connection now waits for its next request); {@link NextRequest}, before the codec, sees the raw
 * bytes and starts the deadline at the first byte of that next request.
 */
final class RequestDeadline extends BaseFilter implements AddOn {

    private static final Logger SECURITY = Logger.getLogger("dev.coedit.security");
    private static final Attribute<ScheduledFuture<?>> DEADLINE =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(RequestDeadline.class.getName() + ".deadline");
    /** Set once a response is complete on a connection that was not upgraded: its next byte begins a request. */
    private static final Attribute<Boolean> BETWEEN_REQUESTS =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(RequestDeadline.class.getName() + ".between");

    private final Duration timeout;
    /** One daemon thread for every server of the JVM; a deadline met is cancelled and removed at once. */
    private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "coedit-request-deadline");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMER.setRemoveOnCancelPolicy(true);
    }

    RequestDeadline(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        builder.add(builder.indexOfType(HttpServerFilter.class), this);
        builder.add(builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class), new NextRequest());
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        start(ctx.getConnection());
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpRequestPacket) {
            // A complete header (a pipelined request may have come with the previous one: no byte began it).
            BETWEEN_REQUESTS.remove(ctx.getConnection());
            ScheduledFuture<?> deadline = DEADLINE.remove(ctx.getConnection());
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
        return ctx.getInvokeAction();
    }

    /**
     * The last part of a response is on its way: a kept-alive connection now waits for its next request. Not after
     * 101: what follows an upgrade is WebSocket frames, never a request.
     */
    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof HttpContent content && content.isLast()
                && content.getHttpHeader() instanceof HttpResponsePacket response && response.getStatus() != 101) {
            BETWEEN_REQUESTS.set(ctx.getConnection(), Boolean.TRUE);
        }
        return ctx.getInvokeAction();
    }

    /** Ahead of the HTTP codec: the first bytes after a complete response begin a request, and its deadline. */
    private final class NextRequest extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (BETWEEN_REQUESTS.remove(ctx.getConnection()) != null) {
                start(ctx.getConnection());
            }
            return ctx.getInvokeAction();
        }
    }

    private void start(Connection<?> connection) {
        ScheduledFuture<?> previous = DEADLINE.get(connection);
        if (previous != null) {
            previous.cancel(false);
        }
        DEADLINE.set(connection, TIMER.schedule(() -> expire(connection), timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public NextAction handleClose(FilterChainContext ctx) throws IOException {
        ScheduledFuture<?> deadline = DEADLINE.remove(ctx.getConnection());
        if (deadline != null) {
            deadline.cancel(false);
        }
        return ctx.getInvokeAction();
    }

    private void expire(Connection<?> connection) {
        if (DEADLINE.remove(connection) != null && connection.isOpen()) {
            SECURITY.info(() -> "closing connection from " + connection.getPeerAddress() + ": no complete request"
                    + " within " + timeout.toMillis() + " ms");
            connection.closeSilently();
        }
    }
}
