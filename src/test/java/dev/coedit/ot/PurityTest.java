package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The OT core is pure: no container API, no I/O, no logging, no threads, no clock, no environment. Everything else
 * depends on it and it depends on nothing, so it runs the same in the server, the Java client and a unit test.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PurityTest {

    /** Patterns that must not appear in the code of src/main/java/dev/coedit/ot (comments are ignored). */
    private static final List<Pattern> FORBIDDEN = Stream.of(
            "\\bjakarta\\.", "\\bjavax\\.",
            "\\bjava\\.io\\.", "\\bjava\\.nio\\.", "\\bjava\\.net\\.", "\\bjava\\.sql\\.", "\\bjava\\.rmi\\.",
            "\\bjava\\.util\\.logging\\.", "\\bjava\\.lang\\.System\\.Logger\\b", "\\bSystem\\.getLogger\\b",
            "\\borg\\.slf4j\\.", "\\borg\\.apache\\.", "\\bjava\\.util\\.concurrent\\.",
            "\\bThread\\b", "\\bExecutor\\w*\\b", "\\bsynchronized\\b", "\\bvolatile\\b",
            "\\bSystem\\.(out|err|in|getenv|getProperty|getProperties|currentTimeMillis|nanoTime|exit)\\b",
            "\\bRuntime\\.", "\\bProcessBuilder\\b", "\\bjava\\.time\\.", "\\bjava\\.lang\\.reflect\\.",
            "\\bClass\\.forName\\b", "\\bprintStackTrace\\b")
            .map(Pattern::compile).toList();

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    private static List<Path> sources() throws IOException {
        Path dir = Path.of(System.getProperty("user.dir"), "src", "main", "java", "dev", "coedit", "ot");
        assertTrue(Files.isDirectory(dir), "no OT sources at " + dir);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The code with comments and string literals blanked, so that prose may mention what code must not use. */
    private static String code(Path file) throws IOException {
        return blankCommentsAndStrings(Files.readString(file, StandardCharsets.UTF_8));
    }

    static String blankCommentsAndStrings(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (text.startsWith("//", i)) {
                i = text.indexOf('\n', i);
                i = i < 0 ? n : i;
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (text.startsWith("\"\"\"", i)) {
                int end = text.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && text.charAt(j) != c) {
                    j += text.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    @Test
    void the_ot_package_uses_no_io_logging_threads_or_container_api() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> files = sources();
        assertFalse(files.isEmpty(), "no OT sources found");
        for (Path file : files) {
            String code = code(file);
            for (Pattern p : FORBIDDEN) {
                Matcher m = p.matcher(code);
                if (m.find()) {
                    violations.add(file.getFileName() + " uses " + m.group());
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void the_ot_package_imports_only_java_lang_util_and_math() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : sources()) {
            Matcher m = IMPORT.matcher(code(file));
            while (m.find()) {
                String name = m.group(2);
                if (!(name.startsWith("java.util.") || name.startsWith("java.math.")
                        || name.startsWith("java.lang.") || name.startsWith("dev.coedit.ot."))
                        || name.startsWith("java.util.concurrent.") || name.startsWith("java.util.logging.")) {
                    violations.add(file.getFileName() + " imports " + name);
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void the_checker_sees_code_but_not_comments_or_strings() {
        String sample = "package x;\nimport jakarta.json.Json;\n// java.io.File in a comment\n"
                + "class A { String s = \"System.out\"; /* Thread */ char c = '\"'; }\n";
        String code = blankCommentsAndStrings(sample);
        List<String> found = FORBIDDEN.stream().map(p -> p.matcher(code)).filter(Matcher::find)
                .map(Matcher::group).toList();
        assertEquals(List.of("jakarta."), found);
    }
}
