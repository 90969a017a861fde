package ncd.cuda;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.OpSpecs;
import ncd.ir.TensorType;
import ncd.runtime.Rng;
import ncd.runtime.Strides;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the kernel of one computed node. A kernel is a loop over the node's elements (one per thread, grid-stride)
 * that computes the node's value at each element's coordinates; the shapes of kernel are
 * <ul>
 *   <li>element per thread: everything, including reductions and contractions as a loop over the summed axes per
 *       element, accumulating in double in the interpreter's order, so small ones are bit for bit the interpreter's;
 *   <li>a block per output element for a reduction over many elements ({@link #BLOCK_REDUCE_MIN}): each thread
 *       accumulates a strided part, then a tree in shared memory;
 *   <li>a shared-memory tiled product for a large f32 contraction ({@link Tiled}).
 * </ul>
 * A value is read either from its buffer or, when the memory plan gave it none (it was fused into this loop, or is a
 * constant or an iota), computed inline at the coordinates needed ({@link Expr}).
 */
final class KernelWriter {
    /** Reductions over at least this many elements per output get a block each. */
    static final long BLOCK_REDUCE_MIN = 1024;

    record Written(String source, CudaProgram.Launch launch, String what) {}

    private final Graph graph;
    private final Map<Node, Long> offset;
    private final Map<Node, Integer> gatherNumber;

    KernelWriter(Graph graph, Map<Node, Long> offset, Map<Node, Integer> gatherNumber) {
        this.graph = graph;
        this.offset = offset;
        this.gatherNumber = gatherNumber;
    }

    /** The kernel that computes {@code n} into its buffer. */
    Written kernel(Node n) {
        String name = "k" + n.id() + "_" + n.op().name().toLowerCase(Locale.ROOT);
        String what = "%" + n.id() + " " + n.op().name().toLowerCase(Locale.ROOT) + " " + graph.typeText(n.type())
                + (n.scope().isEmpty() ? "" : " (" + n.scope() + ")");
        if (n.op() == ncd.ir.Op.CONTRACT && Tiled.applies(n)) return new Tiled(this, n, name).write(what);
        if ((n.op() == ncd.ir.Op.REDUCE || n.op() == ncd.ir.Op.CONTRACT) && blockReduce(n)) return blockReduction(n, name, what);
        return perElement(n, name, what);
    }

    private Written perElement(Node n, String name, String what) {
        TensorType t = n.type();
        long count = t.elementCount();
        Expr e = new Expr(this);
        Expr.Scope body = e.root("        ");
        Map<String, String> c = coords(t, "i", body);
        String v = e.compute(n, c, body);
        StringBuilder sb = new StringBuilder();
        sb.append("// ").append(what).append('\n');
        sb.append("extern \"C\" __global__ void ").append(name).append("(char* base, long long step) {\n");
        sb.append("    (void)step;\n");
        String out = e.pointer(n);
        e.declarePointers(sb, "    ");
        sb.append("    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < ").append(count)
                .append("LL; i += (long long)gridDim.x * blockDim.x) {\n");
        sb.append(body.text());
        sb.append("        ").append(out).append("[i] = ").append(store(t.dtype(), v)).append(";\n");
        sb.append("    }\n}\n");
        return new Written(sb.toString(), CudaGen.elementwise(name, count), what);
    }

    /**
     * Whether {@code n} sums so many terms per element that a block should share each: a plain reduction, or a
     * contraction that is not tiled (a matrix times a vector: consecutive threads then read consecutive terms of a row).
     */
    private boolean blockReduce(Node n) {
        List<String> summed;
        if (n.op() == ncd.ir.Op.REDUCE) {
            Attr.Reduce r = (Attr.Reduce) n.attr();
            if (!OpSpecs.isPlainReduction(r.fn())) return false;
            summed = r.axes();
        } else {
            summed = ((Attr.Contract) n.attr()).axes();
        }
        long count = 1;
        for (String a : summed) count *= n.input(0).type().axis(a).size();
        return count >= BLOCK_REDUCE_MIN;
    }

    /**
     * A block per output element: thread j accumulates the reduced elements j, j + 256, ... (row-major over the
     * reduced axes, in the input's order), then the block adds the partial results in a tree in shared memory.
     */
    private Written blockReduction(Node n, String name, String what) {
        boolean contract = n.op() == ncd.ir.Op.CONTRACT;
        Node in = n.input(0);
        TensorType t = n.type(), it = in.type();
        List<String> summed = contract ? ((Attr.Contract) n.attr()).axes() : ((Attr.Reduce) n.attr()).axes();
        List<Axis> reduced = new ArrayList<>();
        for (Axis a : it.axes()) if (summed.contains(a.name())) reduced.add(a);
        long count = 1;
        for (Axis a : reduced) count *= a.size();
        // a contraction sums products in double, as the element-per-thread loop does
        Reductions.Acc acc = contract ? Reductions.acc(Attr.ReduceFn.SUM, DType.F64) : Reductions.acc(((Attr.Reduce) n.attr()).fn(), it.dtype());
        Expr e = new Expr(this);
        Expr.Scope outer = e.root("        ");
        Map<String, String> c = coords(t, "o", outer);
        Expr.Scope inner = outer.child("            ");
        Map<String, String> ci = new LinkedHashMap<>(c);
        long stride = count;
        for (Axis a : reduced) {
            stride /= a.size();
            ci.put(a.name(), inner.declare("int", "(int)((r / " + stride + "LL) % " + a.size() + ")"));
        }
        String v = contract ? "(double)" + e.value(in, ci, inner) + " * (double)" + e.value(n.input(1), ci, inner) : e.value(in, ci, inner);
        StringBuilder sb = new StringBuilder();
        sb.append("// ").append(what).append(": a block per element, ").append(count).append(" terms each\n");
        sb.append("extern \"C\" __global__ void ").append(name).append("(char* base, long long step) {\n");
        sb.append("    (void)step;\n");
        String out = e.pointer(n);
        e.declarePointers(sb, "    ");
        sb.append("    __shared__ ").append(acc.ctype()).append(" part[").append(CudaGen.BLOCK).append("];\n");
        sb.append("    for (long long o = blockIdx.x; o < ").append(t.elementCount()).append("LL; o += gridDim.x) {\n");
        sb.append(outer.text());
        sb.append("        NCD_THREADS {\n");
        sb.append("            ").append(acc.ctype()).append(" acc = ").append(acc.start()).append(";\n");
        sb.append("            for (long long r = threadIdx.x; r < ").append(count).append("LL; r += blockDim.x) {\n");
        sb.append(inner.text().replaceAll("(?m)^", "    "));
        sb.append("                acc = ").append(acc.step("acc", v)).append(";\n");
        sb.append("            }\n");
        sb.append("            part[threadIdx.x] = acc;\n");
        sb.append("        }\n");
        sb.append("        NCD_SYNC\n");
        sb.append("        for (int h = blockDim.x / 2; h > 0; h /= 2) {\n");
        sb.append("            NCD_THREADS { if (threadIdx.x < h) part[threadIdx.x] = ").append(acc.step("part[threadIdx.x]", "part[threadIdx.x + h]")).append("; }\n");
        sb.append("            NCD_SYNC\n");
        sb.append("        }\n");
        sb.append("        NCD_THREADS { if (threadIdx.x == 0) ").append(out).append("[o] = ")
                .append(store(t.dtype(), Expr.round(t.dtype(), acc.end("part[0]", count)))).append("; }\n");
        sb.append("        NCD_SYNC\n");
        sb.append("    }\n}\n");
        long blocks = Math.max(1, Math.min(CudaGen.MAX_BLOCKS, t.elementCount()));
        return new Written(sb.toString(), new CudaProgram.Launch(name, (int) blocks, 1, 1, CudaGen.BLOCK, true), what);
    }

    /** Declares the coordinates of flat index {@code flat} in {@code t}, one int per axis, by axis name. */
    static Map<String, String> coords(TensorType t, String flat, Expr.Scope s) {
        Map<String, String> c = new LinkedHashMap<>();
        int[] strides = Strides.of(t);
        for (int d = 0; d < t.rank(); d++) {
            Axis a = t.axes().get(d);
            String e = strides[d] == 1 ? "(int)(" + flat + " % " + a.size() + ")" : "(int)((" + flat + " / " + strides[d] + ") % " + a.size() + ")";
            if (d == 0) e = strides[d] == 1 ? "(int)" + flat : "(int)(" + flat + " / " + strides[d] + ")";
            c.put(a.name(), s.declare("int", e));
        }
        return c;
    }

    /** The C value stored into a buffer of {@code d}. */
    static String store(DType d, String v) {
        return switch (d) {
            case F32 -> "(float)(" + v + ")";
            case F64 -> "(double)(" + v + ")";
            case I32 -> "(int)(" + v + ")";
            case BOOL -> "(unsigned char)((" + v + ") != 0)";
        };
    }


    Long offset(Node n) { return offset.get(n); }

    Integer gatherNumber(Node n) { return gatherNumber.get(n); }

    /** The random source's seed, as the interpreter derives it (Rng.seedOf of its scope). */
    static long seed(Node n) { return Rng.seedOf(n.scope(), ((Attr.Random) n.attr()).seed()); }
}
