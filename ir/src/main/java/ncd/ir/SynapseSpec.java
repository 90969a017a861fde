package ncd.ir;

import ncd.diag.DiagCode;

import java.util.List;

/**
 * The type rule of {@link Op#SYNAPSES} beside {@link OpSpecs} (whose table points here), and the two decisions the
 * compiler makes for it from the sizes alone, before anything runs: how the connectivity is stored
 * ({@link #storage}) and whether its accumulation may run in parallel ({@link #order}). {@code ncdc ir} prints both
 * in the op's attribute.
 */
public final class SynapseSpec {
    private SynapseSpec() {}

    /** Above this many bytes the compiler stores no dense bit matrix. */
    public static final long DENSE_LIMIT = 64L << 20;
    /** Above this many bytes of compressed rows the compiler regenerates rows instead (when the rule allows). */
    public static final long CSR_LIMIT = 1L << 30;
    /** An f32 holds every integer up to 2^24 exactly: counts of at most this many 1s sum exactly in any order. */
    public static final int EXACT_COUNT = 1 << 24;

    /** How the accumulation into postsynaptic targets may be split among threads. */
    public enum Order {
        /** One thread, presynaptic rows in increasing order. */
        SERIAL,
        /** Threads own disjoint ranges of targets; each target adds its contributions in presynaptic order, as SERIAL. */
        BY_POST,
        /** Threads split the presynaptic rows; every contribution is 1 and counts stay exact, so order cannot matter. */
        EXACT_COUNTS;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'); }
    }

    /**
     * SYNAPSES: one input on the presynaptic axis alone (bool spikes, or floats), a sized postsynaptic axis of another
     * name; the result is on the postsynaptic axis, f32 for bool spikes (a count of the connected ones that spiked),
     * else the input's dtype, in the input's unit.
     */
    static TensorType type(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Synapses s = (Attr.Synapses) a;
        TensorType x = in.get(0);
        String what = "synapses[" + s.pre() + " -> " + s.post().name() + "]";
        if (x.rank() != 1 || !x.hasAxis(s.pre())) {
            throw OpSpecs.err(DiagCode.E0720, what + " takes a vector on the presynaptic axis " + s.pre() + ", but got axes " + x.axesText(),
                    "slice or select the presynaptic population first, e.g. slice[neuron: 0..3200 -> exc](spike)");
        }
        if (x.dtype() == DType.I32) {
            throw OpSpecs.err(DiagCode.E0401, what + " takes bool spikes or floats, got i32", "convert explicitly, e.g. f32(x)");
        }
        if (s.pre().equals(s.post().name())) {
            throw OpSpecs.err(DiagCode.E0720, what + ": the presynaptic and postsynaptic axes need different names",
                    "give the target population its own axis name (axis post = N), or rename the input");
        }
        Axis pre = x.axis(s.pre());
        if (pre.isSized() && s.post().isSized()) checkRule(s, pre.size(), s.post().size());
        DType out = x.dtype() == DType.BOOL ? DType.F32 : x.dtype();
        return new TensorType(out, List.of(s.post()), x.unit());
    }

    private static void checkRule(Attr.Synapses s, int nPre, int nPost) throws TypeRuleException {
        String what = "synapses[" + s.pre() + " -> " + s.post().name() + "]";
        switch (s.rule()) {
            case PROBABILITY -> {
                if (!(s.p() >= 0 && s.p() <= 1)) {
                    throw OpSpecs.err(DiagCode.E0721, what + ": a connection probability must be in [0, 1], got " + s.p(), "e.g. p = 0.02");
                }
            }
            case OUT_DEGREE -> {
                if (s.k() < 0 || s.k() > nPost) {
                    throw OpSpecs.err(DiagCode.E0721, what + ": out_degree = " + s.k() + " needs that many distinct targets, but "
                            + s.post().name() + " has " + nPost, "an out-degree between 0 and " + nPost);
                }
            }
            case IN_DEGREE -> {
                if (s.k() < 0 || s.k() > nPre) {
                    throw OpSpecs.err(DiagCode.E0721, what + ": in_degree = " + s.k() + " needs that many distinct sources, but "
                            + s.pre() + " has " + nPre, "an in-degree between 0 and " + nPre);
                }
            }
            case ONE_TO_ONE -> {
                if (nPre != nPost) {
                    throw OpSpecs.err(DiagCode.E0721, what + ": one_to_one needs axes of one size, but " + s.pre() + " has " + nPre + " and "
                            + s.post().name() + " has " + nPost, "connect populations of one size, or use p = or out_degree =");
                }
            }
        }
        if (s.storage() == Attr.SynStorage.PROCEDURAL && s.rule() == Attr.SynRule.IN_DEGREE) {
            throw OpSpecs.err(DiagCode.E0722, what + ": in_degree connections cannot be procedural: a presynaptic row of an in-degree rule "
                    + "is known only after every target has drawn its sources", "store them: as csr (or leave the storage to the compiler)");
        }
    }

