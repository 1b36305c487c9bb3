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
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Roles per document: the owner decides who views, edits or owns; a viewer's submit is refused with
 * {@code read_only} and changes nothing; a change of role reaches the connection at once; withdrawn access closes
 * it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(SecuredServer.Extension.class)
class SecuredAccessIT {

    private static final Duration LONG = Duration.ofMinutes(10);

    private SecuredServer server;
    private URI doc;
    private String ann;
    private String bob;

    @BeforeEach
    void newDocument(SecuredServer server) {
        this.server = server;
        String run = UUID.randomUUID().toString().substring(0, 8);
        doc = server.wsUri("docs/access-" + run);
        ann = "ann-" + run;
        bob = "bob-" + run;
    }

    private RecordingSocket join(String user, String clientId, String expectedRole) throws Exception {
        RecordingSocket socket = RecordingSocket.connect(doc, withToken(server.tokens().issue(user, LONG)));
        socket.send(Wire.hello(clientId));
        JsonObject snapshot = socket.expectType("snapshot");
        assertEquals(expectedRole, snapshot.getString("role"), snapshot.toString());
        return socket;
    }

    private static JsonObject rulesWith(RecordingSocket owner, String user, String role) {
        return owner.awaitMessage(m -> "access".equals(Wire.type(m))
                        && role.equals(m.getJsonObject("rules").getString(user, null)),
                "access rules with " + user + " as " + role, Duration.ofSeconds(10));
    }

    @Test
    void aViewersSubmitIsRefusedWithReadOnlyAndChangesNothing() throws Exception {
        try (RecordingSocket owner = join(ann, "c-ann", "owner")) {
            owner.send(Wire.access(bob, "viewer"));
            JsonObject rules = rulesWith(owner, bob, "viewer");
            assertEquals("owner", rules.getJsonObject("rules").getString(ann));
            try (RecordingSocket viewer = join(bob, "c-bob", "viewer")) {
                owner.awaitType("joined");
                viewer.send(Wire.submit("c-bob", 1, 0, Wire.insertOp(0, "sneaky"), "v1"));
                JsonObject error = viewer.expectError("read_only");
                assertEquals(1, error.getJsonNumber("seq").longValue());
                assertEquals("v1", error.getString("ref"));
                assertTrue(error.getString("message").contains("viewer"), error.toString());

                // Nothing changed: the owner's edit is version 1, and the viewer reads it, and sees the caret.
                owner.send(Wire.submit("c-ann", 1, 0, Wire.insertOp(0, "hello")));
                assertEquals(1, owner.expectType("ack").getJsonNumber("version").longValue());
                JsonObject op = viewer.expectType("op");
                assertEquals(1, op.getJsonNumber("version").longValue());
                owner.send(Wire.caret(1, 2, 2));
                viewer.expectType("presence");
            }
        }
    }

    @Test
    void aRoleChangeReachesTheConnectionAtOnce() throws Exception {
        try (RecordingSocket owner = join(ann, "c-ann", "owner")) {
            owner.send(Wire.access(bob, "viewer"));
            rulesWith(owner, bob, "viewer");
            try (RecordingSocket other = join(bob, "c-bob", "viewer")) {
                owner.send(Wire.access(bob, "editor"));
                assertEquals("editor", other.awaitType("role").getString("role"));
                other.send(Wire.submit("c-bob", 1, 0, Wire.insertOp(0, "now I may")));
                assertEquals(1, other.expectType("ack").getJsonNumber("version").longValue());

                owner.send(Wire.access(bob, "owner"));
                assertEquals("owner", other.awaitType("role").getString("role"));
                rulesWith(other, bob, "owner"); // owners are sent the rules
            }
        }
    }

    @Test
    void onlyAnOwnerChangesAccessAndTheLastOwnerStays() throws Exception {
        try (RecordingSocket owner = join(ann, "c-ann", "owner");
             RecordingSocket editor = join(bob, "c-bob", "editor")) {
            editor.send(Wire.access(bob, "owner"));
            JsonObject refused = editor.expectError("forbidden");
            assertTrue(refused.getString("message").contains("only an owner"), refused.toString());

            owner.send(Wire.access(ann, "editor"));
            JsonObject last = owner.awaitMessage(m -> "error".equals(Wire.type(m)), "an error",
                    Duration.ofSeconds(10));
            assertEquals("forbidden", last.getString("code"));
            assertTrue(last.getString("message").contains("at least one owner"), last.toString());
        }
    }

    @Test
    void withdrawnAccessClosesTheConnectionAndRefusesTheNextOne() throws Exception {
        try (RecordingSocket owner = join(ann, "c-ann", "owner");
             RecordingSocket other = join(bob, "c-bob", "editor")) {
            owner.send(Wire.access("*", "none"));
            Closed closed = other.awaitClose();
            assertEquals(1008, closed.code());
            assertTrue(closed.reason().contains("was withdrawn"), closed.toString());

            try (RecordingSocket again = RecordingSocket.connect(doc,
                    withToken(server.tokens().issue(bob, LONG)))) {
                Closed refused = again.awaitClose();
                assertEquals(1008, refused.code());
                assertEquals("user " + bob + " has no access to document " + doc.getPath().substring(
                        doc.getPath().lastIndexOf('/') + 1), refused.reason());
            }
        }
    }
}
