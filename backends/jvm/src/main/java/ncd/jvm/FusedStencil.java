package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Schedule;
import ncd.ir.TensorType;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.List;

import static ncd.jvm.MethodGen.Kind;
import static org.objectweb.asm.Opcodes.*;

/**
 * A fused loop with stencils ({@link Fused}'s third mode), and the loop nest of {@link FusedBytes}' passes: it walks
 * the root's dimensions one by one. For each windowed outer dimension the wrapped (or range-checked) offsets of every
 * window position are computed once per iteration; the innermost dimension runs as a left border, an interior where
 * neighbours are read at constant offsets with no boundary logic, and a right border (or, in a vector pass, as
 * {@link #row}). A stencil's reduction at the current point is written out offset by offset ({@link #reduction}).
 */
final class FusedStencil {
    /** The innermost dimension {@code d} of a vector pass, its operands' indices at its start in locals {@code cur}. */
    interface Row { void emit(int d, int[] cur); }

    private final Fused f;
    private final MethodGen g;
    private final MethodVisitor mv;
    private final TensorType t;
    private final int rank;
    /** Locals holding, per [stencil][window dim][offset] of a windowed outer dimension, x's offset and (zero boundary) whether it is inside. */
    final int[][][] offLocal, okLocal;
    /** The innermost counter's local, and whether the current point is in the interior (no window crosses a border). */
    int inner = -1;
    boolean interior;
    /** What the innermost dimension runs in a vector pass; null in scalar loops. */
    Row row;

    FusedStencil(Fused f) {
        this.f = f;
        this.g = f.g;
        this.mv = f.mv;
        this.t = f.t;
        this.rank = f.rank;
        f.stencil = this;
        offLocal = new int[f.sts.size()][][];
        okLocal = new int[f.sts.size()][][];
        for (int s = 0; s < f.sts.size(); s++) {
            offLocal[s] = new int[f.sts.get(s).attr().dims().size()][];
            okLocal[s] = new int[f.sts.get(s).attr().dims().size()][];
        }
    }

    /** The loops, from operand indices {@code base}. */
    void emit(int[] base) { level(0, base); }

    private void level(int d, int[] cur) {
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
            for (int s = 0; s < f.sts.size(); s++) {
                Schedule.Stencil st = f.sts.get(s);
                List<Attr.WindowDim> dims = st.attr().dims();
                boolean wrap = st.attr().boundary() == Attr.Boundary.WRAP;
                for (int w = 0; w < dims.size(); w++) {
                    if (!dims.get(w).axis().equals(axis)) continue;
                    int size = dims.get(w).offset().size(), h = size / 2, xs = Shapes.stride(st.x().type(), axis);
                    offLocal[s][w] = new int[size];
                    if (!wrap) okLocal[s][w] = new int[size];
                    for (int j = 0; j < size; j++) {
                        offLocal[s][w][j] = g.local(1);
                        coordinate(g, c, j - h, n, wrap);
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
            level(d + 1, nl);
            for (int op = 0; op < ops; op++) {
                int s = f.strides[op][d];
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
        if (row != null) {
            row.emit(d, cur);
            return;
        }
        int lo = 0, hi = n;
        boolean any = false;
        for (Schedule.Stencil st : f.sts) {
            Attr.WindowDim w = Fused.windowed(st, axis);
            if (w == null) continue;
            any = true;
            int size = w.offset().size(), h = size / 2;
            lo = Math.max(lo, h);
            hi = Math.min(hi, n - (size - 1 - h));
        }
        if (!any) {
            range(0, n, true, d, cur);
        } else if (lo < hi) {
            // the interior first: C2 inlines in bytecode order until a method grows too big, and the interior is
            // where the time goes
            range(lo, hi, true, d, cur);
            if (lo > 0) range(0, lo, false, d, cur);
            if (hi < n) range(hi, n, false, d, cur);
        } else {
            range(0, n, false, d, cur);
        }
    }

    /** Pushes the coordinate {@code c + delta} brought into {@code [0, n)}: wrapped, or (zero boundary) clamped. */
    static void coordinate(MethodGen g, int c, int delta, int n, boolean wrap) {
        g.mv.visitVarInsn(ILOAD, c);
        g.iconst(delta);
        g.mv.visitInsn(IADD);
        g.iconst(n);
        if (!wrap) g.rt("clampIndex", "(II)I");
        else if (Math.abs(delta) <= n) g.rt("wrapOnce", "(II)I");   // c + delta lies in [-n, 2n)
        else g.math("floorMod", "(II)I");
    }

    private void range(int from, int to, boolean inside, int d, int[] cur) {
        Label top = new Label(), test = new Label();
        int i = g.intLocal(from);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        inner = i;
        interior = inside;
        f.idx = g.stepped(cur, f.strides, d, i);
        f.store();
        mv.visitIincInsn(i, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, i);
        g.iconst(to);
        mv.visitJumpInsn(IF_ICMPLT, top);
    }

    /**
     * Pushes stencil {@code si}'s reduction at the current point, written out offset by offset (in the interpreter's
     * order); returns its kind.
     */
    Kind reduction(int si, Schedule.Stencil s) {
        Attr.Reduce r = (Attr.Reduce) s.reduce().attr();
        TensorType it = s.reduce().input(0).type(), xt = s.x().type();
        DType xd = xt.dtype();
        boolean wrap = s.attr().boundary() == Attr.Boundary.WRAP;
        List<Attr.WindowDim> dims = s.attr().dims();
        Reduction acc = Reduction.start(g, r.fn(), it.dtype());
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
            Fused.offsetDigits(combo, size, j);
            Label zero = new Label(), join = new Label();
            boolean checked = false;
            if (!wrap) {
                for (int a = 0; a < k; a++) {
                    Attr.WindowDim w = dims.get(wOf[a]);
                    int d = t.indexOf(w.axis()), h = size[a] / 2, n = w.offset().size() > 0 ? t.axes().get(d).size() : 0;
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
            mv.visitVarInsn(ALOAD, f.xBuf[si]);
            f.idx.push(1 + f.leaves.size() + si);
            for (int a = 0; a < k; a++) {
                Attr.WindowDim w = dims.get(wOf[a]);
                int d = t.indexOf(w.axis()), h = size[a] / 2, n = t.axes().get(d).size();
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
                    coordinate(g, inner, j[a] - h, n, wrap);
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
            acc.add(kind);
        }
        return acc.finish(s.reduce().type().dtype(), total);
    }
}
