package ncd.tests;

import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frontend folds expressions of number literals itself (weak numbers) through ncd.ir.Scalars, so a folded
 * literal is what the op computes when it runs: each circuit here is computed once from literals and once from an
 * input holding the same value, and both must agree bit for bit.
 */
class WeakFoldingTest {
    @Test void foldedLiteralsComputeWhatTheOpsCompute() throws Exception {
        InterpreterSemanticsTest.Program p = InterpreterSemanticsTest.compile("""
                circuit castFolded() -> i32 { return i32(3000000000.0) }
                circuit castRun(x: f32) -> i32 { return i32(x) }
                circuit negCastFolded() -> i32 { return i32(-3000000000.0) }
                circuit reluFolded() -> f32 { return relu(-0.0) }
                circuit reluRun(x: f32) -> f32 { return relu(x) }
                circuit signFolded() -> f32 { return sign(-2.5) }
                circuit signRun(x: f32) -> f32 { return sign(x) }
                circuit modFolded() -> f32 { return -7.5 % 2 }
                circuit modRun(x: f32, y: f32) -> f32 { return x % y }
                circuit maxFolded() -> f32 { return max(1.5, -2) }
                circuit maxRun(x: f32, y: f32) -> f32 { return max(x, y) }
                """);
        // docs/semantics.md: converting a float to i32 truncates and saturates at the i32 range
        assertEquals(Integer.MAX_VALUE, p.circuit("castFolded").call().get(0));
        assertEquals(p.circuit("castRun").call(InterpreterSemanticsTest.f32("", 3e9f)).get(0), p.circuit("castFolded").call().get(0));
        assertEquals(Integer.MIN_VALUE, p.circuit("negCastFolded").call().get(0));
        assertSame(p.circuit("reluRun").call(InterpreterSemanticsTest.f32("", -0.0f)).get(0), p.circuit("reluFolded").call().get(0));
        assertSame(p.circuit("signRun").call(InterpreterSemanticsTest.f32("", -2.5f)).get(0), p.circuit("signFolded").call().get(0));
        assertSame(p.circuit("modRun").call(InterpreterSemanticsTest.f32("", -7.5f), InterpreterSemanticsTest.f32("", 2)).get(0),
                p.circuit("modFolded").call().get(0));
        assertSame(p.circuit("maxRun").call(InterpreterSemanticsTest.f32("", 1.5f), InterpreterSemanticsTest.f32("", -2)).get(0),
                p.circuit("maxFolded").call().get(0));
    }

    private static void assertSame(double expected, double actual) {
        assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual), expected + " vs " + actual);
    }
}
