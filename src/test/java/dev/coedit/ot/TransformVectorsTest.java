package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The 46 public transform vectors of text-unicode ({@code shared/ot-vectors/text-transform-tests.txt}, beside the
 * checkout; {@code -Dcoedit.vectors=FILE} points elsewhere). Each case is four lines: op, other op, side, expected
 * {@code op.transform(other, side)}, in the old spelling ({@code {"i":"abc"}} inserts, {@code {"d":"abc"}} deletes).
 *
 * <p>What is compared: both sides normalized, deletes WITH their text. text-unicode's own test reduces every delete
 * to its length before comparing; this one is stricter, because our transform keeps the deleted text where it still
 * knows it (as text-unicode does), and the vectors spell out exactly that text. The length-only comparison is
 * asserted too, so a failure says which of the two broke.
 *
 * <p>A missing file fails the build: without it the transform has no external check.
 */
class TransformVectorsTest {

    private static final int EXPECTED_CASES = 46;

    static Path vectorFile() {
        String override = System.getProperty("coedit.vectors");
        if (override != null) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("user.dir")).resolve("../shared/ot-vectors/text-transform-tests.txt")
                .normalize();
    }

    @TestFactory
    Stream<DynamicTest> every_public_transform_vector_holds() throws IOException {
        Path file = vectorFile();
        assertTrue(Files.isRegularFile(file), "the transform vectors are missing: expected them at "
                + file.toAbsolutePath() + " (shared/ beside the checkout), or set -Dcoedit.vectors");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        assertEquals(0, lines.size() % 4, "the vector file must hold groups of 4 lines, has " + lines.size());
        assertEquals(EXPECTED_CASES, lines.size() / 4, "number of transform vectors in " + file);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 4) {
            int number = i / 4 + 1;
            TextOp op = parse(lines.get(i));
            TextOp other = parse(lines.get(i + 1));
            Side side = Side.valueOf(lines.get(i + 2).toUpperCase(java.util.Locale.ROOT));
            TextOp expected = parse(lines.get(i + 3));
            String name = "#" + number + ": " + op + " transformed by " + other + " on the " + side
                    + " gives " + expected;
            tests.add(DynamicTest.dynamicTest(name, () -> {
                TextOp actual = op.transform(other, side);
                assertEquals(expected.withoutDeletedText(), actual.withoutDeletedText(), "ignoring deleted text");
                assertEquals(expected, actual, "with deleted text");
            }));
        }
        return tests.stream();
    }

    /** One op in the vectors' spelling: N skips, {"i": s} inserts, {"d": s} deletes s. */
    static TextOp parse(String line) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            JsonArray array = reader.readArray();
            TextOp.Builder op = TextOp.builder();
            for (JsonValue v : array) {
                if (v instanceof JsonNumber n) {
                    op.skip(n.intValueExact());
                } else if (v instanceof JsonObject o && o.containsKey("i")) {
                    op.insert(o.getString("i"));
                } else if (v instanceof JsonObject o && o.get("d") instanceof JsonString d) {
                    op.delete(d.getString());
                } else if (v instanceof JsonObject o && o.get("d") instanceof JsonNumber d) {
                    op.delete(d.intValueExact());
                } else {
                    throw new AssertionError("unknown component " + v + " in " + line);
                }
            }
            return op.build();
        }
    }
}
