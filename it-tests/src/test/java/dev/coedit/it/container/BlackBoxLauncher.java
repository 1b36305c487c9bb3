package dev.coedit.it.container;

import static org.junit.platform.engine.discovery.ClassNameFilter.excludeClassNamePatterns;
import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.discovery.ClassNameFilter;
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
     * Every *IT class under dev.coedit.it but this package, the ones that test the standalone jar itself, the
     * packaging checks, which read the built files rather than a server, and the Secured*IT classes, which need a
     * server that requires tokens.
     */
    static List<String> openClassNames() {
        return classNames(includeClassNamePatterns(".*IT"),
                excludeClassNamePatterns("dev\\.coedit\\.it\\.container\\..*", ".*\\.StandaloneServerIT",
                        "dev\\.coedit\\.it\\.packaging\\..*", ".*\\.Secured[A-Za-z]*IT"));
    }

    /** The Secured*IT classes outside this package: for a deployment that requires signed tokens. */
    static List<String> securedClassNames() {
        return classNames(includeClassNamePatterns(".*\\.Secured[A-Za-z]*IT"),
                excludeClassNamePatterns("dev\\.coedit\\.it\\.container\\..*"));
    }

    private static List<String> classNames(ClassNameFilter... filters) {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectPackage("dev.coedit.it"))
                .filters(filters)
                .build());
        List<String> names = new ArrayList<>();
        for (TestIdentifier engine : plan.getRoots()) {
            for (TestIdentifier c : plan.getChildren(engine)) {
                if (c.getSource().orElse(null) instanceof ClassSource source) {
                    names.add(source.getClassName());
                }
            }
        }
        // For a developer's quick run: -Dcoedit.it.only=OriginIT|BadInputIT runs only those classes in the container.
        String only = System.getProperty("coedit.it.only");
        if (only != null && !only.isBlank()) {
            names.removeIf(n -> !n.substring(n.lastIndexOf('.') + 1).matches(only));
        }
        names.sort(null);
        return names;
    }

    /** One class, with the system property {@code urlProperty} pointing at {@code base} while it runs. */
    static TestExecutionSummary run(String className, String urlProperty, URI base) {
        String before = System.getProperty(urlProperty);
        System.setProperty(urlProperty, base.toString());
        try {
            SummaryGeneratingListener summary = new SummaryGeneratingListener();
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(className)).build(), summary);
            return summary.getSummary();
        } finally {
            if (before == null) {
                System.clearProperty(urlProperty);
            } else {
                System.setProperty(urlProperty, before);
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
