package dev.coedit.editing.control;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The one queue of messages to one connection. At most one send is in flight (concurrent sends on one WebSocket
 * remote are not allowed), and the queue is bounded in characters: a reader that falls that far behind is cut off
 * through {@code onOverflow} instead of growing the heap or stalling the document. Thread-safe: rooms, the endpoint and
 * the pinger all offer to it.
 */
public final class Outbox {

    /** Where the messages go: an asynchronous send that reports its end once, with null on success. */
    @FunctionalInterface
    public interface Sink {
        void send(String text, Consumer<Throwable> done);
    }

    private final Sink sink;
    private final long maxChars;
    private final Runnable onOverflow;
    private final Consumer<Throwable> onFailure;
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long queuedChars;
    /** Whether the reader takes {@code batch} messages; set once it says so in its hello. */
    private volatile boolean batching;
    private boolean sending;
    private boolean closed;
    /** Set by {@link #finish}: no new messages; runs once the queue is handed to the sink. */
    private Runnable whenFlushed;
    private long sent;

    /**
     * @param maxChars   characters that may wait behind the message being sent; a message that would pass it
     *                   closes the outbox
     * @param onOverflow called once, outside any lock, when the bound is passed
     * @param onFailure  called once, outside any lock, when a send fails
     */
    public Outbox(Sink sink, long maxChars, Runnable onOverflow, Consumer<Throwable> onFailure) {
        this.sink = sink;
        this.maxChars = maxChars;
        this.onOverflow = onOverflow;
        this.onFailure = onFailure;
    }

    /** Queues a message. Returns false when the outbox is closed, or has just overflowed and closed. */
    public boolean offer(String text) {
        boolean overflowed;
        synchronized (this) {
            if (closed || whenFlushed != null) {
                return false;
            }
            // The bound is on what waits: a message offered to an idle outbox goes at once, however large (a snapshot
            // of a big document must reach a newcomer).
            overflowed = sending && queuedChars + text.length() > maxChars;
            if (overflowed) {
                closeLocked();
            } else {
                queue.addLast(text);
                queuedChars += text.length();
                if (sending) {
                    return true;
                }
                sending = true;
            }
        }
        if (overflowed) {
            onOverflow.run();
            return false;
        }
        pump();
        return true;
    }

    /**
     * Refuses new messages, hands what is queued to the sink, then runs {@code then} (to close the connection after
     * a last error message, say). Runs it at once when nothing is queued or the outbox is closed.
     */
    public void finish(Runnable then) {
        synchronized (this) {
            if (!closed && whenFlushed == null && sending) {
                whenFlushed = then;
                return;
            }
            closed = true;
        }
        then.run();
    }

    /**
     * The reader understands {@code {"type":"batch","messages":[...]}} (docs/protocol.md): from now on, messages that
     * wait behind a send in flight go out together in one frame, in order, up to {@link #BATCH_CHARS}. A message
     * offered to an idle outbox still goes at once, alone, so batching adds no delay; it only saves frames when the
     * reader is behind.
     */
    public void allowBatching() {
        batching = true;
    }

    /** The most characters of messages one batch carries (a single larger message still goes alone). */
    public static final int BATCH_CHARS = 32 * 1024;

    /** Drops what is queued and refuses more. */
    public synchronized void close() {
        closeLocked();
    }

    public synchronized long queuedChars() {
        return queuedChars;
    }

    public synchronized long sentMessages() {
        return sent;
    }

    private void closeLocked() {
        closed = true;
        queue.clear();
        queuedChars = 0;
        sending = false;
    }

    /**
     * Sends queued messages one at a time until the queue is empty or a send is pending. A send that completes inside
     * {@code sink.send} (as small writes often do) is continued by this loop rather than from its callback, so the
     * stack does not grow with the queue: whichever of the caller and the callback comes second carries on.
     */
    private void pump() {
        while (true) {
            String next;
            int messages = 1;
            Runnable flushed = null;
            synchronized (this) {
                next = closed ? null : queue.pollFirst();
                if (next != null) {
                    queuedChars -= next.length();
                    if (batching && !queue.isEmpty() && next.length() < BATCH_CHARS) {
                        int before = queue.size();
                        next = batchLocked(next);
                        messages += before - queue.size();
                    }
                } else {
                    sending = false;
                    if (whenFlushed != null && !closed) {
                        flushed = whenFlushed;
                        closed = true;
                    }
                }
            }
            if (next == null) {
                if (flushed != null) {
                    flushed.run();
                }
                return;
            }
            AtomicBoolean handOff = new AtomicBoolean();
            try {
                sendOne(next, messages, handOff);
            } catch (RuntimeException closing) {
                // A socket that is closing can throw instead of reporting through the callback (Tyrus does).
                fail(closing);
                return;
            }
            if (handOff.compareAndSet(false, true)) {
                return; // the send is still pending: its callback continues
            }
        }
    }

    /** {@code first} and what follows it in the queue, up to {@link #BATCH_CHARS}, as one batch message. */
    private String batchLocked(String first) {
        StringBuilder batch = new StringBuilder(Math.min(BATCH_CHARS, (int) Math.min(Integer.MAX_VALUE,
                first.length() + queuedChars)) + 40).append("{\"type\":\"batch\",\"messages\":[").append(first);
        int chars = first.length();
        String peek;
        while ((peek = queue.peekFirst()) != null && chars + peek.length() <= BATCH_CHARS) {
            queue.pollFirst();
            queuedChars -= peek.length();
            chars += peek.length();
            batch.append(',').append(peek);
        }
        return batch.append("]}").toString();
    }

    private void sendOne(String next, int messages, AtomicBoolean handOff) {
        sink.send(next, failure -> {
            if (failure != null) {
                fail(failure);
                return;
            }
            synchronized (this) {
                sent += messages;
            }
            if (!handOff.compareAndSet(false, true)) {
                pump();
            }
        });
    }

    private void fail(Throwable failure) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closeLocked();
        }
        onFailure.accept(failure);
    }
}
