package dev.coedit.standalone;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The page the standalone jar serves at /coedit/ (webapp/index.html, copied into the jar as webroot/). */
class WebappPageTest {

    /** A URL with a scheme or a protocol-relative one: something a browser would fetch from elsewhere. */
    private static final Pattern EXTERNAL = Pattern.compile("(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//",
            Pattern.CASE_INSENSITIVE);

    @Test
    void isAnHtml5PageThatFetchesNothingFromOutside() throws Exception {
        String page = Files.readString(Path.of("webapp", "index.html"));

        assertTrue(page.startsWith("<!DOCTYPE html>"), "starts with the HTML5 doctype");
        assertTrue(page.contains("<meta charset=\"utf-8\">"), "declares its encoding");
        assertTrue(page.contains("<title>Coedit"), "has a title naming Coedit");
        assertFalse(EXTERNAL.matcher(page).find(), "loads every resource from this server");
    }
}
