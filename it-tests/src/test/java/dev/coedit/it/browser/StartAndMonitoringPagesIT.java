package dev.coedit.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.support.ServerUnderTest;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The start page (new document, open by name, who is editing what) and the monitoring page, in headless Chromium,
 * while someone edits in a second browser.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith({Chromium.Installed.class, ServerUnderTest.Extension.class})
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class StartAndMonitoringPagesIT {

    private static Chromium visitorsBrowser;
    private static Chromium editorsBrowser;
    private static URI base;

    @BeforeAll
    static void startBrowsers(ServerUnderTest server) {
        Chromium.assumeInstalled();
        base = server.httpUri();
        visitorsBrowser = Chromium.start();
        editorsBrowser = Chromium.start();
    }

    @AfterAll
    static void stopBrowsers() {
        for (Chromium browser : new Chromium[] {visitorsBrowser, editorsBrowser}) {
            if (browser != null) {
                browser.close();
            }
        }
    }

    @AfterEach
    void screenshot(TestInfo test) throws Exception {
        if (visitorsBrowser != null) {
            new EditorPageShot(visitorsBrowser.driver()).save(test.getTestMethod().orElseThrow().getName());
        }
    }

    private static ChromeDriver visitor() {
        return visitorsBrowser.driver();
    }

    private static String text(String id) {
        return visitor().findElement(By.id(id)).getText();
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        EditorPage.awaitAll(what, condition, Duration.ofSeconds(15), () -> "the page shows: "
                + visitor().executeScript("return document.querySelector('main').innerText"));
    }

    @Test
    void new_document_opens_the_editor_on_a_readable_random_name() {
        visitor().get(base.resolve("index.html").toString());
        visitor().executeScript("localStorage.setItem('coedit.identity', JSON.stringify({name: 'Visitor', "
                + "color: '#16a34a'}))");
        visitor().findElement(By.id("new-document")).click();

        await("the editor", () -> visitor().getCurrentUrl().contains("edit.html?doc="));
        String url = visitor().getCurrentUrl();
        assertTrue(url.matches(".*/edit\\.html\\?doc=[a-z]+-[a-z]+-\\d{2}$"), url);
        String id = url.substring(url.indexOf("doc=") + 4);
        await("the document to load", () -> Boolean.TRUE.equals(
                visitor().executeScript("return !!(window.coeditTest && coeditTest.live())")));
        assertEquals(id, text("title"));
        assertEquals("Connected", text("status"));
    }

    @Test
    void a_name_the_server_would_refuse_is_refused_with_its_words() {
        visitor().get(base.resolve("index.html").toString());
        visitor().findElement(By.id("open-name")).sendKeys("bad name!");
        visitor().findElement(By.cssSelector("#open-form button")).click();

        assertEquals("document id \"bad name!\" may use only letters, digits, '.', '_' and '-', and must start with a "
                + "letter or digit", text("open-problem"));
        assertTrue(visitor().getCurrentUrl().endsWith("index.html"), visitor().getCurrentUrl());

        visitor().findElement(By.id("open-name")).clear();
        visitor().findElement(By.id("open-name")).sendKeys("team.notes_1");
        visitor().findElement(By.cssSelector("#open-form button")).click();
        await("the editor", () -> visitor().getCurrentUrl().endsWith("edit.html?doc=team.notes_1"));
    }

    @Test
    void the_start_page_lists_who_is_editing_what_live() {
        String id = "lobby-" + System.currentTimeMillis() % 1_000_000;
        visitor().get(base.resolve("index.html").toString());
        await("the lobby to connect", () -> text("lobby-status").equals("Live"));

        EditorPage.open(editorsBrowser.driver(), base, id, "Editor", "#7c3aed");
        await("the document in the list", () -> activeDocuments().contains(id + " 1 person · 0 characters"));

        editorsBrowser.driver().get("about:blank");
        await("the document to leave the list", () -> !activeDocuments().stream().anyMatch(d -> d.startsWith(id)));
    }

    @SuppressWarnings("unchecked")
    private static List<String> activeDocuments() {
        return (List<String>) visitor().executeScript("return [...document.querySelectorAll('#active li')]"
                + ".map(li => li.querySelector('a').textContent + ' ' + li.querySelector('.count').textContent)");
    }

    @Test
    void the_monitoring_page_shows_documents_and_connections_as_text() {
        String id = "admin-" + System.currentTimeMillis() % 1_000_000;
        String name = "<b>Bold</b> <img src=x onerror=alert(1)> & co";
        EditorPage editor = EditorPage.open(editorsBrowser.driver(), base, id, name, "#0d9488");
        editor.type("twelve chars");
        visitor().get(base.resolve("admin.html").toString());

        await("the document's row", () -> rows("#documents").stream()
                .anyMatch(r -> r.matches(java.util.regex.Pattern.quote(id) + " \\| \\d+ \\| 12 \\| 1")));
        await("the connection's row", () -> rows("#sessions").stream().anyMatch(r -> r.startsWith(id + " | local | "
                + name + " | ")));
        assertEquals(0L, visitor().executeScript(
                        "return document.querySelectorAll('#sessions b, #sessions img, [onerror]').length"),
                "the name is text, not markup");
        org.junit.jupiter.api.Assertions.assertThrows(org.openqa.selenium.NoAlertPresentException.class,
                () -> visitor().switchTo().alert(), "no script ran");
        editorsBrowser.driver().get("about:blank");
    }

    @SuppressWarnings("unchecked")
    private static List<String> rows(String body) {
        return (List<String>) visitor().executeScript("return [...document.querySelectorAll(arguments[0] + ' tr')]"
                + ".map(tr => [...tr.cells].map(td => td.textContent).join(' | '))", body);
    }

    /** A screenshot of the visitor's window into target/screenshots/. */
    private record EditorPageShot(ChromeDriver driver) {
        void save(String name) throws java.io.IOException {
            java.nio.file.Path file = TwoEditorsIT.SCREENSHOTS.resolve(name + ".png");
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        }
    }
}
