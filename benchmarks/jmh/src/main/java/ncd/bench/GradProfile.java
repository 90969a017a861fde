package ncd.bench;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.runtime.*;
import ncd.ir.*;
import java.nio.file.Path;
import java.util.*;
import java.util.Locale;

/**
 * Where the time of a training step's gradient goes, by kind of node: the gradient circuit of {@code train Fit}'s loss
 * (what {@code ncdc bench FILE --circuit Fit --axis sample=B --grad loss --profile} times node by node, without the
 * optimiser's update) on the JVM backend with per-node timing, summed by op (contractions by the axes they sum over,
 * reductions by function and axes, elementwise ops by function, fused or not). Random inputs; integers in [0, INT_HI).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/jmh/target/benchmarks.jar ncd.bench.GradProfile \
 *     FILE.ncd BATCH THREADS INT_HI WARMUP_SECONDS STEPS [NODES]
 * </pre>
 *
 * With NODES, also the NODES slowest single nodes (with their types), to tell which transpose or sum is which.
 */
public final class GradProfile {
    private GradProfile() {}

    public static void main(String[] a) throws Exception {
        Diagnostics d = new Diagnostics();
        Compilation c = new Compilation(d);
        Program p = c.load(Path.of(a[0])).orElseThrow();
        int batch = Integer.parseInt(a[1]);
        Graph g = c.lower(p, "Fit", Map.of("sample", batch)).orElseThrow(() -> new RuntimeException(d.sorted().toString()));
        Graph gr = c.gradient(g, "loss", 0).orElseThrow(() -> new RuntimeException(d.sorted().toString()));
        Executable e = c.instantiate(gr, c.backend("jvm").orElseThrow(), BackendOptions.defaults().withThreads(Integer.parseInt(a[2])).with("profile", "true")).orElseThrow();
        Map<String, Tensor> in = new HashMap<>();
        for (Node n : gr.inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            Tensor t = Tensor.zeros(n.type());
            Random r = new Random(name.hashCode());
            for (int i = 0; i < t.size(); i++) t.set(i, n.type().dtype() == DType.I32 ? r.nextInt(Integer.parseInt(a[3])) : r.nextGaussian());
            in.put(name, t);
        }
        long end = System.nanoTime() + Long.parseLong(a[4]) * 1_000_000_000L;
        while (System.nanoTime() < end) e.step(in);
        Map<String, Long> before = new HashMap<>(e.nodeNanos());
        int steps = Integer.parseInt(a[5]);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) e.step(in);
        double wall = (System.nanoTime() - t0) / 1e9 / steps;
        Map<String, Long> cat = new TreeMap<>();
        long total = 0;
        for (var en : e.nodeNanos().entrySet()) {
            long v = en.getValue() - before.getOrDefault(en.getKey(), 0L);
            total += v;
            String k = en.getKey();
            String[] w = k.split(" ");
            String op = w[1];
            String key;
            if (op.equals("contract")) key = "contract " + k.substring(k.indexOf("axes="), k.indexOf("]") + 1).replace("axes=", "over ");
            else if (op.equals("reduce")) key = "reduce " + k.substring(k.indexOf("fn="), k.indexOf("]]") + 2);
            else if (op.equals("unary")) key = "unary " + k.substring(k.indexOf("fn=") + 3, k.indexOf(",")) + (k.contains("fused") ? " (fused)" : "");
            else if (op.equals("binary")) key = "binary " + k.substring(k.indexOf("fn=") + 3, k.indexOf("]")) + (k.contains("fused") ? " (fused)" : "");
            else key = op;
            cat.merge(key, v, Long::sum);
        }
        List<Map.Entry<String, Long>> rows = new ArrayList<>(cat.entrySet());
        rows.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
        System.out.printf(Locale.ROOT, "step %.1f ms (wall, with per-node timing), %d nodes%n", wall * 1e3, e.nodeNanos().size());
        long shown = 0;
        for (var r : rows) {
            if (100.0 * r.getValue() / total < 0.5) break;
            shown += r.getValue();
            System.out.printf(Locale.ROOT, "%6.1f%%  %7.2f ms  %s%n", 100.0 * r.getValue() / total, r.getValue() / 1e6 / steps, r.getKey());
        }
        System.out.printf(Locale.ROOT, "%6.1f%%  %7.2f ms  the rest%n", 100.0 * (total - shown) / total, (total - shown) / 1e6 / steps);
        if (a.length > 6) {
            List<Map.Entry<String, Long>> nodes = new ArrayList<>();
            for (var en : e.nodeNanos().entrySet()) nodes.add(Map.entry(en.getKey(), en.getValue() - before.getOrDefault(en.getKey(), 0L)));
            nodes.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
            for (var r : nodes.subList(0, Math.min(Integer.parseInt(a[6]), nodes.size()))) {
                System.out.printf(Locale.ROOT, "%7.3f ms  %s%n", r.getValue() / 1e6 / steps, r.getKey());
            }
        }
    }
}
