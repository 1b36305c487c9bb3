package dev.coedit.it.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The system's Chromium and chromedriver (Debian's {@code chromium} and {@code chromium-driver} packages), started
 * headless with a fresh profile for each browser. Without them the browser tests are skipped and say why, unless
 * {@value #REQUIRED_PROPERTY}{@code =required} (CI sets it): then a missing browser fails them.
 */
final class Chromium implements AutoCloseable {

    /** {@code required}: fail instead of skipping when no browser is installed. */
    static final String REQUIRED_PROPERTY = "coedit.browser";
    /** Paths, for a browser installed elsewhere. */
    static final String BINARY_PROPERTY = "coedit.chromium";
    static final String DRIVER_PROPERTY = "coedit.chromedriver";

    /** Without the networking flags Chromium keeps trying to reach the internet, which is closed here. */
    private static final String[] FLAGS = {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=900,640", "--lang=en-US", "--force-device-scale-factor=1"};

    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Path binary() {
        return Path.of(System.getProperty(BINARY_PROPERTY, "/usr/bin/chromium"));
    }

    static Path driverBinary() {
        return Path.of(System.getProperty(DRIVER_PROPERTY, "/usr/bin/chromedriver"));
    }

    /** Why the browser tests cannot run here, or null when Chromium and chromedriver are installed. */
    static String missing() {
        String missing = !Files.isExecutable(binary()) ? binary() + " (Debian package chromium)"
                : !Files.isExecutable(driverBinary()) ? driverBinary() + " (Debian package chromium-driver)" : null;
        return missing == null ? null
                : "browser tests need " + missing + "; install with: apt-get install -y chromium chromium-driver";
    }

    static boolean required() {
        return "required".equals(System.getProperty(REQUIRED_PROPERTY));
    }

    /**
     * Skips the calling test class (or fails it, when a browser is required) if Chromium or its driver is missing.
     * {@link Installed} already disabled the class in that case unless a browser is required; this is the backstop.
     */
    static void assumeInstalled() {
        String why = missing();
        if (why == null) {
            return;
        }
        if (required()) {
            Assertions.fail(why + " (" + REQUIRED_PROPERTY + "=required, so this fails instead of skipping)");
        }
        Assumptions.abort(why + " (set " + REQUIRED_PROPERTY + "=required to fail instead)");
    }

    /**
     * Disables a browser test class, with the reason, where no browser is installed; so every test shows as skipped
     * and says why. With {@value #REQUIRED_PROPERTY}{@code =required} it leaves the class enabled, and
     * {@link #assumeInstalled()} fails it.
     */
    static final class Installed implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why = missing();
            if (why == null || required()) {
                return ConditionEvaluationResult.enabled("Chromium and chromedriver are installed, or required");
            }
            String reason = why + " (set " + REQUIRED_PROPERTY + "=required to fail instead)";
            if (context.getTestMethod().isEmpty()) {
                System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
            }
            return ConditionEvaluationResult.disabled(reason);
        }
    }

    /** A new headless browser with a profile of its own: its own localStorage, sessionStorage and cookies. */
    static Chromium start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("coedit-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a browser profile folder", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary().toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        options.setScriptTimeout(Duration.ofSeconds(20));
        options.setPageLoadTimeout(Duration.ofSeconds(20));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driverBinary().toFile())
                .usingAnyFreePort()
                .withLogOutput(new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        // chromedriver's own log is noise here; failures carry the page's state instead.
                    }
                })
                .build();
        return new Chromium(new ChromeDriver(service, options), profile);
    }

    ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A leftover temporary profile is harmless.
        }
    }
}
