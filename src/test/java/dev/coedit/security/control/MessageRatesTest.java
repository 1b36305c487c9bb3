package dev.coedit.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Message rates shared by the connections of a user and of an address, with a clock the test moves. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MessageRatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theConnectionsOfOneUserDrawFromOneBucketAndOtherUsersFromTheirOwn() {
        MessageRates rates = new MessageRates(5, 1_000);
        List<MessageRates.Share> ann = List.of(rates.join("ann", "10.0.0.1", 0), rates.join("ann", "10.0.0.2", 0),
                rates.join("ann", "10.0.0.3", 0));
        for (int i = 0; i < 10; i++) { // the burst is twice the rate, spread over three connections
            assertNull(ann.get(i % 3).refusal(0), "message " + i);
        }
        String refusal = "more than 5 messages per second by user ann over all their connections (burst 10)";
        for (MessageRates.Share share : ann) {
            assertEquals(refusal, share.refusal(0), "every connection of ann meets the one limit");
        }
        assertNull(rates.join("bob", "10.0.0.1", 0).refusal(0), "another user is not affected");
        assertNull(ann.get(0).refusal(SECOND / 2), "half a second refills two and a half");
    }

    @Test
    void theConnectionsFromOneAddressDrawFromOneBucketWhoeverTheUsersAre() {
        MessageRates rates = new MessageRates(1_000, 3);
        MessageRates.Share ann = rates.join("ann", "10.0.0.9", 0);
        MessageRates.Share bob = rates.join("bob", "10.0.0.9", 0);
        for (int i = 0; i < 6; i++) {
            assertNull((i % 2 == 0 ? ann : bob).refusal(0), "message " + i);
        }
        assertEquals("more than 3 messages per second from 10.0.0.9 (burst 6)", bob.refusal(0));
        assertNull(rates.join("ann", "10.0.0.10", 0).refusal(0), "ann from another address is not affected");
    }

    @Test
    void withoutAUserOrAnAddressOnlyTheOtherLimitApplies() {
        MessageRates rates = new MessageRates(1, 1);
        MessageRates.Share openMode = rates.join(null, "10.0.1.1", 0);
        MessageRates.Share noAddress = rates.join("ann", null, 0);
        for (int i = 0; i < 2; i++) {
            assertNull(openMode.refusal(0));
            assertNull(noAddress.refusal(0));
        }
        assertEquals("more than 1 messages per second from 10.0.1.1 (burst 2)", openMode.refusal(0));
        assertEquals("more than 1 messages per second by user ann over all their connections (burst 2)",
                noAddress.refusal(0));
        assertNull(rates.join(null, null, 0).refusal(0), "nothing to count");
    }

    @Test
    void aBucketIsForgottenWithTheLastConnectionOfItsUserOrAddress() {
        MessageRates rates = new MessageRates(5, 5);
        List<MessageRates.Share> shares = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            shares.add(rates.join("u" + i, "10.0.2." + i, 0));
        }
        assertEquals(200, rates.tracked());
        MessageRates.Share second = rates.join("u0", "10.0.2.0", 0);
        shares.get(0).release();
        shares.get(0).release(); // twice: the second does nothing
        assertEquals(200, rates.tracked(), "u0 and its address still have a connection");
        for (int i = 0; i < 10; i++) {
            second.refusal(0);
        }
        assertEquals("more than 5 messages per second by user u0 over all their connections (burst 10)",
                second.refusal(0), "the bucket the connections shared is still the one in use");
        second.release();
        for (MessageRates.Share share : shares) {
            share.release();
        }
        assertEquals(0, rates.tracked(), "no connection, no bucket");
        assertNull(rates.join("u0", "10.0.2.0", 0).refusal(0), "a new connection starts with a full bucket");
    }

    @Test
    void connectionsOnManyThreadsTakeNoMoreThanTheBurstTogether() throws Exception {
        MessageRates rates = new MessageRates(250, 100_000);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> taken = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                MessageRates.Share share = rates.join("ann", "10.0.3." + t, 0);
                taken.add(pool.submit(() -> {
                    int n = 0;
                    for (int i = 0; i < 1_000; i++) { // the clock stands still: no refill
                        if (share.refusal(0) == null) {
                            n++;
                        }
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> f : taken) {
                total += f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(500, total, "4,000 tries on 4 threads share one burst of 500");
        } finally {
            pool.shutdownNow();
        }
    }
}
