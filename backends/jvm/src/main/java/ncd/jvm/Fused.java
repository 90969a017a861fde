package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.TensorType;
import ncd.runtime.Rng;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static ncd.jvm.MethodGen.Kind;
import static org.objectweb.asm.Opcodes.*;

/**
 * One loop for a node and everything {@link Fusion} inlined into it: each element of the root is computed as an
 * expression over the buffers of the materialised nodes it reads ("leaves"), rounding every intermediate value to its
 * node's dtype exactly as a store and a load would, so results are bit-identical to the unfused code.
 *
 * <p>{@link #emit} picks one of five loop modes:
 * <ol>
 *   <li>without stencils, a {@link MethodGen.Nest} (dimensions merged where contiguous), one element at a time;
 *   <li>the same nest on f32 vector lanes when every node of the group has a lane form ({@link FusedLanes});
 *   <li>with stencils, the root's dimensions one by one, window offsets computed once per outer iteration and the
 *       innermost dimension split into borders and an interior without boundary logic ({@link FusedStencil});
 *   <li>with stencils, a bool result and every intermediate provably within a byte, passes over byte vectors
 *       ({@link FusedBytes});
 *   <li>with stencils on bool grids, a bool result of rank 1 or 2 and only bool logic and small-int arithmetic
 *       around them, a bit-sliced program over bit-packed grids, 64 cells per long ({@link FusedBits}): chosen
 *       over the byte lanes where it keeps a state packed across steps, or where those would not run rows of two
 *       vectors or more.
 * </ol>
 * This class holds what the modes share: the group's leaves and stencils, their buffers and strides, and the value of
 * one element as scalar code (modes 1 and 3, and the tail of mode 2).
 */
final class Fused {
    /** Adds a private method {@code name} with descriptor {@code desc} to the class (its locals start at {@code firstLocal}). */
    interface Sink { void method(String name, String desc, int firstLocal, Consumer<MethodGen> body); }

    final Plan plan;
    final MethodGen g;
    final MethodVisitor mv;
    final Node root;
    final TensorType t;
    final int rank;
    final List<Node> leaves = new ArrayList<>();
    final List<Schedule.Stencil> sts = new ArrayList<>();
    /** The group's nodes computed in this loop, the root first (as {@link #collect} reaches them). */
    final Set<Node> visited = new HashSet<>();
    /** Locals holding the buffers: the root's, each leaf's, each stencil's input. */
    int out;
    int[] leafBuf, xBuf;
    /** Per operand (0 the root, 1 + i leaf i, 1 + leaves + s stencil s's input), its stride along each root dimension. */
    int[][] strides;
    /** Operand index of the current point (operands as in {@link #strides}). */
    MethodGen.Index idx;
    /** The stencil loops around the current element, which compute its window reductions; null without stencils. */
    FusedStencil stencil;
    private int stream = -1;
    /** Locals holding the shared nodes computed so far for the current element (code emitted in order dominates). */
    private final Map<Node, Integer> cache = new HashMap<>();

    /** The group of {@code root}, generating into {@code g}; nothing is emitted before {@link #prepare}. */
    Fused(Plan plan, MethodGen g, Node root) {
        this.plan = plan;
        this.g = g;
        this.mv = g.mv;
        this.root = root;
        this.t = root.type();
        this.rank = t.rank();
    }

