package ncd.tests;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static ncd.tests.FileCheck.Kind.CHECK;
import static ncd.tests.FileCheck.Kind.NEXT;
import static ncd.tests.FileCheck.Kind.NOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lit runner's FileCheck: each kind of CHECK line passes where it should, and fails with a message that says why. */
class FileCheckTest {
    private static final String IR = """
            circuit Dead {
              %0 = input "x" : f32[n:3]
              %2 = param "W" : f32[m:2, n:3]
              %3 = contract [n] %2, %0 : f32[m:2]
              output out = %3
            }
            """;

    private static FileCheck.Check c(FileCheck.Kind k, String text, int line) { return new FileCheck.Check(k, text, line); }

    private static Optional<String> match(FileCheck.Check... checks) { return FileCheck.mismatch(List.of(checks), IR); }

    @Test void checksMatchInOrder() {
        assertEquals(Optional.empty(), match(c(CHECK, "input \"x\"", 1), c(CHECK, "param \"W\"", 2), c(CHECK, "output out = %3", 3)));
        String why = match(c(CHECK, "param \"W\"", 4), c(CHECK, "input \"x\"", 5)).orElseThrow();
        assertEquals("`line 5: CHECK: input \"x\"` not found after the previous match (it occurs earlier: order matters)", why);
    }

    @Test void checkNextMustBeOnTheVeryNextLine() {
        assertEquals(Optional.empty(), match(c(CHECK, "param \"W\"", 1), c(NEXT, "contract [n]", 2), c(NEXT, "output out", 3)));
        String why = match(c(CHECK, "input \"x\"", 7), c(NEXT, "contract [n]", 8)).orElseThrow();
        assertEquals("`line 8: CHECK-NEXT: contract [n]` is not on the line after the previous match; line 3 of the output is"
                + " `  %2 = param \"W\" : f32[m:2, n:3]`", why);
        assertTrue(FileCheck.mismatch(List.of(c(CHECK, "}", 1), c(NEXT, "x", 2)), "{\n}").orElseThrow().contains("the previous match is on the last line"));
    }

    @Test void checkNotMustNotOccurBetweenItsNeighbours() {
        assertEquals(Optional.empty(), match(c(CHECK, "param \"W\"", 1), c(NOT, "input", 2), c(CHECK, "output", 3)), "input is before W");
        assertEquals(Optional.empty(), match(c(CHECK, "output", 1), c(NOT, "%2", 2)), "%2 occurs only before the match");
        assertEquals(Optional.empty(), match(c(NOT, "param \"V\"", 1)), "nowhere");
        String why = match(c(CHECK, "input \"x\"", 3), c(NOT, "param \"W\"", 4), c(CHECK, "output out", 5)).orElseThrow();
        assertEquals("`line 4: CHECK-NOT: param \"W\"` occurs, on line 3 of the output: `  %2 = param \"W\" : f32[m:2, n:3]`", why);
        String toTheEnd = match(c(CHECK, "%3 = contract", 6), c(NOT, "%3", 7)).orElseThrow();
        assertTrue(toTheEnd.startsWith("`line 7: CHECK-NOT: %3` occurs, on line 5 of the output: `  output out = %3`"), toTheEnd);
        String beforeNext = match(c(CHECK, "param", 1), c(NOT, "contract", 2), c(NEXT, "output", 3)).orElseThrow();
        assertTrue(beforeNext.contains("is not on the line after"), "the NEXT fails first: " + beforeNext);
    }
}
