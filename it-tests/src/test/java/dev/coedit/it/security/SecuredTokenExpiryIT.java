package dev.coedit.it.security;

import static dev.coedit.it.security.SecuredServer.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.channel.RecordingSocket;
import dev.coedit.it.channel.RecordingSocket.Closed;
import dev.coedit.it.channel.Wire;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A token that runs out during a session: the server closes with 1008 and says so, on the editing, lobby and
 * monitoring channels alike, and the Java client fetches a fresh token and resumes without losing an edit.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(SecuredServer.Extension.class)
class SecuredTokenExpiryIT {

    @Test
    void theServerClosesWith1008WhenTheTokenExpires(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/expiry-" + UUID.randomUUID().toString().substring(0, 8));
        long started = System.nanoTime();
        try (RecordingSocket socket = RecordingSocket.connect(doc,
                withToken(server.tokens().issue("eve", Duration.ofSeconds(3))))) {
            socket.send(Wire.hello("c-eve"));
            socket.expectType("snapshot");
            Closed closed = socket.awaitClose(Duration.ofSeconds(15));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertEquals(1008, closed.code(), closed.toString());
            assertTrue(closed.reason().startsWith("the token expired at "), closed.toString());
            assertTrue(seconds >= 1, "closed after " + seconds + " s, before the token ran out");
        }
    }

    @Test
    void theLobbyIsClosedWith1008WhenTheTokenExpires(SecuredServer server) throws Exception {
        assertClosedAtExpiry(server, "lobby", "documents", server.tokens().issue("lou", null, Duration.ofSeconds(3)));
    }

    @Test
    void theMonitoringChannelIsClosedWith1008WhenTheTokenExpires(SecuredServer server) throws Exception {
        assertClosedAtExpiry(server, "admin", "state", server.tokens().issue("ada", null, Duration.ofSeconds(3),
                SecuredServer.ADMIN));
    }

    /** The channel, opened with a 3 s token, sends its first picture, then closes with 1008 once the token ran out. */
    private static void assertClosedAtExpiry(SecuredServer server, String channel, String firstType, String token)
            throws Exception {
        long started = System.nanoTime();
        try (RecordingSocket socket = RecordingSocket.connect(server.wsUri(channel), withToken(token))) {
            socket.expectType(firstType); // admitted
            Closed closed = socket.awaitClose(Duration.ofSeconds(15));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            assertEquals(1008, closed.code(), closed.toString());
            assertTrue(closed.reason().startsWith("the token expired"), closed.toString());
            assertTrue(seconds >= 1, "closed after " + seconds + " s, before the token ran out");
        }
    }

    @Test
    void theJavaClientFetchesAFreshTokenAndLosesNoEdit(SecuredServer server) throws Exception {
        URI doc = server.wsUri("docs/refresh-" + UUID.randomUUID().toString().substring(0, 8));
        AtomicInteger issued = new AtomicInteger();
        StringBuilder typed = new StringBuilder();
        try (CoeditClient watcher = CoeditClient.builder(doc)
                .tokens(() -> server.tokens().issue("walt", Duration.ofMinutes(10)))
                .connect(Duration.ofSeconds(20));
             CoeditClient typist = CoeditClient.builder(doc)
                     .tokens(() -> {
                         issued.incrementAndGet();
                         return server.tokens().issue("tess", Duration.ofSeconds(2));
                     })
                     .connect(Duration.ofSeconds(20))) {
            long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
            int i = 0;
            while (System.nanoTime() < end) { // bounded: 7 s, at most one edit per 50 ms
                String piece = Integer.toString(i++ % 10);
                typist.insert(typist.length(), piece);
                typed.append(piece);
                Thread.sleep(50);
            }
            typist.awaitAcknowledged(Duration.ofSeconds(20));
            watcher.await(() -> watcher.text().equals(typed.toString()), Duration.ofSeconds(20),
                    "every edit at the watcher");
            assertEquals(typed.toString(), typist.text());
            assertTrue(issued.get() >= 3, "the token ran out at least twice; tokens issued: " + issued.get());
        }
    }
}
