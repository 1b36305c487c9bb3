package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.support.ServerUnderTest;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The monitoring channel (docs/protocol.md section 8) shows every document and connection, follows joins and leaves,
 * and ends empty when everyone is gone. The class has a server of its own, so the lists hold only its connections; on
 * a deployed server (shared with other tests) only this class's documents are checked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
@ServerUnderTest.OwnServer
class AdminChannelIT {

    /** Updates come at most four times a second; a change shows within this. */
    private static final Duration SOON = Duration.ofSeconds(3);
    /** Connecting and editing: a cold server on a busy machine may take a while. */
    private static final Duration CONNECT = RecordingSocket.WAIT;

    private ServerUnderTest server;
    private URI admin;
    private String run;

    @BeforeEach
    void setUp(ServerUnderTest server) {
        this.server = server;
        admin = server.wsUri("admin");
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void sendsTheWholeStateOnOpenListingDocumentsAndSessions() throws Exception {
        String documentId = "admin-open-" + run;
        try (CoeditClient mina = CoeditClient.builder(server.wsUri("docs/" + documentId)).name("Mina")
                .connect(CONNECT)) {
            mina.insert(0, "héllo 😀");
            mina.awaitAcknowledged(CONNECT);

            try (Monitor monitor = Monitor.open(admin)) {
                JsonObject state = monitor.awaitState(s -> Monitor.hasClient(s, mina.clientId())
                        && documentOf(s, documentId) != null && documentOf(s, documentId).getInt("version") == 1,
                        "Mina and her edit show", SOON);
                assertTrue(state.getJsonNumber("connectionsOpened").longValue() >= 1, () -> "state: " + state);

                JsonObject document = documentOf(state, documentId);
                assertEquals(7, document.getInt("length"), "in code points");
                assertEquals(1, document.getInt("participants"));

                JsonObject session = Monitor.sessionsOf(state, documentId).get(0);
                assertEquals(mina.clientId(), session.getString("clientId"));
                assertEquals("Mina", session.getString("name"));
                assertNotNull(session.getString("connectionId"));
                Instant connectedAt = Instant.parse(session.getString("connectedAt"));
                Instant lastActivity = Instant.parse(session.getString("lastActivity"));
                assertTrue(!lastActivity.isBefore(connectedAt), () -> "activity after connecting: " + session);
                assertTrue(session.getJsonNumber("messagesIn").longValue() >= 2, () -> "hello and submit: " + session);
                assertTrue(session.getJsonNumber("messagesOut").longValue() >= 2, () -> "snapshot and ack: " + session);
            }
        }
    }

    @Test
    void followsAClientJoiningAndLeaving() throws Exception {
        String documentId = "admin-follow-" + run;
        try (Monitor monitor = Monitor.open(admin)) {
            CoeditClient mina = CoeditClient.builder(server.wsUri("docs/" + documentId)).name("Mina")
                    .connect(CONNECT);
            try {
                JsonObject joined = monitor.awaitState(s -> Monitor.hasClient(s, mina.clientId()),
                        "Mina's session shows", SOON);
                assertEquals(documentId, Monitor.sessionsOf(joined, documentId).get(0).getString("documentId"));
                monitor.awaitState(s -> documentOf(s, documentId) != null
                        && documentOf(s, documentId).getInt("participants") == 1, "the document has 1 participant",
                        SOON);
            } finally {
                mina.close();
            }
            monitor.awaitState(s -> !Monitor.hasClient(s, mina.clientId())
                    && documentOf(s, documentId).getInt("participants") == 0,
                    "Mina's session is gone and the document has nobody", SOON);
        }
    }

    @Test
    void afterEveryClientHasGoneTheSessionsListIsEmpty() throws Exception {
        String first = "admin-empty-a-" + run;
        String second = "admin-empty-b-" + run;
        try (Monitor monitor = Monitor.open(admin)) {
            List<CoeditClient> clients = new ArrayList<>();
            RawSocket vanishing = null;
            RecordingSocket silent = null;
            try {
                clients.add(CoeditClient.builder(server.wsUri("docs/" + first)).connect(CONNECT));
                clients.add(CoeditClient.builder(server.wsUri("docs/" + first)).connect(CONNECT));
                clients.add(CoeditClient.builder(server.wsUri("docs/" + second)).connect(CONNECT));
                vanishing = RawSocket.connect(server.wsUri("docs/" + second));
                vanishing.sendText(Wire.hello("vanishing").toString());
                silent = RecordingSocket.connect(server.wsUri("docs/" + second)); // never says hello

                monitor.awaitState(s -> Monitor.sessionsOf(s, first).size() == 2
                        && Monitor.sessionsOf(s, second).size() == 3, "all five sessions show", SOON);
            } finally {
                clients.forEach(CoeditClient::close);
                if (vanishing != null) {
                    vanishing.abort(); // no close frame: a reset
                }
                if (silent != null) {
                    silent.close();
                }
            }

            JsonObject end = monitor.awaitState(s -> Monitor.sessionsOf(s, first).isEmpty()
                    && Monitor.sessionsOf(s, second).isEmpty(), "no session of either document is left", SOON);
            assertEquals(0, documentOf(end, first).getInt("participants"));
            assertEquals(0, documentOf(end, second).getInt("participants"));
            if (server.isStandaloneProcess()) {
                // This class's own server: nothing else connects to it.
                monitor.awaitState(s -> Monitor.sessions(s).isEmpty(), "the sessions list is empty", SOON);
            }
        }
    }

    @Test
    void sendsAtMostFourUpdatesASecondWhileADocumentIsBusy() throws Exception {
        String documentId = "admin-busy-" + run;
        try (Monitor monitor = Monitor.open(admin);
             CoeditClient typist = CoeditClient.builder(server.wsUri("docs/" + documentId)).connect(CONNECT)) {
            long start = System.nanoTime();
            for (int i = 0; i < 150; i++) {
                typist.insert(0, "x");
                Thread.sleep(10);
            }
            typist.awaitAcknowledged(CONNECT);
            double seconds = (System.nanoTime() - start) / 1e9;
            int updates = 0;
            for (RecordingSocket.Event e = monitor.socket().nextEvent(Duration.ofMillis(300)); e != null;
                 e = monitor.socket().nextEvent(Duration.ofMillis(300))) {
                updates++;
            }
            System.out.printf("AdminChannelIT: %d updates in %.1f s of typing%n", updates, seconds);
            int allowed = (int) Math.ceil((seconds + 0.6) * 4) + 1;
            assertTrue(updates <= allowed, updates + " updates in " + seconds + " s; at most " + allowed);
            assertTrue(updates >= 2, "it did follow the typing: " + updates + " updates");
        }
    }

    @Test
    void takesNoMessagesAndClosesWith1003WhenSentOne() throws Exception {
        try (Monitor monitor = Monitor.open(admin)) {
            monitor.socket().send("{\"type\":\"hello\",\"clientId\":\"nosy\"}");
            monitor.socket().assertClosing(1003);
        }
    }

    /** The document's entry in the state, or null. */
    private static JsonObject documentOf(JsonObject state, String documentId) {
        return Monitor.documents(state).stream().filter(d -> documentId.equals(d.getString("documentId")))
                .findFirst().orElse(null);
    }
}
