package dev.coedit.security.control;

import dev.coedit.SecurityConfig;
import dev.coedit.editing.control.CloseReasons;
import dev.coedit.security.entity.Identity;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.Session;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The gate every WebSocket passes when it opens: is its address opening them too fast (counted before anything else,
 * see {@link ConnectionLimits#handshake}), who is it (the {@link Authentication authenticators}), may they open one
 * more ({@link ConnectionLimits#admit}), and for the monitoring channel, are they an admin. A refused connection is
 * closed with a reason that names the problem: 1008 for credentials and permissions, 1013 for limits. Every decision
 * is one line on the {@code dev.coedit.security} logger; tokens and document contents never are.
 */
public final class Security {

    /** Security events: connects, refusals, authentication failures, limit violations. */
    public static final Logger LOG = Logger.getLogger("dev.coedit.security");

    private final SecurityConfig config;
    private final Authentication authentication;
    private final ConnectionLimits limits;
    private final MessageRates messageRates;
    private final OriginPolicy origins;
    private final Executor closer;

    /**
     * @param closer where refused sessions are closed: not on the thread that runs {@code @OnOpen}. Payara runs it
     *               inside the servlet upgrade's {@code init}, and a frame written there has been seen never to leave
     *               (the peer then waits for a close that never comes).
     */
    public Security(SecurityConfig config, java.util.Set<String> allowedOrigins, Clock clock, Executor closer) {
        this.config = config;
        this.closer = closer;
        this.origins = new OriginPolicy(allowedOrigins, config.openMode());
        this.authentication = new Authentication(config, clock);
        this.limits = new ConnectionLimits(config, System.nanoTime());
        this.messageRates = new MessageRates(config.ratePerSecondPerUser(), config.ratePerSecondPerAddress());
        Handshake.useAdminRole(config.adminRole());
    }

    public SecurityConfig config() {
        return config;
    }

    /**
     * A connection let in: who, from where, its share of the message rates of its user and address, and the release
     * of its place in the limits (idempotent).
     */
    public static final class Admission {
        private final Identity identity;
        private final String address;
        private final ConnectionLimits limits;
        private final MessageRates.Share messages;
        private final AtomicBoolean released = new AtomicBoolean();
        private final AtomicReference<Runnable> onRelease = new AtomicReference<>();

        Admission(Identity identity, String address, ConnectionLimits limits, MessageRates.Share messages) {
            this.identity = identity;
            this.address = address;
            this.limits = limits;
            this.messages = messages;
        }

        public Identity identity() {
            return identity;
        }

        /** The remote address, or null where the runtime does not tell it. */
        public String address() {
            return address;
        }

        /**
         * Takes one message from the buckets this connection shares with the others of its user and its address.
         *
         * @return null when it may go on, else the limit it passed
         */
        public String messageRefusal(long nowNanos) {
            return messages.refusal(nowNanos);
        }

        /**
         * Runs {@code action} once, when the connection is released, or at once if it already was: the timer that
         * would close it at its token's expiry is cancelled this way. One action per admission.
         */
        public void whenReleased(Runnable action) {
            onRelease.set(action);
            // A release between the set and this check may have missed it: whoever takes it back runs it.
            if (released.get() && onRelease.compareAndSet(action, null)) {
                action.run();
            }
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                limits.release(limitedUser(identity), address);
                messages.release();
                Runnable action = onRelease.getAndSet(null);
                if (action != null) {
                    action.run();
                }
            }
        }
    }

    /**
     * Counts the handshake of a connection refused before {@link #admit} (its subprotocol or document id), so that a
     * flood of them meets the address's handshake rate like any other.
     */
    public void countRefusedHandshake(Session session) {
        limits.handshake(RemoteAddress.of(session), System.nanoTime());
    }

    /**
     * Lets a freshly opened WebSocket in, or closes it.
     *
     * @param channel   what it opened, for the log: {@code docs/notes}, {@code admin}
     * @param adminOnly whether the channel needs the admin role
     * @return the admission, or null when the session was refused and is closing
     */
    public Admission admit(Session session, String channel, boolean adminOnly) {
        Object captured = session.getUserProperties().get(Handshake.KEY);
        Handshake handshake = captured instanceof Handshake h ? h : Handshake.NONE;
        String address = RemoteAddress.of(session);
        // First of all, so that a flood of handshakes with a forged origin or credential meets the limit too, and
        // is refused before a signature is verified for it.
        String tooFast = limits.handshake(address, System.nanoTime());
        if (tooFast != null) {
            refuse(session, channel, address, "limit", CloseCodes.TRY_AGAIN_LATER, tooFast);
            return null;
        }
        String originRefusal = originRefusal(handshake);
        if (originRefusal != null) {
            refuse(session, channel, address, "origin", CloseCodes.VIOLATED_POLICY, originRefusal);
            return null;
        }
        Identity identity;
        try {
            identity = authentication.authenticate(handshake);
        } catch (Authenticator.Refused e) {
            refuse(session, channel, address, "authentication failed", CloseCodes.VIOLATED_POLICY, e.getMessage());
            return null;
        }
        if (adminOnly && !identity.admin()) {
            refuse(session, channel, address, "user " + identity.user(), CloseCodes.VIOLATED_POLICY,
                    "the monitoring channel needs the admin role; user " + identity.user() + " does not have it");
            return null;
        }
        String overLimit = limits.admit(limitedUser(identity), address, System.nanoTime());
        if (overLimit != null) {
            refuse(session, channel, address, "limit", CloseCodes.TRY_AGAIN_LATER, overLimit);
            return null;
        }
        LOG.info(() -> "connect " + session.getId() + " " + identity + " from " + address + " to " + channel);
        return new Admission(identity, address, limits,
                messageRates.join(limitedUser(identity), address, System.nanoTime()));
    }

    /**
     * The origin check once more, when the connection opens: every runtime refused foreign pages before the upgrade
     * (the standalone server's Grizzly filter, the WAR's servlet filter), so this only catches a runtime where that
     * first line did not run; the connection is
     * then closed before any message. The scheme is not compared, since a proxy that terminates TLS makes the server
     * see http for an https page.
     */
    private String originRefusal(Handshake handshake) {
        return origins.refusal(handshake.origin(), handshake.host());
    }

    /** Closes a session that may not go on, with the reason, and logs it. */
    public void refuse(Session session, String channel, String address, String what, CloseCodes code,
            String reason) {
        LOG.info(() -> "refused " + session.getId() + " from " + address + " to " + channel + " (" + what + "): "
                + code.getCode() + " " + reason);
        closer.execute(() -> {
            try {
                session.close(CloseReasons.of(code.getCode(), reason));
            } catch (IOException | IllegalStateException e) {
                Logger.getLogger(Security.class.getName()).log(Level.FINE, "closing a refused session failed", e);
            }
        });
    }

    /** Limits per user mean nothing in open mode, where everyone is the one local user. */
    private static String limitedUser(Identity identity) {
        return Identity.LOCAL_USER.equals(identity.user()) && "open".equals(identity.method()) ? null
                : identity.user();
    }
}
