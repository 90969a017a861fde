package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.TensorType;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.List;

import static org.objectweb.asm.Opcodes.*;

/**
 * A fused loop with stencils on byte vectors ({@link Fused}'s fourth mode, {@link Vec}), when the result is bool and
 * every intermediate provably fits a byte ({@link ByteRanges}): separable sums, in passes of their own (see
 * {@link #emit}). Each pass walks the root's outer dimensions as {@link FusedStencil} does and runs whole innermost
 * rows on vectors.
 */
final class FusedBytes {
    private static final String BV = "Ljdk/incubator/vector/ByteVector;";
    private static final String VEC = "ncd/jvm/Vec";
    private static final String B2 = "(" + BV + BV + ")" + BV;

    /**
     * Most vector loads one vector method adds up: C2 stops inlining once a compilation has created ~18000 nodes, and
     * the Vector API expands into many, so a method that does too much leaves its vectors boxed (and allocating).
     */
    private static final int GROUP = 9;

    private final Fused f;
    private final Plan plan;
    private final MethodGen g;
    private final MethodVisitor mv;
    private final Node root;
    private final TensorType t;
    private final int rank;
    private final List<Node> leaves;
    private final List<Schedule.Stencil> sts;
    private final String owner;
    private final Fused.Sink sink;
    /** In a pass method: its loops (whose innermost dimension runs {@link #vectorRow}). */
    private FusedStencil loops;
    /** Per stencil: the byte buffer slot of its inner-axis sums (laid out as x), and of its full sums (as the root); -1 if none. */
    private int[] hSlot, pSlot;
    /** Locals holding the stencils' inner-sum and full-sum buffers in a pass (-1 where none). */
    private int[] hLocal, pLocal;
    /** In a pass method: what the loop over one row computes at the vector starting at element {@code i}. */
    private java.util.function.IntConsumer rowBody;
    private final java.util.Map<Node, Integer> vcache = new java.util.HashMap<>();
    private final ByteRanges ranges;

    FusedBytes(Fused f, String owner, Fused.Sink sink) {
        this.f = f;
        this.plan = f.plan;
        this.g = f.g;
        this.mv = f.mv;
        this.root = f.root;
        this.t = f.t;
        this.rank = f.rank;
        this.leaves = f.leaves;
        this.sts = f.sts;
        this.owner = owner;
        this.sink = sink;
        this.ranges = new ByteRanges(f);
    }

    /**
     * Whether the loop runs on byte-lane vectors: a bool result, every intermediate provably within a byte
     * ({@link ByteRanges}), the root and the leaves read contiguously along the innermost axis, rows of at least one
     * vector, and at most one window dimension per stencil on that axis.
     */
    boolean fits() {
        if (!Gemm.VectorProbe.PRESENT || t.dtype() != DType.BOOL || rank == 0 || f.strides[0][rank - 1] != 1) return false;
        if (t.axes().get(rank - 1).size() < Vec.LANES || ranges.of(root) == null) return false;
        String axis = t.axes().get(rank - 1).name();
        for (Schedule.Stencil st : sts) {
            int k = 0;
            for (Attr.WindowDim w : st.attr().dims()) if (w.axis().equals(axis)) k++;
            if (k > 1) return false;
        }
        return true;
    }

    private String innerAxis() { return t.axes().get(rank - 1).name(); }

    static long combos(Schedule.Stencil st) {
        long total = 1;
        for (Attr.WindowDim w : st.attr().dims()) total *= w.offset().size();
        return total;
    }

