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
 * and every intermediate provably fits a byte ({@link #vrange}), the loop runs on byte vectors ({@link Vec}) as
 * separable sums in passes of their own (see {@link #vectorPasses}).
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
    /** Elements per byte-lane vector ({@link Vec}) in the vector passes. */
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
        if (vectorizable()) {
            vectorPasses();
            return;
        }
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
        if (rowBody != null) {
            vectorRow(d, cur);
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
            // where the time goes
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
        Label top = new Label(), test = new Label();
        int i = g.intLocal(from);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        inner = i;
        interior = inside;
        idx = g.stepped(cur, strides, d, i);
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
    private static final String B1 = "(" + BV + ")" + BV, B2 = "(" + BV + BV + ")" + BV;

    /**
     * Most vector loads one vector method adds up: C2 stops inlining once a compilation has created ~18000 nodes, and
     * the Vector API expands into many, so a method that does too much leaves its vectors boxed (and allocating).
     */
    private static final int GROUP = 9;

    /** Per stencil: the byte buffer slot of its inner-axis sums (laid out as x), and of its full sums (as the root); -1 if none. */
    private int[] hSlot, pSlot;
    /** In a vector method: what the loop over one row computes at the vector starting at element {@code i}. */
    private java.util.function.IntConsumer rowBody;

    /**
     * Whether the loop runs on byte-lane vectors: a bool result, every intermediate provably within a byte
     * ({@link #vrange}), the root and the leaves read contiguously along the innermost axis, rows of at least one
     * vector, and at most one window dimension per stencil on that axis.
     */
    private boolean vectorizable() {
        if (!Gemm.VectorProbe.PRESENT || t.dtype() != DType.BOOL || rank == 0 || strides[0][rank - 1] != 1) return false;
        if (t.axes().get(rank - 1).size() < Vec.LANES || vrange(root) == null) return false;
        String axis = t.axes().get(rank - 1).name();
        for (Fusion.Stencil st : sts) {
            int k = 0;
            for (Attr.WindowDim w : st.attr().dims()) if (w.axis().equals(axis)) k++;
            if (k > 1) return false;
        }
        return true;
    }

    private String innerAxis() { return t.axes().get(rank - 1).name(); }

    private static long combos(Fusion.Stencil st) {
        long total = 1;
        for (Attr.WindowDim w : st.attr().dims()) total *= w.offset().size();
        return total;
    }

    /** The stencil's window size along the innermost axis (1 when that axis is not windowed). */
    private int innerSize(Fusion.Stencil st) {
        Attr.WindowDim w = windowed(st, innerAxis());
        return w == null ? 1 : w.offset().size();
    }

    /**
     * The loop on byte vectors, as separable sums (the stencils' sums and any/all are over small ints or bools, so
     * any order of accumulation gives the interpreter's result): for each stencil windowed along the innermost axis,
     * one pass over x's rows sums the offsets along that axis into a byte buffer shaped like x (wrap or zero at the
     * row ends, in scalar code; the rest on vectors); then one pass over the root adds the other offsets of that
     * buffer (whole rows on vectors, no boundary logic: the outer offsets are per row) and computes the expression.
     * Every pass is a method of its own, called once per step with its loops inside (see {@link #GROUP}); a sum of
     * more than {@code GROUP} loads is split over several passes through two ping-pong byte buffers.
     */
    private void vectorPasses() {
        lanes = Vec.LANES;
        int n = t.axes().get(rank - 1).size();
        int size = t.arrayLength();
        hSlot = new int[sts.size()];
        pSlot = new int[sts.size()];
        java.util.Arrays.fill(hSlot, -1);
        java.util.Arrays.fill(pSlot, -1);
        List<String> passes = new ArrayList<>();
        String id = "n" + root.id();
        int direct = 0;
        for (int si = 0; si < sts.size(); si++) {
            Fusion.Stencil st = sts.get(si);
            int kI = innerSize(st);
            long kO = combos(st) / kI;
            if (kI > 1) {
                int groups = (kI + GROUP - 1) / GROUP;
                int[] bufs = {plan.addBuffer(new byte[size]), groups > 1 ? plan.addBuffer(new byte[size]) : -1};
                for (int gi = 0; gi < groups; gi++) {
                    int s0 = si, lo = gi * GROUP, hi = Math.min(kI, lo + GROUP);
                    int prev = gi == 0 ? -1 : bufs[(gi - 1) % 2], dst = bufs[gi % 2];
                    String name = id + "_h" + si + "_" + gi;
                    passes.add(name);
                    sink.method(name, "()V", 1, g2 -> vsub(g2).innerPass(s0, lo, hi, prev, dst, n));
                }
                hSlot[si] = bufs[(groups - 1) % 2];
            }
            if (kO > 1 && direct + kO > GROUP) {
                int groups = (int) ((kO + GROUP - 1) / GROUP);
                int[] bufs = {plan.addBuffer(new byte[size]), groups > 1 ? plan.addBuffer(new byte[size]) : -1};
                for (int gi = 0; gi < groups; gi++) {
                    int s0 = si, lo = gi * GROUP, hi = (int) Math.min(kO, lo + GROUP);
                    int prev = gi == 0 ? -1 : bufs[(gi - 1) % 2], dst = bufs[gi % 2];
                    String name = id + "_p" + si + "_" + gi;
                    passes.add(name);
                    sink.method(name, "()V", 1, g2 -> {
                        Fused f = vsub(g2);
                        int p = prev < 0 ? -1 : f.byteBuffer(prev), o = f.byteBuffer(dst);
                        f.rowBody = i -> {
                            if (p >= 0) f.loadBytes(p, 0);
                            f.outerSum(s0, lo, hi, p >= 0, i);
                            f.mv.visitVarInsn(ALOAD, o);
                            f.idx.push(0);
                            f.vec("stb", "(" + BV + "[BI)V");
                        };
                        f.rows();
                    });
                }
                pSlot[si] = bufs[(groups - 1) % 2];
            } else {
                direct += (int) kO;
            }
        }
        String last = id + "_v";
        passes.add(last);
        sink.method(last, "()V", 1, g2 -> {
            Fused f = vsub(g2);
            f.rowBody = i -> {
                f.vcache.clear();
                f.veval(root);
                f.mv.visitVarInsn(ALOAD, f.out);
                f.idx.push(0);
                f.vec("st", "(" + BV + "[ZI)V");
            };
            f.rows();
        });
        for (String p : passes) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESPECIAL, owner, p, "()V", false);
        }
    }

    /** A Fused emitting one vector pass into a method of its own, with the operands' buffers in locals. */
    private Fused vsub(MethodGen g2) {
        Fused f = new Fused(plan, g2, root, owner, sink);
        // C2 inlines a hot callee of up to FreqInlineSize (325) bytecode bytes; a pass must stay a compilation of its
        // own (see GROUP), so it is padded past that with NOPs, which C2 parses into nothing
        for (int i = 0; i < 330; i++) g2.mv.visitInsn(NOP);
        f.prepare();
        f.lanes = lanes;
        f.hLocal = new int[sts.size()];
        f.pLocal = new int[sts.size()];
        for (int s = 0; s < sts.size(); s++) {
            f.hLocal[s] = hSlot[s] < 0 ? -1 : f.byteBuffer(hSlot[s]);
            f.pLocal[s] = pSlot[s] < 0 ? -1 : f.byteBuffer(pSlot[s]);
        }
        f.offLocal = new int[sts.size()][][];
        f.okLocal = new int[sts.size()][][];
        for (int s = 0; s < sts.size(); s++) {
            f.offLocal[s] = new int[sts.get(s).attr().dims().size()][];
            f.okLocal[s] = new int[sts.get(s).attr().dims().size()][];
        }
        return f;
    }

    /** Locals holding the stencils' inner-sum and full-sum buffers in a vector pass (-1 where none). */
    private int[] hLocal, pLocal;

    /** A local holding the byte buffer in {@code slot}. */
    private int byteBuffer(int slot) {
        int l = g.local(1);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, MethodGen.KERNEL, "b", "[Ljava/lang/Object;");
        g.iconst(slot);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, "[B");
        mv.visitVarInsn(ASTORE, l);
        return l;
    }

    /** The root's loop nest with {@link #rowBody} over each whole innermost row (see {@link #level}). */
    private void rows() {
        int zero = g.intLocal(0);
        int[] base = new int[strides.length];
        java.util.Arrays.fill(base, zero);
        level(0, base, strides, out);
    }

    /** The innermost row of a vector pass: {@link #rowBody} at every vector, the operands' indices at its first lane. */
    private void vectorRow(int d, int[] cur) {
        int n = t.axes().get(d).size();
        vectorLoop(0, n, i -> {
            inner = i;
            interior = true;
            idx = g.stepped(cur, strides, d, i);
            rowBody.accept(i);
        });
    }

    /**
     * {@code i = from, from + lanes, ...} while a whole vector fits, then once more at {@code to - lanes} when the
     * last vector is partial: it overlaps the one before, and since no pass reads what it writes, recomputing those
     * elements is harmless. One copy of the body, after a loop head that is only the exit test: C2's type flow
     * clones a loop head block that has one exit, and a head holding the body would double the nodes of the
     * compilation (see {@link #GROUP}).
     */
    private void vectorLoop(int from, int to, java.util.function.IntConsumer body) {
        Label top = new Label(), done = new Label();
        if ((to - from) % lanes == 0) {
            // no partial vector: a counted loop whose index is the vector's, so C2 can hoist the range checks
            int i = g.intLocal(from);
            mv.visitLabel(top);
            mv.visitVarInsn(ILOAD, i);
            g.iconst(to);
            mv.visitJumpInsn(IF_ICMPGE, done);
            body.accept(i);
            mv.visitIincInsn(i, lanes);
            mv.visitJumpInsn(GOTO, top);
            mv.visitLabel(done);
            return;
        }
        int k = g.intLocal(from), i = g.local(1);
        mv.visitLabel(top);
        mv.visitVarInsn(ILOAD, k);
        g.iconst(to);
        mv.visitJumpInsn(IF_ICMPGE, done);
        mv.visitVarInsn(ILOAD, k);
        g.iconst(to - lanes);
        g.math("min", "(II)I");
        mv.visitVarInsn(ISTORE, i);
        body.accept(i);
        mv.visitIincInsn(k, lanes);
        mv.visitJumpInsn(GOTO, top);
        mv.visitLabel(done);
    }

    private Attr.ReduceFn reduceFn(Fusion.Stencil st) { return ((Attr.Reduce) st.reduce().attr()).fn(); }

    /**
     * Byte buffer {@code dst} (laid out as stencil {@code si}'s x) = {@code prev} (when {@code prev >= 0}) plus x's
     * inner-axis offsets {@code jlo..jhi-1}, for every row of x: the interior on vectors (or scalar when shorter than a
     * vector), the cells whose window crosses a row end in scalar code that wraps or reads 0.
     */
    private void innerPass(int si, int jlo, int jhi, int prevSlot, int dstSlot, int n) {
        Fusion.Stencil st = sts.get(si);
        int k = innerSize(st), h = k / 2;
        int prev = prevSlot < 0 ? -1 : byteBuffer(prevSlot), dst = byteBuffer(dstSlot);
        int size = st.x().type().arrayLength();
        int lo = h, hi = n - (k - 1 - h);
        Label top = new Label(), test = new Label();
        int base = g.intLocal(0);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        if (lo < hi) {
            if (hi - lo >= lanes) {
                vectorLoop(lo, hi, i -> {
                    if (prev >= 0) {
                        mv.visitVarInsn(ALOAD, prev);
                        mv.visitVarInsn(ILOAD, base);
                        mv.visitVarInsn(ILOAD, i);
                        mv.visitInsn(IADD);
                        vec("ldb", "([BI)" + BV);
                    }
                    for (int j = jlo; j < jhi; j++) {
                        mv.visitVarInsn(ALOAD, xBuf[si]);
                        mv.visitVarInsn(ILOAD, base);
                        mv.visitVarInsn(ILOAD, i);
                        mv.visitInsn(IADD);
                        if (j != h) {
                            g.iconst(j - h);
                            mv.visitInsn(IADD);
                        }
                        vec("ld", "([ZI)" + BV);
                        if (j > jlo || prev >= 0) vec(combine(st), B2);
                    }
                    mv.visitVarInsn(ALOAD, dst);
                    mv.visitVarInsn(ILOAD, base);
                    mv.visitVarInsn(ILOAD, i);
                    mv.visitInsn(IADD);
                    vec("stb", "(" + BV + "[BI)V");
                });
            } else {
                cells(si, lo, hi, true, jlo, jhi, base, prev, dst, n);
            }
            if (lo > 0) border(si, 0, lo, jlo, jhi, base, prev, dst, n);
            if (hi < n) border(si, hi, n, jlo, jhi, base, prev, dst, n);
        } else {
            border(si, 0, n, jlo, jhi, base, prev, dst, n);
        }
        mv.visitIincInsn(base, n);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, base);
        g.iconst(size);
        mv.visitJumpInsn(IF_ICMPLT, top);
    }

    /** The vector (and scalar) operation accumulating the stencil's reduction. */
    private String combine(Fusion.Stencil st) {
        return switch (reduceFn(st)) {
            case SUM -> "add";
            case ANY -> "or";
            case ALL -> "and";
            default -> throw new IllegalStateException(reduceFn(st).name());
        };
    }

    /**
     * {@link #innerPass}'s cells {@code c = from..to-1} of the row at {@code base} whose window crosses a row end:
     * written out with constant (wrapped) columns when they are few, else a loop that wraps or checks each read.
     */
    private void border(int si, int from, int to, int jlo, int jhi, int base, int prev, int dst, int n) {
        if ((to - from) * (jhi - jlo) > 64) {
            cells(si, from, to, false, jlo, jhi, base, prev, dst, n);
            return;
        }
        Fusion.Stencil st = sts.get(si);
        int h = innerSize(st) / 2;
        boolean wrap = st.attr().boundary() == Attr.Boundary.WRAP;
        int op = switch (reduceFn(st)) { case SUM -> IADD; case ANY -> IOR; default -> IAND; };
        for (int c = from; c < to; c++) {
            mv.visitVarInsn(ALOAD, dst);
            mv.visitVarInsn(ILOAD, base);
            g.iconst(c);
            mv.visitInsn(IADD);
            if (prev >= 0) {
                mv.visitVarInsn(ALOAD, prev);
                mv.visitVarInsn(ILOAD, base);
                g.iconst(c);
                mv.visitInsn(IADD);
                mv.visitInsn(BALOAD);
            }
            for (int j = jlo; j < jhi; j++) {
                int q = c + j - h;
                if (wrap || q >= 0 && q < n) {
                    mv.visitVarInsn(ALOAD, xBuf[si]);
                    mv.visitVarInsn(ILOAD, base);
                    g.iconst(Math.floorMod(q, n));
                    mv.visitInsn(IADD);
                    mv.visitInsn(BALOAD);
                } else {
                    g.iconst(0);
                }
                if (j > jlo || prev >= 0) mv.visitInsn(op);
            }
            mv.visitInsn(BASTORE);
        }
    }

    /** {@link #innerPass}'s cells {@code c = from..to-1} of the row at {@code base}, in scalar code. */
    private void cells(int si, int from, int to, boolean inside, int jlo, int jhi, int base, int prev, int dst, int n) {
        Fusion.Stencil st = sts.get(si);
        int k = innerSize(st), h = k / 2;
        boolean wrap = st.attr().boundary() == Attr.Boundary.WRAP;
        int op = switch (reduceFn(st)) { case SUM -> IADD; case ANY -> IOR; default -> IAND; };
        Label top = new Label(), test = new Label();
        int c = g.intLocal(from);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        mv.visitVarInsn(ALOAD, dst);
        mv.visitVarInsn(ILOAD, base);
        mv.visitVarInsn(ILOAD, c);
        mv.visitInsn(IADD);
        if (prev >= 0) {
            mv.visitVarInsn(ALOAD, prev);
            mv.visitVarInsn(ILOAD, base);
            mv.visitVarInsn(ILOAD, c);
            mv.visitInsn(IADD);
            mv.visitInsn(BALOAD);
        }
        for (int j = jlo; j < jhi; j++) {
            mv.visitVarInsn(ALOAD, xBuf[si]);
            mv.visitVarInsn(ILOAD, base);
            if (inside) {
                mv.visitVarInsn(ILOAD, c);
                if (j != h) {
                    g.iconst(j - h);
                    mv.visitInsn(IADD);
                }
            } else {
                coordinate(c, j - h, n, wrap);
            }
            mv.visitInsn(IADD);
            mv.visitInsn(BALOAD);
            if (!inside && !wrap) {
                // zero boundary: the clamped read counts only when c + j - h lies in the row
                mv.visitVarInsn(ILOAD, c);
                g.iconst(j - h);
                mv.visitInsn(IADD);
                g.iconst(n);
                g.rt("inRange", "(II)Z");
                mv.visitInsn(IAND);
            }
            if (j > jlo || prev >= 0) mv.visitInsn(op);
        }
        mv.visitInsn(BASTORE);
        mv.visitIincInsn(c, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, c);
        g.iconst(to);
        mv.visitJumpInsn(IF_ICMPLT, top);
    }

    /** Pushes the byte vector of buffer {@code local} at operand {@code op}'s index. */
    private void loadBytes(int local, int op) {
        mv.visitVarInsn(ALOAD, local);
        idx.push(op);
        vec("ldb", "([BI)" + BV);
    }

    /**
     * Pushes the sum (any, all) of stencil {@code si}'s offset combinations {@code lo..hi-1} along the axes other than
     * the innermost, read from its inner-sum buffer (or from x when the innermost axis is not windowed), added to the
     * vector below when {@code onto}. Zero boundary: a row offset outside the tensor reads 0.
     */
    private void outerSum(int si, int lo, int hi, boolean onto, int i) {
        Fusion.Stencil s = sts.get(si);
        List<Attr.WindowDim> dims = s.attr().dims();
        boolean wrap = s.attr().boundary() == Attr.Boundary.WRAP;
        String axis = innerAxis();
        List<Integer> outer = new ArrayList<>();   // window dims of the outer offset axes, in the order of accumulation
        for (String o : s.offsets()) {
            for (int w = 0; w < dims.size(); w++) {
                if (dims.get(w).offset().name().equals(o) && !dims.get(w).axis().equals(axis)) outer.add(w);
            }
        }
        boolean innerWindowed = windowed(s, axis) != null, fromH = innerSize(s) > 1;
        int k = outer.size();
        int[] size = new int[k], j = new int[k];
        for (int a = 0; a < k; a++) size[a] = dims.get(outer.get(a)).offset().size();
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
                    mv.visitVarInsn(ILOAD, okLocal[si][outer.get(a)][j[a]]);
                    mv.visitJumpInsn(IFEQ, zero);
                    checked = true;
                }
            }
            mv.visitVarInsn(ALOAD, fromH ? hLocal[si] : xBuf[si]);
            idx.push(1 + leaves.size() + si);
            if (innerWindowed) {
                mv.visitVarInsn(ILOAD, i);     // x's inner stride is 1 (checked by vrange); windowed axes have stride 0
                mv.visitInsn(IADD);
            }
            for (int a = 0; a < k; a++) {
                mv.visitVarInsn(ILOAD, offLocal[si][outer.get(a)][j[a]]);
                mv.visitInsn(IADD);
            }
            if (fromH) vec("ldb", "([BI)" + BV);
            else vec("ld", "([ZI)" + BV);
            if (checked) {
                mv.visitJumpInsn(GOTO, join);
                mv.visitLabel(zero);
                vec("zero", "()" + BV);
                mv.visitLabel(join);
            }
            if (combo > lo || onto) vec(combine(s), B2);
        }
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
            int si = sts.indexOf(st);
            if (pLocal[si] >= 0) loadBytes(pLocal[si], 0);
            else outerSum(si, 0, (int) (combos(st) / innerSize(st)), false, inner);
            return;
        }
        switch (n.op()) {
            case UNARY -> {
                veval(n.input(0));
                vec(((Attr.Unary) n.attr()).fn() == Attr.UnaryFn.NOT ? "not" : "neg", B1);
            }
            case CAST -> {
                veval(n.input(0));
                if (((Attr.Cast) n.attr()).to() == DType.BOOL && n.input(0).type().dtype() != DType.BOOL) {
                    vec(vrange(n.input(0))[0] > Byte.MIN_VALUE ? "nzs" : "nz", B1);
                }
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
                Attr.BinaryFn fn = ((Attr.Binary) n.attr()).fn();
                String name = fn.name().toLowerCase(java.util.Locale.ROOT);
                if (fn == Attr.BinaryFn.EQ || fn == Attr.BinaryFn.NE) {
                    long[] a = vrange(n.input(0)), b = vrange(n.input(1));
                    if (a[0] - b[1] > Byte.MIN_VALUE && a[1] - b[0] <= Byte.MAX_VALUE) name += "s";   // a - b fits, not -128
                }
                vec(name, B2);
            }
            default -> throw new IllegalStateException("not vectorisable: " + n);
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
        for (Node n : visited) if (!floatOp(n)) return false;   // the root included: collect() visits it first
        return true;
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
