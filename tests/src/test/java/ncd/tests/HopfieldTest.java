package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backends;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/hopfield.ncd against the classical capacity result (about 0.138 N patterns for Hebb's rule): 1000 neurons
 * recall a pattern from a probe with 10% of its bits flipped at load 0.05 (overlap above 0.95 after ten synchronous
 * updates) and fail at load 0.2, on every backend that runs here.
 */
class HopfieldTest {
    private static double overlapAfter(Compiled c, int patterns, String backend, int steps) throws Exception {
        Circuit net = c.circuit("Recall", Map.of("pattern", patterns), 0, backend);
        double m = Double.NaN;
        for (int s = 0; s < steps; s++) m = net.step(Map.of()).get("out").get(0);
        return m;
    }

    @Test void recallsBelowCapacityAndFailsAbove() throws Exception {
        Compiled c = Ncd.compile(Repo.root().resolve("examples/hopfield.ncd"));
        for (var b : Backends.available()) {
            double probe = overlapAfter(c, 50, b.name(), 1);
            assertEquals(0.8, probe, 0.05, b.name() + ": the probe has about 10% of its bits flipped");
            double low = overlapAfter(c, 50, b.name(), 10), high = overlapAfter(c, 200, b.name(), 10);
            assertTrue(low > 0.95, b.name() + ": at load 0.05 the pattern is recalled, overlap " + low);
            assertTrue(high < 0.9, b.name() + ": at load 0.2 it is not, overlap " + high);
        }
    }
}
