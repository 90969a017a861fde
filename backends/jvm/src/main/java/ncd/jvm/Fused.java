package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Rng;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.List;

import static ncd.jvm.MethodGen.Kind;
import static org.objectweb.asm.Opcodes.*;

/**
 * One loop for a node and everything {@link Fusion} inlined into it: each element of the root is computed as an
 * expression over the buffers of the materialised nodes it reads ("leaves"), rounding every intermediate value to its
 * node's dtype exactly as a store and a load would, so results are bit-identical to the unfused code.
 *
 * <p>Without stencils the loop is a {@link MethodGen.Nest} (dimensions merged where contiguous). With stencils it
 * walks the root's dimensions one by one: for each windowed outer dimension the wrapped (or range-checked) offsets of
 * every window position are computed once per iteration; the innermost dimension runs as a left border, an interior
 * where neighbours are read at constant offsets with no boundary logic, and a right border. When the result is bool
 * and every intermediate provably fits a byte ({@link #vrange}), the interior runs on byte vectors ({@link Vec}) in
 * small per-row methods (see {@link #vectorRange}).
 */
final class Fused {
    private final Plan plan;
    private final MethodGen g;
    private final MethodVisitor mv;
    private final Node root;
    private final TensorType t;
    private final List<Node> leaves = new ArrayList<>();
    private final List<Fusion.Stencil> sts = new ArrayList<>();
    private int[] leafBuf, xBuf;
    /** Operand index of the current point: 0 the root's buffer, 1 + i leaf i, 1 + leaves + s stencil s's input. */
    private MethodGen.Index idx;
    private int stream = -1;
    // stencil loops only
    private int rank;
    private int inner = -1;          // innermost counter local
    private boolean interior;
    private int[][][] offLocal, okLocal; // [stencil][window dim][offset] for windowed outer dimensions
    private int[][] strides;
    /** Whether the interior runs on byte-lane vectors ({@link Vec}), {@code lanes} elements at a time. */
    private boolean vector;
    private int lanes;

    /** Adds a private method {@code name} with descriptor {@code desc} to the class (its locals start at {@code firstLocal}). */
    interface Sink { void method(String name, String desc, int firstLocal, java.util.function.Consumer<MethodGen> body); }

    private final String owner;
    private final Sink sink;

    private Fused(Plan plan, MethodGen g, Node root, String owner, Sink sink) {
        this.owner = owner;
        this.sink = sink;
        this.plan = plan;
        this.g = g;
        this.mv = g.mv;
        this.root = root;
        this.t = root.type();
    }

    static void emit(Plan plan, MethodGen g, Node root, String owner, Sink sink) { new Fused(plan, g, root, owner, sink).emit(); }

    private boolean isLeaf(Node n) { return n != root && !plan.fusion.inlined.contains(n); }

    private final java.util.Set<Node> visited = new java.util.HashSet<>();

    private void collect(Node n) {
        Fusion.Stencil s = plan.fusion.stencils.get(n);
        if (s != null) {
            if (!sts.contains(s)) sts.add(s);
            return;
        }
        if (!visited.add(n)) return;
        for (Node in : n.inputs()) {
            if (in.op() == Op.CONST) continue;
            if (isLeaf(in)) {
                if (!leaves.contains(in)) leaves.add(in);
            } else {
                collect(in);
            }
        }
    }

    private int out;

    /** Collects leaves and stencils, loads their buffers into locals, and computes every operand's strides. */
    private int[][] prepare() {
        collect(root);
        int out = g.buffer(plan.slot(root), t.dtype());
        leafBuf = new int[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) leafBuf[i] = g.buffer(plan.slot(leaves.get(i)), leaves.get(i).type().dtype());
        xBuf = new int[sts.size()];
        for (int i = 0; i < sts.size(); i++) xBuf[i] = g.buffer(plan.slot(sts.get(i).x()), sts.get(i).x().type().dtype());
        if (root.op() == Op.RANDOM) stream = g.stepLocal();
        int ops = 1 + leaves.size() + sts.size();
        int[][] strides = new int[ops][];
        strides[0] = Shapes.strides(t);
        for (int i = 0; i < leaves.size(); i++) strides[1 + i] = Shapes.broadcastStrides(leaves.get(i).type(), t);
        for (int s = 0; s < sts.size(); s++) {
            Fusion.Stencil st = sts.get(s);
            int[] xs = new int[t.rank()];
            for (int d = 0; d < t.rank(); d++) {
                String a = t.axes().get(d).name();
                xs[d] = windowed(st, a) != null ? 0 : Shapes.stride(st.x().type(), a);
            }
            strides[1 + leaves.size() + s] = xs;
        }
        this.out = out;
        rank = t.rank();
        this.strides = strides;
        return strides;
    }