    /** Emits the loop computing {@code root}'s buffer; extra methods (vector passes) go to {@code sink}, in class {@code owner}. */
    static void emit(Plan plan, MethodGen g, Node root, String owner, Sink sink) {
        Fused f = new Fused(plan, g, root);
        f.prepare();
        int zero = g.intLocal(0);
        int[] base = new int[f.strides.length];
        java.util.Arrays.fill(base, zero);
        if (f.sts.isEmpty()) {
            MethodGen.Nest nest = MethodGen.Nest.of(Shapes.sizes(f.t), f.strides);
            if (FusedLanes.fits(f, nest)) {
                FusedLanes.emit(f, nest, base);
            } else {
                g.nest(nest, base, (ix, c) -> {
                    f.idx = ix;
                    f.store();
                });
            }
            return;
        }
        FusedBytes bytes = new FusedBytes(f, owner, sink);
        boolean fits = bytes.fits();
        // by default the bit-packed grids where they keep a state packed across steps (no packing or unpacking
        // per step: ~2.4x the byte lanes at 512^2 Life, ~4x at 2048^2, docs/performance.md); else the byte lanes
        // where their rows hold two vectors or more (as fast as packing and unpacking every step at 128^2 to
        // 2048^2 Life, and quicker to warm up); the bit-packed grids where they do not, rows of 64 cells running
        // mostly scalar there (64^2 Life: ~3x faster bit-sliced), and where the byte lanes do not fit at all
        boolean wide = fits && f.t.axes().get(f.rank - 1).size() >= 2 * Vec.LANES;
        FusedBits bits = FusedBits.of(f);
        if (bits != null && wide && plan.options.bits() == JvmOptions.BitSliced.AUTO && !bits.keepsState()) bits = null;
        if (bits != null) bits.emit(owner, sink);
        else if (fits) bytes.emit();
        else new FusedStencil(f).emit(base);
    }

    boolean isLeaf(Node n) { return n != root && !plan.fusion.inlined.contains(n); }

    private void collect(Node n) {
        Schedule.Stencil s = plan.fusion.stencils.get(n);
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

    /** Collects leaves and stencils, loads their buffers into locals, and computes every operand's strides. */
    void prepare() {
        collect(root);
        out = g.buffer(plan.slot(root), t.dtype());
        leafBuf = new int[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) leafBuf[i] = g.buffer(plan.slot(leaves.get(i)), leaves.get(i).type().dtype());
        xBuf = new int[sts.size()];
        for (int i = 0; i < sts.size(); i++) xBuf[i] = g.buffer(plan.slot(sts.get(i).x()), sts.get(i).x().type().dtype());
        if (root.op() == Op.RANDOM) stream = g.stepLocal();
        strides = new int[1 + leaves.size() + sts.size()][];
        strides[0] = Shapes.strides(t);
        for (int i = 0; i < leaves.size(); i++) strides[1 + i] = Shapes.broadcastStrides(leaves.get(i).type(), t);
        for (int s = 0; s < sts.size(); s++) {
            Schedule.Stencil st = sts.get(s);
            int[] xs = new int[rank];
            for (int d = 0; d < rank; d++) {
                String a = t.axes().get(d).name();
                xs[d] = windowed(st, a) != null ? 0 : Shapes.stride(st.x().type(), a);
            }
            strides[1 + leaves.size() + s] = xs;
        }
    }

    /** The window dimension of {@code st} along {@code axis}, or null when that axis is not windowed. */
    static Attr.WindowDim windowed(Schedule.Stencil st, String axis) {
        for (Attr.WindowDim w : st.attr().dims()) if (w.axis().equals(axis)) return w;
        return null;
    }

    /** Stores the root's value at the current point into its buffer. */
    void store() {
        cache.clear();
        mv.visitVarInsn(ALOAD, out);
        idx.push(0);
        eval(root);
        g.astore(t.dtype());
    }

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
        Schedule.Stencil s = plan.fusion.stencils.get(n);
        if (s != null) return stencil.reduction(sts.indexOf(s), s);
        Kind k = Elementwise.value(g, n, i -> eval(n.input(i)), () -> {
            g.lconst(Rng.seedOf(n.scope(), ((Attr.Random) n.attr()).seed()));
            mv.visitVarInsn(LLOAD, stream);
            idx.push(0);
        });
        g.toStore(k, dt);
        return MethodGen.kindOf(dt);
    }

    /**
     * The offsets (one per reduced window axis, {@code j[a] < size[a]}) of combination {@code combo} of a stencil's
     * offsets, row-major: the last axis fastest, as the interpreter accumulates them.
     */
    static void offsetDigits(long combo, int[] size, int[] j) {
        long rest = combo;
        for (int a = size.length - 1; a >= 0; a--) {
            j[a] = (int) (rest % size[a]);
            rest /= size[a];
        }
    }
}
