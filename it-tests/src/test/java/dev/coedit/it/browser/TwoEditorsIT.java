package dev.coedit.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.it.support.ServerUnderTest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * Two people in two real headless Chromium browsers edit one document through the server under test: what they
 * type, see and undo. Each browser has its own profile, so its own name, colour and client id. Every test works on
 * a document of its own and leaves screenshots of both windows in target/screenshots/.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@ExtendWith({Chromium.Installed.class, ServerUnderTest.Extension.class})
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class TwoEditorsIT {

    /** With {@code -Dcoedit.readme.screenshot=true} the side-by-side picture also goes to docs/screenshot.png. */
    static final String README_SCREENSHOT_PROPERTY = "coedit.readme.screenshot";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final AtomicInteger DOCUMENTS = new AtomicInteger();

    private static Chromium alicesBrowser;
    private static Chromium bobsBrowser;
    private static URI base;

    private EditorPage alice;
    private EditorPage bob;
    private String documentId;

    @BeforeAll
    static void startBrowsers(ServerUnderTest server) {
        Chromium.assumeInstalled();
        base = server.httpUri();
        alicesBrowser = Chromium.start();
        bobsBrowser = Chromium.start();
    }

    @AfterAll
    static void stopBrowsers() {
        for (Chromium browser : new Chromium[] {alicesBrowser, bobsBrowser}) {
            if (browser != null) {
                browser.close();
            }
        }
    }

    @BeforeEach
    void newDocument(TestInfo test) {
        documentId = "browser-" + test.getTestMethod().orElseThrow().getName().replaceAll("[^A-Za-z0-9]", "")
                .substring(0, 20) + "-" + System.currentTimeMillis() % 100_000 + "-" + DOCUMENTS.incrementAndGet();
    }

    @AfterEach
    void screenshots(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName();
        if (alice != null) {
            alice.screenshot(SCREENSHOTS.resolve(name + "-alice.png"));
        }
        if (bob != null) {
            bob.screenshot(SCREENSHOTS.resolve(name + "-bob.png"));
        }
    }

    private void openBoth(String alicesName, String bobsName) {
        alice = EditorPage.open(alicesBrowser.driver(), base, documentId, alicesName, "#e11d48");
        bob = EditorPage.open(bobsBrowser.driver(), base, documentId, bobsName, "#2563eb");
    }

    private void openBoth() {
        openBoth("Alice", "Bob");
    }

    /** Both editors show the same text, with nothing left to send. */
    private String awaitConverged(Duration timeout) {
        EditorPage.awaitAll("both editors to show the same text with nothing unsent", () -> {
            String a = alice.text();
            return a.equals(bob.text()) && alice.unsent() == 0 && bob.unsent() == 0
                    && a.equals(alice.replicaText()) && a.equals(bob.replicaText());
        }, timeout, () -> alice.describe() + "\n" + bob.describe());
        return alice.text();
    }

    private String awaitConverged() {
        return awaitConverged(EditorPage.WAIT);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void two_people_typing_at_the_same_time_end_with_the_same_text() {
        openBoth();
        alice.type("first line\nsecond line");
        awaitConverged();
        alice.caretToStart();
        bob.caretToEnd();

        String alicesWords = "Alice types at the top. ";
        String bobsWords = " Bob types at the bottom.";
        CompletableFuture<Void> bobTyping = CompletableFuture.runAsync(() -> bob.type(bobsWords));
        alice.type(alicesWords);
        bobTyping.orTimeout(60, TimeUnit.SECONDS).join();

        String text = awaitConverged();
        assertEquals(alicesWords + "first line\nsecond line" + bobsWords, text);
    }

    @Test
    void each_page_shows_the_others_caret_with_their_name() {
        openBoth();
        alice.type("Shared notes\nfor two");
        awaitConverged();
        bob.caretToEnd();
        bob.type("!");

        alice.await("Bob's caret", () -> alice.caretLabels().equals(List.of("Bob")));
        bob.await("Alice's caret", () -> bob.caretLabels().equals(List.of("Alice")));
        assertEquals(List.of("Alice", "Bob"), alice.presentNames());
        assertEquals(List.of("Bob", "Alice"), bob.presentNames());

        // Alice's caret is on line 1 (she typed there, then Bob's line came below): its label must not be cut off
        // by the editor's scroller, which clips whatever sticks out above the first line.
        alice.caretToStart();
        bob.await("Alice's caret on line 1", () -> isInsideScroller(bob, ".cm-remote-caret-label"));
        assertTrue(isInsideScroller(bob, ".cm-remote-caret-label"), "the label is inside the visible editor");
    }

    private static boolean isInsideScroller(EditorPage page, String selector) {
        return Boolean.TRUE.equals(page.js("const label = document.querySelector(arguments[0]);"
                + "if (!label) return false;"
                + "const l = label.getBoundingClientRect(), s = document.querySelector('.cm-scroller')"
                + ".getBoundingClientRect();"
                + "return l.top >= s.top && l.bottom <= s.bottom && l.left >= s.left && l.right <= s.right"
                + " && l.height > 0;", selector));
    }

    @Test
    void a_page_that_loses_its_connection_keeps_its_edits_and_catches_up() {
        openBoth();
        alice.type("Line from before.\n");
        awaitConverged();
        alice.caretToEnd();
        bob.caretToStart();

        alice.goOffline();
        alice.await("the offline status", () -> alice.status().startsWith("Offline"));
        alice.type("Written offline, ");
        alice.type("in two bursts.");
        alice.await("the unsent edits to show", () -> alice.status().matches("Offline — \\d+ unsent edits?"));
        assertTrue(alice.unsent() > 0, alice.describe());
        bob.type("Bob, online meanwhile. ");
        bob.await("Bob's edit to be acknowledged", () -> bob.unsent() == 0);
        assertFalse(alice.text().contains("Bob"), "Alice is offline and cannot have Bob's edit yet");

        alice.goOnline();
        String text = awaitConverged();
        assertEquals("Bob, online meanwhile. Line from before.\nWritten offline, in two bursts.", text);
        alice.await("the connected status", () -> alice.status().equals("Connected"));
    }

    @Test
    void korean_typed_through_an_ime_and_emoji_survive_the_round_trip() {
        openBoth();
        alice.type("IME: ");
        awaitConverged();
        alice.caretToEnd();
        bob.caretToStart();

        // 안녕하세요 as a Korean IME types it: each syllable composed from its letters, then committed. While Alice
        // is in the middle of a composition, Bob types: his edit must not break her composition.
        String[][] syllables = {{"ㅇ", "아", "안"}, {"ㄴ", "녀", "녕"}, {"ㅎ", "하"}, {"ㅅ", "세"}, {"ㅇ", "요"}};
        for (int i = 0; i < syllables.length; i++) {
            String[] steps = syllables[i];
            for (String step : steps) {
                alice.composing(step);
            }
            if (i == 1) {
                bob.type("Bob ");
                alice.await("Bob's edit to reach Alice's client", () -> alice.replicaText().startsWith("Bob "));
                // It waits for the composition to end before it changes Alice's editor.
                assertEquals(Boolean.TRUE, alice.js("return coeditTest.deferring()"), alice.describe());
                assertFalse(alice.text().startsWith("Bob "), alice.describe());
            }
            alice.insertText(steps[steps.length - 1]);
        }
        alice.insertText(" 😀👩\u200d💻🇰🇷 e\u0301");

        String text = awaitConverged();
        assertEquals("Bob IME: 안녕하세요 😀👩\u200d💻🇰🇷 e\u0301", text);
        assertEquals(text, bob.text());
    }

    @Test
    void undo_undoes_only_ones_own_edit() {
        openBoth();
        alice.type("shared line\n");
        awaitConverged();
        alice.caretToEnd();
        alice.type("alpha ");
        awaitConverged();
        bob.caretToStart();
        bob.type("beta ");
        awaitConverged();

        alice.undo();
        String text = awaitConverged();
        assertEquals("beta shared line\n", text, "Alice's undo removed her last edit and kept Bob's");
        bob.undo();
        assertEquals("shared line\n", awaitConverged(), "Bob's undo removed his");
    }

    @Test
    void a_name_made_of_markup_shows_as_literal_text_and_runs_nothing() {
        String markup = "<img src=x onerror=alert(1)>";
        openBoth(markup, "Bob");
        alice.type("hello");
        awaitConverged();

        bob.await("Alice's caret label", () -> bob.caretLabels().equals(List.of(markup)));
        assertEquals(List.of("Bob", markup), bob.presentNames());
        // CodeMirror's own <img class="cm-widgetBuffer"> beside widgets is fine; nothing else may have appeared.
        String made = "return document.querySelectorAll('img:not(.cm-widgetBuffer), [onerror], [src=x]').length";
        assertEquals(0L, bob.js(made), "no element was made of the name");
        assertEquals(0L, alice.js(made));
        assertThrows(NoAlertPresentException.class, () -> bob.driver().switchTo().alert());
        assertThrows(NoAlertPresentException.class, () -> alice.driver().switchTo().alert());
        WebElement label = bob.driver().findElement(org.openqa.selenium.By.cssSelector(".cm-remote-caret-label"));
        assertEquals(markup, label.getText());
    }

    @Test
    void a_paste_of_100000_characters_reaches_the_other_page() {
        openBoth();
        alice.type("before  after");
        awaitConverged();
        alice.caretToStart();
        for (int i = 0; i < 7; i++) {
            alice.type(org.openqa.selenium.Keys.ARROW_RIGHT);
        }
        StringBuilder paste = new StringBuilder(100_000);
        for (int line = 0; paste.length() < 100_000; line++) {
            paste.append("Line ").append(line).append(": 한국어 text, \"quoted\", emoji 😀 and more.\n");
        }
        paste.setLength(100_000);
        if (Character.isHighSurrogate(paste.charAt(paste.length() - 1))) {
            paste.setCharAt(paste.length() - 1, '.');
        }

        long started = System.nanoTime();
        alice.paste(paste.toString());
        String text = awaitConverged(Duration.ofSeconds(30));
        System.out.printf("100,000 characters reached the other page in %d ms%n",
                (System.nanoTime() - started) / 1_000_000);
        assertEquals("before " + paste + " after", text);
    }

    @Test
    void two_editors_side_by_side_for_the_readme() throws IOException {
        documentId = "meeting-notes-" + DOCUMENTS.incrementAndGet();
        openBoth("Mina", "Jun");
        alice.type("# Meeting notes\n\nAgenda\n- Release plan for Friday\n- 다음 회의: 월요일 😀\n- Questions\n\n");
        awaitConverged();
        bob.caretToEnd();
        bob.type("Jun: I will draft the release notes.");
        alice.content().sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL,
                org.openqa.selenium.Keys.HOME));
        for (int i = 0; i < 3; i++) {
            alice.type(org.openqa.selenium.Keys.ARROW_DOWN);
        }
        alice.type(org.openqa.selenium.Keys.END);
        alice.type(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.SHIFT, org.openqa.selenium.Keys.HOME));
        awaitConverged();
        alice.await("Jun's caret", () -> alice.caretLabels().equals(List.of("Jun")));
        bob.await("Mina's caret", () -> bob.caretLabels().equals(List.of("Mina")));
        bob.await("Mina's selection", () -> Boolean.TRUE.equals(
                bob.js("return !!document.querySelector('.cm-remote-selection')")));

        BufferedImage left = ImageIO.read(new ByteArrayInputStream(alice.screenshotPng()));
        BufferedImage right = ImageIO.read(new ByteArrayInputStream(bob.screenshotPng()));
        int gap = 12;
        BufferedImage both = new BufferedImage(left.getWidth() + gap + right.getWidth(),
                Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(0xd1d5db));
        g.fillRect(0, 0, both.getWidth(), both.getHeight());
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth() + gap, 0, null);
        g.dispose();
        Path file = SCREENSHOTS.resolve("side-by-side.png");
        Files.createDirectories(SCREENSHOTS);
        ImageIO.write(both, "png", file.toFile());
        if (Boolean.getBoolean(README_SCREENSHOT_PROPERTY)) {
            ImageIO.write(both, "png", Path.of("docs", "screenshot.png").toFile());
        }
        assertTrue(Files.size(file) > 10_000, "a real picture");
    }
}