    private void emit() {
        int[][] strides = prepare();
        int ops = strides.length;
        int zero = g.intLocal(0);
        int[] base = new int[ops];
        java.util.Arrays.fill(base, zero);
        if (sts.isEmpty()) {
            MethodGen.Nest nest = MethodGen.Nest.of(Shapes.sizes(t), strides);
            if (floatLanes(nest)) {
                innerStrides = new int[ops];
                for (int op = 0; op < ops; op++) innerStrides[op] = nest.strides()[op][nest.rank() - 1];
                g.vectorNest(nest, base, VecF.LANES, (ix, c) -> {
                    idx = ix;
                    fcache.clear();
                    fvec(root);
                    mv.visitVarInsn(ALOAD, out);
                    idx.push(0);
                    mv.visitMethodInsn(INVOKESTATIC, VECF, "st", "(" + FV + "[FI)V", false);
                }, (ix, c) -> {
                    idx = ix;
                    store(out);
                });
                return;
            }
            g.nest(nest, base, (ix, c) -> {
                idx = ix;
                store(out);
            });
            return;
        }
        vector = Gemm.VectorProbe.PRESENT && t.dtype() == DType.BOOL && strides[0][rank - 1] == 1 && vrange(root) != null;
        if (vector) lanes = Vec.LANES;
        offLocal = new int[sts.size()][][];
        okLocal = new int[sts.size()][][];
        for (int s = 0; s < sts.size(); s++) {
            offLocal[s] = new int[sts.get(s).attr().dims().size()][];
            okLocal[s] = new int[sts.get(s).attr().dims().size()][];
        }
        level(0, base, strides, out);
    }

    private void store(int out) {
        cache.clear();
        mv.visitVarInsn(ALOAD, out);
        idx.push(0);
        eval(root);
        g.astore(t.dtype());
    }

    private static Attr.WindowDim windowed(Fusion.Stencil st, String axis) {
        for (Attr.WindowDim w : st.attr().dims()) if (w.axis().equals(axis)) return w;
        return null;
    }

    private int dimOf(String axis) { return t.indexOf(axis); }

    // ------------------------------------------------------------------------------------------------ loops

    private void level(int d, int[] cur, int[][] strides, int out) {
        int ops = cur.length, n = t.axes().get(d).size();
        String axis = t.axes().get(d).name();
        if (d < rank - 1) {
            int[] nl = new int[ops];
            for (int op = 0; op < ops; op++) {
                nl[op] = g.local(1);
                mv.visitVarInsn(ILOAD, cur[op]);
                mv.visitVarInsn(ISTORE, nl[op]);
            }
            Label top = new Label(), test = new Label();
            int c = g.intLocal(0);
            mv.visitJumpInsn(GOTO, test);
            mv.visitLabel(top);
            for (int s = 0; s < sts.size(); s++) {
                Fusion.Stencil st = sts.get(s);
                List<Attr.WindowDim> dims = st.attr().dims();
                boolean wrap = st.attr().boundary() == Attr.Boundary.WRAP;
                for (int w = 0; w < dims.size(); w++) {
                    if (!dims.get(w).axis().equals(axis)) continue;
                    int size = dims.get(w).offset().size(), h = size / 2, xs = Shapes.stride(st.x().type(), axis);
                    offLocal[s][w] = new int[size];
                    if (!wrap) okLocal[s][w] = new int[size];
                    for (int j = 0; j < size; j++) {
                        offLocal[s][w][j] = g.local(1);
                        coordinate(c, j - h, n, wrap);
                        g.iconst(xs);
                        mv.visitInsn(IMUL);
                        mv.visitVarInsn(ISTORE, offLocal[s][w][j]);
                        if (!wrap) {
                            okLocal[s][w][j] = g.local(1);
                            mv.visitVarInsn(ILOAD, c);
                            g.iconst(j - h);
                            mv.visitInsn(IADD);
                            g.iconst(n);
                            g.rt("inRange", "(II)Z");
                            mv.visitVarInsn(ISTORE, okLocal[s][w][j]);
                        }
                    }
                }
            }
            level(d + 1, nl, strides, out);
            for (int op = 0; op < ops; op++) {
                int s = strides[op][d];
                if (s == 0) continue;
                if (s >= Short.MIN_VALUE && s <= Short.MAX_VALUE) {
                    mv.visitIincInsn(nl[op], s);
                } else {
                    mv.visitVarInsn(ILOAD, nl[op]);
                    g.iconst(s);
                    mv.visitInsn(IADD);
                    mv.visitVarInsn(ISTORE, nl[op]);
                }
            }
            mv.visitIincInsn(c, 1);
            mv.visitLabel(test);
            mv.visitVarInsn(ILOAD, c);
            g.iconst(n);
            mv.visitJumpInsn(IF_ICMPLT, top);
            return;
        }
        int lo = 0, hi = n;
        boolean any = false;
        for (Fusion.Stencil st : sts) {
            Attr.WindowDim w = windowed(st, axis);
            if (w == null) continue;
            any = true;
            int size = w.offset().size(), h = size / 2;
            lo = Math.max(lo, h);
            hi = Math.min(hi, n - (size - 1 - h));
        }
        if (!any) {
            range(0, n, true, d, cur, strides, out);
        } else if (lo < hi) {
            // the interior first: C2 inlines in bytecode order until a method grows too big, and the interior is
            // where the time goes (its vector helpers must inline, or every vector is boxed)
            range(lo, hi, true, d, cur, strides, out);
            if (lo > 0) range(0, lo, false, d, cur, strides, out);
            if (hi < n) range(hi, n, false, d, cur, strides, out);
        } else {
            range(0, n, false, d, cur, strides, out);
        }
    }

    /** Pushes the coordinate {@code c + delta} brought into {@code [0, n)}: wrapped, or (zero boundary) clamped. */
    private void coordinate(int c, int delta, int n, boolean wrap) {
        mv.visitVarInsn(ILOAD, c);
        g.iconst(delta);
        mv.visitInsn(IADD);
        g.iconst(n);
        if (!wrap) g.rt("clampIndex", "(II)I");
        else if (Math.abs(delta) <= n) g.rt("wrapOnce", "(II)I");   // c + delta lies in [-n, 2n)
        else g.math("floorMod", "(II)I");
    }

