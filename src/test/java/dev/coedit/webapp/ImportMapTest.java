package dev.coedit.webapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The import map of webapp/edit.html against the WebJars the build really ships (pom.xml pins them; the test class
 * path holds exactly the runtime jars): every URL in the map exists as {@code META-INF/resources/webjars/...}, every
 * module the editor loads, from the page's own scripts down through CodeMirror's, imports only names the map has, and
 * the page's Content-Security-Policy allows the map by its hash. A version bump in the pom without the map, or the
 * other way round, fails here instead of in a browser. A unit test (surefire), though it lives with the browser tests.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ImportMapTest {

    private static final Path PAGE = Path.of("webapp", "edit.html");
    private static final Path SCRIPTS = Path.of("webapp", "js");
    private static final String WEBJARS = "./webjars/";
    private static final Pattern IMPORT_MAP = Pattern.compile(
            "<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);
    /** Static imports and re-exports: {@code import x from "m"}, {@code import "m"}, {@code export {x} from "m"}. */
    private static final Pattern IMPORT = Pattern.compile(
            "(?m)^\\s*(?:import|export)\\s*(?:[^'\";]*?\\sfrom\\s*)?['\"]([^'\"]+)['\"]");

    @Test
    void every_url_of_the_import_map_is_in_a_webjar_of_the_build() throws IOException {
        Map<String, String> imports = importMap();
        assertTrue(imports.size() >= 10, "CodeMirror and its dependencies are mapped: " + imports.keySet());
        for (Map.Entry<String, String> e : imports.entrySet()) {
            String url = e.getValue();
            assertTrue(url.startsWith(WEBJARS), e.getKey() + " maps to " + url + ", not to a WebJar of this server");
            assertNotNull(resource(url), e.getKey() + " maps to " + url + ", which no WebJar of the build holds "
                    + "(META-INF/resources/webjars/" + url.substring(WEBJARS.length()) + "): pom.xml and the import "
                    + "map in " + PAGE + " disagree");
        }
    }

    @Test
    void every_module_the_editor_loads_imports_only_mapped_names() throws IOException {
        Map<String, String> imports = importMap();
        Deque<String> toRead = new ArrayDeque<>(); // "page:js/x.js" or a webjar URL
        try (Stream<Path> scripts = Files.list(SCRIPTS)) {
            scripts.filter(p -> p.toString().endsWith(".js")).forEach(p -> toRead.add("page:" + p.getFileName()));
        }
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        while (!toRead.isEmpty()) {
            String module = toRead.poll();
            if (!seen.add(module)) {
                continue;
            }
            String source = source(module);
            if (source == null) {
                problems.add(module + " does not exist");
                continue;
            }
            Matcher m = IMPORT.matcher(source);
            while (m.find()) {
                String specifier = m.group(1);
                if (specifier.startsWith("./") || specifier.startsWith("../")) {
                    toRead.add(module.startsWith("page:")
                            ? "page:" + URI.create("x/" + module.substring(5)).resolve(specifier).getPath().substring(2)
                            : URI.create(module).resolve(specifier).toString());
                } else if (imports.containsKey(specifier)) {
                    toRead.add(imports.get(specifier));
                } else {
                    problems.add(module + " imports \"" + specifier + "\", which the import map of " + PAGE
                            + " does not name");
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(seen.contains(imports.get("@codemirror/view")), "the editor's modules reach CodeMirror: " + seen);
    }

    @Test
    void the_content_security_policy_allows_the_import_map_by_its_hash() throws IOException, NoSuchAlgorithmException {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        Matcher map = IMPORT_MAP.matcher(page);
        assertTrue(map.find(), "edit.html has an import map");
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(map.group(1).getBytes(StandardCharsets.UTF_8)));
        assertTrue(page.contains("'sha256-" + hash + "'"), "the Content-Security-Policy of " + PAGE + " names the "
                + "import map's hash 'sha256-" + hash + "'; after changing the map, put this hash in the policy");
    }

    private static Map<String, String> importMap() throws IOException {
        String page = Files.readString(PAGE, StandardCharsets.UTF_8);
        Matcher m = IMPORT_MAP.matcher(page);
        assertTrue(m.find(), PAGE + " has no <script type=\"importmap\">");
        Map<String, String> imports = new LinkedHashMap<>();
        try (JsonReader reader = Json.createReader(new StringReader(m.group(1)))) {
            JsonObject map = reader.readObject().getJsonObject("imports");
            map.forEach((name, url) -> imports.put(name, ((JsonString) url).getString()));
        }
        return imports;
    }

    /** A module's source: one of the page's scripts, or a file of a WebJar on the class path. */
    private static String source(String module) throws IOException {
        if (module.startsWith("page:")) {
            Path file = SCRIPTS.resolve(module.substring(5));
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        }
        try (InputStream in = resource(module)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static InputStream resource(String url) {
        String path = "META-INF/resources/webjars/" + URI.create(url).normalize().getPath().replaceFirst("^\\./webjars/",
                "").replaceFirst("^webjars/", "");
        return ImportMapTest.class.getClassLoader().getResourceAsStream(path);
    }
}
