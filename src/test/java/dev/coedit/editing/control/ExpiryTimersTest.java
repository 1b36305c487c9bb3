package dev.coedit.editing.control;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.coedit.CoeditConfig;
import dev.coedit.security.control.Handshake;
import dev.coedit.security.control.Security;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The timer that closes a connection at its token's expiry goes when the connection closes earlier: it held the
 * connection, and everything it refers to, until the token ran out, hours later for a long token. The registry runs
 * without a network here; its sessions are stand-ins that answer what the registry asks of them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExpiryTimersTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-expiry";
    /** The registry's own periodic tasks: the heartbeat, monitoring updates and eviction. */
    private static final int PERIODIC = 3;
    private static final int CYCLES = 300;

    private SessionRegistry registry;

    @BeforeEach
    void start() {
        Properties settings = new Properties();
        settings.setProperty("coedit.auth", "jwt");
        settings.setProperty("coedit.jwt.secret", SECRET);
        // Hundreds of handshakes in a moment from one user: not what this test is about.
        settings.setProperty("coedit.handshakes.per.second", "100000");
        registry = new SessionRegistry(CoeditConfig.from(settings, Map.of()), Journal.NONE, null);
    }

    @AfterEach
    void stop() {
        registry.shutdown();
    }

    @Test
    void connectionsThatCloseLongBeforeTheirTokensExpireLeaveNoTimerBehind() {
        for (int i = 0; i < CYCLES; i++) {
            Connection docs = registry.open(session(token("ann-" + i % 10)), "doc-" + i % 5);
            assertNotNull(docs, "admitted");
            docs.closed();
            Security.Admission lobby = registry.admitMonitor(session(token("ann-" + i % 10)), "lobby", false,
                    () -> { });
            assertNotNull(lobby, "admitted to the lobby");
            lobby.release();
        }
        assertTrue(registry.pendingTimers() <= PERIODIC, "timers left after " + CYCLES + " closed connections of"
                + " each kind: " + registry.pendingTimers());
    }

    @Test
    void anOpenConnectionKeepsItsTimerUntilItCloses() {
        List<Connection> open = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            open.add(registry.open(session(token("bo-" + i)), "doc-open"));
        }
        assertTrue(registry.pendingTimers() >= 10, "one expiry timer per open connection: "
                + registry.pendingTimers());
        open.forEach(Connection::closed);
        assertTrue(registry.pendingTimers() <= PERIODIC, "after the closes: " + registry.pendingTimers());
    }

    /** A token valid for an hour: its timer would wait that long. */
    private static String token(String user) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user)
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A WebSocket session as far as the registry uses it: an id, the captured handshake, sends that succeed. */
    private static Session session(String token) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Handshake.KEY, new Handshake(token, null, false, null, null));
        String id = UUID.randomUUID().toString();
        RemoteEndpoint.Async remote = stub(RemoteEndpoint.Async.class, (method, args) -> {
            if (method.getName().equals("sendText") && args.length == 2 && args[1] instanceof SendHandler done) {
                done.onResult(new SendResult());
            }
            return null;
        });
        return stub(Session.class, (method, args) -> switch (method.getName()) {
            case "getId" -> id;
            case "getUserProperties" -> properties;
            case "getAsyncRemote" -> remote;
            case "isOpen" -> true;
            default -> null; // close, setMaxTextMessageBufferSize: nothing to do
        });
    }

    private interface Answer {
        Object answer(Method method, Object[] args);
    }

    private static <T> T stub(Class<T> type, Answer answer) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == args[0];
                    default -> type.getSimpleName() + " stub";
                };
            }
            Object value = answer.answer(method, args == null ? new Object[0] : args);
            Class<?> returns = method.getReturnType();
            if (value != null || !returns.isPrimitive() || returns == void.class) {
                return value;
            }
            return returns == boolean.class ? (Object) false : returns == long.class ? (Object) 0L : (Object) 0;
        });
        return type.cast(proxy);
    }
}
