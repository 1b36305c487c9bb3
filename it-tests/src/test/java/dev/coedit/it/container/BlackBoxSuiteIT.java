package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import dev.coedit.it.support.ServerUnderTest;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** The WAR deployed once; every black-box class runs against it, each as one dynamic test. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BlackBoxSuiteIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.openWar();
    }

    @ArquillianResource
    URL url;

    @TestFactory
    Stream<DynamicTest> blackBoxClasses() throws Exception {
        URI base = Ws.loopback(url);
        Duration warmUp = Ws.awaitReady(base, Duration.ofSeconds(120));
        System.out.println("[" + System.getProperty("coedit.container") + "] ready after " + warmUp.toMillis() + " ms");
        List<String> classes = BlackBoxLauncher.openClassNames();
        System.out.println("[" + System.getProperty("coedit.container") + "] " + classes + " against " + base);
        assertFalse(classes.isEmpty(), "found no black-box classes");
        return classes.stream().map(name -> DynamicTest.dynamicTest(name.substring(name.lastIndexOf('.') + 1), () -> {
            long t = System.nanoTime();
            TestExecutionSummary s = BlackBoxLauncher.run(name, ServerUnderTest.URL_PROPERTY, base);
            System.out.printf("SUITE-CLASS %-32s %6d ms found %d ok %d failed %d aborted %d skipped %d%n",
                    name.substring(name.lastIndexOf('.') + 1), (System.nanoTime() - t) / 1_000_000,
                    s.getTestsFoundCount(), s.getTestsSucceededCount(), s.getTotalFailureCount(),
                    s.getTestsAbortedCount(), s.getTestsSkippedCount());
            assertEquals(0, s.getTotalFailureCount(), () -> BlackBoxLauncher.describe(s));
            assumeTrue(s.getTestsSucceededCount() > 0, name + ": every test was skipped or aborted here");
        }));
    }
}
