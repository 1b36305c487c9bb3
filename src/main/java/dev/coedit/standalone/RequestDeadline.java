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
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * The handshake timeout: a connection must deliver a complete request header (a WebSocket handshake, or any request)
 * within the deadline after it was accepted, or it is closed. A client that opens sockets and sends nothing, or
 * trickles a header a byte at a time, cannot hold a connection beyond it. Once a request header is complete the
 * keep-alive idle timeout and, after an upgrade, the registry's heartbeat take over.
 */
final class RequestDeadline extends BaseFilter implements AddOn {

    private static final Logger SECURITY = Logger.getLogger("dev.coedit.security");
    private static final Attribute<ScheduledFuture<?>> DEADLINE =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(RequestDeadline.class.getName() + ".deadline");

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
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        DEADLINE.set(connection, TIMER.schedule(() -> expire(connection), timeout.toMillis(), TimeUnit.MILLISECONDS));
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpRequestPacket) {
            ScheduledFuture<?> deadline = DEADLINE.remove(ctx.getConnection());
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
        return ctx.getInvokeAction();
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
