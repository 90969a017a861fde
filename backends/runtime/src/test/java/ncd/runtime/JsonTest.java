package ncd.runtime;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTest {
    @Test void valuesOfEveryKind() {
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("z", List.of(BigInteger.ZERO, BigInteger.valueOf(-12), new BigInteger("18446744073709551616")));
        want.put("a", Arrays.asList(1.5, -2.5e-3, 1e10, true, false, null));
        want.put("s", "q\" b\\ / \b\f\n\r\t é \u2028");
        want.put("o", Map.of());
        assertEquals(want, Json.parse(" {\"z\": [0, -12, 18446744073709551616], \"a\": [1.5, -2.5e-3, 1E+10, true, false,"
                + " null], \"s\": \"q\\\" b\\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 \\u2028\", \"o\": {}}\n"));
        assertNull(Json.parse("null"));
    }

    @Test void keysKeepTheirOrder() {
        assertEquals(List.of("b", "a", "c"), List.copyOf(((Map<?, ?>) Json.parse("{\"b\":1,\"a\":2,\"c\":3}")).keySet()));
    }

    @Test void quoteRoundTrips() {
        String s = "tab\t \"quote\" back\\slash \u0001 ünï";
        assertEquals("\"tab\\t \\\"quote\\\" back\\\\slash \\u0001 ünï\"", Json.quote(s));
        assertEquals(s, Json.parse(Json.quote(s)));
    }

    @Test void whatIsNotJsonSaysWhereAndWhy() {
        assertEquals("duplicate key \"a\" at character 7", error("{\"a\":1,\"a\":2}"));
        assertEquals("expected a digit at character 1", error("-"));
        assertEquals("unexpected '1' after the value at character 1", error("01"));
        assertEquals("expected a digit after '.' at character 2", error("1."));
        assertEquals("expected a digit in the exponent at character 2", error("1e"));
        assertEquals("expected four hex digits after \\u at character 5", error("\"\\u12g4\""));
        assertEquals("bad escape \\x at character 3", error("\"\\x\""));
        assertEquals("control character in a string at character 2", error("\"\n\""));
        assertEquals("unterminated string at character 3", error("\"ab"));
        assertEquals("expected a key (a string) at character 1", error("{a:1}"));
        assertEquals("unexpected ']' at character 3", error("[1,]"));
        assertEquals("unexpected end, expected ',' or ']' at character 2", error("[1"));
        assertEquals("unexpected ''' at character 0", error("'a'"));
        assertEquals("nested deeper than " + Json.MAX_DEPTH + " at character " + Json.MAX_DEPTH, error("[".repeat(100_000)));
        assertEquals("a number longer than " + Json.MAX_NUMBER + " characters at character 401", error("9".repeat(401)));
        assertEquals("exponent out of range in 1e99999999999 at character 13", error("1e99999999999"));
    }

    private static String error(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Json.parse(text)).getMessage();
    }
}
