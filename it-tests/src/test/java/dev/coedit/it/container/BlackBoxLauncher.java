package dev.coedit.it.container;

import static org.junit.platform.engine.discovery.ClassNameFilter.excludeClassNamePatterns;
import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import dev.coedit.it.support.ServerUnderTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/** Runs the black-box classes in this JVM, through the JUnit Platform, against a server that is already up. */
final class BlackBoxLauncher {
    private BlackBoxLauncher() {
    }

    /**
     * Every *IT class under dev.coedit.it but this package, the ones that test the standalone jar itself, and the
     * packaging checks, which read the built files rather than a server.
     */
    static List<String> classNames() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("dev.coedit.it"))
                .filters(includeClassNamePatterns(".*IT"),
                        excludeClassNamePatterns("dev\\.coedit\\.it\\.container\\..*", ".*\\.StandaloneServerIT",
                                "dev\\.coedit\\.it\\.packaging\\..*"))
                .build());
        List<String> names = new ArrayList<>();
        for (TestIdentifier engine : plan.getRoots()) {
            for (TestIdentifier c : plan.getChildren(engine)) {
                if (c.getSource().orElse(null) instanceof ClassSource source) {
                    names.add(source.getClassName());
                }
            }
        }
        names.sort(null);
        return names;
    }

    /** One class, with {@code coedit.it.url} pointing at {@code base} while it runs. */
    static TestExecutionSummary run(String className, URI base) {
        String before = System.getProperty(ServerUnderTest.URL_PROPERTY);
        System.setProperty(ServerUnderTest.URL_PROPERTY, base.toString());
        try {
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(className)).build(), summary);
            return summary.getSummary();
        } finally {
            if (before == null) {
                System.clearProperty(ServerUnderTest.URL_PROPERTY);
            } else {
                System.setProperty(ServerUnderTest.URL_PROPERTY, before);
            }
        }
    }

    static String describe(TestExecutionSummary summary) {
        StringWriter text = new StringWriter();
        summary.printTo(new PrintWriter(text));
        summary.printFailuresTo(new PrintWriter(text), 12);
        return text.toString();
    }
}
