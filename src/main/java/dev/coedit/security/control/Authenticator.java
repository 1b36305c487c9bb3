package dev.coedit.security.control;

import dev.coedit.security.entity.Identity;
import java.util.Optional;

/** Turns the credentials of a handshake into an {@link Identity}. One per method; {@link Authentication} chains them. */
public interface Authenticator {

    /**
     * @return the identity the credentials prove, or empty when the handshake carries no credential of this kind
     * @throws Refused when it carries one that does not hold (forged, expired, malformed)
     */
    Optional<Identity> authenticate(Handshake handshake) throws Refused;

    /** A credential that does not hold; the message says why, for the client and the security log. */
    final class Refused extends Exception {
        private final boolean expired;

        public Refused(String message, boolean expired) {
            super(message, null, false, false);
            this.expired = expired;
        }

        /** The credential was good but ran out: the client should fetch a fresh one and reconnect. */
        public boolean expired() {
            return expired;
        }
    }
}
