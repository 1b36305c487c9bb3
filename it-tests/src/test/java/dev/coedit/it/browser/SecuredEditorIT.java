package dev.coedit.it.browser;

import static dev.coedit.it.security.SecuredServer.withToken;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coedit.client.CoeditClient;
import dev.coedit.it.channel.RecordingSocket;
import dev.coedit.it.channel.Wire;
import dev.coedit.it.security.SecuredServer;
import dev.coedit.it.security.TokenProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

/**
 * The browser editor against a server that requires signed tokens, reached through a reverse proxy that also serves
 * the application's token endpoint on the same origin (the page's {@code token-url}): a viewer sees plainly that the
 * document is read-only and cannot change it; an editor whose tokens run out every few seconds keeps typing, and the
 * page fetches fresh tokens and loses no keystroke.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ExtendWith({Chromium.Installed.class, SecuredServer.Extension.class})
class SecuredEditorIT {

    private static final Duration LONG = Duration.ofMinutes(10);

    private Chromium browser;
    private TokenProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private void screenshot(String name) throws Exception {
        Path file = TwoEditorsIT.SCREENSHOTS.resolve(name + ".png");
        Files.createDirectories(file.getParent());
        Files.write(file, browser.driver().getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void aViewerSeesPlainlyThatTheDocumentIsReadOnlyAndCannotChangeIt(SecuredServer server) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String documentId = "viewer-" + run;
        String viewer = "vic-" + run;
        URI doc = server.wsUri("docs/" + documentId);
        try (RecordingSocket owner = RecordingSocket.connect(doc,
                withToken(server.tokens().issue("olive-" + run, LONG)))) {
            owner.send(Wire.hello("c-olive"));
            owner.expectType("snapshot");
            owner.send(Wire.submit("c-olive", 1, 0, Wire.insertOp(0, "Agenda")));
            owner.awaitType("ack");
            owner.send(Wire.access(viewer, "viewer"));
            owner.awaitType("access");

            proxy = new TokenProxy(server.httpUri(), () -> server.tokens().issue(viewer, "Vic Viewer", LONG));
            browser = Chromium.start();
            EditorPage page = EditorPage.open(browser.driver(), proxy.base(), documentId, "Vic", "#0d9488",
                    "&token-url=" + TokenProxy.TOKEN_PATH);
            page.await("the document", () -> "Agenda".equals(page.text()));
            String mode = browser.driver().findElement(By.id("mode")).getText();
            assertTrue(browser.driver().findElement(By.id("mode")).isDisplayed(), "the read-only notice shows");
            assertTrue(mode.startsWith("Read only"), mode);
            assertEquals("Connected — read only", page.status());
            assertEquals(Boolean.FALSE, page.js("return coeditTest.editable()"));
            assertFalse(browser.driver().findElement(By.id("share")).isDisplayed(), "only owners share");

            page.caretToEnd();
            page.type(" sneaky");
            owner.send(Wire.submit("c-olive", 2, 1, Wire.insertOp(6, " for Monday")));
            owner.awaitType("ack");
            page.await("the owner's edit", () -> "Agenda for Monday".equals(page.text()));
            screenshot("secured-viewer");
            assertEquals("Agenda for Monday", page.text(), "the viewer's keys changed nothing");
            assertEquals(0L, page.unsent());
            assertTrue(proxy.tokensIssued() >= 1);
        }
    }

    @Test
    void anEditorWhoseTokensRunOutKeepsTypingAndLosesNothing(SecuredServer server) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String documentId = "refresh-" + run;
        try (CoeditClient watcher = CoeditClient.builder(server.wsUri("docs/" + documentId))
                .tokens(() -> server.tokens().issue("walt-" + run, LONG)).connect(Duration.ofSeconds(20))) {
            proxy = new TokenProxy(server.httpUri(),
                    () -> server.tokens().issue("tina-" + run, "Tina", Duration.ofSeconds(3)));
            browser = Chromium.start();
            EditorPage page = EditorPage.open(browser.driver(), proxy.base(), documentId, "Tina", "#7c3aed",
                    "&token-url=" + TokenProxy.TOKEN_PATH);
            StringBuilder typed = new StringBuilder();
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            int i = 0;
            while (System.nanoTime() < end) { // bounded: 8 s, a few keys every 200 ms
                String keys = "w" + (i++ % 10) + " ";
                page.caretToEnd();
                page.type(keys);
                typed.append(keys);
                Thread.sleep(200);
            }
            String expected = typed.toString();
            page.await("every key acknowledged", () -> page.unsent() == 0 && expected.equals(page.text()),
                    Duration.ofSeconds(30));
            watcher.await(() -> watcher.text().equals(expected), Duration.ofSeconds(30), "every key at the watcher");
            screenshot("secured-refresh");
            assertTrue(proxy.tokensIssued() >= 3, "tokens ran out at least twice; fetched " + proxy.tokensIssued());
        }
    }
}
