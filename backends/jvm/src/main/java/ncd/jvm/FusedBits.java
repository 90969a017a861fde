package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.TensorType;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.objectweb.asm.Opcodes.*;

/**
 * A fused loop with stencils on bit-packed bool grids ({@link Fused}'s fifth mode), chosen from the shape of the group
 * alone: a bool result of rank 1 or 2, stencils that sum (or any/all) the cells of a bool grid shaped like the result,
 * and around them only bool logic and small-int arithmetic and comparisons ({@code sum == 3}, {@code n < k},
 * {@code where}). Cellular automata (any birth/survival rule, any neighbourhood, wrapped or zero-padded) are such
 * groups; nothing here knows one by name.
 *
 * <p>Each grid the group reads is packed once per step, 64 cells per long along the innermost axis ({@link Bits}), with
 * halo rows so that a neighbour row is a constant word offset away, and a copy shifted by each innermost-axis window
 * offset (the torus wrap is done there, at word boundaries). The expression is lowered to a bit program
 * ({@link BitProgram}): every value
 * is one bit plane (a bool) or a few planes holding a small int in two's complement (its width from its range);
 * a stencil's count is a tree of full and half adders over its neighbour words (carry-save, as in a bit-sliced
 * adder), sums and differences are ripple adders, comparisons are the sign or the equality of planes, and constant
 * planes fold away. The program runs over all words of the grid at once, {@link VecBits#LANES} words per vector when
 * the vector API is present (else one long at a time); a long program is cut into passes of its own (see
 * {@link #GROUP}), planes that cross passes going through scratch arrays. The result is unpacked into the root's
 * bool buffer. Results are exact, so bit for bit the interpreter's.
 *
 * <p>Where the root is a state's next value and nothing but this loop reads the state or that value (graph outputs
 * that are the state aside), the state stays packed from step to step ({@link #keep}): the loop reads the state's
 * packed words and writes its next value's packed words directly, the two swap when the state advances, and nothing
 * is packed or unpacked per step; the bool buffer is filled only when read from outside ({@link Kernel#unpack}) and
 * packed again only after it was written from outside ({@link Kernel#written}: reset, a state set).
 */
final class FusedBits extends BitProgram {
    /**
     * Most plane operations one vector pass holds: C2 stops inlining once a compilation has created ~18000 nodes and
     * the vector API expands into many (see {@link FusedBytes}), so a longer pass would leave its vectors boxed.
     */
    static final int GROUP = Integer.getInteger("ncd.jvm.bitsGroup", 24);
    /** Whether a state that only this loop reads and writes stays packed from step to step (off: for measurements). */
    static final boolean KEEP = !"false".equals(System.getProperty("ncd.jvm.bitsKeep"));
    /** A packed copy of a bool grid, with wrapped or zero halo rows (null: either, no stencil reads its halo). */
    private record Packed(Node node, Boolean wrap) {
        boolean wraps() { return wrap != null && wrap; }
    }

    /** A copy of packed grid {@code packed} moved by {@code delta} cells along the innermost axis. */
    private record Shifted(int packed, int delta, boolean wrap) {}

    private final Fused f;
    private final Plan plan;
    private final TensorType t;
    private final int rows, n, words, halo;
    private final List<Packed> packed = new ArrayList<>();
    private final List<Shifted> shifted = new ArrayList<>();
    private final Map<Node, Val> vals = new HashMap<>();
    private int result;
    /** The state this loop keeps packed across steps ({@link #keep}) and its entry in {@link #packed}; else null, -1. */
    private Plan.StatePlan kept;
    private int keptEntry = -1;

    private FusedBits(Fused f, int halo) {
        this.f = f;
        this.plan = f.plan;
        this.t = f.t;
        this.rows = f.rank == 2 ? t.axes().get(0).size() : 1;
        this.n = t.axes().get(f.rank - 1).size();
        this.words = Bits.words(n);
        this.halo = halo;
    }

