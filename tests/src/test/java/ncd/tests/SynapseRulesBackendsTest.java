package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.runtime.Backends;
import ncd.runtime.Rng;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distance rule and a list of pairs (read from the .npy beside the program) give the same bits on every backend:
 * tests/lit/ir/synapses_distance_and_pairs.ncd stepped with the same random spikes and values on each, its outputs
 * compared with the interpreter's, bit for bit (both run ncd.runtime.Synapses; the jvm backend receives the list as
 * buffers of its own, checked against the plan's digest).
 */
class SynapseRulesBackendsTest {
    @Test void everyBackendDrawsAndSumsTheSameBits() throws Exception {
        Path file = Repo.root().resolve("tests/lit/ir/synapses_distance_and_pairs.ncd");
        Compiled c = Ncd.compile(file);
        Map<String, List<float[]>> outputs = new LinkedHashMap<>();
        for (var b : Backends.available()) {
            if (b.name().equals("cuda")) continue;   // it refuses sparse synapses (E0723)
            Circuit net = c.circuit("Net", Map.of(), 0, b.name());
            List<float[]> seen = new ArrayList<>();
            for (int step = 0; step < 6; step++) {
                Map<String, Tensor> in = new LinkedHashMap<>();
                for (Node n : net.graph().inputs()) {
                    String name = ((ncd.ir.Attr.Named) n.attr()).name();
                    TensorType t = n.type();
                    int len = t.arrayLength();
                    if (t.dtype() == ncd.ir.DType.BOOL) {
                        boolean[] v = new boolean[len];
                        for (int i = 0; i < len; i++) v[i] = Rng.uniform(step, name.hashCode(), i) < 0.3;
                        in.put(name, Tensor.of(t, v));
                    } else {
                        float[] v = new float[len];
                        for (int i = 0; i < len; i++) v[i] = (float) (Rng.uniform(step, name.hashCode(), i) * 2 - 0.7);
                        in.put(name, Tensor.of(t, v));
                    }
                }
                Map<String, Tensor> out = net.step(in);
                seen.add(out.get("grids").floats().clone());
                seen.add(out.get("listed").floats().clone());
            }
            outputs.put(b.name(), seen);
        }
        assertTrue(outputs.containsKey(Backends.REFERENCE) && outputs.containsKey("jvm"), "ran on " + outputs.keySet());
        List<float[]> ref = outputs.get(Backends.REFERENCE);
        boolean someNonzero = false;
        for (float[] r : ref) for (float v : r) someNonzero |= v != 0;
        assertTrue(someNonzero, "the synapses carry something (else the comparison shows nothing)");
        for (var e : outputs.entrySet()) {
            for (int k = 0; k < ref.size(); k++) assertArrayEquals(ref.get(k), e.getValue().get(k), e.getKey() + ", output " + k);
        }
    }
}
