package dev.coedit.it.security;

import static dev.coedit.it.security.SecuredServer.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.channel.RecordingSocket;
import dev.coedit.it.channel.RecordingSocket.Closed;
import dev.coedit.it.channel.Wire;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who may connect, against a server that requires signed tokens: a missing, forged, expired or malformed token is
 * refused with 1008 and a reason that names the problem, on every channel; a good one joins as its user.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(SecuredServer.Extension.class)
class SecuredAuthenticationIT {

    private static String doc() {
        return "docs/auth-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Closed refused(URI uri, List<String> subprotocols) throws Exception {
        try (RecordingSocket socket = RecordingSocket.connect(uri, subprotocols)) {
            Closed closed = socket.awaitClose();
            assertEquals(1008, closed.code(), closed.toString());
            return closed;
        }
    }

    @Test
    void withoutATokenEveryChannelIsRefusedWithWhatToSend(SecuredServer server) throws Exception {
        for (String channel : List.of(doc(), "lobby", "admin")) {
            Closed closed = refused(server.wsUri(channel), List.of("coedit.v1"));
            assertTrue(closed.reason().startsWith("sign-in required: send a token as subprotocol coedit.token."),
                    channel + ": " + closed);
        }
    }

    @Test
    void aForgedTokenIsRefused(SecuredServer server) throws Exception {
        Closed closed = refused(server.wsUri(doc()), withToken(server.tokens().forged("mallory")));
        assertTrue(closed.reason().contains("signature does not verify"), closed.toString());
    }

    @Test
    void anExpiredTokenIsRefusedAndSaysSo(SecuredServer server) throws Exception {
        Closed closed = refused(server.wsUri(doc()), withToken(server.tokens().expired("ann")));
        assertTrue(closed.reason().startsWith("the token expired at "), closed.toString());
        assertTrue(closed.reason().endsWith("get a fresh token and reconnect"), closed.toString());
    }

    @Test
    void aTokenThatIsNotAJwtIsRefused(SecuredServer server) throws Exception {
        Closed closed = refused(server.wsUri(doc()), withToken("not-a-jwt"));
        assertTrue(closed.reason().startsWith("the token is not a signed JWT"), closed.toString());
    }

    @Test
    void aGoodTokenJoinsAsItsUserAndTheTokenNamesThem(SecuredServer server) throws Exception {
        URI uri = server.wsUri(doc());
        String ann = "ann-" + UUID.randomUUID().toString().substring(0, 6);
        String bob = "bob-" + UUID.randomUUID().toString().substring(0, 6);
        try (RecordingSocket first = RecordingSocket.connect(uri,
                withToken(server.tokens().issue(ann, "Ann Token", Duration.ofMinutes(5))))) {
            assertEquals("coedit.v1", first.negotiatedSubprotocol(), "the token entry is never selected");
            first.send(Wire.hello("c-ann", "Someone Else", "#112233"));
            JsonObject snapshot = first.expectType("snapshot");
            assertEquals("owner", snapshot.getString("role"), "the first user of a new document owns it");
            assertEquals("owner", snapshot.getJsonObject("access").getString(ann), snapshot.toString());
            assertEquals("editor", snapshot.getJsonObject("access").getString("*"), snapshot.toString());
            RecordingSocket second = RecordingSocket.connect(uri,
                     withToken(server.tokens().issue(bob, Duration.ofMinutes(5))));
            second.send(Wire.hello("c-bob"));
            JsonObject bobs = second.expectType("snapshot");
            assertEquals("editor", bobs.getString("role"), "everyone else signed in edits, by default");
            JsonObject annSeenByBob = bobs.getJsonArray("participants").getJsonObject(0);
            assertEquals(ann, annSeenByBob.getString("user"));
            assertEquals("Ann Token", annSeenByBob.getString("name"), "the token's name, not the hello's");
            assertTrue(!bobs.containsKey("access"), "only owners see the rules: " + bobs);
            JsonObject joined = first.awaitType("joined").getJsonObject("participant");
            assertEquals(bob, joined.getString("user"));
            second.close();
        }
    }

    @Test
    void theMonitoringChannelNeedsTheAdminRole(SecuredServer server) throws Exception {
        Closed closed = refused(server.wsUri("admin"),
                withToken(server.tokens().issue("carl", Duration.ofMinutes(5))));
        assertTrue(closed.reason().contains("needs the admin role"), closed.toString());
        try (RecordingSocket admin = RecordingSocket.connect(server.wsUri("admin"),
                withToken(server.tokens().issue("ada", "Ada", Duration.ofMinutes(5), SecuredServer.ADMIN)))) {
            JsonObject state = admin.expectType("state");
            assertTrue(state.containsKey("state"), state.toString());
        }
    }

    @Test
    void theLobbyListsOnlyDocumentsTheUserMayOpen(SecuredServer server) throws Exception {
        String name = "lobby-" + UUID.randomUUID().toString().substring(0, 8);
        String owner = "olga-" + UUID.randomUUID().toString().substring(0, 6);
        try (RecordingSocket olga = RecordingSocket.connect(server.wsUri("docs/" + name),
                withToken(server.tokens().issue(owner, Duration.ofMinutes(5))))) {
            olga.send(Wire.hello("c-olga"));
            olga.expectType("snapshot");
            olga.send(Wire.access("*", "none"));
            olga.awaitMessage(m -> "access".equals(Wire.type(m))
                    && "none".equals(m.getJsonObject("rules").getString("*")), "the private rules", Duration.ofSeconds(10));
            try (RecordingSocket own = RecordingSocket.connect(server.wsUri("lobby"),
                    withToken(server.tokens().issue(owner, Duration.ofMinutes(5))));
                 RecordingSocket other = RecordingSocket.connect(server.wsUri("lobby"),
                         withToken(server.tokens().issue("pete", Duration.ofMinutes(5))))) {
                own.awaitMessage(m -> m.toString().contains("\"" + name + "\""), "the owner's own document",
                        Duration.ofSeconds(10));
                JsonObject petes = other.expectType("documents");
                assertTrue(!petes.toString().contains(name), "a private document is not listed to others: " + petes);
            }
        }
    }
}
