package dev.coedit.it.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.client.CoeditClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients that type into one document while the server or its database dies, each on a thread of its own: client
 * {@code c} types tokens {@code <c07:0000>}, {@code <c07:0001>}, ... at the start of the document, so the final text
 * tells how many times each edit was applied. Each notes how many of its tokens it saw acknowledged.
 */
final class Typists implements AutoCloseable {

    private static final Pattern TOKEN = Pattern.compile("<c(\\d\\d):(\\d{4})>");
    /** Tokens per client the notation can hold. */
    private static final int MAX_TOKENS = 10_000;

    private final List<CoeditClient> clients = new ArrayList<>();
    private final List<Typist> typists = new ArrayList<>();
    private final AtomicIntegerArray acked;
    private final AtomicBoolean stop = new AtomicBoolean();

    private Typists(int count) {
        acked = new AtomicIntegerArray(count);
    }

    /**
     * Connects {@code count} clients (at most 100) to {@code doc} and starts them typing.
     *
     * @param listeners the listener of client {@code i}
     */
    static Typists start(URI doc, int count, IntFunction<CoeditClient.Listener> listeners) throws Exception {
        if (count > 100) {
            throw new IllegalArgumentException("the tokens have room for 100 clients, not " + count);
        }
        Typists t = new Typists(count);
        try {
            for (int i = 0; i < count; i++) {
                t.clients.add(CoeditClient.builder(doc).name("typist " + i).listener(listeners.apply(i))
                        .maxBackoff(Duration.ofMillis(500)).connect(Duration.ofSeconds(20)));
            }
        } catch (Exception | Error e) {
            t.close();
            throw e;
        }
        for (int i = 0; i < count; i++) {
            t.typists.add(new Typist(i, t.clients.get(i), t.acked, t.stop));
            t.typists.get(i).start();
        }
        return t;
    }

    int size() {
        return clients.size();
    }

    List<CoeditClient> clients() {
        return List.copyOf(clients);
    }

    /** How many tokens of each client were acknowledged so far (its first n tokens). */
    int[] acknowledged() {
        int[] now = new int[acked.length()];
        for (int i = 0; i < now.length; i++) {
            now[i] = acked.get(i);
        }
        return now;
    }

    /** Every token counted in {@code upTo} (the first n of client c) is in {@code text} exactly once. */
    void assertEachOnce(String text, int[] upTo, String what) {
        int[][] counts = count(text);
        for (int c = 0; c < upTo.length; c++) {
            for (int t = 0; t < upTo[c]; t++) {
                assertEquals(1, counts[c][t], "client " + c + " edit " + t + " " + what + "; times in the text");
            }
        }
    }

    /**
     * Stops typing, waits until every client has every edit acknowledged and all of them and {@code observer} are
     * at one version with one text, and checks every token typed is in it exactly once.
     *
     * @return the final text
     */
    String stopAndConverge(CoeditClient observer) throws Exception {
        stop.set(true);
        for (Typist t : typists) {
            t.join(10_000);
        }
        for (CoeditClient client : clients) {
            client.awaitAcknowledged(Duration.ofSeconds(60));
        }
        long target = observer.version();
        for (CoeditClient client : clients) {
            target = Math.max(target, client.version());
        }
        observer.awaitVersion(target, Duration.ofSeconds(30));
        String text = observer.text();
        for (CoeditClient client : clients) {
            client.awaitVersion(target, Duration.ofSeconds(30));
            assertEquals(text, client.text(), "every client converges");
        }
        int[] typed = new int[typists.size()];
        for (int i = 0; i < typed.length; i++) {
            typed[i] = typists.get(i).typed;
        }
        assertEachOnce(text, typed, "in the final text");
        return text;
    }

    /** Stops typing and closes every client. */
    @Override
    public void close() {
        stop.set(true);
        for (CoeditClient client : clients) {
            client.close();
        }
    }

    /** How many times each client's each token is in {@code text}. */
    private int[][] count(String text) {
        int[][] counts = new int[acked.length()][MAX_TOKENS];
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            int client = Integer.parseInt(m.group(1));
            if (client < counts.length) {
                counts[client][Integer.parseInt(m.group(2))]++;
            }
        }
        return counts;
    }

    /** Types the tokens of one client until stopped, for at most a minute. */
    private static final class Typist extends Thread {
        final int index;
        final CoeditClient client;
        final AtomicIntegerArray acked;
        final AtomicBoolean stop;
        /** Read by the test after {@link #join}. */
        int typed;

        Typist(int index, CoeditClient client, AtomicIntegerArray acked, AtomicBoolean stop) {
            super("typist-" + index);
            this.index = index;
            this.client = client;
            this.acked = acked;
            this.stop = stop;
        }

        @Override
        public void run() {
            Random random = new Random(index);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // bounded even if nobody stops it
            while (!stop.get() && System.nanoTime() < end && typed < MAX_TOKENS - 1) {
                client.insert(0, String.format("<c%02d:%04d>", index, typed));
                typed++;
                try {
                    Thread.sleep(10 + random.nextInt(30));
                    if (typed % 5 == 0) {
                        // A checkpoint: this thread is the only one typing, so once nothing is unacknowledged,
                        // everything typed so far is stored. While the server is down it times out, and typing
                        // goes on offline.
                        client.awaitAcknowledged(Duration.ofSeconds(2));
                        acked.set(index, typed);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (TimeoutException e) {
                    // not acknowledged in time: the server is down
                }
            }
        }
    }
}
