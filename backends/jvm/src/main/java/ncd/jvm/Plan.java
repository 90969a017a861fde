package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Schedule;
import ncd.ir.Sizes;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.runtime.ParamInit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every value lives: one preallocated array per buffer of the graph's memory plan, allocated once when the
 * graph is compiled, so a step allocates nothing.
 *
 * <ol>
 *   <li>The schedule: the graph's own, which the driver's {@code fuse} and {@code plan-memory} passes attached (checked
 *       first; the backend runs no pass).
 *   <li>Each planned buffer becomes one array ("slot", same number); nodes map to their buffer's slot, so values whose
 *       lifetimes do not overlap share an array (an array may be longer than a value it holds; loops never read past
 *       the value). Constants and iotas are filled here, once; parameters are drawn from the seed exactly as the
 *       interpreter draws them; inputs, states and the rest start at zero. Pinned buffers (inputs, parameters,
 *       constants, iotas, states, outputs, states' next values, the init cone) are never shared.
 *   <li>The nodes to compute are the cones of the outputs and of the states' next values (for {@link Kernel#step}) and
 *       of the states' initial values (for {@link Kernel#init}), without the nodes whose slot is filled otherwise and
 *       those computed in another node's loop. Hoisted nodes ({@link Schedule#hoisted()}) move from the step to
 *       {@code init}, which runs when the instance is made, at every reset and before the first step after a
 *       parameter is set.
 *   <li>Advancing the state: a ring buffer's DELAY writes into its state's own array ({@link #inPlace}: nothing to
 *       swap); when a state's next value is a computed node whose slot no other state's next shares, the
 *       state and that node swap arrays (no copy); otherwise the next value is first copied into a pending slot, and
 *       the state swaps with that. All copies happen before all swaps, so states may feed each other. Both slots are
 *       pinned, so swapping moves no other value.
 *   <li>Code generation may add slots of its own ({@link #addBuffer}: scratch for matrix products and fused loops,
 *       index maps, bit-packed states), after the planned ones. A bool state that a bit-sliced loop alone reads and
 *       writes may live in packed words across steps ({@link #packedStates}); its bool slot is then filled only when
 *       something outside the generated code reads it ({@link Kernel#unpack}).
 * </ol>
 */
final class Plan {
    /** How one state advances. {@code pending} is -1 when the state swaps with its next node's slot directly. */
    record StatePlan(State state, int slot, int next, int init, int pending, int length) {}

    /**
     * A bool state kept bit-packed from step to step ({@link FusedBits}): its packed words ({@code long[]} slot
     * {@code packed}) and those of its next value ({@code next}), which swap when the state advances as its bool
     * slots do; {@code flags} ({@code boolean[2]}, see {@link Bits#packState}) says which of the packed words and the
     * bool buffer in {@code state} hold its value. The grid: {@code rows} rows of {@code n} cells, {@code halo} rows
     * above and below.
     */
    record PackedState(int state, int packed, int next, int flags, int rows, int n, int halo) {}

    final Graph graph;
    final JvmOptions options;
    final List<Object> buffers = new ArrayList<>();
    final List<DType> dtypes = new ArrayList<>();
    final int[] slotOf;
    final List<Node> stepNodes = new ArrayList<>();
    final List<Node> initNodes = new ArrayList<>();
    final List<StatePlan> states = new ArrayList<>();
    /** The states that generated code keeps bit-packed across steps (registered while the step's code is generated). */
    final List<PackedState> packedStates = new ArrayList<>();
    /**
     * Code that the generated {@code init()} runs before the initial nodes: copies derived from parameters (the
     * bfloat16 weights of {@link Bf16}), remade, like the hoisted nodes, whenever a parameter is set.
     */
    final List<java.util.function.Consumer<MethodGen>> initParts = new ArrayList<>();
    final Map<String, Integer> paramSlots = new LinkedHashMap<>();
    final Map<String, TensorType> paramTypes = new LinkedHashMap<>();
    final Map<String, Integer> inputSlots = new LinkedHashMap<>();
    /** Nodes computed inside another node's loop (no slot, no method) and fused stencils. */
    final Fusion fusion;
    /** The schedule this plan follows (the graph's, or the one planned here). */
    final Schedule schedule;

    Plan(Graph graph, long seed, JvmOptions options) {
        this.graph = graph;
        this.options = options;
        this.schedule = schedule(graph, options.fuse());
        this.fusion = options.fuse() ? Fusion.of(graph, schedule.fusion()) : Fusion.NONE;
        Schedule.Memory mem = schedule.memory();
        slotOf = new int[graph.nodes().size()];
        java.util.Arrays.fill(slotOf, -1);
        for (Schedule.Buffer b : mem.buffers()) addBuffer(zeros(b.dtype(), Sizes.arrayLength(b.count())));

        Set<Node> stepCone = new HashSet<>(), initCone = new HashSet<>();
        for (Graph.Output o : graph.outputs()) Graph.cone(o.node(), stepCone);
        for (State s : graph.states()) Graph.cone(s.next(), stepCone);
        for (State s : graph.states()) Graph.cone(s.init(), initCone);

        for (Node n : graph.nodes()) {
            Integer planned = mem.bufferOf().get(n);
            if (planned == null) continue;
            int slot = planned;
            slotOf[n.id()] = slot;
            // whether generated code computes the node's buffer; the others are filled here (parameters, constants,
            // iotas), by the caller (inputs), by advancing the state (state reads), or share their input's (rename, split)
            boolean computed = switch (n.op()) {
                case INPUT -> {
                    inputSlots.put(((Attr.Named) n.attr()).name(), slot);
                    yield false;
                }
                case PARAM -> {
                    Attr.Param p = (Attr.Param) n.attr();
                    if (!paramSlots.containsKey(p.name())) {
                        buffers.set(slot, initParam(p, n.type(), seed));
                        paramSlots.put(p.name(), slot);
                        paramTypes.put(p.name(), n.type());
                    }
                    yield false;
                }
                case STATE_READ, RENAME, SPLIT -> false;
                case CONST -> {
                    buffers.set(slot, constant(n.type(), ((Attr.Scalar) n.attr()).value()));
                    yield false;
                }
                case IOTA -> {
                    int[] v = new int[n.type().arrayLength()];
                    for (int i = 0; i < v.length; i++) v[i] = i;
                    buffers.set(slot, v);
                    yield false;
                }
                case RANDOM, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, TRANSPOSE, MERGE, SLICE,
                     SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> true;
            };
            // a hoisted node is computed with the initial values (when the instance is made, and again after a
            // parameter is set), never by the step
            boolean once = schedule.hoisted().contains(n);
            if (computed && stepCone.contains(n) && !once) stepNodes.add(n);
            if (computed && (initCone.contains(n) || once)) initNodes.add(n);
        }

        for (State s : graph.states()) {
            if (!inPlace(graph, s)) continue;
            int own = slotOf[s.next().id()];
            slotOf[s.next().id()] = mem.stateBuffers().get(s.name());
            // the buffer the memory plan gave the ring's next value is no one's now: nothing allocated for it
            boolean unused = own >= 0;
            for (int slot : slotOf) unused &= slot != own;
            if (unused) buffers.set(own, zeros(dtype(own), 0));
        }
        Map<Integer, Integer> nextUses = new HashMap<>();
        for (State s : graph.states()) nextUses.merge(slotOf[s.next().id()], 1, Integer::sum);
        Set<Node> computed = new HashSet<>(stepNodes);
        for (State s : graph.states()) {
            int next = slotOf[s.next().id()];
            boolean swap = computed.contains(s.next()) && nextUses.get(next) == 1;
            int pending = swap ? -1 : addBuffer(zeros(s.type()));
            states.add(new StatePlan(s, mem.stateBuffers().get(s.name()), next, slotOf[s.init().id()], pending, s.type().arrayLength()));
        }
    }

    /**
     * Whether state {@code s} is a ring buffer that its DELAY advances in place: the op is the state's next and its ring
     * operand is the state's value read by nothing else (no other node, output or state), so the op may write into the
     * state's own array (the ring's rows are cleared and written, never moved); the state then swaps with itself.
     */
    static boolean inPlace(Graph graph, State s) {
        Node next = s.next(), read = next.op() == ncd.ir.Op.DELAY ? next.input(0) : null;
        if (read == null || read.op() != ncd.ir.Op.STATE_READ || !((Attr.Named) read.attr()).name().equals(s.name())) return false;
        for (Node n : graph.nodes()) if (n != next && n.inputs().contains(read)) return false;
        for (Graph.Output o : graph.outputs()) if (o.node() == read) return false;
        for (State t : graph.states()) if (t.next() == read || t.init() == read) return false;
        return true;
    }

    /**
     * The schedule to follow: the graph's, which the driver's pass pipeline attached (fuse, plan-memory) and the
     * verifier checked against the graph after the pipeline. The backend runs no pass and no second verification: a
     * graph without a memory plan, or one that fuses while {@code fuse} is off, is refused.
     */
    static Schedule schedule(Graph graph, boolean fuse) {
        Schedule s = graph.schedule();
        if (s == null || s.memory() == null) {
            throw new IllegalArgumentException(graph.name() + " has no memory plan: the jvm backend takes graphs the pass pipeline optimised (ncd.driver.Compilation)");
        }
        if (!fuse && !s.fusion().isEmpty()) {
            throw new IllegalArgumentException("fusion is off but the schedule of " + graph.name() + " fuses: plan it without the fuse pass");
        }
        return s;
    }

    int addBuffer(Object array) {
        buffers.add(array);
        dtypes.add(dtypeOf(array));
        return buffers.size() - 1;
    }

    DType dtype(int slot) { return dtypes.get(slot); }

    int slot(Node n) {
        int s = slotOf[n.id()];
        if (s < 0) throw new IllegalStateException("node " + n + " has no buffer");
        return s;
    }

    static DType dtypeOf(Object array) {
        if (array instanceof float[]) return DType.F32;
        if (array instanceof double[]) return DType.F64;
        if (array instanceof int[]) return DType.I32;
        if (array instanceof boolean[]) return DType.BOOL;
        if (array instanceof byte[]) return DType.BOOL;  // a fused loop's scratch row of small ints (one byte each)
        if (array instanceof long[]) return DType.F64;   // a bit-packed bool grid (FusedBits): 8 bytes a word
        throw new IllegalArgumentException("not a buffer: " + array);
    }

    static Object zeros(TensorType t) { return zeros(t.dtype(), t.arrayLength()); }

    static Object zeros(DType d, int n) {
        return switch (d) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        };
    }

    /** A buffer holding {@code v} everywhere, rounded to the dtype as the interpreter rounds. */
    static Object constant(TensorType t, double v) {
        int n = t.arrayLength();
        Object a = zeros(t.dtype(), n);
        switch (t.dtype()) {
            case F32 -> java.util.Arrays.fill((float[]) a, (float) v);
            case F64 -> java.util.Arrays.fill((double[]) a, v);
            case I32 -> java.util.Arrays.fill((int[]) a, Rt.toI32(v));
            case BOOL -> java.util.Arrays.fill((boolean[]) a, v != 0);
        }
        return a;
    }

    /** A parameter's first value, drawn as every backend draws it ({@link ParamInit}). */
    static Object initParam(Attr.Param p, TensorType t, long seed) {
        Object out = zeros(t.dtype(), t.arrayLength());
        // stored as drawn, rounded as set() rounds: no array of doubles the size of the parameter between
        if (out instanceof float[] f) ParamInit.draw(p, t, seed, (i, v) -> f[i] = (float) v);
        else if (out instanceof double[] d) ParamInit.draw(p, t, seed, (i, v) -> d[i] = v);
        else ParamInit.draw(p, t, seed, (i, v) -> set(out, i, v));
        return out;
    }

    /** Stores a double as the interpreter rounds it to the array's dtype. */
    static void set(Object array, int i, double v) {
        if (array instanceof float[] f) f[i] = (float) v;
        else if (array instanceof double[] d) d[i] = v;
        else if (array instanceof int[] k) k[i] = Rt.toI32(v);
        else ((boolean[]) array)[i] = v != 0;
    }

}