    private void range(int from, int to, boolean inside, int d, int[] cur, int[][] strides, int out) {
        if (inside && vector && to - from >= lanes) {
            vectorRange(from, to, d, cur, out);
            return;
        }
        Label top = new Label(), test = new Label();
        int i = g.intLocal(from);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        inner = i;
        interior = inside;
        idx = op -> {
            mv.visitVarInsn(ILOAD, cur[op]);
            int s = strides[op][d];
            if (s != 0) {
                mv.visitVarInsn(ILOAD, i);
                if (s != 1) {
                    g.iconst(s);
                    mv.visitInsn(IMUL);
                }
                mv.visitInsn(IADD);
            }
        };
        store(out);
        mv.visitIincInsn(i, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, i);
        g.iconst(to);
        mv.visitJumpInsn(IF_ICMPLT, top);
    }

    // ------------------------------------------------------------------------------------------------ vectors

    private static final String BV = "Ljdk/incubator/vector/ByteVector;";
    private static final String VEC = "ncd/jvm/Vec";

    /**
     * The interior on vectors: {@code lanes} elements per iteration, then one last vector ending at {@code to}
     * (it overlaps the previous one; the output is not an input, so recomputing those elements is harmless).
     */
    /** Offset combinations of one stencil that one partial-sum method adds (see {@link #vectorRange}). */
    private static final int GROUP = 9;

    /** Byte scratch rows of the stencils (one vector row each), when the interior runs on vectors. */
    private int[] scratch;
    /** In the main vector method, stencils are read from their scratch rows. */
    private boolean fromScratch;

    /**
     * The interior on vectors, in methods of their own, called once per row with the operands' offsets and the
     * stencils' row offsets: C2 stops inlining in a method once it has created ~18000 nodes, and the Vector API
     * expands into many, so a method that does too much leaves its vectors boxed (and allocating). Each stencil's
     * sum is built in a byte scratch row by methods adding {@link #GROUP} offsets each; then one method computes
     * the rest of the expression from the scratch rows and stores it.
     */
    private void vectorRange(int from, int to, int d, int[] cur, int out) {
        List<Integer> args = new ArrayList<>();
        for (int c : cur) args.add(c);
        for (int[][][] table : new int[][][][] {offLocal, okLocal}) {
            for (int[][] perDim : table) for (int[] ls : perDim) if (ls != null) for (int l : ls) args.add(l);
        }
        int n = t.axes().get(d).size();
        // two rows per stencil: each partial sum reads the previous group's row and writes the other, so that
        // computing the overlapping last vector again gives the same values
        int[] rows = new int[2 * sts.size()];
        for (int r = 0; r < rows.length; r++) rows[r] = plan.addBuffer(new byte[n]);
        String desc = "(" + "I".repeat(args.size()) + ")V";
        String main = "n" + root.id() + "_v";
        call(main, desc, args);
        int[][][] offShape = offLocal, okShape = okLocal;
        int nargs = args.size();
        String ldesc = desc;
        sink.method(main, desc, 1 + nargs, g2 -> {
            List<String> loops = new ArrayList<>();
            for (int si = 0; si < sts.size(); si++) {
                long total = 1;
                for (Attr.WindowDim w : sts.get(si).attr().dims()) total *= w.offset().size();
                for (int gi = 0; gi * GROUP < total; gi++) {
                    String part = "n" + root.id() + "_s" + si + "_" + gi;
                    loops.add(part);
                    int s0 = si, g0 = gi, lo = gi * GROUP, hi = (int) Math.min(total, (long) (gi + 1) * GROUP);
                    sink.method(part, ldesc, 1 + nargs, g3 -> {
                        Fused f = sub(g3, offShape, okShape, cur.length, rows);
                        f.vectorLoop(from, to, i -> f.partialSum(s0, g0, sts.get(s0), lo, hi, i, d));
                    });
                }
            }
            String rest = "n" + root.id() + "_r";
            loops.add(rest);
            sink.method(rest, ldesc, 1 + nargs, g3 -> {
                Fused f = sub(g3, offShape, okShape, cur.length, rows);
                f.fromScratch = true;
                f.vectorLoop(from, to, i -> f.vstore(i, d, f.subCur, f.out));
            });
            for (String l : loops) {
                g2.mv.visitVarInsn(ALOAD, 0);
                for (int i = 1; i <= nargs; i++) g2.mv.visitVarInsn(ILOAD, i);
                g2.mv.visitMethodInsn(INVOKESPECIAL, owner, l, ldesc, false);
            }
        });
    }

    private int[] subCur;

    private void call(String name, String desc, List<Integer> args) {
        mv.visitVarInsn(ALOAD, 0);
        for (int l : args) mv.visitVarInsn(ILOAD, l);
        mv.visitMethodInsn(INVOKESPECIAL, owner, name, desc, false);
    }

