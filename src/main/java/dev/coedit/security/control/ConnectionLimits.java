package dev.coedit.security.control;

import dev.coedit.SecurityConfig;
import dev.coedit.editing.control.RateLimiter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * How many WebSockets each user and each remote address hold, and how fast they open new ones: every handshake
 * counts against its address ({@link #handshake}), an authenticated one also against its user ({@link #admit}). A
 * handshake past a limit is refused with a reason that names the limit. Thread-safe; handshakes are rare next to
 * messages, so one lock guards it all.
 */
public final class ConnectionLimits {

    /** A key with no open connection and a full bucket for this long is forgotten. */
    private static final long FORGET_AFTER_NANOS = 60_000_000_000L;

    private final SecurityConfig config;
    private final Map<String, Usage> users = new HashMap<>();
    private final Map<String, Usage> addresses = new HashMap<>();
    private long lastSweep;

    public ConnectionLimits(SecurityConfig config, long nowNanos) {
        this.config = config;
        this.lastSweep = nowNanos;
    }

    private final class Usage {
        int open;
        final RateLimiter handshakes;
        long lastUse;

        Usage(long now) {
            handshakes = new RateLimiter(config.handshakesPerSecond(), 2 * config.handshakesPerSecond(), now);
            lastUse = now;
        }
    }

    /**
     * Counts a handshake from {@code address}, before its origin or credentials are looked at: a flood of handshakes
     * with no token or a forged one costs a verification each, and must meet the same limit as good ones.
     *
     * @param address the remote address, or null when the runtime does not tell it (then nothing is counted)
     * @return null when it may go on, else the refusal
     */
    public synchronized String handshake(String address, long nowNanos) {
        sweep(nowNanos);
        if (address == null) {
            return null;
        }
        Usage byAddress = addresses.computeIfAbsent(address, a -> new Usage(nowNanos));
        byAddress.lastUse = nowNanos;
        if (!byAddress.handshakes.tryAcquire(nowNanos)) {
            return "too many handshakes from " + address + ": the limit is " + config.handshakesPerSecond()
                    + " per second";
        }
        return null;
    }

    /**
     * Counts a new connection of an authenticated user, or says why it may not open. Its handshake was already
     * counted against its address by {@link #handshake}; here it counts against the user, whom only the
     * authentication could tell.
     *
     * @param user    the user, or null where limits per user do not apply (open mode: everyone is one user)
     * @param address the remote address, or null when the runtime does not tell it
     * @return null when admitted (then {@link #release} it once it ends), else the refusal
     */
    public synchronized String admit(String user, String address, long nowNanos) {
        sweep(nowNanos);
        Usage byAddress = address == null ? null : addresses.computeIfAbsent(address, a -> new Usage(nowNanos));
        Usage byUser = user == null ? null : users.computeIfAbsent(user, u -> new Usage(nowNanos));
        if (byAddress != null) {
            byAddress.lastUse = nowNanos;
        }
        if (byUser != null) {
            byUser.lastUse = nowNanos;
            if (!byUser.handshakes.tryAcquire(nowNanos)) {
                return "too many handshakes by user " + user + ": the limit is " + config.handshakesPerSecond()
                        + " per second";
            }
        }
        if (byAddress != null && byAddress.open >= config.maxConnectionsPerAddress()) {
            return "too many connections from " + address + ": the limit is " + config.maxConnectionsPerAddress();
        }
        if (byUser != null && byUser.open >= config.maxConnectionsPerUser()) {
            return "too many connections of user " + user + ": the limit is " + config.maxConnectionsPerUser();
        }
        if (byAddress != null) {
            byAddress.open++;
        }
        if (byUser != null) {
            byUser.open++;
        }
        return null;
    }

    /** A connection {@link #admit admitted} with the same user and address ended. */
    public synchronized void release(String user, String address) {
        if (address != null) {
            Usage u = addresses.get(address);
            if (u != null && u.open > 0) {
                u.open--;
            }
        }
        if (user != null) {
            Usage u = users.get(user);
            if (u != null && u.open > 0) {
                u.open--;
            }
        }
    }

    /** Open connections of a user (for tests and monitoring). */
    public synchronized int openByUser(String user) {
        Usage u = users.get(user);
        return u == null ? 0 : u.open;
    }

    /** How many users and addresses are tracked: bounded by those active in the last minute. */
    public synchronized int tracked() {
        return users.size() + addresses.size();
    }

    private void sweep(long now) {
        if (now - lastSweep < FORGET_AFTER_NANOS / 4) {
            return;
        }
        lastSweep = now;
        forgetIdle(users, now);
        forgetIdle(addresses, now);
    }

    private static void forgetIdle(Map<String, Usage> usages, long now) {
        for (Iterator<Usage> it = usages.values().iterator(); it.hasNext(); ) {
            Usage u = it.next();
            if (u.open == 0 && now - u.lastUse > FORGET_AFTER_NANOS) {
                it.remove();
            }
        }
    }
}
