package ncd.jvm;

import ncd.diag.SourceSpan;
import ncd.interp.Interpreter;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.passes.FusePass;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.passes.PlanMemoryPass;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.Executable;
import ncd.runtime.Rng;
import ncd.runtime.Tensor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Building graphs by hand (no frontend) and running them on both backends. */
final class Graphs {
    private Graphs() {}

    static final Axis N = new Axis("n", 3), M = new Axis("m", 4), K = new Axis("k", 5);

    static TensorType t(DType d, Axis... axes) { return new TensorType(d, List.of(axes), Unit.NONE); }

    /** A graph under construction. */
    static final class G {
        final Graph.Builder b;
        private int outs;

        G(String name) { b = Graph.builder(name, Graph.Kind.CIRCUIT, SourceSpan.NONE); }

        Node input(String name, TensorType t) { return b.addChecked(Op.INPUT, new Attr.Named(name), List.of(), t, SourceSpan.NONE, ""); }

        Node add(Op op, Attr attr, TensorType declared, Node... ins) {
            return b.addChecked(op, attr, List.of(ins), declared, SourceSpan.NONE, "");
        }

        Node add(Op op, Attr attr, Node... ins) { return add(op, attr, null, ins); }

        Node unary(Attr.UnaryFn fn, Node x) { return add(Op.UNARY, new Attr.Unary(fn), x); }

        Node binary(Attr.BinaryFn fn, Node x, Node y) { return add(Op.BINARY, new Attr.Binary(fn), x, y); }

        Node constant(TensorType t, double v) { return add(Op.CONST, new Attr.Scalar(v), t); }

        Node param(String name, TensorType t, Attr.InitKind kind, Double... args) {
            return add(Op.PARAM, new Attr.Param(name, new Attr.Init(kind, List.of(args)), null), t);
        }

        Node stateRead(String name, TensorType t) { return add(Op.STATE_READ, new Attr.Named(name), t); }

        void state(String name, TensorType t, Node init, Node next) { b.state(new State(name, t, init, next)); }

        G out(Node n) {
            b.output("o" + outs++, n);
            return this;
        }

        Graph build() { return b.build(); }
    }