    /** A Fused for a vector sub-method whose int arguments are the operand offsets, then the stencil row offsets. */
    private Fused sub(MethodGen g2, int[][][] offShape, int[][][] okShape, int ops, int[] rows) {
        Fused f = new Fused(plan, g2, root, owner, sink);
        // C2 inlines a hot callee of up to FreqInlineSize (325) bytecode bytes; these methods must stay separate
        // compilations (see vectorRange), so they are padded past that with NOPs, which C2 parses into nothing
        for (int i = 0; i < 330; i++) g2.mv.visitInsn(NOP);
        int next = 1;
        f.subCur = new int[ops];
        for (int op = 0; op < ops; op++) f.subCur[op] = next++;
        f.offLocal = new int[offShape.length][][];
        f.okLocal = new int[okShape.length][][];
        for (int k = 0; k < 2; k++) {
            int[][][] shape = k == 0 ? offShape : okShape, into = k == 0 ? f.offLocal : f.okLocal;
            for (int s = 0; s < shape.length; s++) {
                into[s] = new int[shape[s].length][];
                for (int w = 0; w < shape[s].length; w++) {
                    if (shape[s][w] == null) continue;
                    into[s][w] = new int[shape[s][w].length];
                    for (int j = 0; j < shape[s][w].length; j++) into[s][w][j] = next++;
                }
            }
        }
        f.prepare();
        f.vector = true;
        f.lanes = lanes;
        f.scratch = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            f.scratch[i] = g2.local(1);
            g2.mv.visitVarInsn(ALOAD, 0);
            g2.mv.visitFieldInsn(GETFIELD, MethodGen.KERNEL, "b", "[Ljava/lang/Object;");
            g2.iconst(rows[i]);
            g2.mv.visitInsn(AALOAD);
            g2.mv.visitTypeInsn(CHECKCAST, "[B");
            g2.mv.visitVarInsn(ASTORE, f.scratch[i]);
        }
        return f;
    }

    /**
     * {@code i = from, from + lanes, ...} while a whole vector fits, then once more at {@code to - lanes} when the
     * last vector is partial: it overlaps the one before, and since the output is not an input, recomputing those
     * elements is harmless. One copy of the body.
     */
    private void vectorLoop(int from, int to, java.util.function.IntConsumer body) {
        Label top = new Label(), done = new Label();
        int i = g.intLocal(from);
        mv.visitLabel(top);
        body.accept(i);
        mv.visitVarInsn(ILOAD, i);
        g.iconst(to - lanes);
        mv.visitJumpInsn(IF_ICMPGE, done);
        mv.visitIincInsn(i, lanes);
        mv.visitVarInsn(ILOAD, i);
        g.iconst(to - lanes);
        mv.visitJumpInsn(IF_ICMPLE, top);
        g.iconst(to - lanes);
        mv.visitVarInsn(ISTORE, i);
        mv.visitJumpInsn(GOTO, top);
        mv.visitLabel(done);
    }

    /** Row {@code gi % 2} of stencil {@code si} = row {@code (gi - 1) % 2} (none for the first group) + offsets {@code lo..hi-1}. */
    private void partialSum(int si, int gi, Fusion.Stencil s, int lo, int hi, int i, int d) {
        inner = i;
        interior = true;
        idx = op -> {
            mv.visitVarInsn(ILOAD, subCur[op]);
            int st = strides[op][d];
            if (st != 0) {
                mv.visitVarInsn(ILOAD, i);
                if (st != 1) {
                    g.iconst(st);
                    mv.visitInsn(IMUL);
                }
                mv.visitInsn(IADD);
            }
        };
        if (lo > 0) {
            mv.visitVarInsn(ALOAD, scratch[2 * si + (gi - 1) % 2]);
            mv.visitVarInsn(ILOAD, i);
            vec("ldb", "([BI)" + BV);
        }
        vstencil(si, s, lo, hi, lo > 0);
        mv.visitVarInsn(ALOAD, scratch[2 * si + gi % 2]);
        mv.visitVarInsn(ILOAD, i);
        vec("stb", "(" + BV + "[BI)V");
    }

    private void vstore(int i, int d, int[] cur, int out) {
        inner = i;
        interior = true;
        idx = op -> {
            mv.visitVarInsn(ILOAD, cur[op]);
            int s = strides[op][d];
            if (s != 0) {
                mv.visitVarInsn(ILOAD, i);
                if (s != 1) {
                    g.iconst(s);
                    mv.visitInsn(IMUL);
                }
                mv.visitInsn(IADD);
            }
        };
        vcache.clear();
        veval(root);
        mv.visitVarInsn(ALOAD, out);
        idx.push(0);
        vec("st", "(" + BV + "[ZI)V");
    }

    private void vec(String name, String desc) { mv.visitMethodInsn(INVOKESTATIC, VEC, name, desc, false); }

    private final java.util.Map<Node, Integer> vcache = new java.util.HashMap<>();

    /** Pushes node {@code n}'s values at {@code lanes} consecutive elements as a byte vector. */
    private void veval(Node n) {
        if (!plan.fusion.shared.contains(n)) {
            vcompute(n);
            return;
        }
        Integer l = vcache.get(n);
        if (l != null) {
            mv.visitVarInsn(ALOAD, l);
            return;
        }
        vcompute(n);
        int local = g.local(1);
        mv.visitInsn(DUP);
        mv.visitVarInsn(ASTORE, local);
        vcache.put(n, local);
    }

    private static final String B1 = "(" + BV + ")" + BV, B2 = "(" + BV + BV + ")" + BV;

    private void vcompute(Node n) {
        if (n.op() == Op.CONST) {
            double v = ((Attr.Scalar) n.attr()).value();
            g.iconst(n.type().dtype() == DType.BOOL ? (v != 0 ? 1 : 0) : Rt.toI32(v));
            vec("k", "(I)" + BV);
            return;
        }
        if (isLeaf(n)) {
            int i = leaves.indexOf(n);
            mv.visitVarInsn(ALOAD, leafBuf[i]);
            idx.push(1 + i);
            vec("ld", "([ZI)" + BV);
            return;
        }
        Fusion.Stencil st = plan.fusion.stencils.get(n);
        if (st != null) {
            if (!fromScratch) throw new IllegalStateException("stencil outside its scratch row");
            long total = 1;
            for (Attr.WindowDim w : st.attr().dims()) total *= w.offset().size();
            int groups = (int) ((total + GROUP - 1) / GROUP);
            mv.visitVarInsn(ALOAD, scratch[2 * sts.indexOf(st) + (groups - 1) % 2]);
            mv.visitVarInsn(ILOAD, inner);
            vec("ldb", "([BI)" + BV);
            return;
        }
        switch (n.op()) {
            case UNARY -> {
                veval(n.input(0));
                vec(((Attr.Unary) n.attr()).fn() == Attr.UnaryFn.NOT ? "not" : "neg", B1);
            }
            case CAST -> {
                veval(n.input(0));
                if (((Attr.Cast) n.attr()).to() == DType.BOOL && n.input(0).type().dtype() != DType.BOOL) vec("nz", B1);
            }
            case WHERE -> {
                veval(n.input(0));
                veval(n.input(1));
                veval(n.input(2));
                vec("where", "(" + BV + BV + BV + ")" + BV);
            }
            case BINARY -> {
                veval(n.input(0));
                veval(n.input(1));
                vec(((Attr.Binary) n.attr()).fn().name().toLowerCase(java.util.Locale.ROOT), B2);
            }
            default -> throw new IllegalStateException("not vectorisable: " + n);
        }
    }

    /** Pushes the sum (any, all) of the stencil's offset combinations {@code lo..hi-1}, added to the vector below when {@code onto}. */
    private void vstencil(int si, Fusion.Stencil s, long lo, long hi, boolean onto) {
        List<Attr.WindowDim> dims = s.attr().dims();
        boolean wrap = s.attr().boundary() == Attr.Boundary.WRAP;
        boolean any = ((Attr.Reduce) s.reduce().attr()).fn() == Attr.ReduceFn.ANY;
        boolean sum = ((Attr.Reduce) s.reduce().attr()).fn() == Attr.ReduceFn.SUM;
        int k = s.offsets().size();
        int[] wOf = new int[k], size = new int[k];
        long total = 1;
        for (int a = 0; a < k; a++) {
            for (int w = 0; w < dims.size(); w++) if (dims.get(w).offset().name().equals(s.offsets().get(a))) wOf[a] = w;
            size[a] = dims.get(wOf[a]).offset().size();
            total *= size[a];
        }
        int[] j = new int[k];
        for (long combo = lo; combo < hi; combo++) {
            long rest = combo;
            for (int a = k - 1; a >= 0; a--) {
                j[a] = (int) (rest % size[a]);
                rest /= size[a];
            }
            Label zero = new Label(), join = new Label();
            boolean checked = false;
            if (!wrap) {
                for (int a = 0; a < k; a++) {
                    Attr.WindowDim w = dims.get(wOf[a]);
                    if (dimOf(w.axis()) == rank - 1) continue;
                    mv.visitVarInsn(ILOAD, okLocal[si][wOf[a]][j[a]]);
                    mv.visitJumpInsn(IFEQ, zero);
                    checked = true;
                }
            }
            mv.visitVarInsn(ALOAD, xBuf[si]);
            idx.push(1 + leaves.size() + si);
            for (int a = 0; a < k; a++) {
                Attr.WindowDim w = dims.get(wOf[a]);
                int d = dimOf(w.axis()), h = size[a] / 2;
                if (d != rank - 1) {
                    mv.visitVarInsn(ILOAD, offLocal[si][wOf[a]][j[a]]);
                    mv.visitInsn(IADD);
                } else {
                    mv.visitVarInsn(ILOAD, inner);     // the inner stride is 1 (checked by vrange)
                    mv.visitInsn(IADD);
                    if (j[a] != h) {
                        g.iconst(j[a] - h);
                        mv.visitInsn(IADD);
                    }
                }
            }
            vec("ld", "([ZI)" + BV);
            if (checked) {
                mv.visitJumpInsn(GOTO, join);
                mv.visitLabel(zero);
                vec("zero", "()" + BV);
                mv.visitLabel(join);
            }
            if (combo > lo || onto) vec(sum ? "add" : any ? "or" : "and", B2);
        }
    }

    /**
     * The range of values node {@code n} takes, when the vector path can compute it exactly in byte lanes: bool and
     * i32 values only, every i32 intermediate provably within [-128, 127], bool leaves read contiguously. Null otherwise.
     */
    private long[] vrange(Node n) {
        DType dt = n.type().dtype();
        if (dt != DType.BOOL && dt != DType.I32) return null;
        long[] r = vrange0(n);
        if (r == null || r[0] < Byte.MIN_VALUE || r[1] > Byte.MAX_VALUE) return null;
        return r;
    }

    private long[] vrange0(Node n) {
        DType dt = n.type().dtype();
        if (n.op() == Op.CONST) {
            double v = ((Attr.Scalar) n.attr()).value();
            long c = dt == DType.BOOL ? (v != 0 ? 1 : 0) : Rt.toI32(v);
            return new long[] {c, c};
        }
        if (isLeaf(n)) {
            int i = leaves.indexOf(n);
            return dt == DType.BOOL && strides[1 + i][rank - 1] == 1 ? new long[] {0, 1} : null;
        }
        Fusion.Stencil st = plan.fusion.stencils.get(n);
        if (st != null) {
            if (st.x().type().dtype() != DType.BOOL) return null;
            String innerAxis = t.axes().get(rank - 1).name();
            if (Shapes.stride(st.x().type(), innerAxis) != 1) return null;
            for (Node c : st.chain()) {
                if (c.op() != Op.CAST || c.type().dtype() != DType.I32) return null;
            }
            Attr.ReduceFn fn = ((Attr.Reduce) st.reduce().attr()).fn();
            long total = 1;
            for (Attr.WindowDim w : st.attr().dims()) total *= w.offset().size();
            if (fn == Attr.ReduceFn.SUM && dt == DType.I32 && !st.chain().isEmpty()) return new long[] {0, total};
            if ((fn == Attr.ReduceFn.ANY || fn == Attr.ReduceFn.ALL) && dt == DType.BOOL && st.chain().isEmpty()) return new long[] {0, 1};
            return null;
        }
        switch (n.op()) {
            case UNARY -> {
                Attr.UnaryFn fn = ((Attr.Unary) n.attr()).fn();
                long[] a = vrange(n.input(0));
                if (a == null) return null;
                if (fn == Attr.UnaryFn.NOT) return new long[] {0, 1};
                if (fn == Attr.UnaryFn.NEG && dt == DType.I32) return new long[] {-a[1], -a[0]};
                return null;
            }
            case CAST -> {
                long[] a = vrange(n.input(0));
                if (a == null) return null;
                return dt == DType.BOOL ? new long[] {0, 1} : a;
            }
            case WHERE -> {
                long[] c = vrange(n.input(0)), a = vrange(n.input(1)), b = vrange(n.input(2));
                if (c == null || a == null || b == null) return null;
                return new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])};
            }
            case BINARY -> {
                Attr.BinaryFn fn = ((Attr.Binary) n.attr()).fn();
                long[] a = vrange(n.input(0)), b = vrange(n.input(1));
                if (a == null || b == null) return null;
                if (fn == Attr.BinaryFn.LT || fn == Attr.BinaryFn.LE || fn == Attr.BinaryFn.GT || fn == Attr.BinaryFn.GE) {
                    // Vec compares by the sign of the difference: both differences must fit a byte
                    long hi = Math.max(a[1] - b[0], b[1] - a[0]), lo = Math.min(a[0] - b[1], b[0] - a[1]);
                    if (hi > Byte.MAX_VALUE || lo < Byte.MIN_VALUE) return null;
                }
                if (fn.isComparison() || fn.isLogical()) return new long[] {0, 1};
                return switch (fn) {
                    case ADD -> new long[] {a[0] + b[0], a[1] + b[1]};
                    case SUB -> new long[] {a[0] - b[1], a[1] - b[0]};
                    case MUL -> {
                        long p = a[0] * b[0], q = a[0] * b[1], r = a[1] * b[0], u = a[1] * b[1];
                        yield new long[] {Math.min(Math.min(p, q), Math.min(r, u)), Math.max(Math.max(p, q), Math.max(r, u))};
                    }
                    default -> null;
                };
            }
            default -> {
                return null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ float lanes

    private static final String FV = "Ljdk/incubator/vector/FloatVector;";
    private static final String VECF = "ncd/jvm/VecF";
    /** The innermost dimension's stride per operand (0 or 1 on the float-lane path). */
    private int[] innerStrides;
    /** Locals holding shared nodes' vectors for the current lanes. */
    private final java.util.Map<Node, Integer> fcache = new java.util.HashMap<>();

    /**
     * Whether the loop runs on f32 vector lanes ({@link VecF}): every node of the group is an f32 operation with a
     * vector form, the root is written contiguously along the innermost dimension, and every leaf is read there
     * contiguously or broadcast (stride 1 or 0), with at least one full vector of elements.
     */
    private boolean floatLanes(MethodGen.Nest nest) {
        if (!Gemm.VectorProbe.PRESENT || nest.rank() == 0 || nest.sizes()[nest.rank() - 1] < VecF.LANES) return false;
        int last = nest.rank() - 1;
        if (nest.strides()[0][last] != 1) return false;
        for (int i = 0; i < leaves.size(); i++) {
            int st = nest.strides()[1 + i][last];
            if (leaves.get(i).type().dtype() != DType.F32 || (st != 0 && st != 1)) return false;
        }
        for (Node n : visited) if (!floatOp(n)) return false;
        return floatOp(root);
    }

    private boolean floatOp(Node n) {
        if (n.type().dtype() != DType.F32) return false;
        for (Node in : n.inputs()) if (in.type().dtype() != DType.F32) return false;
        switch (n.op()) {
            case EXPAND, CAST:
                return true;
            case BINARY:
                switch (((Attr.Binary) n.attr()).fn()) {
                    case ADD, SUB, MUL, DIV, MAX, MIN: return true;
                    default: return false;
                }
            case UNARY: {
                Attr.Unary u = (Attr.Unary) n.attr();
                switch (u.fn()) {
                    case NEG, ABS, RELU, SQRT: return true;
                    case POW_CONST: return u.exponent() == 2.0;
                    case EXP, LOG, TANH, SIN, COS, SIGMOID: return !plan.options.exactMath();
                    default: return false;
                }
            }
            default:
                return false;
        }
    }

    /** Pushes node {@code n}'s vector at the current lanes. */
    private void fvec(Node n) {
        Integer l = fcache.get(n);
        if (l != null) {
            mv.visitVarInsn(ALOAD, l);
            return;
        }
        fcompute(n);
        if (plan.fusion.shared.contains(n)) {
            int local = g.local(1);
            mv.visitInsn(DUP);
            mv.visitVarInsn(ASTORE, local);
            fcache.put(n, local);
        }
    }

    private void fcompute(Node n) {
        if (n.op() == Op.CONST) {
            g.fconst((float) ((Attr.Scalar) n.attr()).value());
            mv.visitMethodInsn(INVOKESTATIC, VECF, "k", "(F)" + FV, false);
            return;
        }
        if (isLeaf(n)) {
            int i = leaves.indexOf(n);
            mv.visitVarInsn(ALOAD, leafBuf[i]);
            idx.push(1 + i);
            if (innerStrides[1 + i] == 0) {
                mv.visitInsn(FALOAD);
                mv.visitMethodInsn(INVOKESTATIC, VECF, "k", "(F)" + FV, false);
            } else {
                mv.visitMethodInsn(INVOKESTATIC, VECF, "ld", "([FI)" + FV, false);
            }
            return;
        }
        switch (n.op()) {
            case EXPAND, CAST -> fvec(n.input(0));
            case BINARY -> {
                fvec(n.input(0));
                fvec(n.input(1));
                String f = ((Attr.Binary) n.attr()).fn().word();
                mv.visitMethodInsn(INVOKESTATIC, VECF, f, "(" + FV + FV + ")" + FV, false);
            }
            case UNARY -> {
                fvec(n.input(0));
                Attr.Unary u = (Attr.Unary) n.attr();
                String f = u.fn() == Attr.UnaryFn.POW_CONST ? "square" : u.fn().word();
                mv.visitMethodInsn(INVOKESTATIC, VECF, f, "(" + FV + ")" + FV, false);
            }
            default -> throw new IllegalStateException("no float-lane form for " + n);
        }
    }

    // ------------------------------------------------------------------------------------------------ values

    /** Locals holding the shared nodes computed so far for the current element (code emitted in order dominates). */
    private final java.util.Map<Node, Integer> cache = new java.util.HashMap<>();

    /** Pushes node {@code n}'s value at the current point, rounded to its dtype; returns its kind. */
    private Kind eval(Node n) {
        if (!plan.fusion.shared.contains(n)) return compute(n);
        Kind k = MethodGen.kindOf(n.type().dtype());
        Integer l = cache.get(n);
        if (l != null) {
            mv.visitVarInsn(k == Kind.I ? ILOAD : k == Kind.F ? FLOAD : DLOAD, l);
            return k;
        }
        compute(n);
        int local = g.local(k == Kind.D ? 2 : 1);
        mv.visitInsn(k == Kind.D ? DUP2 : DUP);
        mv.visitVarInsn(k == Kind.I ? ISTORE : k == Kind.F ? FSTORE : DSTORE, local);
        cache.put(n, local);
        return k;
    }

    private Kind compute(Node n) {
        DType dt = n.type().dtype();
        if (n.op() == Op.CONST) return g.constant(dt, ((Attr.Scalar) n.attr()).value());
        if (isLeaf(n)) {
            int i = leaves.indexOf(n);
            mv.visitVarInsn(ALOAD, leafBuf[i]);
            idx.push(1 + i);
            return g.aload(dt);
        }
        Fusion.Stencil s = plan.fusion.stencils.get(n);
        if (s != null) return stencil(sts.indexOf(s), s);
        Kind k = Elementwise.value(g, n, i -> eval(n.input(i)), () -> {
            g.lconst(Rng.seedOf(n.scope(), ((Attr.Random) n.attr()).seed()));
            mv.visitVarInsn(LLOAD, stream);
            idx.push(0);
        });
        g.toStore(k, dt);
        return MethodGen.kindOf(dt);
    }

    /** A fused stencil's reduction at the current point, written out offset by offset (in the interpreter's order). */
    private Kind stencil(int si, Fusion.Stencil s) {
        Attr.Reduce r = (Attr.Reduce) s.reduce().attr();
        TensorType it = s.reduce().input(0).type(), xt = s.x().type();
        DType xd = xt.dtype();
        boolean wrap = s.attr().boundary() == Attr.Boundary.WRAP;
        List<Attr.WindowDim> dims = s.attr().dims();
        // i32 sums and products wrap: int accumulation; i32 max and min are exact in int (as ClassGen.reduce)
        boolean intAcc = it.dtype() == DType.I32;
        boolean bool = it.dtype() == DType.BOOL || intAcc;
        int acc = g.local(bool ? 1 : 2), v = g.local(2);
        switch (r.fn()) {
            case ANY -> g.iconst(0);
            case ALL -> g.iconst(1);
            case SUM, MEAN -> { if (intAcc) g.iconst(0); else g.dconst(0); }
            case MAX -> { if (intAcc) g.iconst(Integer.MIN_VALUE); else g.dconst(Double.NEGATIVE_INFINITY); }
            case MIN -> { if (intAcc) g.iconst(Integer.MAX_VALUE); else g.dconst(Double.POSITIVE_INFINITY); }
            case PROD -> { if (intAcc) g.iconst(1); else g.dconst(1); }
            default -> throw new IllegalStateException(r.fn().name());
        }
        mv.visitVarInsn(bool ? ISTORE : DSTORE, acc);
        // window dim of each reduced offset axis, in the order of accumulation
        int k = s.offsets().size();
        int[] wOf = new int[k], size = new int[k];
        long total = 1;
        for (int a = 0; a < k; a++) {
            for (int w = 0; w < dims.size(); w++) if (dims.get(w).offset().name().equals(s.offsets().get(a))) wOf[a] = w;
            size[a] = dims.get(wOf[a]).offset().size();
            total *= size[a];
        }
        int[] j = new int[k];
        for (long combo = 0; combo < total; combo++) {
            long rest = combo;
            for (int a = k - 1; a >= 0; a--) {
                j[a] = (int) (rest % size[a]);
                rest /= size[a];
            }
            Label zero = new Label(), join = new Label();
            boolean checked = false;
            if (!wrap) {
                for (int a = 0; a < k; a++) {
                    Attr.WindowDim w = dims.get(wOf[a]);
                    int d = dimOf(w.axis()), h = size[a] / 2, n = w.offset().size() > 0 ? t.axes().get(d).size() : 0;
                    if (d != rank - 1) {
                        mv.visitVarInsn(ILOAD, okLocal[si][wOf[a]][j[a]]);
                    } else {
                        if (interior) continue;
                        mv.visitVarInsn(ILOAD, inner);
                        g.iconst(j[a] - h);
                        mv.visitInsn(IADD);
                        g.iconst(n);
                        g.rt("inRange", "(II)Z");
                    }
                    mv.visitJumpInsn(IFEQ, zero);
                    checked = true;
                }
            }
            mv.visitVarInsn(ALOAD, xBuf[si]);
            idx.push(1 + leaves.size() + si);
            for (int a = 0; a < k; a++) {
                Attr.WindowDim w = dims.get(wOf[a]);
                int d = dimOf(w.axis()), h = size[a] / 2, n = t.axes().get(d).size();
                int xs = Shapes.stride(xt, w.axis());
                if (d != rank - 1) {
                    mv.visitVarInsn(ILOAD, offLocal[si][wOf[a]][j[a]]);
                    mv.visitInsn(IADD);
                } else if (interior) {
                    mv.visitVarInsn(ILOAD, inner);
                    if (xs != 1) {
                        g.iconst(xs);
                        mv.visitInsn(IMUL);
                    }
                    mv.visitInsn(IADD);
                    if (j[a] != h) {
                        g.iconst((j[a] - h) * xs);
                        mv.visitInsn(IADD);
                    }
                } else {
                    coordinate(inner, j[a] - h, n, wrap);
                    if (xs != 1) {
                        g.iconst(xs);
                        mv.visitInsn(IMUL);
                    }
                    mv.visitInsn(IADD);
                }
            }
            Kind kind = g.aload(xd);
            if (checked) {
                mv.visitJumpInsn(GOTO, join);
                mv.visitLabel(zero);
                g.constant(xd, 0);
                mv.visitLabel(join);
            }
            for (Node c : s.chain()) {
                Kind in = kind;
                Kind res = Elementwise.value(g, c, x -> in, () -> { throw new IllegalStateException("random in a stencil"); });
                g.toStore(res, c.type().dtype());
                kind = MethodGen.kindOf(c.type().dtype());
            }
            if (intAcc) {
                mv.visitVarInsn(ILOAD, acc);
                switch (r.fn()) {
                    case SUM -> mv.visitInsn(IADD);
                    case PROD -> mv.visitInsn(IMUL);
                    case MAX, MIN -> g.math(r.fn() == Attr.ReduceFn.MAX ? "max" : "min", "(II)I");
                    default -> throw new IllegalStateException(r.fn().name());
                }
                mv.visitVarInsn(ISTORE, acc);
                continue;
            }
            if (bool) {
                mv.visitVarInsn(ILOAD, acc);
                mv.visitInsn(r.fn() == Attr.ReduceFn.ANY ? IOR : IAND);
                mv.visitVarInsn(ISTORE, acc);
                continue;
            }
            g.toD(kind);
            switch (r.fn()) {
                case SUM, MEAN, PROD -> {
                    mv.visitVarInsn(DLOAD, acc);
                    mv.visitInsn(r.fn() == Attr.ReduceFn.PROD ? DMUL : DADD);
                }
                case MAX, MIN -> {
                    mv.visitVarInsn(DSTORE, v);
                    mv.visitVarInsn(DLOAD, acc);
                    mv.visitVarInsn(DLOAD, v);
                    g.rt(r.fn() == Attr.ReduceFn.MAX ? "maxAcc" : "minAcc", "(DD)D");
                }
                default -> throw new IllegalStateException(r.fn().name());
            }
            mv.visitVarInsn(DSTORE, acc);
        }
        DType od = s.reduce().type().dtype();
        if (bool) {
            mv.visitVarInsn(ILOAD, acc);
        } else {
            mv.visitVarInsn(DLOAD, acc);
            if (r.fn() == Attr.ReduceFn.MEAN) {
                g.dconst(total);
                mv.visitInsn(DDIV);
            }
            g.toStore(Kind.D, od);
        }
        return MethodGen.kindOf(od);
    }
}
