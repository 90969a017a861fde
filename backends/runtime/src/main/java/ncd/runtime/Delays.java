package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.DType;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * DELAY (docs/semantics.md, "Delays"): one step of a ring buffer of L rows, in place. The JVM backend runs this code;
 * the interpreter writes the same definition out plainly (its {@code Kernels.delay}), and the two agree bit for bit.
 *
 * <p>At a step whose head is h: the row read at the last step, {@code (h - 1) mod L}, is cleared; each value sent
 * now with a delay of d steps is added to row {@code (h + d) mod L} (a delay line writes its whole input, d = L - 1,
 * into the row just cleared); row h is then what arrives now. A row is cleared only after it was read, and receives
 * nothing between its clear and its reading but what is due then, so a step costs the events plus a row or two: never
 * the L rows of a shift register.
 *
 * <p>Synaptic delays: the connectivity is {@link Synapses}' (the same plan, so the same synapses as an undelayed
 * {@code synapses[...]} of that rule, seed and scope); presynaptic rows of nonzero input in increasing j, each row's
 * targets ascending, each adding in the ring's dtype (f32 rounded at each add). Synapse (j, i) waits {@link #steps}.
 */
public final class Delays {
    private Delays() {}

    /** Mixed into the key of per-synapse delays, so that they differ from the draws of the connectivity. */
    public static final String SCOPE_TAG = "delays:";

    /**
     * Everything a step needs: the ring's rows {@code lag} of {@code row} elements each, the delays in steps ({@code
     * lo == hi}: one for all), their key, and the synapses' plan (null for a delay line).
     */
    public record Plan(int lag, int row, double lo, double hi, long key, Synapses.Plan syn) {
        public String encode() {
            return lag + ";" + row + ";" + Double.doubleToRawLongBits(lo) + ";" + Double.doubleToRawLongBits(hi) + ";" + key + ";"
                    + (syn == null ? "-" : syn.encode());
        }

        public static Plan decode(String s) {
            String[] f = s.split(";", 6);
            return new Plan(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.longBitsToDouble(Long.parseLong(f[2])),
                    Double.longBitsToDouble(Long.parseLong(f[3])), Long.parseLong(f[4]), f[5].equals("-") ? null : Synapses.planOf(f[5]));
        }

        boolean homogeneous() { return lo == hi; }
    }

    private static final ConcurrentHashMap<String, Plan> decoded = new ConcurrentHashMap<>();

    /** {@link Plan#decode}, remembered: the JVM backend passes its plan as a string constant at every step. */
    public static Plan planOf(String encoded) { return decoded.computeIfAbsent(encoded, Plan::decode); }

    /**
     * The plan of a DELAY at instance path {@code scope} whose input has dtype {@code in} and {@code nIn} elements and
     * whose ring rows have {@code row} elements: the delays' key {@code Rng.seedOf("delays:" + scope, seed)}, the
     * synapses' plan as SYNAPSES makes it ({@link Synapses#plan}).
     */
    public static Plan plan(Attr.Delay d, String scope, DType in, int nIn, int row) {
        Synapses.Plan syn = d.syn() == null ? null : Synapses.plan(d.syn(), scope, in, nIn);
        return new Plan(d.lag().size(), row, d.lo(), d.hi(), Rng.seedOf(SCOPE_TAG + scope, d.seed()), syn);
    }

    /**
     * The delay in steps of synapse (pre j, post i): homogeneous, the one number; else {@code rint(lo + (hi - lo) u)}
     * with {@code u = Rng.uniform(key, j, i)} in [0, 1): a pure function of the key and the pair, whatever the storage.
     */
    public static int steps(Plan p, int j, int i) {
        if (p.homogeneous()) return (int) p.lo();
        return (int) Math.rint(p.lo() + (p.hi() - p.lo()) * Rng.uniform(p.key(), j, i));
    }

    // ---- a delay line (any dtype): the input replaces the row just read

    /** A delay line's step on {@code ring} (an array of the ring's dtype), in place; {@code x} is of the same dtype. */
    public static void line(Plan p, Object ring, int head, Object x) {
        int c = Math.floorMod(head - 1, p.lag());
        System.arraycopy(x, 0, ring, c * p.row(), p.row());
    }

    // ---- synaptic delays

    /** Bool spikes: each spiking presynaptic element adds 1 to each of its targets' rows due, f32. */
    public static void synaptic(Plan p, float[] ring, int head, boolean[] x) { synaptic(p, ring, head, null, x); }

    /** f32 values: each nonzero x[j] is added, in f32, to each of its targets' rows due. */
    public static void synaptic(Plan p, float[] ring, int head, float[] x) { synaptic(p, ring, head, x, null); }

    private static void synaptic(Plan p, float[] ring, int head, float[] xf, boolean[] xb) {
        int lag = p.lag(), n = p.row(), nPre = p.syn().nPre();
        int c = Math.floorMod(head - 1, lag);
        Arrays.fill(ring, c * n, c * n + n, 0f);
        Rows rows = new Rows(p.syn());
        for (int j = 0; j < nPre; j++) {
            float w = xf != null ? xf[j] : xb[j] ? 1f : 0f;
            if (w == 0f) continue;
            int count = rows.of(j);
            int[] t = rows.targets;
            int from = rows.from;
            if (p.homogeneous()) {
                int base = (head + (int) p.lo()) % lag * n;
                for (int e = from; e < from + count; e++) ring[base + t[e]] += w;
            } else {
                for (int e = from; e < from + count; e++) {
                    int i = t[e];
                    ring[(head + steps(p, j, i)) % lag * n + i] += w;
                }
            }
        }
    }

    /** f64 values, added in double. */
    public static void synaptic(Plan p, double[] ring, int head, double[] x) {
        int lag = p.lag(), n = p.row(), nPre = p.syn().nPre();
        int c = Math.floorMod(head - 1, lag);
        Arrays.fill(ring, c * n, c * n + n, 0);
        Rows rows = new Rows(p.syn());
        for (int j = 0; j < nPre; j++) {
            double w = x[j];
            if (w == 0) continue;
            int count = rows.of(j);
            for (int e = rows.from; e < rows.from + count; e++) {
                int i = rows.targets[e];
                ring[(head + steps(p, j, i)) % lag * n + i] += w;
            }
        }
    }

    /** The targets of one presynaptic row at a time, ascending, from whatever the plan stores (no copy for csr). */
    private static final class Rows {
        private final Synapses.Plan p;
        private final Object s;
        int[] targets;
        int from;
        private final boolean[] mark;

        Rows(Synapses.Plan p) {
            this.p = p;
            this.s = Synapses.structure(p);
            if (s instanceof Synapses.Csr c) {
                targets = c.idx();
                mark = null;
            } else {
                targets = new int[p.nPost()];
                mark = s == null ? new boolean[p.nPost()] : null;
            }
        }

        /** Points {@link #targets} from {@link #from} at row j's targets; returns how many. */
        int of(int j) {
            if (s instanceof Synapses.Csr c) {
                from = c.start()[j];
                return c.start()[j + 1] - from;
            }
            from = 0;
            if (s instanceof Synapses.Dense d) {
                int k = 0, base = j * d.words();
                for (int wd = 0; wd < d.words(); wd++) {
                    long bits = d.bits()[base + wd];
                    while (bits != 0) {
                        targets[k++] = (wd << 6) + Long.numberOfTrailingZeros(bits);
                        bits &= bits - 1;
                    }
                }
                return k;
            }
            return Synapses.row(p, p.key(), j, targets, mark);
        }
    }
}
