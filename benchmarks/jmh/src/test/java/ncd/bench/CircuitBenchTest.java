package ncd.bench;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each benchmark, at small sizes, steps the circuit it names: what its allocation-free steps leave in the output
 * buffers (or the state) equals the reference interpreter's steps on the same inputs. Times nothing.
 */
class CircuitBenchTest {
    @Test void sgemm() throws Exception {
        Sgemm b = new Sgemm();
        b.size = 48;
        b.threads = 1;
        checkOutputs(b);
    }

    @Test void mlp() throws Exception {
        Mlp b = new Mlp();
        b.batch = 2;
        b.threads = 1;
        checkOutputs(b);
    }

    @Test void transformer() throws Exception {
        Transformer b = new Transformer();
        b.batch = 1;
        b.seq = 3;
        b.threads = 1;
        checkOutputs(b);
    }

    @Test void life() throws Exception {
        Life b = new Life();
        b.size = 24;
        checkState(b, 4);
    }

    @Test void reservoir() throws Exception {
        Reservoir b = new Reservoir();
        b.threads = 1;
        checkState(b, 2);
    }

    /** A circuit without state: one benchmark step, then each output against the interpreter's. */
    private static void checkOutputs(CircuitBench b) throws Exception {
        Circuit ref = prepare(b);
        Map<String, Tensor> inputs = inputs(b);
        b.step();
        Map<String, Tensor> want = ref.step(inputs);
        for (Graph.Output o : b.exec.graph().outputs()) {
            Tensor got = wrap(o.node().type(), b.exec.outputBuffer(o.name()));
            assertClose(want.get(o.name()), got, b.spec() + " output " + o.name());
        }
    }

    /** A circuit with state: {@code steps} benchmark steps, then the state against the interpreter's. */
    private static void checkState(CircuitBench b, int steps) throws Exception {
        Circuit ref = prepare(b);
        Map<String, Tensor> inputs = inputs(b);
        Map<String, Tensor> start = b.exec.state();
        for (int i = 0; i < steps; i++) {
            b.step();
            ref.step(inputs);
        }
        Map<String, Tensor> got = b.exec.state(), want = ref.state();
        assertEquals(want.keySet(), got.keySet());
        for (String s : want.keySet()) {
            assertFalse(start.get(s).maxAbsDiff(got.get(s)) == 0, b.spec() + ": state " + s + " did not change");
            assertClose(want.get(s), got.get(s), b.spec() + " state " + s);
        }
    }

    /** Sets the benchmark up as JMH would, and returns the same circuit on the interpreter (one frontend run for both). */
    private static Circuit prepare(CircuitBench b) throws Exception {
        CircuitBench.Spec s = b.spec();
        Compiled prog = CircuitBench.program(s.file());
        b.prepare(prog);
        return prog.circuit(s.circuit(), s.sizes(), CircuitBench.SEED, "interp");
    }

    /** Copies of the inputs prepare wrote into the input buffers. */
    private static Map<String, Tensor> inputs(CircuitBench b) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Node n : b.exec.graph().inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            in.put(name, wrap(n.type(), b.exec.inputBuffer(name)).copy());
        }
        return in;
    }

    private static Tensor wrap(TensorType t, Object buf) {
        if (buf instanceof float[] f) return Tensor.of(t, f);
        if (buf instanceof double[] d) return Tensor.of(t, d);
        if (buf instanceof int[] i) return Tensor.of(t, i);
        return Tensor.of(t, (boolean[]) buf);
    }

    /** Float accumulation in the JVM backend's products against the interpreter's double: rounding only. */
    private static void assertClose(Tensor want, Tensor got, String what) {
        assertTrue(got.allClose(want, 1e-4, 1e-3), what + " differs from the interpreter by " + got.maxAbsDiff(want));
    }
}
