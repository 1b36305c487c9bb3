package dev.coedit.it.browser;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The editor page (edit.html?doc=ID) as a person uses it: real keystrokes into CodeMirror's {@code .cm-content},
 * IME composition and text insertion through the DevTools protocol, and a look at what the page shows. The page's
 * test hooks ({@code window.coeditTest}) tell its state; every wait is bounded and says what it saw on failure.
 */
public final class EditorPage {

    static final Duration WAIT = Duration.ofSeconds(15);

    private final ChromeDriver driver;
    private final String label;

    private EditorPage(ChromeDriver driver, String label) {
        this.driver = driver;
        this.label = label;
    }

    /**
     * Opens a document as a person with this name and colour (remembered in the browser, as the page itself would
     * after its first visit), and waits until the document is loaded.
     */
    static EditorPage open(ChromeDriver driver, URI base, String documentId, String name, String color) {
        return open(driver, base, documentId, name, color, "");
    }

    /** As {@link #open(ChromeDriver, URI, String, String, String)}, with more of the page's query, like "&token-url=/t". */
    static EditorPage open(ChromeDriver driver, URI base, String documentId, String name, String color,
            String moreQuery) {
        driver.get(base.resolve("index.html").toString());
        driver.executeScript("localStorage.setItem('coedit.identity', JSON.stringify({name: arguments[0], "
                + "color: arguments[1]}))", name, color);
        driver.get(base.resolve("edit.html?doc=" + URLEncoder.encode(documentId, StandardCharsets.UTF_8)
                + moreQuery).toString());
        EditorPage page = new EditorPage(driver, name);
        page.await("the document to load", page::isLive);
        return page;
    }

    ChromeDriver driver() {
        return driver;
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    boolean isLive() {
        return Boolean.TRUE.equals(js("return !!(window.coeditTest && coeditTest.live())"));
    }

    /** The text in the editor. */
    String text() {
        return (String) js("return coeditTest.text()");
    }

    /** The text of the page's protocol client; equal to {@link #text()} except while an IME composition waits. */
    String replicaText() {
        return (String) js("return coeditTest.replicaText()");
    }

    long unsent() {
        return ((Number) js("return coeditTest.unsent()")).longValue();
    }

    String status() {
        return driver.findElement(By.id("status")).getText();
    }

    String error() {
        return driver.findElement(By.id("error")).getText();
    }

    WebElement content() {
        return driver.findElement(By.cssSelector(".cm-content"));
    }

    /** Types with real key events at the caret. */
    void type(CharSequence... keys) {
        content().sendKeys(keys);
    }

    /** Puts the caret at the end of the document. */
    void caretToEnd() {
        content().sendKeys(Keys.chord(Keys.CONTROL, Keys.END));
    }

    void caretToStart() {
        content().sendKeys(Keys.chord(Keys.CONTROL, Keys.HOME));
    }

    void undo() {
        content().sendKeys(Keys.chord(Keys.CONTROL, "z"));
    }

    /** Text as an emoji keyboard or an IME commit gives it (DevTools Input.insertText): beyond the BMP too. */
    void insertText(String text) {
        driver.executeCdpCommand("Input.insertText", Map.of("text", text));
    }

    /** One step of an IME composition: the text being composed, shown but not committed. */
    void composing(String text) {
        driver.executeCdpCommand("Input.imeSetComposition", Map.of("text", text, "selectionStart", text.length(),
                "selectionEnd", text.length()));
    }

    /** A paste of {@code text} through the clipboard event CodeMirror handles. */
    void paste(String text) {
        js("const data = new DataTransfer(); data.setData('text/plain', arguments[0]);"
                + "document.querySelector('.cm-content').dispatchEvent(new ClipboardEvent('paste',"
                + " {clipboardData: data, bubbles: true, cancelable: true}));", text);
    }

    void goOffline() {
        js("coeditTest.goOffline()");
    }

    void goOnline() {
        js("coeditTest.goOnline()");
    }

    /** The names on the others' carets. */
    List<String> caretLabels() {
        return texts(".cm-remote-caret-label");
    }

    /** The names in the list of who is here, this page's own first. */
    List<String> presentNames() {
        return texts("#people .who");
    }

    @SuppressWarnings("unchecked")
    private List<String> texts(String selector) {
        return (List<String>) js("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)",
                selector);
    }

    /** Waits until {@code condition} holds, at most {@link #WAIT}; fails saying what it waited for and the page state. */
    void await(String what, BooleanSupplier condition) {
        await(what, condition, WAIT);
    }

    void await(String what, BooleanSupplier condition, Duration timeout) {
        awaitAll(what, condition, timeout, this::describe);
    }

    static void awaitAll(String what, BooleanSupplier condition, Duration timeout, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("waited " + timeout.toSeconds() + " s for " + what + "; " + state.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }

    /** What the page shows now, for failure messages. */
    String describe() {
        if (Boolean.FALSE.equals(js("return !!window.coeditTest"))) {
            return label + ": the page did not start; status \"" + status() + "\", error \"" + error() + "\"";
        }
        try {
            String text = text();
            return label + ": status \"" + status() + "\", error \"" + error() + "\", " + unsent() + " unsent, version "
                    + js("return coeditTest.version()") + ", replica " + replicaText().length() + " chars, failures "
                    + js("return coeditTest.failures()") + ", text "
                    + (text.length() > 300 ? text.length() + " chars starting " + text.substring(0, 300) : "\"" + text
                    + "\"");
        } catch (RuntimeException e) {
            return label + ": cannot read the page: " + e;
        }
    }

    /** A screenshot of the window, as a PNG file. */
    void screenshot(Path file) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save a screenshot to " + file, e);
        }
    }

    byte[] screenshotPng() {
        return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public String toString() {
        return label;
    }
}
