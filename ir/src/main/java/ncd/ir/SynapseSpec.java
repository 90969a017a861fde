package ncd.ir;

import ncd.diag.DiagCode;

import java.util.List;

/**
 * The type rule of {@link Op#SYNAPSES} beside {@link OpSpecs} (whose table points here); the compiler's decisions for
 * it (storage, order) are {@link SynapseChoice}'s.
 */
final class SynapseSpec {
    private SynapseSpec() {}

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
            case DISTANCE -> checkGrid(s, what, nPre, nPost);
            case PAIRS -> checkPairs(s, what, nPre, nPost);
        }
        if (s.storage() == Attr.SynStorage.PROCEDURAL && s.rule() == Attr.SynRule.IN_DEGREE) {
            throw OpSpecs.err(DiagCode.E0722, what + ": in_degree connections cannot be procedural: a presynaptic row of an in-degree rule "
                    + "is known only after every target has drawn its sources", "store them: as csr (or leave the storage to the compiler)");
        }
    }

    /** The distance rule: a peak probability in [0, 1], a positive finite sigma, grids that hold exactly the two axes. */
    private static void checkGrid(Attr.Synapses s, String what, int nPre, int nPost) throws TypeRuleException {
        if (!(s.p() >= 0 && s.p() <= 1)) {
            throw OpSpecs.err(DiagCode.E0721, what + ": a connection probability must be in [0, 1], got " + s.p(), "e.g. p = 0.3, sigma = 2, grid = (20, 20)");
        }
        SynapseData.Grid g = (SynapseData.Grid) s.data();
        if (!(g.sigma() > 0) || Double.isInfinite(g.sigma())) {
            throw OpSpecs.err(DiagCode.E0724, what + ": sigma must be a positive number of grid spacings, got " + g.sigma(),
                    "the connection probability is p exp(-d^2 / (2 sigma^2)), d in grid spacings: e.g. sigma = 2");
        }
        int[] pre = new int[g.rank()], post = new int[g.rank()];
        for (int k = 0; k < g.rank(); k++) {
            pre[k] = g.preSize(k);
            post[k] = g.postSize(k);
        }
        gridFits(what, g.sameSizes() ? "grid" : "pre_grid", pre, s.pre(), nPre);
        gridFits(what, g.sameSizes() ? "grid" : "post_grid", post, s.post().name(), nPost);
    }

    private static void gridFits(String what, String word, int[] sizes, String axis, int n) throws TypeRuleException {
        String text = java.util.Arrays.toString(sizes).replace('[', '(').replace(']', ')');
        for (int d : sizes) {
            if (d < 1) throw OpSpecs.err(DiagCode.E0724, what + ": " + word + " = " + text + " has a size below 1", "grid sizes are positive: e.g. grid = (20, 20)");
        }
        long count = SynapseData.Grid.count(sizes);
        if (count != n) {
            throw OpSpecs.err(DiagCode.E0724, what + ": " + word + " = " + text + " holds " + count + " positions, but " + axis + " has " + n,
                    "sizes whose product is " + n + (word.equals("grid") ? " (pre_grid = ..., post_grid = ... lay out populations of different sizes)" : ""));
        }
    }

    /** The pairs rule: every index within its axis; no procedural rows (a list is not drawn), no bits for a repeated pair. */
    private static void checkPairs(Attr.Synapses s, String what, int nPre, int nPost) throws TypeRuleException {
        SynapseData.Pairs p = (SynapseData.Pairs) s.data();
        if (p.min() < 0 || p.maxPre() >= nPre || p.maxPost() >= nPost) {
            String bad = p.min() < 0 ? "a negative index" : p.maxPre() >= nPre ? "presynaptic index " + p.maxPre() + " (" + s.pre() + " has " + nPre + ")"
                    : "postsynaptic index " + p.maxPost() + " (" + s.post().name() + " has " + nPost + ")";
            throw OpSpecs.err(DiagCode.E0726, what + ": the list of pairs holds " + bad, "indices count from 0 and stay below the axis size");
        }
        if (s.storage() == Attr.SynStorage.PROCEDURAL) {
            throw OpSpecs.err(DiagCode.E0722, what + ": a list of pairs cannot be procedural: its rows are read from the list, not drawn",
                    "store them: as csr or dense (or leave the storage to the compiler)");
        }
        if (s.storage() == Attr.SynStorage.DENSE && p.repeated() > 0) {
            throw OpSpecs.err(DiagCode.E0722, what + ": dense storage holds one bit per pair, but the list repeats " + p.repeated()
                    + (p.repeated() == 1 ? " pair" : " pairs") + " (each repeat is one more synapse)", "store them as csr (or leave the storage to the compiler)");
        }
    }

}
