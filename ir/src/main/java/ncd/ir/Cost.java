package ncd.ir;

import java.util.Collection;

/**
 * The work of computing nodes, estimated from the IR alone: the one cost model that `ncdc bench` (FLOP/s) and the
 * doc site ("cost per call") report, defined in docs/ir.md (Cost).
 * <ul>
 *   <li>FLOPs: a contraction 2 per output element per summed element (a multiply and an add); unary, binary,
 *       where and random 1 per output element (transcendentals, comparisons and logic included); a reduction 1 per
 *       input element; leaves, casts and data movement 0.</li>
 *   <li>Bytes: unfused memory traffic, as if the node read each operand and wrote its result once, at
 *       {@link DType#bytes()} an element. Leaves write nothing (they are counted where they are read); rename and
 *       split move nothing (every backend holds them in their input's buffer, see {@link Liveness}).</li>
 * </ul>
 * A step ({@link #step}) is the nodes the outputs and the states' next values need: the states' initial values are
 * computed at reset, not at every step, and nodes nothing needs are never computed. Counts saturate at
 * {@code Long.MAX_VALUE} ({@link Sizes}) rather than wrap, for circuits sized past any machine.
 */
public record Cost(long flops, long bytes) {
    public static final Cost ZERO = new Cost(0, 0);

    /** What computing {@code n} once costs. */
    public static Cost of(Node n) {
        long out = n.type().elementCount();
        long flops = switch (n.op()) {
            case UNARY, BINARY, WHERE, RANDOM -> out;
            case REDUCE, ARG_REDUCE -> n.input(0).type().elementCount();
            case CONTRACT -> {
                long summed = 1;
                for (String a : ((Attr.Contract) n.attr()).axes()) summed = Sizes.times(summed, n.input(0).type().axis(a).size());
                yield Sizes.times(2, Sizes.times(out, summed));
            }
            case INPUT, PARAM, CONST, IOTA, STATE_READ, CAST, EXPAND, RENAME, TRANSPOSE, SPLIT, MERGE, SLICE, SELECT, ROLL,
                 SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER -> 0;
            case ARGSORT -> {
                // a comparison sort: about len * log2(len) comparisons per line
                int len = n.input(0).type().axis(((Attr.ArgSort) n.attr()).axis()).size();
                yield Sizes.times(n.input(0).type().elementCount(), 32 - Integer.numberOfLeadingZeros(Math.max(1, len)));
            }
            case LINALG -> {
                // n^3 per matrix (elimination, Cholesky, a Jacobi sweep, a squaring), times the matrices; eigh and the
                // spectral radius and norm iterate: about 10 sweeps or 64 squarings, counted as such
                Attr.Linalg l = (Attr.Linalg) n.attr();
                TensorType a = n.input(0).type();
                long size = a.axis(l.row()).size(), matrices = a.elementCount() / Math.max(1, size * size);
                long per = Sizes.times(Sizes.times(size, size), size);
                long times = switch (l.fn()) {
                    case SOLVE, INVERSE, CHOLESKY -> 2;
                    case EIGH_VALUES, EIGH_VECTORS, SPECTRAL_NORM -> 40;
                    case SPECTRAL_RADIUS -> 128;
                };
                yield Sizes.times(Sizes.times(matrices, per), times);
            }
            // an add per synapse whose presynaptic element is nonzero: at most every synapse, counted so (an upper bound)
            case SYNAPSES -> (long) Math.min(Long.MAX_VALUE / 4, SynapseChoice.expectedSynapses((Attr.Synapses) n.attr(),
                    n.input(0).type().elementCount(), ((Attr.Synapses) n.attr()).post().size()));
            // a delay line copies its input in; synaptic delays add per synapse as SYNAPSES (an upper bound)
            case DELAY -> {
                Attr.Delay d = (Attr.Delay) n.attr();
                yield d.syn() == null ? 0 : (long) Math.min(Long.MAX_VALUE / 4, SynapseChoice.expectedSynapses(d.syn(),
                        n.input(2).type().elementCount(), d.syn().post().size()));
            }
            case FFT -> {
                // a fast transform: about 5 n log2(n) flops per complex line of n (the usual count for a radix-2 FFT)
                Attr.Fft f = (Attr.Fft) n.attr();
                TensorType x = n.input(0).type();
                int len = f.kind() == Attr.FftKind.IRFFT ? f.into().size() : x.axis(f.axis()).size();
                long lines = Math.max(1, Math.max(x.elementCount(), out) / Math.max(1, len));
                yield Sizes.times(Sizes.times(5, lines), Sizes.times(len, 32 - Integer.numberOfLeadingZeros(Math.max(1, len))));
            }
        };
        long bytes = switch (n.op()) {
            case INPUT, PARAM, CONST, IOTA, STATE_READ, RENAME, SPLIT -> 0;
            case RANDOM, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, TRANSPOSE, MERGE, SLICE, SELECT,
                 ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, FFT -> {
                long b = n.type().bytes();
                for (Node i : n.inputs()) b = Sizes.plus(b, i.type().bytes());
                yield b;
            }
            // the ring is updated in place: a row cleared, the input read, a row (or the synapses' targets) written
            case DELAY -> {
                long row = n.type().bytes() / Math.max(1, n.type().axes().get(0).size());
                yield Sizes.plus(Sizes.times(2, row), n.input(2).type().bytes());
            }
        };
        return new Cost(flops, bytes);
    }

    /** What one step of {@code g} costs: the nodes its outputs and its states' next values need. */
    public static Cost step(Graph g) { return total(Liveness.stepCone(g)); }

    /** The sum over {@code nodes}. */
    public static Cost total(Collection<Node> nodes) {
        Cost total = ZERO;
        for (Node n : nodes) total = total.plus(of(n));
        return total;
    }

    public Cost plus(Cost o) { return new Cost(Sizes.plus(flops, o.flops), Sizes.plus(bytes, o.bytes)); }
}
