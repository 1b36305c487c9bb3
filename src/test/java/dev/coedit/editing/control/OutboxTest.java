package dev.coedit.editing.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** A sink whose sends complete only when the test says so, like a socket a slow reader does not drain. */
    private static final class ManualSink implements Outbox.Sink {
        final List<String> sent = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        int inFlight;
        int maxInFlight;

        @Override
        public void send(String text, Consumer<Throwable> done) {
            sent.add(text);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            pending.add(done);
        }

        void completeOne() {
            inFlight--;
            pending.remove(0).accept(null);
        }
    }

    @Test
    void onlyOneSendIsInFlightAndOrderIsKept() {
        ManualSink sink = new ManualSink();
        Outbox outbox = new Outbox(sink, 1000, () -> { }, e -> { });
        outbox.offer("a");
        outbox.offer("b");
        outbox.offer("c");
        assertEquals(List.of("a"), sink.sent);
        sink.completeOne();
        sink.completeOne();
        sink.completeOne();
        assertEquals(List.of("a", "b", "c"), sink.sent);
        assertEquals(1, sink.maxInFlight);
        assertEquals(3, outbox.sentMessages());
    }

    @Test
    void aReaderThatTakesBatchesGetsWhatWaitedInOneFrameInOrderAndNothingIsDelayed() {
        ManualSink sink = new ManualSink();
        Outbox outbox = new Outbox(sink, 1_000_000, () -> { }, e -> { });
        outbox.allowBatching();
        outbox.offer("{\"n\":1}");
        assertEquals(List.of("{\"n\":1}"), sink.sent, "an idle outbox sends at once, alone");
        outbox.offer("{\"n\":2}");
        outbox.offer("{\"n\":3}");
        outbox.offer("{\"n\":4}");
        sink.completeOne();
        assertEquals("{\"type\":\"batch\",\"messages\":[{\"n\":2},{\"n\":3},{\"n\":4}]}", sink.sent.get(1));
        sink.completeOne();
        assertEquals(2, sink.sent.size());
        assertEquals(4, outbox.sentMessages(), "messages, not frames");

        // A batch stops at its size; a message larger than a batch goes alone.
        String big = "x".repeat(Outbox.BATCH_CHARS);
        outbox.offer("{\"n\":5}");
        outbox.offer("{\"n\":6}");
        outbox.offer(big);
        outbox.offer("{\"n\":7}");
        sink.completeOne();
        assertEquals("{\"type\":\"batch\",\"messages\":[{\"n\":6}]}", sink.sent.get(3));
        sink.completeOne();
        assertEquals(big, sink.sent.get(4));
        sink.completeOne();
        assertEquals("{\"n\":7}", sink.sent.get(5));
    }

    @Test
    void withoutBatchesEveryMessageHasItsOwnFrame() {
        ManualSink sink = new ManualSink();
        Outbox outbox = new Outbox(sink, 1_000_000, () -> { }, e -> { });
        outbox.offer("a");
        outbox.offer("b");
        outbox.offer("c");
        sink.completeOne();
        sink.completeOne();
        assertEquals(List.of("a", "b", "c"), sink.sent);
    }

    @Test
    void sendsThatCompleteAtOnceDrainALongQueueWithoutDeepRecursion() {
        AtomicInteger depth = new AtomicInteger();
        AtomicInteger maxDepth = new AtomicInteger();
        List<String> sent = new ArrayList<>();
        Outbox[] box = new Outbox[1];
        box[0] = new Outbox((text, done) -> {
            int d = depth.incrementAndGet();
            maxDepth.accumulateAndGet(d, Math::max);
            sent.add(text);
            if (sent.size() == 1) {
                for (int i = 0; i < 50_000; i++) {
                    box[0].offer("m" + i); // queued behind the send in progress
                }
            }
            done.accept(null);
            depth.decrementAndGet();
        }, 10_000_000, () -> { }, e -> { });
        box[0].offer("first");
        assertEquals(50_001, sent.size());
        assertTrue(maxDepth.get() <= 2, "stack depth " + maxDepth.get());
    }

    @Test
    void aReaderThatFallsBehindPastTheBoundIsCutOffOnceAndTheQueueIsFreed() {
        ManualSink sink = new ManualSink();
        AtomicInteger overflows = new AtomicInteger();
        Outbox outbox = new Outbox(sink, 10, overflows::incrementAndGet, e -> { });
        assertTrue(outbox.offer("12345")); // in flight
        assertTrue(outbox.offer("12345")); // queued: 5 chars
        assertTrue(outbox.offer("12345")); // queued: 10 chars
        assertFalse(outbox.offer("1"));    // 11 chars: over the bound
        assertEquals(1, overflows.get());
        assertEquals(0, outbox.queuedChars());
        assertFalse(outbox.offer("late"));
        assertEquals(1, overflows.get());
    }

    @Test
    void aMessageLargerThanTheBoundStillGoesWhenNothingElseIsBeingSent() {
        ManualSink sink = new ManualSink();
        AtomicInteger overflows = new AtomicInteger();
        Outbox outbox = new Outbox(sink, 10, overflows::incrementAndGet, e -> { });
        assertTrue(outbox.offer("a snapshot far larger than ten characters"));
        assertEquals(0, overflows.get());
        sink.completeOne();
        assertTrue(outbox.offer("small"));
        assertEquals(2, sink.sent.size());
    }

    @Test
    void finishSendsWhatIsQueuedThenRunsItsActionAndRefusesMore() {
        ManualSink sink = new ManualSink();
        List<String> events = new ArrayList<>();
        Outbox outbox = new Outbox(sink, 1000, () -> { }, e -> { });
        outbox.offer("error");
        outbox.offer("last words");
        outbox.finish(() -> events.add("closed after " + sink.sent.size()));
        assertFalse(outbox.offer("more"));
        assertEquals(List.of(), events);
        sink.completeOne();
        sink.completeOne();
        assertEquals(List.of("closed after 2"), events);
    }

    @Test
    void finishOnAnIdleOutboxRunsAtOnce() {
        List<String> events = new ArrayList<>();
        Outbox outbox = new Outbox(new ManualSink(), 1000, () -> { }, e -> { });
        outbox.finish(() -> events.add("closed"));
        assertEquals(List.of("closed"), events);
    }

    @Test
    void aSinkThatThrowsInsteadOfCallingBackClosesTheOutboxAndReportsOnce() {
        List<Throwable> failures = new ArrayList<>();
        Outbox outbox = new Outbox((text, done) -> {
            throw new IllegalStateException("Socket is not connected");
        }, 1000, () -> { }, failures::add);
        outbox.offer("a");
        assertFalse(outbox.offer("b"));
        assertEquals(1, failures.size());
    }

    @Test
    void aFailedSendClosesTheOutboxAndReportsOnce() {
        List<Throwable> failures = new ArrayList<>();
        Outbox outbox = new Outbox((text, done) -> done.accept(new java.io.IOException("reset")), 1000, () -> { },
                failures::add);
        outbox.offer("a");
        assertFalse(outbox.offer("b"));
        assertEquals(1, failures.size());
    }
}
