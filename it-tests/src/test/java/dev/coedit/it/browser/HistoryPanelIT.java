package dev.coedit.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.support.ServerUnderTest;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * The history panel: the stored versions with their authors and sizes, any version's text, and restoring one as a
 * new edit that every editor sees.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith({Chromium.Installed.class, ServerUnderTest.Extension.class})
class HistoryPanelIT {

    @Test
    void aVersionFromTheHistoryIsShownAndRestoredForEveryone(ServerUnderTest server) throws Exception {
        String documentId = "history-" + UUID.randomUUID().toString().substring(0, 8);
        URI doc = server.wsUri("docs/" + documentId);
        try (Chromium browser = Chromium.start();
             CoeditClient other = CoeditClient.builder(doc).name("Otto").connect(Duration.ofSeconds(20))) {
            other.insert(0, "first draft");
            other.awaitAcknowledged(Duration.ofSeconds(10));
            other.delete(0, 5);
            other.insert(0, "second");
            other.awaitAcknowledged(Duration.ofSeconds(10));
            EditorPage page = EditorPage.open(browser.driver(), server.httpUri(), documentId, "Hana", "#e11d48");
            page.await("the document", () -> "second draft".equals(page.text()));

            page.js("coeditTest.openHistory()");
            page.await("the history list", () -> versions(browser).size() >= 3);
            List<WebElement> versions = versions(browser);
            String newest = versions.get(0).getText();
            assertTrue(newest.contains("Otto"), "the author's name: " + newest);
            assertTrue(newest.contains("+6"), "the size of the change: " + newest);
            WebElement first = browser.driver().findElement(By.cssSelector("#history-list button[data-version='1']"));
            first.click();
            page.await("version 1's text", () -> "first draft".equals(
                    browser.driver().findElement(By.id("history-preview")).getText()));
            Files.createDirectories(TwoEditorsIT.SCREENSHOTS);
            Files.write(TwoEditorsIT.SCREENSHOTS.resolve("history-panel.png"),
                    browser.driver().getScreenshotAs(OutputType.BYTES));
            browser.driver().findElement(By.id("history-restore")).click();

            page.await("the restored text", () -> "first draft".equals(page.text()) && page.unsent() == 0);
            other.await(() -> other.text().equals("first draft"), Duration.ofSeconds(10), "the restore at Otto's");
            assertTrue(other.version() > 3, "restoring is a new version, not a rewind: " + other.version());
        }
    }

    /** A page holds 50 versions; older ones come a page at a time, below, down to version 1. */
    @Test
    void olderVersionsArePagedInBelowTheNewestDownToTheFirst(ServerUnderTest server) throws Exception {
        String documentId = "history-pages-" + UUID.randomUUID().toString().substring(0, 8);
        URI doc = server.wsUri("docs/" + documentId);
        try (Chromium browser = Chromium.start();
             CoeditClient writer = CoeditClient.builder(doc).name("Pia").connect(Duration.ofSeconds(20))) {
            for (int i = 0; i < 60; i++) {
                writer.insert(writer.length(), i % 10 == 9 ? "\n" : "x");
                writer.awaitAcknowledged(Duration.ofSeconds(10)); // one version each
            }
            assertEquals(60, writer.version());
            EditorPage page = EditorPage.open(browser.driver(), server.httpUri(), documentId, "Hana", "#e11d48");
            page.await("the document", () -> page.text().length() == 60);
            page.js("coeditTest.openHistory()");
            page.await("the first page", () -> versions(browser).size() == 50);
            assertEquals("60", versions(browser).get(0).getAttribute("data-version"));
            assertEquals("11", versions(browser).get(49).getAttribute("data-version"));
            assertTrue(versions(browser).get(0).getText().contains("Pia"));
            WebElement older = browser.driver().findElement(By.id("history-older"));
            assertTrue(older.isDisplayed(), "older versions can be asked for");
            older.click();
            page.await("the older page below", () -> versions(browser).size() == 60);
            List<WebElement> all = versions(browser);
            for (int i = 0; i < 60; i++) {
                assertEquals(String.valueOf(60 - i), all.get(i).getAttribute("data-version"), "newest first");
            }
            assertTrue(!browser.driver().findElement(By.id("history-older")).isDisplayed(),
                    "nothing older than version 1");
            all.get(59).click();
            page.await("version 1's text", () -> "x".equals(
                    browser.driver().findElement(By.id("history-preview")).getText()));
        }
    }

    private static List<WebElement> versions(Chromium browser) {
        return browser.driver().findElements(By.cssSelector("#history-list button"));
    }
}
