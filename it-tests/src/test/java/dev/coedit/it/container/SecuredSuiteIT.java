package dev.coedit.it.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coedit.it.security.SecuredServer;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The WAR with the settings of {@link SecuredServer} in its {@code coedit.properties} (signed tokens required, tight
 * limits): every Secured*IT class runs against it, as against the standalone server, so the same rules are proven in
 * Payara and WildFly.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecuredSuiteIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.withSettings(Deployments.war(), SecuredServer.SETTINGS);
    }

    @ArquillianResource
    URL url;

    @TestFactory
    Stream<DynamicTest> securedClasses() throws Exception {
        URI base = Ws.loopback(url);
        String token = new dev.coedit.it.security.Tokens(SecuredServer.SECRET).issue("warm-up", Duration.ofMinutes(5));
        Duration warmUp = Ws.awaitReady(base, Duration.ofSeconds(120), SecuredServer.withToken(token));
        String container = System.getProperty("coedit.container");
        System.out.println("[" + container + "] secured deployment ready after " + warmUp.toMillis() + " ms");
        List<String> classes = BlackBoxLauncher.securedClassNames();
        assertFalse(classes.isEmpty(), "found no Secured*IT classes");
        return classes.stream().map(name -> DynamicTest.dynamicTest(name.substring(name.lastIndexOf('.') + 1), () -> {
            TestExecutionSummary s = BlackBoxLauncher.run(name, SecuredServer.URL_PROPERTY, base);
            System.out.printf("SECURED-CLASS %-30s found %d ok %d failed %d aborted %d skipped %d%n",
                    name.substring(name.lastIndexOf('.') + 1), s.getTestsFoundCount(), s.getTestsSucceededCount(),
                    s.getTotalFailureCount(), s.getTestsAbortedCount(), s.getTestsSkippedCount());
            assertEquals(0, s.getTotalFailureCount(), () -> BlackBoxLauncher.describe(s));
            assumeTrue(s.getTestsSucceededCount() > 0, name + ": every test was skipped or aborted here");
        }));
    }
}
