package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;

import java.util.HashMap;
import java.util.Map;

import static org.objectweb.asm.Opcodes.*;

/**
 * A fused loop without stencils on f32 vector lanes ({@link Fused}'s second mode, {@link VecF}): the root's nest with
 * its innermost dimension stepped a vector at a time, the last partial vector element by element. A {@code where}
 * whose condition is a comparison of f32 values in the same loop runs on lanes too (a compare mask and a blend).
 */
final class FusedLanes {
    private static final String FV = "Ljdk/incubator/vector/FloatVector;";
    private static final String VECF = "ncd/jvm/VecF";

    private final Fused f;
    /** The innermost dimension's stride per operand (0 or 1 here). */
    private final int[] innerStrides;
    /** Locals holding shared nodes' vectors for the current lanes. */
    private final Map<Node, Integer> cache = new HashMap<>();

    private FusedLanes(Fused f, MethodGen.Nest nest) {
        this.f = f;
        innerStrides = new int[f.strides.length];
        for (int op = 0; op < innerStrides.length; op++) innerStrides[op] = nest.strides()[op][nest.rank() - 1];
    }

    /**
     * Whether the loop can run on f32 vector lanes: every node of the group is an f32 operation with a vector form, the
     * root is written contiguously along the innermost dimension, and every leaf is read there contiguously or
     * broadcast (stride 1 or 0), with at least one full vector of elements.
     */
    static boolean fits(Fused f, MethodGen.Nest nest) {
        if (!Gemm.VectorProbe.PRESENT || nest.rank() == 0 || nest.sizes()[nest.rank() - 1] < VecF.LANES) return false;
        int last = nest.rank() - 1;
        if (nest.strides()[0][last] != 1) return false;
        for (int i = 0; i < f.leaves.size(); i++) {
            int st = nest.strides()[1 + i][last];
            if (f.leaves.get(i).type().dtype() != DType.F32 || (st != 0 && st != 1)) return false;
        }
        if (f.root.type().dtype() != DType.F32) return false;
        for (Node n : f.visited) {
            if (isLaneComparison(f, n)) continue;   // computed by the where that reads it
            if (n.op() == Op.WHERE) {
                if (n.type().dtype() != DType.F32 || f.isLeaf(n.input(0)) || !isLaneComparison(f, n.input(0))) return false;
                if (n.input(1).type().dtype() != DType.F32 || n.input(2).type().dtype() != DType.F32) return false;
                continue;
            }
            if (n.type().dtype() != DType.F32 || method(n, f.plan.options.exactMath()) == null) return false;
            for (Node in : n.inputs()) if (in.type().dtype() != DType.F32) return false;
        }
        return true;
    }

    /**
     * A comparison of two f32 values inside the group, which only a {@code where} can read on lanes (every other node
     * with a lane form takes f32 inputs, so {@link #fits} refuses a group where anything else reads it).
     */
    private static boolean isLaneComparison(Fused f, Node n) {
        return n.op() == Op.BINARY && ((Attr.Binary) n.attr()).fn().isComparison() && !f.isLeaf(n)
                && n.input(0).type().dtype() == DType.F32 && n.input(1).type().dtype() == DType.F32;
    }

    /** The loop, from operand indices {@code base}. */
    static void emit(Fused f, MethodGen.Nest nest, int[] base) {
        FusedLanes l = new FusedLanes(f, nest);
        f.g.vectorNest(nest, base, VecF.LANES, (ix, c) -> {
            f.idx = ix;
            l.cache.clear();
            l.vec(f.root);
            f.mv.visitVarInsn(ALOAD, f.out);
            f.idx.push(0);
            f.mv.visitMethodInsn(INVOKESTATIC, VECF, "st", "(" + FV + "[FI)V", false);
        }, (ix, c) -> {
            f.idx = ix;
            f.store();
        });
    }

    /**
     * The {@link VecF} method computing {@code n} from its inputs' lanes; empty for a node that passes its input's lanes
     * on unchanged, null for one without a lane form.
     */
    private static String method(Node n, boolean exactMath) {
        return switch (n.op()) {
            case EXPAND, CAST -> "";   // f32 to f32 only (checked by fits)
            case UNARY -> Elementwise.floatLanes((Attr.Unary) n.attr(), exactMath);
            case BINARY -> Elementwise.floatLanes(((Attr.Binary) n.attr()).fn());
            case INPUT, PARAM, CONST, IOTA, RANDOM, STATE_READ, WHERE, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE,
                 SPLIT, MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> null;
        };
    }

    /** Pushes node {@code n}'s vector at the current lanes. */
    private void vec(Node n) {
        Integer l = cache.get(n);
        if (l != null) {
            f.mv.visitVarInsn(ALOAD, l);
            return;
        }
        compute(n);
        if (f.plan.fusion.shared.contains(n)) {
            int local = f.g.local(1);
            f.mv.visitInsn(DUP);
            f.mv.visitVarInsn(ASTORE, local);
            cache.put(n, local);
        }
    }

    private void compute(Node n) {
        var mv = f.mv;
        if (n.op() == Op.CONST) {
            f.g.fconst((float) ((Attr.Scalar) n.attr()).value());
            mv.visitMethodInsn(INVOKESTATIC, VECF, "k", "(F)" + FV, false);
            return;
        }
        if (f.isLeaf(n)) {
            int i = f.leaves.indexOf(n);
            mv.visitVarInsn(ALOAD, f.leafBuf[i]);
            f.idx.push(1 + i);
            if (innerStrides[1 + i] == 0) {
                mv.visitInsn(FALOAD);
                mv.visitMethodInsn(INVOKESTATIC, VECF, "k", "(F)" + FV, false);
            } else {
                mv.visitMethodInsn(INVOKESTATIC, VECF, "ld", "([FI)" + FV, false);
            }
            return;
        }
        if (n.op() == Op.WHERE) {
            Node c = n.input(0);
            vec(c.input(0));
            vec(c.input(1));
            vec(n.input(1));
            vec(n.input(2));
            String w = Elementwise.floatLanesWhere(((Attr.Binary) c.attr()).fn());
            mv.visitMethodInsn(INVOKESTATIC, VECF, w, "(" + FV.repeat(4) + ")" + FV, false);
            return;
        }
        String m = method(n, f.plan.options.exactMath());
        if (m == null) throw new IllegalStateException("no float-lane form for " + n);
        for (Node in : n.inputs()) vec(in);
        if (!m.isEmpty()) mv.visitMethodInsn(INVOKESTATIC, VECF, m, "(" + FV.repeat(n.inputs().size()) + ")" + FV, false);
    }
}