    /** The bit-sliced form of {@code f}'s group (prepared), or null when the group is not of that shape. */
    static FusedBits of(Fused f) {
        TensorType t = f.t;
        if (f.plan.options.bits() == JvmOptions.BitSliced.NEVER || t.dtype() != DType.BOOL || f.rank < 1 || f.rank > 2 || f.sts.isEmpty()) return null;
        for (Axis a : t.axes()) if (!a.isSized()) return null;
        for (Node v : f.visited) if (!v.type().axes().equals(t.axes())) return null;
        for (Node l : f.leaves) if (l.type().dtype() != DType.BOOL || !l.type().axes().equals(t.axes())) return null;
        String inner = t.axes().get(f.rank - 1).name();
        int halo = 0;
        for (Schedule.Stencil s : f.sts) {
            if (s.x().type().dtype() != DType.BOOL || !s.x().type().axes().equals(t.axes())) return null;
            if (!s.reduce().type().axes().equals(t.axes())) return null;
            List<Attr.WindowDim> dims = s.attr().dims();
            if (s.offsets().size() != dims.size()) return null;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Attr.WindowDim w : dims) {
                if (!seen.add(w.axis()) || t.indexOf(w.axis()) < 0) return null;
                int size = w.offset().size(), h = size / 2;
                if (!w.axis().equals(inner)) halo = Math.max(halo, Math.max(h, size - 1 - h));
            }
        }
        FusedBits b = new FusedBits(f, halo);
        try {
            b.result = b.bool(b.val(f.root));
        } catch (NoFit e) {
            return null;
        }
        if (KEEP) b.keep();
        return b;
    }

    /** Whether this loop keeps a state's grid packed from step to step (then it packs and unpacks nothing per step). */
    boolean keepsState() { return kept != null; }

    /**
     * Decides from the graph's shape whether the state this loop computes the next value of can live in packed words
     * across steps: the root is that state's next value and nothing else reads it (no node, output, other state, nor
     * the initial values), the state advances by swapping buffers, and the state's reads feed only this loop (any
     * graph output may read them too: outside readers unpack on demand, {@link Kernel#unpack}), which packs the state
     * once, in one halo form. Then the state and its next value swap packed words, and the loop reads the one and
     * writes the other directly.
     */
    private void keep() {
        Node root = f.root;
        ncd.ir.Graph graph = plan.graph;
        Plan.StatePlan sp = null;
        for (Plan.StatePlan s : plan.states) {
            if (s.state().next() != root) continue;
            if (sp != null) return;
            sp = s;
        }
        if (sp == null || sp.pending() >= 0 || plan.initNodes.contains(root)) return;
        for (Node n : graph.nodes()) if (n.inputs().contains(root)) return;
        for (ncd.ir.Graph.Output o : graph.outputs()) if (o.node() == root) return;
        Map<Node, Node> roots = plan.schedule.fusion().roots();
        String name = sp.state().name();
        int entry = -1;
        for (Node r : graph.nodes()) {
            if (r.op() != Op.STATE_READ || !((Attr.Named) r.attr()).name().equals(name)) continue;
            if (plan.slotOf[r.id()] != sp.slot()) return;
            for (Node u : graph.nodes()) if (u.inputs().contains(r) && u != root && roots.get(u) != root) return;
            for (ncd.ir.State s : graph.states()) if (s.next() == r || s.init() == r) return;
            for (int p = 0; p < packed.size(); p++) {
                if (packed.get(p).node() != r) continue;
                if (entry >= 0) return;
                entry = p;
            }
        }
        if (entry < 0) return;
        kept = sp;
        keptEntry = entry;
    }

    private Val val(Node node) throws NoFit {
        Val v = vals.get(node);
        if (v == null) {
            v = compute(node);
            vals.put(node, v);
        }
        return v;
    }

    private Val compute(Node node) throws NoFit {
        DType dt = node.type().dtype();
        if (dt != DType.BOOL && dt != DType.I32) throw new NoFit();
        boolean bool = dt == DType.BOOL;
        if (node.op() == Op.CONST) {
            double c = ((Attr.Scalar) node.attr()).value();
            return bool ? ofBool(c != 0 ? ONES : ZERO) : constant(Rt.toI32(c));
        }
        if (f.isLeaf(node)) return ofBool(load(packedOf(node, null), halo * words));
        Schedule.Stencil st = plan.fusion.stencils.get(node);
        if (st != null) return stencil(st);
        switch (node.op()) {
            case UNARY -> {
                Val a = val(node.input(0));
                return switch (((Attr.Unary) node.attr()).fn()) {
                    case NOT -> ofBool(not(bool(a)));
                    case NEG -> sub(constant(0), integer(a));
                    default -> throw new NoFit();
                };
            }
            case BINARY -> {
                Attr.BinaryFn fn = ((Attr.Binary) node.attr()).fn();
                Val a = val(node.input(0)), b = val(node.input(1));
                if (fn.isLogical()) {
                    int x = bool(a), y = bool(b);
                    return ofBool(fn == Attr.BinaryFn.AND ? and(x, y) : fn == Attr.BinaryFn.OR ? or(x, y) : xor(x, y));
                }
                if (a.bool() || b.bool()) {
                    if (a.bool() != b.bool()) throw new NoFit();
                    return switch (fn) {
                        case EQ -> ofBool(not(xor(a.p()[0], b.p()[0])));
                        case NE -> ofBool(xor(a.p()[0], b.p()[0]));
                        default -> throw new NoFit();
                    };
                }
                return switch (fn) {
                    case ADD -> add(a, b, false, a.lo() + b.lo(), a.hi() + b.hi());
                    case SUB -> sub(a, b);
                    case EQ -> ofBool(equal(a, b));
                    case NE -> ofBool(not(equal(a, b)));
                    case LT -> ofBool(less(a, b));
                    case GT -> ofBool(less(b, a));
                    case LE -> ofBool(not(less(b, a)));
                    case GE -> ofBool(not(less(a, b)));
                    case MAX -> select(less(a, b), b, a);
                    case MIN -> select(less(a, b), a, b);
                    default -> throw new NoFit();
                };
            }
            case CAST -> {
                Val a = val(node.input(0));
                if (a.bool() == bool) return a;
                if (a.bool()) return new Val(new int[] {a.p()[0], ZERO}, 0, 1, false);
                int any = ZERO;
                for (int p : a.p()) any = or(any, p);
                return ofBool(any);
            }
            case WHERE -> {
                return select(bool(val(node.input(0))), val(node.input(1)), val(node.input(2)));
            }
            default -> throw new NoFit();
        }
    }

    /** A stencil's reduction: one load per window offset (a neighbour word), then a count, an or or an and. */
    private Val stencil(Schedule.Stencil st) throws NoFit {
        for (Node c : st.chain()) {
            if (c.op() != Op.CAST || c.type().dtype() != DType.I32 || c.input(0).type().dtype() != DType.BOOL) throw new NoFit();
        }
        Attr.ReduceFn fn = ((Attr.Reduce) st.reduce().attr()).fn();
        boolean counts = fn == Attr.ReduceFn.SUM && !st.chain().isEmpty() && st.reduce().type().dtype() == DType.I32;
        boolean logic = (fn == Attr.ReduceFn.ANY || fn == Attr.ReduceFn.ALL) && st.chain().isEmpty();
        if (!counts && !logic) throw new NoFit();
        boolean wrap = st.attr().boundary() == Attr.Boundary.WRAP;
        List<Attr.WindowDim> dims = st.attr().dims();
        String inner = t.axes().get(f.rank - 1).name();
        int px = packedOf(st.x(), wrap);
        int[] size = new int[dims.size()], j = new int[dims.size()];
        long total = 1;
        for (int w = 0; w < dims.size(); w++) {
            size[w] = dims.get(w).offset().size();
            total *= size[w];
        }
        if (total > 4096) throw new NoFit();
        List<Integer> terms = new ArrayList<>();
        for (long combo = 0; combo < total; combo++) {
            Fused.offsetDigits(combo, size, j);
            int dr = 0, dc = 0;
            for (int w = 0; w < dims.size(); w++) {
                int delta = j[w] - size[w] / 2;
                if (dims.get(w).axis().equals(inner)) dc = delta; else dr = delta;
            }
            int array = dc == 0 ? px : shiftedOf(px, dc, wrap);
            terms.add(load(array, (halo + dr) * words));
        }
        if (counts) return count(terms);
        int acc = fn == Attr.ReduceFn.ANY ? ZERO : ONES;
        for (int term : terms) acc = fn == Attr.ReduceFn.ANY ? or(acc, term) : and(acc, term);
        return ofBool(acc);
    }

    /**
     * The array index of the packed copy of {@code node} (with {@code wrap} halos; null: any), one copy per halo form:
     * a copy made for a plain read takes the halos of the first stencil that reads the grid.
     */
    private int packedOf(Node node, Boolean wrap) {
        for (int i = 0; i < packed.size(); i++) {
            Packed p = packed.get(i);
            if (p.node() != node) continue;
            if (wrap == null || wrap.equals(p.wrap())) return i;
            if (p.wrap() == null) {
                packed.set(i, new Packed(node, wrap));
                return i;
            }
        }
        packed.add(new Packed(node, wrap));
        return packed.size() - 1;
    }

    /** The array index of packed copy {@code p} moved by {@code delta} cells (arrays: the packed, then the shifted). */
    private int shiftedOf(int p, int delta, boolean wrap) {
        Shifted s = new Shifted(p, delta, wrap);
        int i = shifted.indexOf(s);
        if (i < 0) {
            shifted.add(s);
            i = shifted.size() - 1;
        }
        return SHIFTED + i;
    }

    // ---- code ------------------------------------------------------------------------------------------------------

    /** Array indices from here on are shifted copies ({@code SHIFTED + i}); below, packed copies. */
    private static final int SHIFTED = 1 << 20;
    private static final String LV = "Ljdk/incubator/vector/LongVector;";
    private static final String VB = "ncd/jvm/VecBits";

    /** What the passes share: buffer slots, pass of each instruction, spill slots. */
    private int[] arraySlot, group, spill;
    private boolean[] live;
    /** The result's array and its first word (a kept state's next packed words start past the halo). */
    private int outSlot, outBase;
    private int passes, lanes, extent;
    private boolean vector;

    /**
     * Emits the step into {@code f}'s method: pack the grids, shift them, call the passes of the program (methods of
     * their own, added to {@code sink} in class {@code owner}), unpack the result.
     */
    void emit(String owner, Fused.Sink sink) {
        MethodGen g = f.g;
        MethodVisitor mv = f.mv;
        vector = Bits.VECTOR;
        lanes = vector ? VecBits.LANES : 1;
        extent = (rows * words + lanes - 1) / lanes * lanes;
        int len = (rows + 2 * halo) * words + lanes;
        arraySlot = new int[packed.size() + shifted.size()];
        for (int i = 0; i < arraySlot.length; i++) arraySlot[i] = plan.addBuffer(new long[len]);
        int flags = -1;
        if (kept != null) {
            // the state's packed words (arraySlot[keptEntry]) and its next value's, which the passes write directly
            outSlot = plan.addBuffer(new long[len]);
            outBase = halo * words;
            flags = plan.addBuffer(new boolean[2]);
            plan.packedStates.add(new Plan.PackedState(kept.slot(), arraySlot[keptEntry], outSlot, flags, rows, n, halo));
        } else {
            outSlot = plan.addBuffer(new long[extent]);
            outBase = 0;
        }
        live = new boolean[prog.size()];
        if (result >= 0) live[result] = true;
        for (int i = prog.size() - 1; i >= 0; i--) {
            Ins in = prog.get(i);
            if (!live[i] || in.op() == 'L') continue;
            if (in.a() >= 0) live[in.a()] = true;
            if (in.op() != '~' && in.b() >= 0) live[in.b()] = true;
        }
        group = new int[prog.size()];
        int limit = vector ? GROUP : Integer.MAX_VALUE, inGroup = 0;
        passes = 0;
        for (int i = 0; i < prog.size(); i++) {
            if (!live[i] || prog.get(i).op() == 'L') continue;
            if (inGroup == limit) {
                passes++;
                inGroup = 0;
            }
            group[i] = passes;
            inGroup++;
        }
        passes++;
        spill = new int[prog.size()];
        java.util.Arrays.fill(spill, -1);
        for (int i = 0; i < prog.size(); i++) {
            Ins in = prog.get(i);
            if (!live[i] || in.op() == 'L') continue;
            for (int o : operands(in)) needSpill(o, group[i]);
        }
        needSpill(result, passes - 1);

        for (int p = 0; p < packed.size(); p++) {
            Packed pk = packed.get(p);
            mv.visitVarInsn(ALOAD, g.buffer(plan.slot(pk.node()), DType.BOOL));
            mv.visitVarInsn(ALOAD, longBuffer(g, arraySlot[p]));
            if (p == keptEntry) mv.visitVarInsn(ALOAD, g.buffer(flags, DType.BOOL));   // packed already, unless set from outside
            g.iconst(rows);
            g.iconst(n);
            g.iconst(halo);
            g.iconst(pk.wraps() ? 1 : 0);
            if (p == keptEntry) mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bits", "packState", "([Z[J[ZIIIZ)V", false);
            else mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bits", "pack", "([Z[JIIIZ)V", false);
        }
        for (int s = 0; s < shifted.size(); s++) {
            Shifted sh = shifted.get(s);
            mv.visitVarInsn(ALOAD, longBuffer(g, arraySlot[sh.packed()]));
            mv.visitVarInsn(ALOAD, longBuffer(g, arraySlot[packed.size() + s]));
            g.iconst(rows + 2 * halo);
            g.iconst(n);
            g.iconst(sh.delta());
            g.iconst(sh.wrap() ? 1 : 0);
            mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bits", "shift", "([J[JIIIZ)V", false);
        }
        String id = "n" + f.root.id() + "_bits";
        for (int gi = 0; gi < passes; gi++) {
            int pass = gi;
            sink.method(id + gi, "()V", 1, g2 -> pass(g2, pass));
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESPECIAL, owner, id + gi, "()V", false);
        }
        mv.visitVarInsn(ALOAD, longBuffer(g, outSlot));
        if (kept != null) {
            // the next value stays packed: its halo rows (the last vector may have run past the grid into them)
            g.iconst(rows);
            g.iconst(n);
            g.iconst(halo);
            g.iconst(packed.get(keptEntry).wraps() ? 1 : 0);
            mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bits", "halo", "([JIIIZ)V", false);
            return;
        }
        mv.visitVarInsn(ALOAD, f.out);
        g.iconst(rows);
        g.iconst(n);
        mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bits", "unpack", "([J[ZII)V", false);
    }

    private static int[] operands(Ins in) {
        return switch (in.op()) {
            case 'L' -> new int[0];
            case '~' -> new int[] {in.a()};
            default -> new int[] {in.a(), in.b()};
        };
    }

    /** Gives plane {@code ref} a scratch array when pass {@code user} reads it and an earlier pass computes it. */
    private void needSpill(int ref, int user) {
        if (ref < 0 || prog.get(ref).op() == 'L' || group[ref] >= user || spill[ref] >= 0) return;
        spill[ref] = plan.addBuffer(new long[extent]);
    }

    /** A local holding the long[] buffer in {@code slot}. */
    private static int longBuffer(MethodGen g, int slot) {
        int l = g.local(1);
        g.mv.visitVarInsn(ALOAD, 0);
        g.mv.visitFieldInsn(GETFIELD, MethodGen.KERNEL, "b", "[Ljava/lang/Object;");
        g.iconst(slot);
        g.mv.visitInsn(AALOAD);
        g.mv.visitTypeInsn(CHECKCAST, "[J");
        g.mv.visitVarInsn(ASTORE, l);
        return l;
    }

    /** Pass {@code pass}: its instructions over every word of the grid, {@link #lanes} words at a time. */
    private void pass(MethodGen g, int pass) {
        MethodVisitor mv = g.mv;
        // a pass must stay a compilation of its own (see GROUP): padded past C2's FreqInlineSize with NOPs, which C2
        // parses into nothing (as FusedBytes' passes are)
        if (vector) for (int k = 0; k < 330; k++) mv.visitInsn(NOP);
        List<Integer> body = new ArrayList<>();
        for (int i = 0; i < prog.size(); i++) if (live[i] && prog.get(i).op() != 'L' && group[i] == pass) body.add(i);
        boolean last = pass == passes - 1;
        Map<Integer, Integer> slotLocal = new HashMap<>();
        java.util.function.IntConsumer need = slot -> {
            if (slot >= 0) slotLocal.computeIfAbsent(slot, s -> longBuffer(g, s));
        };
        for (int i : body) {
            for (int o : operands(prog.get(i))) if (o >= 0) need.accept(sourceSlot(o, pass));
            if (spill[i] >= 0) need.accept(spill[i]);
        }
        if (last) {
            need.accept(outSlot);
            if (result >= 0) need.accept(sourceSlot(result, pass));
        }
        int i = g.intLocal(0);
        Label top = new Label(), done = new Label();
        mv.visitLabel(top);
        mv.visitVarInsn(ILOAD, i);
        g.iconst(extent);
        mv.visitJumpInsn(IF_ICMPGE, done);
        Map<Integer, Integer> local = new HashMap<>();
        for (int k : body) {
            Ins in = prog.get(k);
            int[] ops = operands(in);
            for (int o : ops) materialize(g, o, pass, i, local, slotLocal);
            for (int o : ops) push(g, o, local);
            if (vector) {
                String m = switch (in.op()) { case '&' -> "and"; case '|' -> "or"; case '^' -> "xor"; default -> "not"; };
                mv.visitMethodInsn(INVOKESTATIC, VB, m, "(" + LV.repeat(ops.length) + ")" + LV, false);
            } else {
                if (in.op() == '~') {
                    g.lconst(-1L);
                    mv.visitInsn(LXOR);
                } else {
                    mv.visitInsn(in.op() == '&' ? LAND : in.op() == '|' ? LOR : LXOR);
                }
            }
            int l = g.local(vector ? 1 : 2);
            mv.visitVarInsn(vector ? ASTORE : LSTORE, l);
            local.put(k, l);
            if (spill[k] >= 0) store(g, k, slotLocal.get(spill[k]), i, 0, local);
        }
        if (last) {
            materialize(g, result, pass, i, local, slotLocal);
            store(g, result, slotLocal.get(outSlot), i, outBase, local);
        }
        mv.visitIincInsn(i, lanes);
        mv.visitJumpInsn(GOTO, top);
        mv.visitLabel(done);
    }

    /** The buffer slot plane {@code ref} is read from in pass {@code pass}: its grid's, or its scratch array. */
    private int sourceSlot(int ref, int pass) {
        Ins in = prog.get(ref);
        if (in.op() == 'L') return arraySlot[in.array() >= SHIFTED ? packed.size() + in.array() - SHIFTED : in.array()];
        return group[ref] < pass ? spill[ref] : -1;
    }

    /** Reads plane {@code ref} into a local of the current word, unless it is a constant or already there. */
    private void materialize(MethodGen g, int ref, int pass, int i, Map<Integer, Integer> local, Map<Integer, Integer> slotLocal) {
        if (ref < 0 || local.containsKey(ref)) return;
        Ins in = prog.get(ref);
        MethodVisitor mv = g.mv;
        mv.visitVarInsn(ALOAD, slotLocal.get(sourceSlot(ref, pass)));
        mv.visitVarInsn(ILOAD, i);
        if (in.op() == 'L' && in.offset() != 0) {
            g.iconst(in.offset());
            mv.visitInsn(IADD);
        }
        if (vector) mv.visitMethodInsn(INVOKESTATIC, VB, "ld", "([JI)" + LV, false);
        else mv.visitInsn(LALOAD);
        int l = g.local(vector ? 1 : 2);
        mv.visitVarInsn(vector ? ASTORE : LSTORE, l);
        local.put(ref, l);
    }

    private void push(MethodGen g, int ref, Map<Integer, Integer> local) {
        if (ref < 0) {
            g.lconst(ref == ONES ? -1L : 0L);
            if (vector) g.mv.visitMethodInsn(INVOKESTATIC, VB, "k", "(J)" + LV, false);
        } else {
            g.mv.visitVarInsn(vector ? ALOAD : LLOAD, local.get(ref));
        }
    }

    /** Stores plane {@code ref} (a local or a constant) at word {@code base + i} of the array in local {@code array}. */
    private void store(MethodGen g, int ref, int array, int i, int base, Map<Integer, Integer> local) {
        MethodVisitor mv = g.mv;
        if (vector) push(g, ref, local);
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, i);
        if (base != 0) {
            g.iconst(base);
            mv.visitInsn(IADD);
        }
        if (vector) {
            mv.visitMethodInsn(INVOKESTATIC, VB, "st", "(" + LV + "[JI)V", false);
        } else {
            push(g, ref, local);
            mv.visitInsn(LASTORE);
        }
    }
}