    /** The stencil's window size along the innermost axis (1 when that axis is not windowed). */
    private int innerSize(Schedule.Stencil st) {
        Attr.WindowDim w = Fused.windowed(st, innerAxis());
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
    void emit() {
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
            Schedule.Stencil st = sts.get(si);
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
                    sink.method(name, "()V", 1, g2 -> pass(g2).innerPass(s0, lo, hi, prev, dst, n));
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
                        FusedBytes p = pass(g2);
                        int from = prev < 0 ? -1 : p.byteBuffer(prev), to = p.byteBuffer(dst);
                        p.rows(i -> {
                            if (from >= 0) p.loadBytes(from, 0);
                            p.outerSum(s0, lo, hi, from >= 0, i);
                            p.mv.visitVarInsn(ALOAD, to);
                            p.f.idx.push(0);
                            p.vec("stb", "(" + BV + "[BI)V");
                        });
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
            FusedBytes p = pass(g2);
            p.rows(i -> {
                p.vcache.clear();
                p.veval(root);
                p.mv.visitVarInsn(ALOAD, p.f.out);
                p.f.idx.push(0);
                p.vec("st", "(" + BV + "[ZI)V");
            });
        });
        for (String p : passes) {
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESPECIAL, owner, p, "()V", false);
        }
    }

    /** The generator of one pass, in a method of its own, with the operands' buffers in locals. */
    private FusedBytes pass(MethodGen g2) {
        // C2 inlines a hot callee of up to FreqInlineSize (325) bytecode bytes; a pass must stay a compilation of its
        // own (see GROUP), so it is padded past that with NOPs, which C2 parses into nothing
        for (int i = 0; i < 330; i++) g2.mv.visitInsn(NOP);
        Fused f2 = new Fused(plan, g2, root);
        f2.prepare();
        FusedBytes p = new FusedBytes(f2, owner, sink);
        p.hLocal = new int[sts.size()];
        p.pLocal = new int[sts.size()];
        for (int s = 0; s < sts.size(); s++) {
            p.hLocal[s] = hSlot[s] < 0 ? -1 : p.byteBuffer(hSlot[s]);
            p.pLocal[s] = pSlot[s] < 0 ? -1 : p.byteBuffer(pSlot[s]);
        }
        p.loops = new FusedStencil(f2);
        p.loops.row = p::vectorRow;
        return p;
    }

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

    /** The root's loop nest with {@code body} over each whole innermost row (see {@link #vectorRow}). */
    private void rows(java.util.function.IntConsumer body) {
        rowBody = body;
        int zero = g.intLocal(0);
        int[] base = new int[f.strides.length];
        java.util.Arrays.fill(base, zero);
        loops.emit(base);
    }

    /** The innermost row of a pass: {@link #rowBody} at every vector, the operands' indices at its first lane. */
    private void vectorRow(int d, int[] cur) {
        int n = t.axes().get(d).size();
        vectorLoop(0, n, i -> {
            loops.inner = i;
            loops.interior = true;
            f.idx = g.stepped(cur, f.strides, d, i);
            rowBody.accept(i);
        });
    }

    /**
     * {@code i = from, from + Vec.LANES, ...} while a whole vector fits, then once more at {@code to - Vec.LANES} when the
     * last vector is partial: it overlaps the one before, and since no pass reads what it writes, recomputing those
     * elements is harmless. One copy of the body, after a loop head that is only the exit test: C2's type flow
     * clones a loop head block that has one exit, and a head holding the body would double the nodes of the
     * compilation (see {@link #GROUP}).
     */
    private void vectorLoop(int from, int to, java.util.function.IntConsumer body) {
        Label top = new Label(), done = new Label();
        if ((to - from) % Vec.LANES == 0) {
            // no partial vector: a counted loop whose index is the vector's, so C2 can hoist the range checks
            int i = g.intLocal(from);
            mv.visitLabel(top);
            mv.visitVarInsn(ILOAD, i);
            g.iconst(to);
            mv.visitJumpInsn(IF_ICMPGE, done);
            body.accept(i);
            mv.visitIincInsn(i, Vec.LANES);
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
        g.iconst(to - Vec.LANES);
        g.math("min", "(II)I");
        mv.visitVarInsn(ISTORE, i);
        body.accept(i);
        mv.visitIincInsn(k, Vec.LANES);
        mv.visitJumpInsn(GOTO, top);
        mv.visitLabel(done);
    }

    private static Attr.ReduceFn reduceFn(Schedule.Stencil st) { return ((Attr.Reduce) st.reduce().attr()).fn(); }

    /**
     * Byte buffer {@code dst} (laid out as stencil {@code si}'s x) = {@code prev} (when {@code prev >= 0}) plus x's
     * inner-axis offsets {@code jlo..jhi-1}, for every row of x: the interior on vectors (or scalar when shorter than a
     * vector), the cells whose window crosses a row end in scalar code that wraps or reads 0.
     */
    private void innerPass(int si, int jlo, int jhi, int prevSlot, int dstSlot, int n) {
        Schedule.Stencil st = sts.get(si);
        int k = innerSize(st), h = k / 2;
        int prev = prevSlot < 0 ? -1 : byteBuffer(prevSlot), dst = byteBuffer(dstSlot);
        int size = st.x().type().arrayLength();
        int lo = h, hi = n - (k - 1 - h);
        Label top = new Label(), test = new Label();
        int base = g.intLocal(0);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        if (lo < hi) {
            if (hi - lo >= Vec.LANES) {
                vectorLoop(lo, hi, i -> {
                    if (prev >= 0) {
                        mv.visitVarInsn(ALOAD, prev);
                        mv.visitVarInsn(ILOAD, base);
                        mv.visitVarInsn(ILOAD, i);
                        mv.visitInsn(IADD);
                        vec("ldb", "([BI)" + BV);
                    }
                    for (int j = jlo; j < jhi; j++) {
                        mv.visitVarInsn(ALOAD, f.xBuf[si]);
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

    /** The {@link Vec} method accumulating stencil {@code st}'s reduction on byte lanes (see {@link ByteRanges}). */
    private static String combine(Schedule.Stencil st) {
        return switch (reduceFn(st)) {
            case SUM -> "add";
            case ANY -> "or";
            case ALL -> "and";
            case MEAN, MAX, MIN, PROD, ARGMAX, ARGMIN -> throw new IllegalStateException(reduceFn(st).name());
        };
    }

    /** The int instruction accumulating stencil {@code st}'s reduction in scalar code (see {@link ByteRanges}). */
    private static int combineInsn(Schedule.Stencil st) {
        return switch (reduceFn(st)) {
            case SUM -> IADD;
            case ANY -> IOR;
            case ALL -> IAND;
            case MEAN, MAX, MIN, PROD, ARGMAX, ARGMIN -> throw new IllegalStateException(reduceFn(st).name());
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
        Schedule.Stencil st = sts.get(si);
        int h = innerSize(st) / 2;
        boolean wrap = st.attr().boundary() == Attr.Boundary.WRAP;
        int op = combineInsn(st);
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
                    mv.visitVarInsn(ALOAD, f.xBuf[si]);
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
        Schedule.Stencil st = sts.get(si);
        int k = innerSize(st), h = k / 2;
        boolean wrap = st.attr().boundary() == Attr.Boundary.WRAP;
        int op = combineInsn(st);
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
            mv.visitVarInsn(ALOAD, f.xBuf[si]);
            mv.visitVarInsn(ILOAD, base);
            if (inside) {
                mv.visitVarInsn(ILOAD, c);
                if (j != h) {
                    g.iconst(j - h);
                    mv.visitInsn(IADD);
                }
            } else {
                FusedStencil.coordinate(g, c, j - h, n, wrap);
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
        f.idx.push(op);
        vec("ldb", "([BI)" + BV);
    }

    /**
     * Pushes the sum (any, all) of stencil {@code si}'s offset combinations {@code lo..hi-1} along the axes other than
     * the innermost, read from its inner-sum buffer (or from x when the innermost axis is not windowed), added to the
     * vector below when {@code onto}. Zero boundary: a row offset outside the tensor reads 0.
     */
    private void outerSum(int si, int lo, int hi, boolean onto, int i) {
        Schedule.Stencil s = sts.get(si);
        List<Attr.WindowDim> dims = s.attr().dims();
        boolean wrap = s.attr().boundary() == Attr.Boundary.WRAP;
        String axis = innerAxis();
        List<Integer> outer = new ArrayList<>();   // window dims of the outer offset axes, in the order of accumulation
        for (String o : s.offsets()) {
            for (int w = 0; w < dims.size(); w++) {
                if (dims.get(w).offset().name().equals(o) && !dims.get(w).axis().equals(axis)) outer.add(w);
            }
        }
        boolean innerWindowed = Fused.windowed(s, axis) != null, fromH = innerSize(s) > 1;
        int k = outer.size();
        int[] size = new int[k], j = new int[k];
        for (int a = 0; a < k; a++) size[a] = dims.get(outer.get(a)).offset().size();
        for (long combo = lo; combo < hi; combo++) {
            Fused.offsetDigits(combo, size, j);
            Label zero = new Label(), join = new Label();
            boolean checked = false;
            if (!wrap) {
                for (int a = 0; a < k; a++) {
                    mv.visitVarInsn(ILOAD, loops.okLocal[si][outer.get(a)][j[a]]);
                    mv.visitJumpInsn(IFEQ, zero);
                    checked = true;
                }
            }
            mv.visitVarInsn(ALOAD, fromH ? hLocal[si] : f.xBuf[si]);
            f.idx.push(1 + leaves.size() + si);
            if (innerWindowed) {
                mv.visitVarInsn(ILOAD, i);     // x's inner stride is 1 (checked by ByteRanges); windowed axes have stride 0
                mv.visitInsn(IADD);
            }
            for (int a = 0; a < k; a++) {
                mv.visitVarInsn(ILOAD, loops.offLocal[si][outer.get(a)][j[a]]);
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

    /** Pushes node {@code n}'s values at {@link Vec#LANES} consecutive elements as a byte vector. */
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
        if (f.isLeaf(n)) {
            int i = leaves.indexOf(n);
            mv.visitVarInsn(ALOAD, f.leafBuf[i]);
            f.idx.push(1 + i);
            vec("ld", "([ZI)" + BV);
            return;
        }
        Schedule.Stencil st = plan.fusion.stencils.get(n);
        if (st != null) {
            int si = sts.indexOf(st);
            if (pLocal[si] >= 0) loadBytes(pLocal[si], 0);
            else outerSum(si, 0, (int) (combos(st) / innerSize(st)), false, loops.inner);
            return;
        }
        Elementwise.ByteLanes l = ranges.lanes(n);
        if (l == null) throw new IllegalStateException("not vectorisable: " + n);
        for (Node in : n.inputs()) veval(in);
        if (l.method() != null) vec(l.method(), "(" + BV.repeat(n.inputs().size()) + ")" + BV);
    }
}
