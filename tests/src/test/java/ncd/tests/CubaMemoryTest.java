package ncd.tests;

import ncd.api.Circuit;
import ncd.api.CompileException;
import ncd.api.Compiled;
import ncd.api.Ncd;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * issue 14, Deliver 8: CUBA scaled to 40,000 neurons (32,000 excitatory, 8,000 inhibitory, p = 0.02: about 32 million
 * synapses) runs in memory proportional to the synapses, not N^2. A fresh JVM with a 640 MiB heap builds examples/cuba.ncd
 * at that size (its compressed rows: 4 bytes a synapse, ~128 MB) and runs 20 steps on the JVM backend; the same
 * network written with dense connection masks (the example before sparse synapses: two f32 parameters of 40,000 x
 * 32,000 and 40,000 x 8,000, 6.4 GB) is refused before anything is allocated (E0807), and procedural storage holds no
 * connectivity at all.
 */
class CubaMemoryTest {
    static final String HEAP = "-Xmx640m";

    @Test void fortyThousandNeuronsFitAHeapDenseCouldNever() throws Exception {
        FreshJvm.Result r = FreshJvm.run(List.of(HEAP, "--add-modules", "jdk.incubator.vector"), Main.class, List.of(), Map.of(), 300);
        System.out.print(r.printed());
        assertEquals(0, r.exit(), r.printed());
        assertTrue(r.printed().contains("sparse csr: ran 20 steps"), r.printed());
        assertTrue(r.printed().contains("sparse procedural: ran 20 steps"), r.printed());
        assertTrue(r.printed().contains("dense: refused E0807"), r.printed());
    }

    /** Runs in the fresh JVM: prints one line per form; exits 1 on anything unexpected. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            Path file = Repo.root().resolve("examples/cuba.ncd");
            String big = scaled(Files.readString(file));
            for (String storage : List.of("procedural", "csr")) {
                String src = big.replace("seed = 1]", "seed = 1, storage = " + storage + "]").replace("seed = 2]", "seed = 2, storage = " + storage + "]");
                long t0 = System.nanoTime();
                Circuit net = Ncd.compile(file, src).circuit("CUBA", Map.of(), 0, "jvm");
                long spikes = 0;
                for (int s = 0; s < 20; s++) for (boolean b : net.step(Map.of()).get("out").bools()) if (b) spikes++;
                double secs = (System.nanoTime() - t0) / 1e9;
                System.gc();
                Runtime rt = Runtime.getRuntime();
                // the instance (and the connectivity it holds) is still reachable here: net is used below
                System.out.printf("sparse %s: ran 20 steps, %d spikes, %.1f s, heap used after a collection %d MiB of %d MiB%n", storage,
                        spikes, secs, (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
                if (net.step(Map.of()).get("out").bools().length != 40_000) throw new AssertionError("40,000 neurons");
            }
            // the example as it was before sparse synapses: dense masks from uniform parameters
            String dense = big.replace("  state v:", "  param u_e: f32[neuron, exc] ~ uniform(0, 1)\n  param u_i: f32[neuron, inh] ~ uniform(0, 1)\n"
                            + "  let C_e = f32(u_e < 0.02)\n  let C_i = f32(u_i < 0.02)\n\n  state v:")
                    .replaceAll("synapses\\[exc -> neuron, [^]]*\\]\\(([^\\n]*)\\)\\n", "C_e @[exc] f32($1)\n")
                    .replaceAll("synapses\\[inh -> neuron, [^]]*\\]\\(([^\\n]*)\\)\\n", "C_i @[inh] f32($1)\n");
            if (dense.lines().anyMatch(l -> !l.trim().startsWith("//") && l.contains("synapses["))) throw new AssertionError("the dense variant still has synapses:\n" + dense);
            try {
                Ncd.compile(file, dense).circuit("CUBA", Map.of(), 0, "jvm");
                System.out.println("dense: ran (unexpected)");
                System.exit(1);
            } catch (CompileException e) {
                String codes = e.diagnostics().toString();
                System.out.println(codes.contains("E0807") ? "dense: refused E0807" : "dense: refused otherwise: " + codes);
            }
        }

        /** examples/cuba.ncd at 40,000 neurons: the axis sizes and the slices' bounds ten times larger. */
        static String scaled(String s) {
            String out = s.replace("axis neuron = 4000, exc = 3200 excitatory, inh = 800 inhibitory",
                    "axis neuron = 40000, exc = 32000 excitatory, inh = 8000 inhibitory")
                    .replace("0..3200 -> exc", "0..32000 -> exc").replace("3200..4000 -> inh", "32000..40000 -> inh");
            if (!out.contains("neuron = 40000") || !out.contains("32000..40000")) throw new AssertionError("examples/cuba.ncd changed shape");
            return out;
        }
    }
}
