package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.SynapseChoice;
import ncd.ir.SynapseData;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * SYNAPSES (docs/semantics.md, "Synapses"), shared by the interpreter and the JVM backend so that they agree bit for
 * bit: the connectivity a seeded rule draws, held dense, as compressed rows (CSR by presynaptic element) or not at
 * all (procedural: a spiking element's row drawn again at each step), and the event-driven product
 * {@code y[post] = sum over pre of C[post, pre] x[pre]} that visits only the rows of nonzero {@code x[pre]}.
 *
 * <h2>The connectivity (a pure function of the rule, the seed and the sizes)</h2>
 * {@code key = Rng.seedOf("synapses:" + instance path, seed)}; presynaptic row j draws from stream j:
 * <ul>
 *   <li>{@code p}: the targets of row j are the positions of a Bernoulli(p) sequence over {@code 0..nPost-1}, drawn by
 *       geometric skips: {@code i = -1}; for t = 0, 1, ...: {@code i += 1 + floor(log1p(-uniform(key, j, t)) /
 *       log1p(-p))} until {@code i >= nPost} (StrictMath; p = 1 takes every target, p = 0 none);</li>
 *   <li>{@code out_degree = k}: Floyd's sample of k distinct targets ({@code for t = nPost - k .. nPost - 1: r =
 *       floor(uniform(key, j, t) * (t + 1)); take r, or t when r is taken}), sorted;</li>
 *   <li>{@code in_degree = k}: post i draws k distinct sources with Floyd's sample from stream {@code i} of
 *       {@code key ^ IN_DEGREE_TAG}; the rows are that relation read by source (targets ascending);</li>
 *   <li>{@code one_to_one}: row j is {j};</li>
 *   <li>{@code p, sigma, grid}: {@link SynapseDistance} (the p rule's skips as candidates, each kept with its
 *       distance's Gaussian factor);</li>
 *   <li>{@code pairs}: the list, sorted ({@link SynapseData.Pairs}); never drawn.</li>
 * </ul>
 * Every row lists its targets in increasing order (a pair a list repeats: side by side); every storage visits them so, and the spiking rows in increasing
 * j: each target's sum is formed in presynaptic order, whatever the storage and however threads split the work
 * ({@link SynapseChoice#order}).
 *
 * <p>The stored forms are built once per (rule, seed, sizes, storage) and shared by every instance that asks for the
 * same one (they never change): a small cache of the most recent, never rebuilt per step.
 */
public final class Synapses {
    private Synapses() {}

    /** Mixed into the key of in-degree draws, so that they differ from out-degree draws of the same seed. */
    public static final long IN_DEGREE_TAG = 0x5EEDC0FFEEL;
    /** Work (synapses visited) below which the product stays on the calling thread even when it may split. */
    public static final long PARALLEL_WORK = 1L << 17;
    private static final int CACHE = 8;

    /**
     * Everything the product needs, as a string the JVM backend embeds in its code; {@code data} (the distance rule's
     * grid, the pairs rule's list; else null) is encoded but for the pairs themselves, which the generated code
     * passes as two int arrays (buffers of its own, as index maps: never megabytes in a string constant).
     */
    public record Plan(Attr.SynRule rule, double p, int k, long key, int nPre, int nPost, Attr.SynStorage storage, SynapseChoice.Order order,
                       SynapseData data) {
        public Plan(Attr.SynRule rule, double p, int k, long key, int nPre, int nPost, Attr.SynStorage storage, SynapseChoice.Order order) {
            this(rule, p, k, key, nPre, nPost, storage, order, null);
        }

        public String encode() { return structureKey() + ";" + order.name(); }

        public static Plan decode(String s) { return decode(s, null, null); }

        /** The plan of {@link #encode}; a pairs rule takes its list from {@code pre} and {@code post}, checked against the digest. */
        public static Plan decode(String s, int[] pre, int[] post) {
            String[] f = s.split(";");
            SynapseData data = f.length > 8 ? SynapseData.decode(f[7], pre, post) : null;
            return new Plan(Attr.SynRule.valueOf(f[0]), Double.longBitsToDouble(Long.parseLong(f[1])), Integer.parseInt(f[2]),
                    Long.parseLong(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]), Attr.SynStorage.valueOf(f[6]),
                    SynapseChoice.Order.valueOf(f[f.length - 1]), data);
        }

        /** The cache key: everything but the order, which does not change what is stored. */
        String structureKey() {
            return rule.name() + ";" + Double.doubleToRawLongBits(p) + ";" + k + ";" + key + ";" + nPre + ";" + nPost + ";" + storage.name()
                    + (data == null ? "" : ";" + data.encode());
        }

        /** {@link SynapseChoice#expectedSynapses} of this plan. */
        double expected() {
            return SynapseChoice.expectedSynapses(new Attr.Synapses("", new ncd.ir.Axis("", nPost), rule, p, k, 0, storage, data), nPre, nPost);
        }
    }

    private static final java.util.concurrent.ConcurrentHashMap<String, Plan> decoded = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@link Plan#decode}, remembered: the JVM backend passes its plan as a string constant at every step. */
    public static Plan planOf(String encoded) { return decoded.computeIfAbsent(encoded, Plan::decode); }

    /** {@link #planOf} for a pairs rule, whose list arrives as arrays (checked against the plan's digest once). */
    public static Plan planOf(String encoded, int[] pre, int[] post) { return decoded.computeIfAbsent(encoded, s -> Plan.decode(s, pre, post)); }

    /**
     * The plan of a SYNAPSES op at instance path {@code scope} whose input has dtype {@code in} and {@code nPre}
     * elements: storage and order resolved, the key {@code Rng.seedOf("synapses:" + scope, seed)} (two instances of
     * one circuit draw distinct connections, as they draw distinct random numbers).
     */
    public static Plan plan(Attr.Synapses s, String scope, DType in, int nPre) {
        int nPost = s.post().size();
        return new Plan(s.rule(), s.p(), s.k(), Rng.seedOf("synapses:" + scope, s.seed()), nPre, nPost, SynapseChoice.storage(s, nPre, nPost),
                SynapseChoice.order(s, in, nPre, nPost), s.data());
    }

    // ---- drawing rows

    /**
     * The targets of presynaptic row {@code j} under a row-wise rule (p, out_degree, one_to_one), ascending, into
     * {@code buf} (at least nPost long); returns how many. {@code mark} is scratch of nPost booleans, all false, left so.
     */
    static int row(Plan p, long key, int j, int[] buf, boolean[] mark) {
        switch (p.rule()) {
            case PROBABILITY -> {
                if (p.p() <= 0) return 0;
                if (p.p() >= 1) {
                    for (int i = 0; i < p.nPost(); i++) buf[i] = i;
                    return p.nPost();
                }
                double logq = StrictMath.log1p(-p.p());
                long i = -1;
                int c = 0;
                for (long t = 0; ; t++) {
                    double skip = Math.floor(StrictMath.log1p(-Rng.uniform(key, j, t)) / logq);
                    if (skip >= p.nPost()) break;
                    i += 1 + (long) skip;
                    if (i >= p.nPost()) break;
                    buf[c++] = (int) i;
                }
                return c;
            }
            case OUT_DEGREE -> {
                int c = floyd(key, j, p.k(), p.nPost(), buf, mark);
                Arrays.sort(buf, 0, c);
                return c;
            }
            case ONE_TO_ONE -> {
                buf[0] = j;
                return 1;
            }
            case DISTANCE -> {
                return SynapseDistance.row(p, (SynapseData.Grid) p.data(), key, j, buf);
            }
            case IN_DEGREE -> throw new IllegalStateException("in_degree rows are drawn by target");
            case PAIRS -> throw new IllegalStateException("a list of pairs is read, not drawn");
        }
        throw new AssertionError();
    }

    /** Floyd's sample of {@code k} distinct values of {@code 0..n-1} from stream {@code s}; unsorted. */
    private static int floyd(long key, long s, int k, int n, int[] buf, boolean[] mark) {
        int c = 0;
        for (int t = n - k; t < n; t++) {
            int r = (int) Math.floor(Rng.uniform(key, s, t) * (t + 1));
            int pick = mark[r] ? t : r;
            mark[pick] = true;
            buf[c++] = pick;
        }
        for (int i = 0; i < c; i++) mark[buf[i]] = false;
        return c;
    }

    // ---- the stored forms

    /** Compressed rows by presynaptic element: targets of row j at {@code idx[start[j] .. start[j + 1])}, ascending. */
    record Csr(int[] start, int[] idx) {}

    /** One bit per pair: row j's words at {@code j * words}, bit i of the row set when j reaches i. */
    record Dense(long[] bits, int words) {}

    private static final Map<String, Object> built = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Object> e) { return size() > CACHE; }
    };

    /** The stored form of {@code p}'s connectivity (null for procedural), built on first use and cached. */
    static Object structure(Plan p) {
        if (p.storage() == Attr.SynStorage.PROCEDURAL) return null;
        synchronized (built) {
            Object s = built.get(p.structureKey());
            if (s == null) {
                Csr csr = csr(p);
                s = p.storage() == Attr.SynStorage.DENSE ? dense(p, csr) : csr;
                built.put(p.structureKey(), s);
            }
            return s;
        }
    }

    /** The number of synapses {@code p} draws (for tests and the memory report). */
    public static long count(Plan p) {
        Object s = structure(p);
        if (s instanceof Csr c) return c.start()[p.nPre()];
        if (s instanceof Dense d) {
            long n = 0;
            for (long w : d.bits()) n += Long.bitCount(w);
            return n;
        }
        int[] buf = new int[p.nPost()];
        boolean[] mark = new boolean[p.nPost()];
        long n = 0;
        for (int j = 0; j < p.nPre(); j++) n += row(p, p.key(), j, buf, mark);
        return n;
    }

    /** The targets of presynaptic element {@code j}, ascending (for tests). */
    public static int[] targets(Plan p, int j) {
        Object s = structure(p);
        if (s instanceof Csr c) return Arrays.copyOfRange(c.idx(), c.start()[j], c.start()[j + 1]);
        if (s instanceof Dense d) {
            int[] out = new int[p.nPost()];
            int n = 0;
            for (int i = 0; i < p.nPost(); i++) if ((d.bits()[j * d.words() + (i >>> 6)] >>> (i & 63) & 1) != 0) out[n++] = i;
            return Arrays.copyOf(out, n);
        }
        int[] buf = new int[p.nPost()];
        return Arrays.copyOf(buf, row(p, p.key(), j, buf, new boolean[p.nPost()]));
    }

    private static Csr csr(Plan p) {
        long key = p.key();
        int nPre = p.nPre(), nPost = p.nPost();
        if (p.rule() == Attr.SynRule.IN_DEGREE) return inDegree(p, key);
        if (p.rule() == Attr.SynRule.PAIRS) return pairs(p, (SynapseData.Pairs) p.data());
        double mean = p.expected();
        long cap = (long) Math.ceil(mean + 8 * Math.sqrt(mean) + 64);
        int[] idx = new int[(int) Math.min(cap, Integer.MAX_VALUE - 16)];
        int[] start = new int[nPre + 1];
        int[] buf = new int[nPost];
        boolean[] mark = new boolean[nPost];
        long e = 0;
        for (int j = 0; j < nPre; j++) {
            int c = row(p, key, j, buf, mark);
            if (e + c > idx.length) {
                long grown = Math.max(e + c, (long) idx.length + idx.length / 2);
                if (grown > Integer.MAX_VALUE - 16) throw new RunException("synapses: more than 2^31 connections do not fit compressed rows");
                idx = Arrays.copyOf(idx, (int) grown);
            }
            System.arraycopy(buf, 0, idx, (int) e, c);
            e += c;
            start[j + 1] = (int) e;
        }
        return new Csr(start, e == idx.length ? idx : Arrays.copyOf(idx, (int) e));
    }

    /** pairs: the sorted list is the compressed rows (its post column is their targets); only the row starts are counted. */
    private static Csr pairs(Plan p, SynapseData.Pairs list) {
        int[] start = new int[p.nPre() + 1];
        for (int j : list.pre()) start[j + 1]++;
        for (int j = 0; j < p.nPre(); j++) start[j + 1] += start[j];
        return new Csr(start, list.post());
    }

    /** in_degree: each target draws its sources; counting sort by source keeps targets ascending within a row. */
    private static Csr inDegree(Plan p, long key) {
        int nPre = p.nPre(), nPost = p.nPost(), k = p.k();
        long total = (long) k * nPost;
        if (total > Integer.MAX_VALUE - 16) throw new RunException("synapses: more than 2^31 connections do not fit compressed rows");
        int[] src = new int[(int) total];
        int[] buf = new int[k];
        boolean[] mark = new boolean[nPre];
        long inKey = key ^ IN_DEGREE_TAG;
        for (int i = 0; i < nPost; i++) {
            floyd(inKey, i, k, nPre, buf, mark);
            System.arraycopy(buf, 0, src, i * k, k);
        }
        int[] start = new int[nPre + 1];
        for (int s : src) start[s + 1]++;
        for (int j = 0; j < nPre; j++) start[j + 1] += start[j];
        int[] fill = Arrays.copyOf(start, nPre);
        int[] idx = new int[(int) total];
        for (int i = 0; i < nPost; i++) for (int t = 0; t < k; t++) idx[fill[src[i * k + t]]++] = i;
        return new Csr(start, idx);
    }

    private static Dense dense(Plan p, Csr c) {
        int words = (p.nPost() + 63) >>> 6;
        long[] bits = new long[Math.multiplyExact(p.nPre(), words)];
        for (int j = 0; j < p.nPre(); j++) {
            for (int e = c.start()[j]; e < c.start()[j + 1]; e++) bits[j * words + (c.idx()[e] >>> 6)] |= 1L << (c.idx()[e] & 63);
        }
        return new Dense(bits, words);
    }

    // ---- the product

    /** f32: {@code out[post] = sum over pre with x[pre] != 0 of x[pre]}, each sum in presynaptic order, as f32. */
    public static void propagate(Plan p, float[] x, float[] out) { propagate(p, x, out, true); }

    /** bool spikes: {@code out[post]} = how many connected presynaptic elements spiked, as f32. */
    public static void propagate(Plan p, boolean[] x, float[] out) {
        float[] f = new float[p.nPre()];
        for (int j = 0; j < f.length; j++) f[j] = x[j] ? 1f : 0f;
        propagate(p, f, out, true);
    }

    /** f64: as the f32 product, summed in double. */
    public static void propagate(Plan p, double[] in, double[] out) {
        double[] x = in == out ? in.clone() : in;   // a memory plan may give the result its operand's buffer
        Arrays.fill(out, 0, p.nPost(), 0);
        int[] spikes = events(x, p.nPre());
        Object s = structure(p);
        addRows(p, s, spikes, spikes.length, j -> x[j], out, 0, p.nPost());
    }

    private interface Weight { double at(int j); }

    /**
     * The f32 product; {@code mayFork}: whether it may split the work among threads when the plan's order allows and
     * the work is large enough ({@link #PARALLEL_WORK}); the result is the same bits either way.
     */
    public static void propagate(Plan p, float[] x, float[] out, boolean mayFork) {
        if (x == out) x = x.clone();   // a memory plan may give the result its operand's buffer
        Arrays.fill(out, 0, p.nPost(), 0f);
        int[] spikes = events(x, p.nPre());
        Object s = structure(p);
        long work = (long) spikes.length * Math.max(1, (long) Math.ceil(p.expected() / Math.max(1, p.nPre())));
        boolean fork = mayFork && work >= PARALLEL_WORK;
        if (fork && p.order() == SynapseChoice.Order.BY_POST) {
            ForkJoinPool.commonPool().invoke(new ByPost(p, s, spikes, x, out, 0, p.nPost()));
        } else if (fork && p.order() == SynapseChoice.Order.EXACT_COUNTS) {
            exactCounts(p, spikes, out);
        } else {
            addRowsF(p, s, spikes, x, out, 0, p.nPost());
        }
    }

    /** The indices of the nonzero elements among the first {@code len} (a buffer may be longer), ascending: the events. */
    private static int[] events(float[] x, int len) {
        int n = 0;
        for (int j = 0; j < len; j++) if (x[j] != 0f) n++;
        int[] e = new int[n];
        n = 0;
        for (int j = 0; j < len; j++) if (x[j] != 0f) e[n++] = j;
        return e;
    }

    private static int[] events(double[] x, int len) {
        int n = 0;
        for (int j = 0; j < len; j++) if (x[j] != 0) n++;
        int[] e = new int[n];
        n = 0;
        for (int j = 0; j < len; j++) if (x[j] != 0) e[n++] = j;
        return e;
    }

    /** out[lo..hi) += the rows of {@code spikes}, in presynaptic order, in f32. */
    private static void addRowsF(Plan p, Object s, int[] spikes, float[] x, float[] out, int lo, int hi) {
        if (s instanceof Csr c) {
            for (int j : spikes) {
                float w = x[j];
                int a = c.start()[j], b = c.start()[j + 1];
                if (lo > 0 || hi < p.nPost()) {
                    int from = lowerBound(c.idx(), a, b, lo), to = lowerBound(c.idx(), from, b, hi);
                    a = from;
                    b = to;
                }
                for (int e = a; e < b; e++) out[c.idx()[e]] += w;
            }
        } else if (s instanceof Dense d) {
            int w0 = lo >>> 6, w1 = (hi + 63) >>> 6;
            for (int j : spikes) {
                float w = x[j];
                int base = j * d.words();
                for (int wd = w0; wd < w1; wd++) {
                    long bits = d.bits()[base + wd];
                    while (bits != 0) {
                        int i = (wd << 6) + Long.numberOfTrailingZeros(bits);
                        bits &= bits - 1;
                        if (i >= lo && i < hi) out[i] += w;
                    }
                }
            }
        } else {
            int[] buf = new int[p.nPost()];
            boolean[] mark = new boolean[p.nPost()];
            long key = p.key();
            for (int j : spikes) {
                float w = x[j];
                int c = row(p, key, j, buf, mark);
                for (int e = 0; e < c; e++) if (buf[e] >= lo && buf[e] < hi) out[buf[e]] += w;
            }
        }
    }

    private static void addRows(Plan p, Object s, int[] spikes, int n, Weight x, double[] out, int lo, int hi) {
        if (s instanceof Csr c) {
            for (int t = 0; t < n; t++) {
                int j = spikes[t];
                double w = x.at(j);
                for (int e = c.start()[j]; e < c.start()[j + 1]; e++) out[c.idx()[e]] += w;
            }
        } else {
            for (int t = 0; t < n; t++) {
                int j = spikes[t];
                double w = x.at(j);
                for (int i : targets(p, j)) out[i] += w;
            }
        }
    }

    /** The first position in {@code a[from..to)} (ascending) holding a value {@code >= v}. */
    private static int lowerBound(int[] a, int from, int to, int v) {
        int lo = from, hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /** BY_POST: halves of the target range until small, each half adding every spiking row's part in presynaptic order. */
    private static final class ByPost extends RecursiveAction {
        private final Plan p;
        private final Object s;
        private final int[] spikes;
        private final float[] x, out;
        private final int lo, hi;

        ByPost(Plan p, Object s, int[] spikes, float[] x, float[] out, int lo, int hi) {
            this.p = p;
            this.s = s;
            this.spikes = spikes;
            this.x = x;
            this.out = out;
            this.lo = lo;
            this.hi = hi;
        }

        @Override protected void compute() {
            int parts = Math.max(2, ForkJoinPool.getCommonPoolParallelism()) * 2;
            int grain = Math.max(64, (p.nPost() + parts - 1) / parts);
            if (hi - lo <= grain) {
                addRowsF(p, s, spikes, x, out, lo, hi);
                return;
            }
            // a multiple of 64, so that two tasks never share a word of a dense row (they write different targets anyway)
            int mid = ((lo + (hi - lo) / 2) + 63) & ~63;
            if (mid <= lo || mid >= hi) {
                addRowsF(p, s, spikes, x, out, lo, hi);
                return;
            }
            invokeAll(new ByPost(p, s, spikes, x, out, lo, mid), new ByPost(p, s, spikes, x, out, mid, hi));
        }
    }

    /**
     * EXACT_COUNTS (procedural rows, bool spikes): the spiking rows split among threads, each counting into its own
     * integer array; the counts are summed as integers and stored as f32, exactly what adding 1s in any order gives
     * below 2^24.
     */
    private static void exactCounts(Plan p, int[] spikes, float[] out) {
        int parts = Math.max(1, Math.min(spikes.length, Math.max(2, ForkJoinPool.getCommonPoolParallelism())));
        int[][] counts = new int[parts][];
        java.util.stream.IntStream.range(0, parts).parallel().forEach(t -> {
            int[] cnt = new int[p.nPost()];
            int[] buf = new int[p.nPost()];
            boolean[] mark = new boolean[p.nPost()];
            long key = p.key();
            for (int q = t; q < spikes.length; q += parts) {
                int c = row(p, key, spikes[q], buf, mark);
                for (int e = 0; e < c; e++) cnt[buf[e]]++;
            }
            counts[t] = cnt;
        });
        for (int i = 0; i < p.nPost(); i++) {
            long sum = 0;
            for (int[] cnt : counts) sum += cnt[i];
            out[i] = (float) sum;
        }
    }
}
