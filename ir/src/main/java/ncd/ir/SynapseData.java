package ncd.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a connection rule of {@link Op#SYNAPSES} needs beyond a number ({@link Attr.Synapses#data}): the grid layout
 * of the distance rule ({@link Grid}) and the list of the pairs rule ({@link Pairs}); null for the other rules.
 * Values (equal by content), encoded into the plan string the JVM backend embeds. Free of the checker, as
 * {@link SynapseChoice} (the ahead-of-time jar's runtime carries it); the checks are {@link SynapseSpec}'s.
 */
public sealed interface SynapseData permits SynapseData.Grid, SynapseData.Pairs {
    /** The plan field (no {@code ;}): everything but the pairs themselves, which travel as arrays. */
    String encode();

    /** The data of {@link #encode}; a {@link Pairs} takes its arrays from {@code pre} and {@code post} and checks them. */
    static SynapseData decode(String s, int[] pre, int[] post) {
        String[] f = s.split(",");
        return switch (f[0]) {
            case "G" -> new Grid(dims(f[3]), dims(f[4]), Double.longBitsToDouble(Long.parseLong(f[1])), f[2].equals("1"));
            case "P" -> Pairs.restore(Integer.parseInt(f[1]), f[2], pre, post);
            default -> throw new IllegalArgumentException("not synapse data: " + s);
        };
    }

    private static List<Integer> dims(String s) {
        List<Integer> d = new ArrayList<>();
        for (String x : s.split("x")) d.add(Integer.parseInt(x));
        return d;
    }

    /**
     * The distance rule's layout: presynaptic element j sits on a grid of sizes {@code pre} (row-major: the last
     * dimension fastest) at its integer coordinates (a_1, ..., a_m); postsynaptic element i on a grid of sizes
     * {@code post} (same rank) at ((b_k + 1/2) R_k / R'_k - 1/2)_k, its cell centre on the presynaptic grid's extent
     * (the same point when the sizes agree). Distances are in presynaptic grid spacings; with {@code wrap} each
     * coordinate difference is taken around a torus of period R_k. The pair is connected with probability
     * {@code p * prod_k exp(-delta_k^2 / (2 sigma^2))} = {@code p exp(-d^2 / (2 sigma^2))}.
     */
    final class Grid implements SynapseData {
        private final int[] pre, post;
        private final double sigma;
        private final boolean wrap;
        /** Per dimension k, exp(-delta^2 / (2 sigma^2)) at [a * R'_k + b]; made on first use. */
        private volatile double[][] factors;
        private volatile double weightSum = Double.NaN;

        public Grid(List<Integer> pre, List<Integer> post, double sigma, boolean wrap) {
            if (pre.size() != post.size() || pre.isEmpty()) throw new IllegalArgumentException("grids of ranks " + pre.size() + " and " + post.size());
            this.pre = pre.stream().mapToInt(Integer::intValue).toArray();
            this.post = post.stream().mapToInt(Integer::intValue).toArray();
            this.sigma = sigma;
            this.wrap = wrap;
        }

        public int rank() { return pre.length; }
        public int preSize(int k) { return pre[k]; }
        public int postSize(int k) { return post[k]; }
        public double sigma() { return sigma; }
        public boolean wrap() { return wrap; }

        /** How many positions a grid of these sizes holds (saturating). */
        public static long count(int[] sizes) {
            long n = 1;
            for (int s : sizes) n = Sizes.times(n, Math.max(0, s));
            return n;
        }

        public long preCount() { return count(pre); }
        public long postCount() { return count(post); }
        public boolean sameSizes() { return Arrays.equals(pre, post); }

        /** Above this many entries (per dimension) the factors are computed at each use instead of kept in a table. */
        static final int TABLE_LIMIT = 1 << 20;
        /** At most this many coordinates per side enter {@link #weightSum} (evenly spaced beyond it). */
        static final int SUM_SAMPLES = 1024;

        /**
         * exp(-delta^2 / (2 sigma^2)) between presynaptic coordinate {@code a} and postsynaptic {@code b} along
         * dimension {@code k} (StrictMath): from a table made on first use when the dimension's sizes multiply to at
         * most {@link #TABLE_LIMIT}, else computed; the same bits either way.
         */
        public double factor(int k, int a, int b) {
            double[] t = tables()[k];
            return t != null ? t[a * post[k] + b] : compute(k, a, b);
        }

        private double compute(int k, int a, int b) {
            int r = pre[k], rp = post[k];
            double delta = Math.abs((b + 0.5) * r / rp - 0.5 - a);
            if (wrap) {
                delta = delta % r;
                delta = Math.min(delta, r - delta);
            }
            return StrictMath.exp(-delta * delta / (2 * sigma * sigma));
        }

        private double[][] tables() {
            double[][] f = factors;
            if (f == null) {
                f = new double[pre.length][];
                for (int k = 0; k < pre.length; k++) {
                    int r = pre[k], rp = post[k];
                    if ((long) r * rp > TABLE_LIMIT) continue;
                    double[] t = new double[r * rp];
                    for (int a = 0; a < r; a++) for (int b = 0; b < rp; b++) t[a * rp + b] = compute(k, a, b);
                    f[k] = t;
                }
                factors = f;
            }
            return f;
        }

        /**
         * The sum over every (pre, post) pair of exp(-d^2 / (2 sigma^2)), the expected synapses at p = 1: it factorises
         * by dimension; a dimension's sum is exact when both its sizes are at most {@link #SUM_SAMPLES}, else estimated
         * from that many evenly spaced coordinates per side (for the storage choice and the cost model only).
         */
        public double weightSum() {
            double w = weightSum;
            if (Double.isNaN(w)) weightSum = w = sumWeights();
            return w;
        }

        private double sumWeights() {
            double total = 1;
            for (int k = 0; k < pre.length; k++) {
                int na = Math.min(pre[k], SUM_SAMPLES), nb = Math.min(post[k], SUM_SAMPLES);
                double s = 0;
                for (int i = 0; i < na; i++) {
                    int a = (int) ((i + 0.5) * pre[k] / na);
                    for (int j = 0; j < nb; j++) s += compute(k, a, (int) ((j + 0.5) * post[k] / nb));
                }
                total *= s * ((double) pre[k] / na) * ((double) post[k] / nb);
            }
            return total;
        }

        /** As written: {@code sigma = 2, grid = (20, 20)}, or {@code pre_grid = ..., post_grid = ...}, then {@code wrap}. */
        public String text() {
            String g = sameSizes() ? "grid = " + tuple(pre) : "pre_grid = " + tuple(pre) + ", post_grid = " + tuple(post);
            return "sigma = " + SynapseChoice.number(sigma) + ", " + g + (wrap ? ", wrap" : "");
        }

        private static String tuple(int[] s) {
            if (s.length == 1) return Integer.toString(s[0]);
            StringBuilder b = new StringBuilder("(");
            for (int i = 0; i < s.length; i++) b.append(i == 0 ? "" : ", ").append(s[i]);
            return b.append(')').toString();
        }

        @Override public String encode() {
            return "G," + Double.doubleToRawLongBits(sigma) + "," + (wrap ? 1 : 0) + "," + join(pre) + "," + join(post);
        }

        private static String join(int[] s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length; i++) b.append(i == 0 ? "" : "x").append(s[i]);
            return b.toString();
        }

        @Override public boolean equals(Object o) {
            return o instanceof Grid g && Arrays.equals(pre, g.pre) && Arrays.equals(post, g.post)
                    && Double.doubleToLongBits(sigma) == Double.doubleToLongBits(g.sigma) && wrap == g.wrap;
        }

        @Override public int hashCode() { return Arrays.hashCode(pre) * 31 + Arrays.hashCode(post) * 7 + Double.hashCode(sigma) + (wrap ? 1 : 0); }

        @Override public String toString() { return text(); }
    }

    /**
     * A list of (pre, post) pairs, as read from a file ({@code file}: the name as written, for printing), sorted by
     * pre, then post; a pair listed twice is two synapses (as Brian2 makes them): its target appears twice in the
     * row and a sum counts it twice. {@link #digest} (SHA-256 of the sorted list, 16 hex digits) names the content:
     * the plan carries it and checks the arrays that reach the generated code against it.
     */
    final class Pairs implements SynapseData {
        private final String file;
        private final int[] pre, post;
        private final String digest;
        private final int repeated, maxPre, maxPost, min;

        private Pairs(String file, int[] pre, int[] post, String digest) {
            this.file = file;
            this.pre = pre;
            this.post = post;
            this.digest = digest;
            int rep = 0, mp = -1, mq = -1, lo = 0;
            for (int t = 0; t < pre.length; t++) {
                if (t > 0 && pre[t] == pre[t - 1] && post[t] == post[t - 1]) rep++;
                mp = Math.max(mp, pre[t]);
                mq = Math.max(mq, post[t]);
                lo = Math.min(lo, Math.min(pre[t], post[t]));
            }
            this.repeated = rep;
            this.maxPre = mp;
            this.maxPost = mq;
            this.min = lo;
        }

        /** The pairs (pre[t], post[t]) in any order, sorted here (the arrays are not kept). */
        public static Pairs of(String file, int[] pre, int[] post) {
            if (pre.length != post.length) throw new IllegalArgumentException("pairs of unequal columns");
            long[] packed = new long[pre.length];
            for (int t = 0; t < pre.length; t++) packed[t] = (long) pre[t] << 32 | (post[t] & 0xFFFFFFFFL);
            Arrays.sort(packed);
            int[] a = new int[pre.length], b = new int[pre.length];
            for (int t = 0; t < packed.length; t++) {
                a[t] = (int) (packed[t] >> 32);
                b[t] = (int) packed[t];
            }
            return new Pairs(file, a, b, digest(a, b));
        }

        /** Sorted pairs that arrived as arrays (the JVM backend's buffers), checked against the plan's count and digest. */
        static Pairs restore(int count, String digest, int[] pre, int[] post) {
            if (pre == null || post == null || pre.length != count || post.length != count || !digest(pre, post).equals(digest)) {
                throw new IllegalStateException("the connection pairs that reached the generated code are not the ones compiled ("
                        + count + " pairs, sha256 " + digest + "): the compiled circuit is corrupt");
            }
            return new Pairs("", pre, post, digest);
        }

        private static String digest(int[] pre, int[] post) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                ByteBuffer bb = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
                for (int t = 0; t < pre.length; t++) {
                    if (bb.remaining() < 8) {
                        md.update(bb.array(), 0, bb.position());
                        bb.clear();
                    }
                    bb.putInt(pre[t]).putInt(post[t]);
                }
                md.update(bb.array(), 0, bb.position());
                byte[] h = md.digest();
                StringBuilder s = new StringBuilder();
                for (int i = 0; i < 8; i++) s.append(String.format("%02x", h[i]));
                return s.toString();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        /** The name of the file as written ("" when restored from a plan). */
        public String file() { return file; }
        /** Presynaptic indices, ascending; shared: never write to it. */
        public int[] pre() { return pre; }
        /** Postsynaptic indices, ascending within each presynaptic index; shared: never write to it. */
        public int[] post() { return post; }
        public int size() { return pre.length; }
        /** How many pairs repeat the pair before them (a pair listed three times counts 2). */
        public int repeated() { return repeated; }
        /** The largest presynaptic index (-1 when empty). */
        public int maxPre() { return maxPre; }
        /** The largest postsynaptic index (-1 when empty). */
        public int maxPost() { return maxPost; }
        /** The smallest index of either column (0 when none is negative). */
        public int min() { return min; }
        public String digest() { return digest; }

        /** As printed: {@code pairs = "conn.npy" (12 pairs, 1 repeated, sha256 0123456789abcdef)}. */
        public String text() {
            return "pairs = \"" + file + "\" (" + size() + (size() == 1 ? " pair" : " pairs") + (repeated > 0 ? ", " + repeated + " repeated" : "")
                    + ", sha256 " + digest + ")";
        }

        @Override public String encode() { return "P," + size() + "," + digest; }

        @Override public boolean equals(Object o) {
            return o instanceof Pairs p && digest.equals(p.digest) && Arrays.equals(pre, p.pre) && Arrays.equals(post, p.post);
        }

        @Override public int hashCode() { return digest.hashCode(); }

        @Override public String toString() { return text(); }
    }
}
