package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.TensorType;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static ncd.jvm.MethodGen.Kind;
import static org.objectweb.asm.Opcodes.*;

/**
 * Code for {@code contract}. An f32 contraction with summed axes and at least {@link JvmOptions#gemmMinMacs()}
 * multiply-adds is a (batched) matrix product once its axes are grouped:
 *
 * <ol>
 *   <li>batch axes (in both operands, kept) in the output's order, M axes (only in a, kept), N axes (only in b,
 *       kept) in the output's order, K axes (summed) in a's order;
 *   <li>a is used as it is when its layout is [batch, M, K] or [batch, K, M] (transposed), b when it is
 *       [batch, K, N] or [batch, N, K]; otherwise the operand is first copied into a scratch buffer in [batch, M, K]
 *       ([batch, K, N]) order;
 *   <li>the output is written directly when its layout is [batch, M, N], otherwise into a scratch buffer that is
 *       then copied to it;
 *   <li>{@link Gemm#sgemm} does the product (f32 accumulation with fused multiply-add, blocked, vectorised); with
 *       {@link JvmOptions#bf16Weights()}, a parameter matrix times a vector is {@link Bf16#gemv} on a bfloat16 copy of
 *       the parameter that the generated {@code init()} makes ({@link Plan#initParts}).
 * </ol>
 *
 * Every other contraction is a loop nest: kept axes outside, summed axes inside (in a's order), accumulating in
 * double and rounding once, exactly as the interpreter does.
 */
final class Contraction {
    private Contraction() {}

    static List<Consumer<MethodGen>> parts(Plan plan, Node n) {
        List<Consumer<MethodGen>> gemm = gemmParts(plan, n);
        return gemm != null ? gemm : List.of(g -> loops(plan, g, n));
    }

