package dev.coedit.security.control;

import dev.coedit.editing.control.RateLimiter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Messages per second per user and per remote address, over all their connections: one token bucket per user and
 * one per address, shared by their connections, next to each connection's own bucket. Without them a user (or an
 * address) multiplies the per-connection rate by the connections it may open.
 *
 * <p>A bucket lives while its user or address has a connection, and goes with the last one, so the maps never hold
 * more keys than there are connections. Closing every connection to come back with a full bucket costs handshakes,
 * which {@link ConnectionLimits} limits. Thread-safe: the connections of one user send on different threads.
 */
public final class MessageRates {

    private final int perUser;
    private final int perAddress;
    private final ConcurrentHashMap<String, Bucket> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> addresses = new ConcurrentHashMap<>();

    /**
     * @param perUser    sustained messages per second of one user; bursts of twice that
     * @param perAddress sustained messages per second from one address; bursts of twice that
     */
    public MessageRates(int perUser, int perAddress) {
        this.perUser = perUser;
        this.perAddress = perAddress;
    }

    /** Twice the rate, within an int: a limit lifted to a huge rate (the benchmark) must not wrap around. */
    private static int burst(int perSecond) {
        return (int) Math.min(Integer.MAX_VALUE, 2L * perSecond);
    }

    /** A shared bucket, and how many connections hold it. */
    private static final class Bucket {
        private final RateLimiter limiter;
        /** Changed only inside the map's compute for this bucket's key, which serialises it. */
        private int holders;

        Bucket(int perSecond, long nowNanos) {
            limiter = new RateLimiter(perSecond, burst(perSecond), nowNanos);
        }

        /** The limiter is confined to one caller at a time; several connections share this bucket. */
        synchronized boolean tryAcquire(long nowNanos) {
            return limiter.tryAcquire(nowNanos);
        }
    }

    /** One connection's hold on the buckets of its user and its address. */
    public final class Share {
        private final String user;
        private final String address;
        private final Bucket byUser;
        private final Bucket byAddress;
        private final AtomicBoolean released = new AtomicBoolean();

        private Share(String user, String address, Bucket byUser, Bucket byAddress) {
            this.user = user;
            this.address = address;
            this.byUser = byUser;
            this.byAddress = byAddress;
        }

        /**
         * Takes a message from the user's bucket, then the address's.
         *
         * @return null when the message may go on, else which limit it passed, for the client and the log
         */
        public String refusal(long nowNanos) {
            if (byUser != null && !byUser.tryAcquire(nowNanos)) {
                return "more than " + perUser + " messages per second by user " + user
                        + " over all their connections (burst " + burst(perUser) + ")";
            }
            if (byAddress != null && !byAddress.tryAcquire(nowNanos)) {
                return "more than " + perAddress + " messages per second from " + address + " (burst "
                        + burst(perAddress) + ")";
            }
            return null;
        }

        /** The connection ended; a bucket no connection holds any more is forgotten. Idempotent. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                leave(users, user);
                leave(addresses, address);
            }
        }
    }

    /**
     * A new connection takes its place in the buckets of its user and address, made full for the first connection.
     *
     * @param user    the user, or null where limits per user do not apply (open mode)
     * @param address the remote address, or null when the runtime does not tell it
     */
    public Share join(String user, String address, long nowNanos) {
        return new Share(user, address, hold(users, user, perUser, nowNanos),
                hold(addresses, address, perAddress, nowNanos));
    }

    /** How many users and addresses have a bucket: no more than have a connection open. */
    public int tracked() {
        return users.size() + addresses.size();
    }

    private static Bucket hold(ConcurrentHashMap<String, Bucket> buckets, String key, int perSecond, long now) {
        if (key == null) {
            return null;
        }
        return buckets.compute(key, (k, existing) -> {
            Bucket b = existing != null ? existing : new Bucket(perSecond, now);
            b.holders++;
            return b;
        });
    }

    private static void leave(ConcurrentHashMap<String, Bucket> buckets, String key) {
        if (key != null) {
            buckets.computeIfPresent(key, (k, b) -> --b.holders == 0 ? null : b);
        }
    }
}