    /** Inputs for every input of {@code g}: mostly ordinary numbers, with NaN, infinities, -0 and extremes mixed in. */
    static Map<String, Tensor> inputs(Graph g, long seed) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Node n : g.inputs()) {
            String name = ((Attr.Named) n.attr()).name();
            Tensor x = Tensor.zeros(n.type());
            long s = Rng.seedOf("input:" + name, seed);
            for (int i = 0; i < x.size(); i++) {
                double u = Rng.uniform(s, 0, i), w = Rng.uniform(s, 1, i);
                double v = switch (n.type().dtype()) {
                    case F32, F64 -> w < 0.04 ? Double.NaN : w < 0.06 ? Double.POSITIVE_INFINITY : w < 0.08 ? Double.NEGATIVE_INFINITY
                            : w < 0.1 ? -0.0 : w < 0.12 ? 0.0 : w < 0.14 ? 1e30 * (u - 0.5) : 6 * u - 3;
                    case I32 -> w < 0.05 ? Integer.MIN_VALUE : w < 0.1 ? Integer.MAX_VALUE : w < 0.2 ? 0 : Math.floor(20 * u - 10);
                    case BOOL -> u < 0.5 ? 1 : 0;
                };
                x.set(i, v);
            }
            in.put(name, x);
        }
        return in;
    }

    /** Runs {@code g} for {@code steps} steps on both backends and requires identical results (NaN equals NaN). */
    static JvmExecutable same(Graph g, int steps, JvmOptions options) { return same(g, steps, options, true); }

    /**
     * Like {@link #same(Graph, int, JvmOptions)}; with {@code pipeline} false the JVM backend compiles {@code g} as
     * built, without the standard passes before fusion (cse would merge a test's deliberately repeated subgraphs).
     */
    static JvmExecutable same(Graph g, int steps, JvmOptions options, boolean pipeline) {
        Executable interp = new Interpreter(g, 3);
        JvmExecutable jvm = JvmBackend.compile(pipeline ? scheduled(g, options.fuse()) : planned(g, options.fuse()), 3, options);
        verify(jvm);
        for (String p : interp.params().keySet()) assertBitEqual(g.name() + " param " + p, interp.params().get(p), jvm.params().get(p));
        for (int s = 0; s < steps; s++) {
            Map<String, Tensor> in = inputs(g, s);
            Map<String, Tensor> a = interp.step(in), b = jvm.step(in);
            assertEquals(a.keySet(), b.keySet());
            for (String o : a.keySet()) assertBitEqual(g.name() + " step " + s + " " + o, a.get(o), b.get(o));
            Map<String, Tensor> sa = interp.state(), sb = jvm.state();
            for (String st : sa.keySet()) assertBitEqual(g.name() + " step " + s + " state " + st, sa.get(st), sb.get(st));
        }
        interp.reset();
        jvm.reset();
        for (String st : interp.state().keySet()) assertBitEqual(g.name() + " reset " + st, interp.state().get(st), jvm.state().get(st));
        return jvm;
    }

    /**
     * {@code g} as the driver hands it to a backend: through the standard pass pipeline (without the fuse pass when
     * {@code fuse} is off), which attaches the schedule the backend follows.
     */
    static Graph scheduled(Graph g, boolean fuse) {
        PassManager pipeline = fuse ? PassManager.standard() : PassManager.standard().without("fuse");
        return pipeline.run(g, PassContext.verifying());
    }

    /** {@code g} with only fusion decisions (when {@code fuse}) and a memory plan: a test's graph as it was built. */
    static Graph planned(Graph g, boolean fuse) {
        Graph f = fuse ? new FusePass().run(g, PassContext.verifying()) : g;
        return new PlanMemoryPass().run(f, PassContext.verifying());
    }

    /** A hand-built graph scheduled ({@link #scheduled}) and compiled by the JVM backend. */
    static JvmExecutable compile(Graph g, long seed, JvmOptions options) {
        return JvmBackend.compile(scheduled(g, options.fuse()), seed, options);
    }

    static JvmExecutable same(Graph g, int steps) { return same(g, steps, JvmOptions.defaults()); }

    /**
     * Like {@link #same(Graph, int, JvmOptions)}, but outputs and states need only agree within {@code ulps} units in
     * the last place of f32 (NaN with NaN, infinities exactly): for the vector math, which is not correctly rounded.
     */
    static JvmExecutable close(Graph g, int steps, JvmOptions options, int ulps) {
        Executable interp = new Interpreter(g, 3);
        JvmExecutable jvm = compile(g, 3, options);
        verify(jvm);
        for (int s = 0; s < steps; s++) {
            Map<String, Tensor> in = inputs(g, s);
            Map<String, Tensor> a = interp.step(in), b = jvm.step(in);
            assertEquals(a.keySet(), b.keySet());
            for (String o : a.keySet()) assertWithinUlps(g.name() + " step " + s + " " + o, a.get(o), b.get(o), ulps);
            Map<String, Tensor> sa = interp.state(), sb = jvm.state();
            for (String st : sa.keySet()) assertWithinUlps(g.name() + " step " + s + " state " + st, sa.get(st), sb.get(st), ulps);
        }
        return jvm;
    }

    /** Equal as f32 within {@code ulps} units in the last place; NaN only with NaN, infinities only with themselves. */
    static void assertWithinUlps(String what, Tensor want, Tensor got, int ulps) {
        assertEquals(want.type(), got.type(), what);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            float w = (float) want.get(i), v = (float) got.get(i);
            if (Float.isNaN(w) && Float.isNaN(v) || w == v) continue;
            if (Float.isNaN(w) || Float.isNaN(v) || Float.isInfinite(w) || Float.isInfinite(v)
                    || Math.abs(w - v) > ulps * Math.ulp(Math.max(Math.abs(w), Math.abs(v)))) {
                if (bad.size() < 5) bad.add("[" + i + "] interp " + w + ", jvm " + v);
            }
        }
        if (!bad.isEmpty()) fail(what + " (within " + ulps + " ulp): " + bad);
    }

    /** {@code got} within the matrix-product tolerance of {@code want}: {@code 1e-5 + 1e-4 |want|}, naming up to 5 misses. */
    static void assertProductClose(String what, Tensor want, Tensor got) {
        List<String> bad = new java.util.ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            double a = want.get(i), b = got.get(i);
            if (!(Math.abs(b - a) <= 1e-5 + 1e-4 * Math.abs(a)) && bad.size() < 5) bad.add("[" + i + "] interp " + a + ", jvm " + b);
        }
        if (!bad.isEmpty()) org.junit.jupiter.api.Assertions.fail(what + ": " + bad);
    }

    static void assertBitEqual(String what, Tensor want, Tensor got) {
        assertEquals(want.type(), got.type(), what);
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < want.size(); i++) {
            double x = want.get(i), y = got.get(i);
            boolean ok = Double.isNaN(x) ? Double.isNaN(y) : Double.doubleToLongBits(x) == Double.doubleToLongBits(y);
            if (!ok && bad.size() < 5) bad.add("[" + i + "] interp " + x + ", jvm " + y);
        }
        if (!bad.isEmpty()) fail(what + ": " + bad);
    }

    /** The generated class passes ASM's CheckClassAdapter (the bytecode verifier, with types resolved). */
    static void verify(JvmExecutable jvm) {
        StringWriter sw = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(jvm.classBytes()), Graphs.class.getClassLoader(), false, new PrintWriter(sw));
        if (!sw.toString().isEmpty()) fail("the generated class does not verify:\n" + sw);
    }
}
