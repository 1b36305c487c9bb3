package dev.coedit.it.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.coedit.it.support.ServerUnderTest;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connections coming and going in numbers, as when a class of students opens the same page: every one of them gets
 * its snapshot, whatever the others do at the same moment. A connection ends when its client closes it, or after
 * the idle timeout, never a few milliseconds after it opened.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@ExtendWith(ServerUnderTest.Extension.class)
class ConnectionChurnIT {

    private static final int PARALLEL = 8;
    private static final int CYCLES_EACH = 400;

    @Test
    void everyConnectionGetsItsSnapshotWhileManyConnectAndLeaveAtOnce(ServerUnderTest server) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        ExecutorService workers = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < PARALLEL; w++) {
                URI document = server.wsUri("docs/churn-" + run + "-" + w);
                int worker = w;
                futures.add(workers.submit(() -> {
                    for (int i = 0; i < CYCLES_EACH; i++) {
                        try (RecordingSocket socket = RecordingSocket.connect(document)) {
                            try {
                                socket.send(Wire.hello("churn-" + worker + "-" + i));
                            } catch (UncheckedIOException e) {
                                // The server closed it already; the close event read next tells why.
                            }
                            RecordingSocket.Event first = socket.nextEvent(RecordingSocket.WAIT);
                            if (!(first instanceof RecordingSocket.Text text
                                    && "snapshot".equals(Wire.type(text.json())))) {
                                failures.merge(String.valueOf(first), 1, Integer::sum);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(45, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }
        assertEquals(Map.of(), failures, "of " + PARALLEL * CYCLES_EACH + " connections, those that did not get"
                + " their snapshot first, by what came instead");
    }
}
