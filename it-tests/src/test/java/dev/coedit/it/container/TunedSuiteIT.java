package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.channel.IdleAndSlowReaderIT;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The heartbeat, the idle timeout, a half-sent frame and the slow-reader bound are Coedit's own, not the container's:
 * the WAR deployed with {@link IdleAndSlowReaderIT#SETTINGS} (3 s idle timeout, a ping a second, a 256 KiB outbox)
 * and that class run against it, as against the standalone jar.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TunedSuiteIT {

    @Deployment(testable = false)
    static WebArchive war() {
        Map<String, String> settings = new HashMap<>(IdleAndSlowReaderIT.SETTINGS);
        settings.put("auth", "open");
        return Deployments.withSettings(Deployments.war(), settings);
    }

    @ArquillianResource
    URL url;

    @Test
    void idleConnectionsHalfSentFramesAndSlowReadersAreHandledInTheContainerAsStandalone() throws Exception {
        URI base = Ws.loopback(url);
        Ws.awaitReady(base, Duration.ofSeconds(120));
        TestExecutionSummary s = BlackBoxLauncher.run(IdleAndSlowReaderIT.class.getName(), "coedit.it.tuned.url",
                base);
        System.out.printf("TUNED-CLASS IdleAndSlowReaderIT found %d ok %d failed %d aborted %d skipped %d%n",
                s.getTestsFoundCount(), s.getTestsSucceededCount(), s.getTotalFailureCount(),
                s.getTestsAbortedCount(), s.getTestsSkippedCount());
        assertEquals(0, s.getTotalFailureCount(), () -> BlackBoxLauncher.describe(s));
        assertTrue(s.getTestsFoundCount() > 0 && s.getTestsSucceededCount() == s.getTestsFoundCount(),
                () -> "every test ran and passed: " + BlackBoxLauncher.describe(s));
    }
}