    private static List<Consumer<MethodGen>> gemmParts(Plan plan, Node n) {
        TensorType ta = n.input(0).type(), tb = n.input(1).type(), t = n.type();
        List<String> k = ((Attr.Contract) n.attr()).axes();
        if (t.dtype() != DType.F32 || k.isEmpty()) return null;
        List<String> bo = new ArrayList<>(), mo = new ArrayList<>(), no = new ArrayList<>(), ko = new ArrayList<>();
        for (Axis x : t.axes()) {
            boolean inA = ta.hasAxis(x.name()), inB = tb.hasAxis(x.name());
            (inA && inB ? bo : inA ? mo : no).add(x.name());
        }
        for (Axis x : ta.axes()) if (k.contains(x.name())) ko.add(x.name());
        long batch = size(t, bo), m = size(t, mo), nn = size(t, no), kk = size(ta, ko);
        if (batch * m * nn * kk < plan.options.gemmMinMacs()) return null;

        List<Consumer<MethodGen>> parts = new ArrayList<>();
        List<String> aNames = ta.axisNames(), bNames = tb.axisNames();
        boolean transA = false, transB = false;
        int aSlot = plan.slot(n.input(0)), bSlot = plan.slot(n.input(1)), cSlot = plan.slot(n);
        if (aNames.equals(cat(bo, ko, mo)) && !aNames.equals(cat(bo, mo, ko))) {
            transA = true;
        } else if (!aNames.equals(cat(bo, mo, ko))) {
            TensorType packed = ta.withAxes(axes(ta, cat(bo, mo, ko)));
            int scratch = plan.addBuffer(new float[packed.arrayLength()]);
            int from = aSlot;
            parts.add(g -> copy(g, from, ta, scratch, packed));
            aSlot = scratch;
        }
        if (bNames.equals(cat(bo, no, ko)) && !bNames.equals(cat(bo, ko, no))) {
            transB = true;
        } else if (!bNames.equals(cat(bo, ko, no))) {
            TensorType packed = tb.withAxes(axes(tb, cat(bo, ko, no)));
            int scratch = plan.addBuffer(new float[packed.arrayLength()]);
            int from = bSlot;
            parts.add(g -> copy(g, from, tb, scratch, packed));
            bSlot = scratch;
        }
        TensorType cType = t.withAxes(axes(t, cat(bo, mo, no)));
        boolean direct = t.axisNames().equals(cType.axisNames());
        int cOut = direct ? cSlot : plan.addBuffer(new float[t.arrayLength()]);
        int as = aSlot, bs = bSlot;
        boolean tA = transA, tB = transB;
        int threads = plan.options.threads();
        // a matrix times a vector of spikes goes by events (Gemm.eventsOrSgemm) when the spikes are few
        boolean eventsB = batch == 1 && nn == 1 && spikes(n.input(1)), eventsA = !eventsB && batch == 1 && m == 1 && spikes(n.input(0));
        boolean events = eventsA || eventsB;
        // a parameter matrix times a vector may read a bfloat16 copy of the matrix (--backend-option weights=bf16)
        boolean bf16A = plan.options.bf16Weights() && !events && batch == 1 && nn == 1 && isParam(n.input(0)) && as == plan.slot(n.input(0));
        boolean bf16B = plan.options.bf16Weights() && !events && !bf16A && batch == 1 && m == 1 && isParam(n.input(1)) && bs == plan.slot(n.input(1));
        if (bf16A || bf16B) {
            int rows = (int) (bf16A ? m : nn), kp = (int) kk;
            int rs = bf16A ? (tA ? 1 : kp) : (tB ? kp : 1), cs = bf16A ? (tA ? rows : 1) : (tB ? 1 : rows);
            int wSlot = bf16A ? as : bs, xSlot = bf16A ? bs : as;
            int packed = plan.addBuffer(new int[rows * Bf16.rowInts(kp)]);
            plan.initParts.add(g -> {
                int w = g.buffer(wSlot, DType.F32), out = g.buffer(packed, DType.I32);
                g.mv.visitVarInsn(ALOAD, w);
                g.iconst(0);
                g.iconst(rs);
                g.iconst(cs);
                g.iconst(rows);
                g.iconst(kp);
                g.mv.visitVarInsn(ALOAD, out);
                g.mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bf16", "pack", "([FIIIII[I)V", false);
            });
            parts.add(g -> {
                int w = g.buffer(packed, DType.I32), x = g.buffer(xSlot, DType.F32), c = g.buffer(cOut, DType.F32);
                g.iconst(rows);
                g.iconst(kp);
                g.mv.visitVarInsn(ALOAD, w);
                g.mv.visitVarInsn(ALOAD, x);
                g.iconst(0);
                g.mv.visitVarInsn(ALOAD, c);
                g.iconst(0);
                g.mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bf16", "gemv", "(II[I[FI[FI)V", false);
            });
            if (!direct) parts.add(g -> copy(g, cOut, cType, cSlot, t));
            return parts;
        }
        parts.add(g -> {
            MethodVisitor mv = g.mv;
            int a = g.buffer(as, DType.F32), b = g.buffer(bs, DType.F32), c = g.buffer(cOut, DType.F32);
            if (!events) g.iconst((int) batch);
            g.iconst((int) m);
            g.iconst((int) nn);
            g.iconst((int) kk);
            mv.visitVarInsn(ALOAD, a);
            g.iconst(0);
            g.iconst(tA ? 1 : 0);
            mv.visitVarInsn(ALOAD, b);
            g.iconst(0);
            g.iconst(tB ? 1 : 0);
            mv.visitVarInsn(ALOAD, c);
            g.iconst(0);
            g.iconst(threads);
            if (events) {
                g.iconst(eventsB ? 1 : 0);
                mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Gemm", "eventsOrSgemm", "(III[FIZ[FIZ[FIIZ)V", false);
            } else {
                mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Gemm", "sgemm", "(IIII[FIZ[FIZ[FII)V", false);
            }
        });
        if (!direct) parts.add(g -> copy(g, cOut, cType, cSlot, t));
        return parts;
    }

    /**
     * Whether {@code x} holds spikes: a bool cast to f32 (0 or 1), possibly renamed or sliced. Such a vector is
     * mostly 0 in a spiking network, which {@link Gemm#eventsOrSgemm} checks at run time.
     */
    static boolean spikes(Node x) {
        while (x.op() == ncd.ir.Op.RENAME || x.op() == ncd.ir.Op.SLICE) x = x.input(0);
        return x.op() == ncd.ir.Op.CAST && x.input(0).type().dtype() == DType.BOOL;
    }

    /** Whether {@code x} is a parameter, possibly renamed: fixed between setParam calls, so a copy of it may be kept. */
    static boolean isParam(Node x) {
        while (x.op() == ncd.ir.Op.RENAME) x = x.input(0);
        return x.op() == ncd.ir.Op.PARAM;
    }

    private static long size(TensorType t, List<String> names) {
        long s = 1;
        for (String x : names) s *= t.axis(x).size();
        return s;
    }

    @SafeVarargs
    private static List<String> cat(List<String>... parts) {
        List<String> out = new ArrayList<>();
        for (List<String> p : parts) out.addAll(p);
        return out;
    }

    private static List<Axis> axes(TensorType t, List<String> names) {
        List<Axis> out = new ArrayList<>();
        for (String x : names) out.add(t.axis(x));
        return out;
    }

    /** Copies buffer {@code from} (of type {@code ft}) into {@code to} (type {@code tt}: the same axes in another order). */
    static void copy(MethodGen g, int from, TensorType ft, int to, TensorType tt) {
        int[] os = Shapes.strides(tt);
        int[] is = new int[tt.rank()];
        for (int d = 0; d < tt.rank(); d++) is[d] = Shapes.stride(ft, tt.axes().get(d).name());
        MethodGen.Nest nest = MethodGen.Nest.of(Shapes.sizes(tt), new int[][] {os, is});
        int out = g.buffer(to, tt.dtype()), in = g.buffer(from, ft.dtype());
        int zero = g.intLocal(0);
        MethodVisitor mv = g.mv;
        g.nest(nest, new int[] {zero, zero}, (idx, c) -> {
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            mv.visitVarInsn(ALOAD, in);
            idx.push(1);
            g.aload(ft.dtype());
            g.astore(tt.dtype());
        });
    }

    /** The plain loop nest: exact, accumulating in double. */
    private static void loops(Plan plan, MethodGen g, Node n) {
        TensorType ta = n.input(0).type(), tb = n.input(1).type(), t = n.type();
        // the summed axes in a's layout order: the interpreter accumulates row-major over a's summed axes
        List<String> k = new ArrayList<>(((Attr.Contract) n.attr()).axes());
        k.sort(java.util.Comparator.comparingInt(ta::indexOf));
        int out = g.buffer(plan.slot(n), t.dtype());
        int a = g.buffer(plan.slot(n.input(0)), ta.dtype()), b = g.buffer(plan.slot(n.input(1)), tb.dtype());
        int[] sa = new int[t.rank()], sb = new int[t.rank()];
        for (int d = 0; d < t.rank(); d++) {
            sa[d] = Shapes.stride(ta, t.axes().get(d).name());
            sb[d] = Shapes.stride(tb, t.axes().get(d).name());
        }
        MethodGen.Nest outer = MethodGen.Nest.of(Shapes.sizes(t), new int[][] {Shapes.strides(t), sa, sb});
        int[] ks = new int[k.size()], ka = new int[k.size()], kb = new int[k.size()];
        for (int i = 0; i < k.size(); i++) {
            ks[i] = ta.axis(k.get(i)).size();
            ka[i] = Shapes.stride(ta, k.get(i));
            kb[i] = Shapes.stride(tb, k.get(i));
        }
        MethodGen.Nest inner = MethodGen.Nest.of(ks, new int[][] {ka, kb});
        MethodVisitor mv = g.mv;
        int zero = g.intLocal(0);
        g.nest(outer, new int[] {zero, zero, zero}, (idx, c) -> {
            int ab = g.local(1), bb = g.local(1), acc = g.local(2);
            idx.push(1);
            mv.visitVarInsn(ISTORE, ab);
            idx.push(2);
            mv.visitVarInsn(ISTORE, bb);
            g.dconst(0);
            mv.visitVarInsn(DSTORE, acc);
            g.nest(inner, new int[] {ab, bb}, (j, c2) -> {
                mv.visitVarInsn(ALOAD, a);
                j.push(0);
                g.toD(g.aload(ta.dtype()));
                mv.visitVarInsn(ALOAD, b);
                j.push(1);
                g.toD(g.aload(tb.dtype()));
                mv.visitInsn(DMUL);
                mv.visitVarInsn(DLOAD, acc);
                mv.visitInsn(DADD);
                mv.visitVarInsn(DSTORE, acc);
            });
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            mv.visitVarInsn(DLOAD, acc);
            g.toStore(Kind.D, t.dtype());
            g.astore(t.dtype());
        });
    }
}
