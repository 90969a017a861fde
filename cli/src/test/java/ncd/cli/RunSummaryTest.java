package ncd.cli;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code ncdc run} prints about its outputs, on outputs made by hand (run_spike_raster*.ncd run real circuits). */
class RunSummaryTest {
    private static TensorType bools(String axis, int n) { return new TensorType(DType.BOOL, List.of(new Axis(axis, n)), Unit.NONE); }

    private static String print(RunSummary s) {
        StringWriter w = new StringWriter();
        try (PrintWriter p = new PrintWriter(w)) {
            s.print(p);
        }
        return w.toString();
    }

    /**
     * A million steps are summarised in memory that does not grow with them: 100 time columns of 10000 steps. Neuron 0
     * fires at every step of the first half, neuron 1 at every tenth step, neuron 2 never.
     */
    @Test void aMillionStepsFitInOneHundredColumns() {
        long steps = 1_000_000;
        TensorType t = bools("neuron", 3);
        RunSummary s = new RunSummary(Map.of("spike", t), steps);
        boolean[] none = new boolean[3], first = {true, false, false}, both = {true, true, false}, second = {false, true, false};
        for (long i = 0; i < steps; i++) {
            boolean[] b = i < steps / 2 ? (i % 10 == 0 ? both : first) : (i % 10 == 0 ? second : none);
            s.accept(i, Map.of("spike", Tensor.of(t, b)));
        }
        String want = """
                  spike: bool[neuron:3]
                    events (true values): 600000 in 1000000 steps; per step mean 0.6, min 0, max 2
                    indices with events: 2 of 3; most: neuron 0: 500000 (0.5 per step), neuron 1: 100000
                    rate by neuron: #._  (_ 0 to # 0.5 per step; neuron 0-2)
                    raster, neuron down, step across (10000 steps a column); . none, : + * # up to 1/4 1/2 3/4 1 of the busiest cell's share, 10000 of 10000 true:
                """;
        String rows = "    0 " + "#".repeat(50) + ".".repeat(50) + "\n"
                + "    1 " + ":".repeat(100) + "\n"
                + "    2 " + ".".repeat(100) + "\n";
        assertEquals(want + rows, print(s));
    }

    /** A scalar's sparkline is of its value; an all-NaN step leaves its column a `?` and is counted. */
    @Test void aScalarOverTimeWithNaN() {
        TensorType t = TensorType.scalar(DType.F32);
        RunSummary s = new RunSummary(Map.of("x", t), 5);
        float[] xs = {1, 2, Float.NaN, 4, 5};
        for (int i = 0; i < xs.length; i++) s.accept(i, Map.of("x", Tensor.of(t, new float[] {xs[i]})));
        assertEquals("""
                  x: f32[]
                    over 5 steps: min 1  mean 3  max 5  (1 NaN)
                    last step: min 5  mean 5  max 5
                    value by step: _:?+#  (_ 1 to # 5)
                """, print(s));
    }

    /** One step: min/mean/max of that step, no sparkline or raster, and the outputs in the circuit's order. */
    @Test void oneStep() {
        Map<String, TensorType> types = new LinkedHashMap<>();
        TensorType f = new TensorType(DType.F64, List.of(new Axis("i", 2)), Unit.NONE);
        types.put("v", f);
        types.put("s", bools("i", 2));
        RunSummary s = new RunSummary(types, 1);
        s.accept(0, Map.of("s", Tensor.of(bools("i", 2), new boolean[] {false, true}), "v", Tensor.of(f, new double[] {-1, 3})));
        assertEquals("""
                  v: f64[i:2]
                    over 1 step: min -1  mean 1  max 3
                  s: bool[i:2]
                    events (true values): 1 in 1 step; per step mean 1, min 1, max 1
                    indices with events: 1 of 2; most: i 1: 1 (1 per step)
                """, print(s));
    }
}
