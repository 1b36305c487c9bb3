package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.support.ServerUnderTest;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many Java clients editing one document at once, with seeded random edits (emoji, Hangul, combining marks, deletes
 * that cross each other's ranges) and small random pauses, all end with the same text at the same version, which is
 * also what a newcomer's snapshot says. Run again with {@code -Dcoedit.it.seed=N} to repeat a failing case.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class ConvergenceIT {

    private static final long SEED = Long.getLong("coedit.it.seed", System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int EDITS_PER_CLIENT = 30;

    /** What the clients type: code points of every width and kind. */
    private static final String[] PIECES = {
        "a", "xyz", " ", "😀", "👍🏽", "🇰🇷", "한", "글자", "e\u0301", "n\u0303o", "\n", "Ünï", "𝄞", "漢字"
    };

    @ParameterizedTest(name = "{0} clients making random concurrent edits end with the same text and version")
    @ValueSource(ints = {2, 5, 20})
    void clientsMakingRandomConcurrentEditsConverge(int count, ServerUnderTest server) throws Exception {
        long seed = SEED + count;
        URI document = server.wsUri("docs/converge-" + count + "-" + UUID.randomUUID().toString().substring(0, 8));
        System.out.printf("ConvergenceIT: %d clients, seed %d (-Dcoedit.it.seed=%d)%n", count, seed, SEED);
        List<CoeditClient> clients = connect(document, count);
        try {
            clients.get(0).insert(0, "Start: 안녕하세요 😀 café\u0301 ");
            clients.get(0).awaitAcknowledged(WAIT);

            runAll(clients, (client, index) -> {
                Random random = new Random(seed * 31 + index);
                for (int i = 0; i < EDITS_PER_CLIENT; i++) {
                    randomEdit(client, random);
                    Thread.sleep(random.nextInt(15));
                }
                return null;
            });

            String text = awaitConvergence(clients, document);
            System.out.printf("ConvergenceIT: %d clients converged at version %d, %d code points%n", count,
                    clients.get(0).version(), Wire.length(text));
        } catch (Exception | AssertionError e) {
            throw new AssertionError("with seed " + seed + " (" + count + " clients): " + e.getMessage(), e);
        } finally {
            clients.forEach(CoeditClient::close);
        }
    }

    @Test
    void aClientThatDropsItsConnectionMidTypingAndTypesOfflineLosesNothingAndDuplicatesNothing(
            ServerUnderTest server) throws Exception {
        long seed = SEED + 1000;
        URI document = server.wsUri("docs/converge-drop-" + UUID.randomUUID().toString().substring(0, 8));
        System.out.printf("ConvergenceIT: drop, seed %d%n", seed);
        List<CoeditClient> clients = connect(document, 3);
        CoeditClient typist = clients.get(0);
        List<String> typed = new ArrayList<>();
        try {
            List<List<String>> markers = runAll(clients, (client, index) -> {
                Random random = new Random(seed * 31 + index);
                List<String> mine = new ArrayList<>();
                if (client != typist) {
                    for (int i = 0; i < EDITS_PER_CLIENT; i++) {
                        mine.add(insertMarker(client, random, "‹" + index + "·" + i + "›"));
                        Thread.sleep(random.nextInt(15));
                    }
                    return mine;
                }
                for (int i = 0; i < 10; i++) {
                    mine.add(insertMarker(client, random, "‹T" + i + "›"));
                    Thread.sleep(random.nextInt(10));
                }
                // Mid-typing, very likely with an edit in flight: the network goes away.
                client.dropConnection();
                client.awaitStatus(CoeditClient.Status.OFFLINE, WAIT);
                int offline = 0;
                for (int i = 10; i < 20; i++) {
                    synchronized (client) {
                        offline += client.status() == CoeditClient.Status.OFFLINE ? 1 : 0;
                        mine.add(insertMarker(client, random, "‹T" + i + "›"));
                    }
                }
                assertTrue(offline > 0, "at least one edit was typed while offline");
                client.awaitStatus(CoeditClient.Status.SYNCED, WAIT);
                for (int i = 20; i < 30; i++) {
                    mine.add(insertMarker(client, random, "‹T" + i + "›"));
                    Thread.sleep(random.nextInt(10));
                }
                System.out.printf("ConvergenceIT: the typist typed %d of its markers while offline%n", offline);
                return mine;
            });
            markers.forEach(typed::addAll);

            String text = awaitConvergence(clients, document);
            for (String marker : typed) {
                assertEquals(1, occurrences(text, marker), () -> marker + " appears exactly once in " + text);
            }
            assertEquals(String.join("", typed).length(), text.length(),
                    () -> "the text is the markers and nothing else: " + text);
        } catch (Exception | AssertionError e) {
            throw new AssertionError("with seed " + seed + ": " + e.getMessage(), e);
        } finally {
            clients.forEach(CoeditClient::close);
        }
    }

    /**
     * One random edit on the client's current text. It holds the client's lock (every method of CoeditClient takes
     * it), so that no remote edit lands between reading the text and editing it.
     */
    private static void randomEdit(CoeditClient client, Random random) {
        synchronized (client) {
            int length = client.length();
            if (length > 0 && random.nextInt(3) == 0) {
                int at = random.nextInt(length);
                client.delete(at, 1 + random.nextInt(Math.min(8, length - at)));
            } else {
                client.insert(random.nextInt(length + 1), PIECES[random.nextInt(PIECES.length)]);
            }
        }
    }

    /**
     * Inserts {@code marker} at the start or right after another marker, never inside one: concurrent inserts then
     * move each other by whole markers, so every marker stays whole and can be counted.
     */
    private static String insertMarker(CoeditClient client, Random random, String marker) {
        synchronized (client) {
            String text = client.text();
            List<Integer> boundaries = new ArrayList<>(List.of(0));
            for (int i = text.indexOf('›'); i >= 0; i = text.indexOf('›', i + 1)) {
                boundaries.add(text.codePointCount(0, i + 1));
            }
            client.insert(boundaries.get(random.nextInt(boundaries.size())), marker);
        }
        return marker;
    }

    /**
     * Every client has everything acknowledged and reached the same version and text, and a newcomer's snapshot
     * agrees. Returns the text.
     */
    static String awaitConvergence(List<CoeditClient> clients, URI document) throws Exception {
        String text = awaitConvergence(clients);
        try (RecordingSocket newcomer = RecordingSocket.connect(document)) {
            newcomer.send(Wire.hello("newcomer"));
            JsonObject snapshot = newcomer.awaitType("snapshot");
            assertEquals(text, snapshot.getString("text"), "the server's text");
            assertEquals(clients.get(0).version(), snapshot.getJsonNumber("version").longValue(),
                    "the server's version");
        }
        return text;
    }

    /** Every client has everything acknowledged and reached the same version and text. Returns the text. */
    static String awaitConvergence(List<CoeditClient> clients) throws Exception {
        for (CoeditClient client : clients) {
            client.awaitAcknowledged(WAIT);
        }
        long version = clients.stream().mapToLong(CoeditClient::version).max().orElseThrow();
        for (CoeditClient client : clients) {
            client.awaitVersion(version, WAIT);
        }
        String text = clients.get(0).text();
        for (CoeditClient client : clients) {
            assertEquals(version, client.version(), () -> client.clientId() + "'s version");
            assertEquals(text, client.text(), () -> client.clientId() + "'s text");
            assertEquals(List.of(), client.errors(), () -> client.clientId() + "'s errors");
        }
        return text;
    }

    private static List<CoeditClient> connect(URI document, int count) throws Exception {
        List<CoeditClient> clients = new ArrayList<>();
        try {
            List<CoeditClient> connected = runAll(count, index ->
                    CoeditClient.builder(document).name("Client " + index).connect(WAIT));
            clients.addAll(connected);
            return clients;
        } catch (Exception | Error e) {
            clients.forEach(CoeditClient::close);
            throw e;
        }
    }

    @FunctionalInterface
    private interface PerClient<T> {
        T run(CoeditClient client, int index) throws Exception;
    }

    @FunctionalInterface
    private interface PerIndex<T> {
        T run(int index) throws Exception;
    }

    private static <T> List<T> runAll(List<CoeditClient> clients, PerClient<T> work) throws Exception {
        return runAll(clients.size(), index -> work.run(clients.get(index), index));
    }

    /** Runs {@code work} for every index on its own thread; waits at most {@link #WAIT} for all of them. */
    private static <T> List<T> runAll(int count, PerIndex<T> work) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(count);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(threads.submit((Callable<T>) () -> work.run(index)));
            }
            List<T> results = new ArrayList<>();
            long end = System.nanoTime() + WAIT.toNanos();
            for (Future<T> future : futures) {
                try {
                    results.add(future.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw (Error) e.getCause();
                }
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private static int occurrences(String text, String marker) {
        Matcher matcher = Pattern.compile(Pattern.quote(marker)).matcher(text);
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }
}
