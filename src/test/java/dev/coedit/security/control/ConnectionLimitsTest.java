package dev.coedit.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.coedit.SecurityConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Limits per user and per address, with a clock the test moves. */
class ConnectionLimitsTest {

    private static final long SECOND = 1_000_000_000L;

    private static ConnectionLimits limits(int perUser, int perAddress, int perSecond) {
        return new ConnectionLimits(SecurityConfig.defaults(List.of("open"), 100).withLimits(perUser, perAddress, perSecond),
                0);
    }

    @Test
    void connectionsPerUserAndPerAddressAreCountedAndReleased() {
        ConnectionLimits limits = limits(2, 3, 1000);
        assertNull(limits.admit("ann", "10.0.0.1", 0));
        assertNull(limits.admit("ann", "10.0.0.2", 0));
        assertEquals("too many connections of user ann: the limit is 2", limits.admit("ann", "10.0.0.3", 0));
        assertNull(limits.admit("bob", "10.0.0.1", 0));
        assertNull(limits.admit("cy", "10.0.0.1", 0));
        assertEquals("too many connections from 10.0.0.1: the limit is 3", limits.admit("dan", "10.0.0.1", 0));
        limits.release("ann", "10.0.0.1");
        assertEquals(1, limits.openByUser("ann"));
        assertNull(limits.admit("dan", "10.0.0.1", 0), "a place came free at that address");
    }

    @Test
    void handshakesPerSecondFromAnAddressRefillOverTime() {
        ConnectionLimits limits = limits(1_000, 1_000, 5);
        for (int i = 0; i < 10; i++) { // the burst is twice the rate
            assertNull(limits.handshake("10.0.0.9", 0), "handshake " + i);
        }
        assertEquals("too many handshakes from 10.0.0.9: the limit is 5 per second",
                limits.handshake("10.0.0.9", 0));
        assertNull(limits.handshake("10.0.0.9", SECOND / 2), "half a second refills two and a half");
    }

    @Test
    void aHandshakeCountsAgainstItsAddressWhetherOrNotItIsAdmittedLater() {
        ConnectionLimits limits = limits(1_000, 1_000, 5);
        // Ten handshakes that never authenticated (no admit follows) empty the address's bucket...
        for (int i = 0; i < 10; i++) {
            assertNull(limits.handshake("10.0.0.7", 0), "handshake " + i);
        }
        assertEquals("too many handshakes from 10.0.0.7: the limit is 5 per second",
                limits.handshake("10.0.0.7", 0));
        // ...and no other address's, and admitting a user does not count the address a second time.
        assertNull(limits.handshake("10.0.0.8", 0));
        assertNull(limits.admit("ann", "10.0.0.8", 0));
        assertNull(limits.handshake(null, 0), "without an address there is nothing to count");
    }

    @Test
    void aUsersHandshakesAreLimitedAcrossAddressesAndOpenModeHasNoUserLimit() {
        ConnectionLimits limits = limits(1_000, 1_000, 2);
        for (int i = 0; i < 4; i++) {
            assertNull(limits.admit("flo", "10.0.1." + i, 0));
            limits.release("flo", "10.0.1." + i);
        }
        assertEquals("too many handshakes by user flo: the limit is 2 per second",
                limits.admit("flo", "10.0.1.99", 0));
        assertNull(limits.admit(null, "10.0.2.1", 0), "no user limit applies without a user");
    }

    @Test
    void idleKeysAreForgotten() {
        ConnectionLimits limits = limits(10, 10, 10);
        for (int i = 0; i < 100; i++) {
            limits.admit("u" + i, "10.0.3." + i, 0);
            limits.release("u" + i, "10.0.3." + i);
        }
        assertEquals(200, limits.tracked());
        limits.admit("late", "10.0.4.1", 120 * SECOND);
        assertEquals(2, limits.tracked(), "only the newest user and address are kept");
    }
}
