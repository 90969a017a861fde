package ncd.ir;

/**
 * {@link SynapseChoice}'s two decisions for one {@link Op#SYNAPSES} node, in words, with why: what
 * {@code ncdc check --explain} prints (as it prints each equation's integrator). The decisions themselves are
 * {@link SynapseChoice}'s; this class only reads them and the figures they were made from.
 */
public final class SynapseExplain {
    private SynapseExplain() {}

    /** One line: the op as written, its storage and its accumulation order, each with why. */
    public static String line(Node n) {
        Attr.Synapses s = (Attr.Synapses) n.attr();
        TensorType in = n.input(0).type();
        long nPre = in.axes().isEmpty() ? 0 : in.axes().get(0).size(), nPost = s.post().size();
        return "synapses[" + s.pre() + " -> " + s.post().name() + ", " + SynapseChoice.ruleText(s) + "] (" + nPre + " -> " + nPost
                + "): storage " + storage(s, nPre, nPost) + "; accumulation " + order(s, in.dtype(), nPre, nPost);
    }

    /** The storage and why: stated, or the compiler's choice from the sizes of the candidates. */
    static String storage(Attr.Synapses s, long nPre, long nPost) {
        Attr.SynStorage st = SynapseChoice.storage(s, nPre, nPost);
        if (s.storage() != Attr.SynStorage.AUTO) return st.word() + " (stated)";
        String dense = "a dense bit matrix, " + Sizes.humanBytes(SynapseChoice.denseBytes(nPre, nPost));
        String csr = "compressed rows, " + Sizes.humanBytes(SynapseChoice.csrBytes(s, nPre, nPost));
        String denseLimit = Sizes.humanBytes(SynapseChoice.DENSE_LIMIT), csrLimit = Sizes.humanBytes(SynapseChoice.CSR_LIMIT);
        return st.word() + " (chosen: " + switch (st) {
            case DENSE -> dense + ", is no larger than " + csr + ", and within " + denseLimit;
            case CSR -> (SynapseChoice.denseBytes(nPre, nPost) > SynapseChoice.csrBytes(s, nPre, nPost)
                    ? csr + ", are smaller than " + dense : dense + ", is over " + denseLimit)
                    + (SynapseChoice.csrBytes(s, nPre, nPost) > SynapseChoice.CSR_LIMIT
                    ? "; over " + csrLimit + " but in_degree rows cannot be drawn again one presynaptic row at a time" : "");
            case PROCEDURAL -> csr + ", would pass " + csrLimit + ": a spiking neuron's row is drawn again from the seeded stream at each step";
            case AUTO -> "none";
        } + ")";
    }

    /** The accumulation order and why. */
    static String order(Attr.Synapses s, DType in, long nPre, long nPost) {
        SynapseChoice.Order o = SynapseChoice.order(s, in, nPre, nPost);
        return o.word() + " (" + switch (o) {
            case BY_POST -> "stored rows are sorted by target: threads own disjoint target ranges and each target adds in"
                    + " presynaptic order, bit for bit the serial sum";
            case EXACT_COUNTS -> "bool spikes add 1 each and there are fewer than 2^24 presynaptic elements: every count is exact"
                    + " in f32, so any order gives the same bits";
            case SERIAL -> "a regenerated row cannot be cut by target, and " + in.word() + " inputs sum differently in another order:"
                    + " one thread, presynaptic order";
        } + ")";
    }
}
