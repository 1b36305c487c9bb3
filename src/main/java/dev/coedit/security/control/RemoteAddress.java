package dev.coedit.security.control;

import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The remote address of a WebSocket session. The Jakarta WebSocket API has no call for it, so this asks the
 * runtime's session class by name: Tyrus (standalone, Payara) has {@code getRemoteAddr()}, Undertow (WildFly)
 * {@code getWebSocketChannel().getSourceAddress()}. Null when neither answers; limits per address are then skipped.
 */
public final class RemoteAddress {

    private RemoteAddress() {
    }

    public static String of(Session session) {
        try {
            Object tyrus = call(session, "getRemoteAddr");
            if (tyrus instanceof String s && !s.isBlank()) {
                return s;
            }
            Object channel = call(session, "getWebSocketChannel");
            if (channel != null) {
                Object source = call(channel, "getSourceAddress");
                if (source instanceof InetSocketAddress inet && inet.getAddress() != null) {
                    return inet.getAddress().getHostAddress();
                }
                if (source instanceof SocketAddress other) {
                    return other.toString();
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        return null;
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        Method m;
        try {
            m = target.getClass().getMethod(method);
        } catch (NoSuchMethodException e) {
            return null;
        }
        return m.invoke(target);
    }
}
