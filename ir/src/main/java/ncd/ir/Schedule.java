package ncd.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a graph is to be executed, attached by {@link Graph#withSchedule}: which nodes are computed once per instance
 * instead of every step ({@code hoisted}, decided by the {@code hoist} pass), which nodes are computed inside another
 * node's loop ({@link Fusion}, decided by {@code fuse}) and which buffer holds each value of a step ({@link Memory},
 * decided by {@code plan-memory}). A schedule refers to the nodes of the graph it is attached to; a pass that
 * rebuilds a graph drops it (so these passes come last). Backends may follow it or ignore it: it never changes what a
 * graph computes. The {@link Verifier} checks it; the {@link IrPrinter} prints it.
 *
 * @param fusion  never null ({@link Fusion#NONE}: every node in its own loop)
 * @param hoisted computed nodes whose value depends only on parameters, constants and iotas ({@link #invariantLeaf}),
 *                so a backend may compute them when the instance is made and again only after a parameter changes,
 *                never per step; in graph order
 * @param memory  null until memory is planned
 */
public record Schedule(Fusion fusion, Set<Node> hoisted, Memory memory) {
    public Schedule {
        if (fusion == null) throw new IllegalArgumentException("fusion is required (Fusion.NONE for none)");
        hoisted = Collections.unmodifiableSet(new LinkedHashSet<>(hoisted));
    }

    /** A schedule that hoists nothing. */
    public Schedule(Fusion fusion, Memory memory) { this(fusion, Set.of(), memory); }

    public Schedule withMemory(Memory m) { return new Schedule(fusion, hoisted, m); }

    /**
     * Whether a node of {@code op} has the same value at every step without being computed: a parameter (it changes
     * only when set from outside), a constant or an iota. Inputs and state reads change every step, and a random source
     * draws anew every step, so nothing that reads one is invariant.
     */
    public static boolean invariantLeaf(Op op) {
        return switch (op) {
            case PARAM, CONST, IOTA -> true;
            case INPUT, STATE_READ, RANDOM, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE,
                 SPLIT, MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> false;
        };
    }

    /**
     * A reduction over a window's offsets, computed from the window's input directly: {@code chain} are the unary or
     * cast nodes between the window and the reduction, first applied first; {@code offsets} the reduced axes in the
     * reduction input's order.
     */
    public record Stencil(Node reduce, Node window, List<Node> chain, List<String> offsets) {
        public Stencil {
            chain = List.copyOf(chain);
            offsets = List.copyOf(offsets);
        }

        /** The window's input: what the reduction reads. */
        public Node x() { return window.input(0); }

        /** The window's attribute: its dimensions and boundary. */
        public Attr.Window attr() { return (Attr.Window) window.attr(); }
    }

    /**
     * Fusion groups. {@code roots} maps each node computed inside another node's loop (it gets no buffer and no loop
     * of its own) to that loop's node, which is never itself fused; {@code stencils} are keyed by their reduction.
     * Both keep the graph's order when iterated.
     */
    public record Fusion(Map<Node, Node> roots, Map<Node, Stencil> stencils) {
        public static final Fusion NONE = new Fusion(Map.of(), Map.of());

        public Fusion {
            roots = Collections.unmodifiableMap(new LinkedHashMap<>(roots));
            stencils = Collections.unmodifiableMap(new LinkedHashMap<>(stencils));
        }

        public boolean isEmpty() { return roots.isEmpty() && stencils.isEmpty(); }

        /** Whether a fused loop can compute {@code op} per element of its result (outside a stencil). */
        public static boolean elementwise(Op op) {
            return switch (op) {
                case UNARY, BINARY, WHERE, CAST, EXPAND -> true;
                case INPUT, PARAM, CONST, IOTA, RANDOM, STATE_READ, REDUCE, ARG_REDUCE, CONTRACT, RENAME, TRANSPOSE, SPLIT, MERGE,
                     SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> false;
            };
        }

        /** Whether {@code n} is computed inside another node's loop. */
        public boolean inlined(Node n) { return roots.containsKey(n); }

        /** The node whose loop computes {@code n}: its root, or itself. */
        public Node loopOf(Node n) { return roots.getOrDefault(n, n); }
    }

    /** One preallocated buffer: it holds {@code count} elements of {@code dtype}. */
    public record Buffer(DType dtype, long count, boolean pinned) {
        public long bytes() { return Sizes.times(count, dtype.bytes()); }
    }

    /**
     * The memory plan of a step. {@code bufferOf} maps every node that needs a buffer to its buffer's number (index in
     * {@code buffers}); nodes that hold the same value (a rename and its input, reads of one parameter or state) share
     * it, and so may values whose lifetimes do not overlap. {@code stateBuffers} is each state's buffer (that of its
     * reads). A pinned buffer holds one value for the executable's whole life (inputs, parameters, constants, iotas,
     * states, outputs, states' next values, values of the init cone). {@code bytesBefore} is what the buffers would
     * take with one per value.
     */
    public record Memory(Map<Node, Integer> bufferOf, List<Buffer> buffers, Map<String, Integer> stateBuffers, long bytesBefore) {
        public Memory {
            bufferOf = Collections.unmodifiableMap(new LinkedHashMap<>(bufferOf));
            buffers = List.copyOf(buffers);
            stateBuffers = Collections.unmodifiableMap(new LinkedHashMap<>(stateBuffers));
        }

        public long bytesAfter() { return buffers.stream().mapToLong(Buffer::bytes).reduce(0, Sizes::plus); }
    }
}
