package ncd.diag;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** "Did you mean": close names are offered, far ones and one-letter guesses are not. */
class CloseNamesTest {
    @Test void offersTheClosestWithinTwoEdits() {
        assertEquals("neurons", CloseNames.closest("neuron", List.of("time", "neurons")));
        assertEquals("std.act", CloseNames.closest("std.actt", List.of("std.nn", "std.act", "std.attention")));
        assertEquals("softplus", CloseNames.closest("softplsu", List.of("softmax", "softplus")));  // a swap is one edit
        assertEquals("LIF", CloseNames.closest("lif", List.of("clip", "LIF")));                   // case alone is one edit
    }

    @Test void offersNothingFarOrTooShort() {
        assertNull(CloseNames.closest("voltage", List.of("current", "time")));
        assertNull(CloseNames.closest("v", List.of("I", "x")));   // every one-letter name is one edit from `v`
        assertNull(CloseNames.closest("key", List.of("seq")));    // two edits is too many for a short name
        assertEquals("ms", CloseNames.closest("msec", List.of("s", "ms")));
        assertNull(CloseNames.closest("x", List.of("x")));         // the name itself is not a suggestion
    }

    @Test void countsEdits() {
        assertEquals(0, CloseNames.edits("abc", "abc"));
        assertEquals(1, CloseNames.edits("abc", "acb"));
        assertEquals(1, CloseNames.edits("abc", "ab"));
        assertEquals(2, CloseNames.edits("kitten", "sitten!"));
        assertEquals(3, CloseNames.edits("", "abc"));
    }

    @Test void pluralsAgreeWithTheirCount() {
        assertEquals("1 argument", Plural.of(1, "argument"));
        assertEquals("2 arguments", Plural.of(2, "argument"));
        assertEquals("0 values", Plural.of(0, "value"));
        assertEquals("1 axis", Plural.of(1, "axis", "axes"));
        assertEquals("3 axes", Plural.of(3, "axis", "axes"));
    }
}
