package dev.coedit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The golden cases of {@code src/test/resources/golden/ot-cases.json}, which the browser's {@code webapp/js/ot.js}
 * must pass too ({@code src/test/js/ot.test.mjs}): one file, two implementations, so they cannot drift. A case has a
 * {@code result} or an {@code error}, the exact message of the {@link InvalidOpException}.
 */
class GoldenCasesTest {

    private static final String FILE = "/golden/ot-cases.json";
    private static final List<String> SECTIONS = List.of("apply", "normalize", "compose", "transform",
            "transformPosition");

    @TestFactory
    Stream<DynamicNode> every_golden_case_holds() throws IOException {
        JsonObject golden;
        try (InputStream in = GoldenCasesTest.class.getResourceAsStream(FILE)) {
            assertTrue(in != null, FILE + " is missing from the test class path");
            try (JsonReader reader = Json.createReader(in)) {
                golden = reader.readObject();
            }
        }
        List<DynamicNode> sections = new ArrayList<>();
        for (String section : SECTIONS) {
            JsonArray cases = golden.getJsonArray(section);
            assertTrue(cases != null && !cases.isEmpty(), "section " + section + " has cases");
            List<DynamicTest> tests = new ArrayList<>();
            for (JsonValue value : cases) {
                JsonObject c = value.asJsonObject();
                tests.add(DynamicTest.dynamicTest(section + ": " + c.getString("name"), () -> check(section, c)));
            }
            sections.add(DynamicContainer.dynamicContainer(section, tests));
        }
        return sections.stream();
    }

    private static void check(String section, JsonObject c) {
        switch (section) {
            case "apply" -> expect(c, () -> op(c.get("op")).apply(c.getString("doc")),
                    r -> ((JsonString) r).getString());
            case "normalize" -> expect(c, () -> op(c.get("op")), GoldenCasesTest::op);
            case "compose" -> {
                String doc = c.getString("doc");
                TextOp a = op(c.get("a"));
                TextOp b = op(c.get("b"));
                TextOp composed = a.compose(b);
                assertEquals(op(c.get("result")), composed);
                assertEquals(b.apply(a.apply(doc)), composed.apply(doc), "compose law on the case's doc");
            }
            case "transform" -> {
                String doc = c.getString("doc");
                TextOp op = op(c.get("op"));
                TextOp other = op(c.get("other"));
                Side side = Side.valueOf(c.getString("side").toUpperCase(Locale.ROOT));
                assertEquals(op(c.get("result")), op.transform(other, side));
                assertEquals(other.transform(op, side.opposite()).apply(op.apply(doc)),
                        op.transform(other, side).apply(other.apply(doc)), "both sides converge");
            }
            case "transformPosition" -> assertEquals(c.getInt("result"),
                    op(c.get("op")).transformPosition(c.getInt("position")));
            default -> throw new IllegalStateException("unknown section " + section);
        }
    }

    /** The case's result, or its error: then the action must throw InvalidOpException with exactly that message. */
    private static <T> void expect(JsonObject c, Supplier<T> action, java.util.function.Function<JsonValue, T> result) {
        if (c.containsKey("error")) {
            assertFalse(c.containsKey("result"), "a case has a result or an error, not both");
            InvalidOpException e = assertThrows(InvalidOpException.class, action::get);
            assertEquals(c.getString("error"), e.getMessage());
        } else {
            assertEquals(result.apply(c.get("result")), action.get());
        }
    }

    /** An op from its JSON, through {@link TextOp#fromJson}, as the server reads one from a client. */
    static TextOp op(JsonValue json) {
        return TextOp.fromJson((List<?>) plain(json));
    }

    /** JSON-P values as the plain java.util values {@link TextOp#fromJson} takes. */
    private static Object plain(JsonValue v) {
        return switch (v.getValueType()) {
            case NUMBER -> ((JsonNumber) v).numberValue();
            case STRING -> ((JsonString) v).getString();
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case NULL -> null;
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonValue x : v.asJsonArray()) {
                    list.add(plain(x));
                }
                yield list;
            }
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                v.asJsonObject().forEach((k, x) -> map.put(k, plain(x)));
                yield map;
            }
        };
    }
}