    /** The expected number of synapses (exact for the degree rules and one_to_one). */
    public static double expectedSynapses(Attr.Synapses s, long nPre, long nPost) {
        return switch (s.rule()) {
            case PROBABILITY -> s.p() * nPre * nPost;
            case OUT_DEGREE -> (double) s.k() * nPre;
            case IN_DEGREE -> (double) s.k() * nPost;
            case ONE_TO_ONE -> nPre;
        };
    }

    /** Bytes of a dense bit matrix: a row of 64-bit words per presynaptic element. */
    public static long denseBytes(long nPre, long nPost) { return Sizes.times(Sizes.times(nPre, (nPost + 63) / 64), 8); }

    /** Bytes of compressed rows: 4 per synapse (the target index) and 4 per presynaptic element plus one (row starts). */
    public static long csrBytes(Attr.Synapses s, long nPre, long nPost) {
        return (long) Math.min(Long.MAX_VALUE / 2, 4 * expectedSynapses(s, nPre, nPost)) + 4 * (nPre + 1);
    }

    /**
     * The storage: the user's when stated; else dense when its bit matrix is no larger than compressed rows and under
     * {@link #DENSE_LIMIT}; else csr when under {@link #CSR_LIMIT} or when the rule cannot be regenerated by row
     * (in_degree); else procedural.
     */
    public static Attr.SynStorage storage(Attr.Synapses s, long nPre, long nPost) {
        if (s.storage() != Attr.SynStorage.AUTO) return s.storage();
        long dense = denseBytes(nPre, nPost), csr = csrBytes(s, nPre, nPost);
        if (dense <= csr && dense <= DENSE_LIMIT) return Attr.SynStorage.DENSE;
        if (csr <= CSR_LIMIT || s.rule() == Attr.SynRule.IN_DEGREE) return Attr.SynStorage.CSR;
        return Attr.SynStorage.PROCEDURAL;
    }

    /** The bytes the chosen storage holds for the life of an instance (0 for procedural). */
    public static long heldBytes(Attr.Synapses s, long nPre, long nPost) {
        return switch (storage(s, nPre, nPost)) {
            case DENSE -> denseBytes(nPre, nPost);
            case CSR -> csrBytes(s, nPre, nPost);
            case PROCEDURAL, AUTO -> 0;
        };
    }

    /**
     * Whether the accumulation y[post] += x[pre] may run in parallel, proved from the storage and the input's dtype:
     * float additions do not commute bit for bit, so a target's contributions must be added in one fixed order (the
     * presynaptic order) unless their sum is exact.
     * <ul>
     *   <li>dense or csr: rows are sorted by target and can be cut by target range, so threads that own disjoint
     *       target ranges each add in presynaptic order: {@link Order#BY_POST}, bit for bit the serial result;</li>
     *   <li>procedural with bool spikes (every contribution 1) and fewer than 2^24 presynaptic elements: each count is
     *       an integer an f32 holds exactly, so any order gives the same bits: {@link Order#EXACT_COUNTS};</li>
     *   <li>procedural with float inputs: a regenerated row cannot be cut by target without drawing it whole, and
     *       the sum of floats depends on the order: {@link Order#SERIAL}.</li>
     * </ul>
     */
    public static Order order(Attr.Synapses s, DType in, long nPre, long nPost) {
        Attr.SynStorage st = storage(s, nPre, nPost);
        if (st != Attr.SynStorage.PROCEDURAL) return Order.BY_POST;
        if (in == DType.BOOL && nPre < EXACT_COUNT) return Order.EXACT_COUNTS;
        return Order.SERIAL;
    }

    /** The op's node: storage and order, from its sized types. */
    public static Attr.SynStorage storage(Node n) {
        return storage((Attr.Synapses) n.attr(), n.input(0).type().axes().get(0).size(), ((Attr.Synapses) n.attr()).post().size());
    }

    public static Order order(Node n) {
        Attr.Synapses s = (Attr.Synapses) n.attr();
        return order(s, n.input(0).type().dtype(), n.input(0).type().axes().get(0).size(), s.post().size());
    }

    /** The rule as written: {@code p = 0.02}, {@code out_degree = 80}, {@code one_to_one}. */
    public static String ruleText(Attr.Synapses s) {
        return switch (s.rule()) {
            case PROBABILITY -> "p = " + number(s.p());
            case OUT_DEGREE, IN_DEGREE -> s.rule().word() + " = " + s.k();
            case ONE_TO_ONE -> "one_to_one";
        };
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
