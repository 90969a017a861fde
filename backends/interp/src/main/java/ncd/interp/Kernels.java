package ncd.interp;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Scalars;
import ncd.ir.TensorType;
import ncd.runtime.Rng;
import ncd.runtime.Tensor;

import java.util.List;

/**
 * The meaning of each IR op, in plain loops that are meant to be obviously right rather than fast
 * (docs/semantics.md says the same in prose). Values are held as doubles and rounded to the node's dtype after
 * every op, so f32 results are f32 results; sums and contractions accumulate in double, in row-major order of
 * the summed axes, and round once at the end.
 */
final class Kernels {
    private Kernels() {}

    /** Evaluates one node from its inputs' values. {@code step} is the step number (random streams use it). */
    static double[] eval(Node n, List<double[]> in, long step) {
        TensorType t = n.type();
        double[] out = new double[t.arrayLength()];
        double[] v = switch (n.op()) {
            case INPUT, PARAM, STATE_READ -> throw new IllegalStateException(n.op() + " has no kernel; its value is bound");
            case CONST -> fill(out, ((Attr.Scalar) n.attr()).value());
            case IOTA -> iota(out);
            case RANDOM -> random(n, in, step, out);
            case UNARY -> unary(n, in.get(0), out);
            case BINARY -> binary(n, in.get(0), in.get(1), out);
            case WHERE -> where(n, in, out);
            case EXPAND, TRANSPOSE -> gatherByName(n.input(0).type(), t, in.get(0), out);
            case CAST -> cast(n, in.get(0), out);
            case REDUCE -> reduce(n, in.get(0), out);
            case ARG_REDUCE -> argReduce(n, in.get(0), out);
            case CONTRACT -> contract(n, in.get(0), in.get(1), out);
            case RENAME, SPLIT -> copy(in.get(0), out);
            case MERGE -> merge(n, in.get(0), out);
            case SLICE, SELECT, ROLL, SHIFT, REPEAT -> move(n, in.get(0), out);
            case WINDOW -> window(n, in.get(0), out);
            case CONCAT -> concat(n, in, out);
            case ONEHOT -> onehot(n, in.get(0), out);
            case GATHER -> gather(n, in.get(0), in.get(1), out);
            case ARGSORT -> argsort(n, in.get(0), out);
            case LINALG -> linalg(n, in, out, null);
            case SYNAPSES -> synapses(n, in.get(0), out);
            case DELAY -> delay(n, in.get(0), in.get(1), in.get(2), out);
            case FFT -> fft(n, in.get(0), out);
        };
        round(t.dtype(), v);
        return v;
    }

    private static double[] fill(double[] out, double v) {
        java.util.Arrays.fill(out, v);
        return out;
    }

    private static double[] iota(double[] out) {
        for (int i = 0; i < out.length; i++) out[i] = i;
        return out;
    }

    private static double[] copy(double[] x, double[] out) {
        System.arraycopy(x, 0, out, 0, out.length);
        return out;
    }

    /** Rounds every value to what the dtype can hold: f32 rounding, i32 wrap-around, bool 0/1 ({@link Scalars#round}). */
    static void round(DType d, double[] v) {
        if (d == DType.F64) return;
        for (int i = 0; i < v.length; i++) v[i] = Scalars.round(d, v[i]);
    }

    // ---- elementwise

    private static double[] random(Node n, List<double[]> in, long step, double[] out) {
        Attr.Random r = (Attr.Random) n.attr();
        TensorType t = n.type();
        // distinct instances of one source (a circuit called twice) draw distinct numbers
        long seed = Rng.seedOf(n.scope(), r.seed());
        double[] a = broadcast(n.input(0).type(), t, in.get(0));
        double[] b = in.size() > 1 ? broadcast(n.input(1).type(), t, in.get(1)) : null;
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (r.dist()) {
                case UNIFORM -> a[i] + (b[i] - a[i]) * Rng.uniform(seed, step, i);
                case NORMAL -> a[i] + b[i] * Rng.normal(seed, step, i);
                case BERNOULLI -> Rng.uniform(seed, step, i) < a[i] ? 1 : 0;
            };
        }
        return out;
    }

    private static double[] unary(Node n, double[] x, double[] out) {
        Attr.Unary u = (Attr.Unary) n.attr();
        for (int i = 0; i < out.length; i++) out[i] = Scalars.unary(u, x[i]);
        return out;
    }

    private static double[] binary(Node n, double[] a0, double[] b0, double[] out) {
        Attr.BinaryFn fn = ((Attr.Binary) n.attr()).fn();
        TensorType t = n.type();
        double[] a = broadcast(n.input(0).type(), t, a0), b = broadcast(n.input(1).type(), t, b0);
        boolean integer = n.input(0).type().dtype() == DType.I32;
        for (int i = 0; i < out.length; i++) out[i] = Scalars.binary(fn, integer, a[i], b[i]);
        return out;
    }

    private static double[] where(Node n, List<double[]> in, double[] out) {
        TensorType t = n.type();
        double[] c = broadcast(n.input(0).type(), t, in.get(0));
        double[] a = broadcast(n.input(1).type(), t, in.get(1));
        double[] b = broadcast(n.input(2).type(), t, in.get(2));
        for (int i = 0; i < out.length; i++) out[i] = c[i] != 0 ? a[i] : b[i];
        return out;
    }

    private static double[] cast(Node n, double[] x, double[] out) {
        DType to = ((Attr.Cast) n.attr()).to();
        for (int i = 0; i < out.length; i++) out[i] = Scalars.cast(to, x[i]);
        return out;
    }

    /** {@code x} (of type {@code from}) read at every element of {@code to}, matching axes by name. */
    static double[] broadcast(TensorType from, TensorType to, double[] x) {
        if (from.axes().equals(to.axes())) return x;
        double[] out = new double[to.arrayLength()];
        gatherByName(from, to, x, out);
        return out;
    }

    private static double[] gatherByName(TensorType from, TensorType to, double[] x, double[] out) {
        int[] sizes = Layout.sizes(to), strides = Layout.broadcastStrides(from, to), c = new int[sizes.length];
        for (int i = 0; i < out.length; i++) {
            Layout.coords(i, sizes, c);
            out[i] = x[Layout.dot(c, strides)];
        }
        return out;
    }

    // ---- reductions and contraction

    private static double[] reduce(Node n, double[] x, double[] out) {
        Attr.Reduce r = (Attr.Reduce) n.attr();
        TensorType in = n.input(0).type(), t = n.type();
        int[] inSizes = Layout.sizes(in), outStrides = Layout.broadcastStrides(t, in), c = new int[inSizes.length];
        long count = 1;
        for (String a : r.axes()) count *= in.axis(a).size();
        boolean integer = in.dtype() == DType.I32;
        java.util.Arrays.fill(out, Scalars.reduceStart(r.fn()));
        // visiting x in row-major order visits each output's summands in row-major order of the reduced axes
        for (int i = 0; i < x.length; i++) {
            Layout.coords(i, inSizes, c);
            int o = Layout.dot(c, outStrides);
            out[o] = Scalars.reduceStep(r.fn(), integer, out[o], x[i]);
        }
        for (int o = 0; o < out.length; o++) out[o] = Scalars.reduceEnd(r.fn(), out[o], count);
        return out;
    }

    private static double[] argReduce(Node n, double[] x, double[] out) {
        Attr.ArgReduce r = (Attr.ArgReduce) n.attr();
        TensorType in = n.input(0).type(), t = n.type();
        int[] inSizes = Layout.sizes(in), outStrides = Layout.broadcastStrides(t, in), c = new int[inSizes.length];
        int ax = in.indexOf(r.axis());
        double[] best = new double[out.length];
        boolean[] seen = new boolean[out.length];
        for (int i = 0; i < x.length; i++) {
            Layout.coords(i, inSizes, c);
            int o = Layout.dot(c, outStrides);
            double v = x[i];
            if (!seen[o] || Scalars.argReplaces(r.fn(), best[o], v)) {
                best[o] = v;
                out[o] = c[ax];
                seen[o] = true;
            }
        }
        return out;
    }

    private static double[] contract(Node n, double[] a, double[] b, double[] out) {
        TensorType ta = n.input(0).type(), tb = n.input(1).type(), t = n.type();
        // the summed axes in a's layout order, so the accumulation runs row-major over a's summed axes
        List<String> k = new java.util.ArrayList<>(((Attr.Contract) n.attr()).axes());
        k.sort(java.util.Comparator.comparingInt(ta::indexOf));
        // iterate over the output axes followed by the summed axes
        List<Axis> all = new java.util.ArrayList<>(t.axes());
        for (String s : k) all.add(ta.axis(s));
        TensorType space = t.withAxes(all);
        int[] sizes = Layout.sizes(space), sa = Layout.broadcastStrides(ta, space), sb = Layout.broadcastStrides(tb, space);
        int[] c = new int[sizes.length];
        long inner = 1;
        for (String s : k) inner *= ta.axis(s).size();
        for (int o = 0; o < out.length; o++) {
            double acc = 0;
            for (int j = 0; j < inner; j++) {
                Layout.coords((int) (o * inner + j), sizes, c);
                acc += a[Layout.dot(c, sa)] * b[Layout.dot(c, sb)];
            }
            out[o] = acc;
        }
        return out;
    }

    // ---- data movement

    private static double[] merge(Node n, double[] x, double[] out) {
        Attr.Merge m = (Attr.Merge) n.attr();
        TensorType in = n.input(0).type(), t = n.type();
        int[] sizes = Layout.sizes(t), inStrides = Layout.strides(in), c = new int[sizes.length];
        int into = t.indexOf(m.into().name());
        for (int i = 0; i < out.length; i++) {
            Layout.coords(i, sizes, c);
            int off = 0;
            for (int d = 0; d < sizes.length; d++) {
                if (d == into) continue;
                off += c[d] * inStrides[in.indexOf(t.axes().get(d).name())];
            }
            // decompose the merged index row-major over the parts, first part slowest
            int rest = c[into];
            for (int p = m.parts().size() - 1; p >= 0; p--) {
                int j = in.indexOf(m.parts().get(p));
                int size = in.axes().get(j).size();
                off += (rest % size) * inStrides[j];
                rest /= size;
            }
            out[i] = x[off];
        }
        return out;
    }

    /** Ops that read one input element per output element along one axis: slice, select, roll, shift, repeat. */
    private static double[] move(Node n, double[] x, double[] out) {
        TensorType in = n.input(0).type(), t = n.type();
        String axis;
        String outAxis;
        Attr a = n.attr();
        if (a instanceof Attr.Slice s) { axis = s.axis(); outAxis = s.into().name(); }
        else if (a instanceof Attr.Select s) { axis = s.axis(); outAxis = null; }
        else if (a instanceof Attr.Roll r) { axis = r.axis(); outAxis = r.axis(); }
        else if (a instanceof Attr.Shift s) { axis = s.axis(); outAxis = s.axis(); }
        else { Attr.Repeat r = (Attr.Repeat) a; axis = r.axis(); outAxis = r.into().name(); }
        int[] sizes = Layout.sizes(t), inStrides = Layout.strides(in), c = new int[sizes.length];
        int inAx = in.indexOf(axis), n0 = in.axes().get(inAx).size();
        int outAx = outAxis == null ? -1 : t.indexOf(outAxis);
        for (int i = 0; i < out.length; i++) {
            Layout.coords(i, sizes, c);
            int off = 0;
            for (int d = 0; d < sizes.length; d++) {
                if (d == outAx) continue;
                off += c[d] * inStrides[in.indexOf(t.axes().get(d).name())];
            }
            int j = outAx < 0 ? 0 : c[outAx];
            int src;
            if (a instanceof Attr.Slice s) src = s.start() + j;
            else if (a instanceof Attr.Select s) src = s.index();
            else if (a instanceof Attr.Roll r) src = Layout.wrap(j - r.shift() % n0, n0);
            else if (a instanceof Attr.Shift s) {
                src = j - s.shift();
                if (src < 0 || src >= n0) { out[i] = s.fill(); continue; }
            } else src = j / (t.axes().get(outAx).size() / n0);
            out[i] = x[off + src * inStrides[inAx]];
        }
        return out;
    }

    private static double[] window(Node n, double[] x, double[] out) {
        Attr.Window w = (Attr.Window) n.attr();
        TensorType in = n.input(0).type(), t = n.type();
        int[] sizes = Layout.sizes(t), inStrides = Layout.strides(in), c = new int[sizes.length];
        int rank = in.rank();
        int[] offsetPos = new int[w.dims().size()], axisPos = new int[w.dims().size()];
        for (int k = 0; k < w.dims().size(); k++) {
            offsetPos[k] = t.indexOf(w.dims().get(k).offset().name());
            axisPos[k] = in.indexOf(w.dims().get(k).axis());
        }
        outer:
        for (int i = 0; i < out.length; i++) {
            Layout.coords(i, sizes, c);
            // the first `rank` output axes are the input's, in its order
            int[] src = java.util.Arrays.copyOf(c, rank);
            for (int k = 0; k < offsetPos.length; k++) {
                int size = w.dims().get(k).offset().size();
                int nAx = in.axes().get(axisPos[k]).size();
                int p = src[axisPos[k]] + c[offsetPos[k]] - size / 2;
                if (p < 0 || p >= nAx) {
                    if (w.boundary() == Attr.Boundary.ZERO) { out[i] = 0; continue outer; }
                    p = Layout.wrap(p, nAx);
                }
                src[axisPos[k]] = p;
            }
            out[i] = x[Layout.dot(src, inStrides)];
        }
        return out;
    }

    private static double[] concat(Node n, List<double[]> in, double[] out) {
        Attr.Concat cat = (Attr.Concat) n.attr();
        TensorType t = n.type();
        int[] sizes = Layout.sizes(t), c = new int[sizes.length];
        int into = t.indexOf(cat.into().name());
        for (int i = 0; i < out.length; i++) {
            Layout.coords(i, sizes, c);
            int j = c[into], part = 0;
            TensorType pt = n.input(0).type();
            while (true) {
                pt = n.input(part).type();
                int len = pt.axis(cat.parts().get(part)).size();
                if (j < len) break;
                j -= len;
                part++;
            }
            int[] st = Layout.strides(pt);
            int off = 0;
            for (int d = 0; d < sizes.length; d++) {
                String name = d == into ? cat.parts().get(part) : t.axes().get(d).name();
                off += (d == into ? j : c[d]) * st[pt.indexOf(name)];
            }
            out[i] = in.get(part)[off];
        }
        return out;
    }

    private static double[] onehot(Node n, double[] idx, double[] out) {
        int v = ((Attr.OneHot) n.attr()).axis().size();
        // the new axis is last: out[i * v + k] = (idx[i] == k)
        for (int i = 0; i < idx.length; i++) {
            int k = (int) idx[i];
            if (k >= 0 && k < v) out[i * v + k] = 1;
        }
        return out;
    }

    private static double[] gather(Node n, double[] table, double[] idx, double[] out) {
        String axis = ((Attr.AxisRef) n.attr()).axis();
        TensorType tt = n.input(0).type(), it = n.input(1).type(), t = n.type();
        int[] sizes = Layout.sizes(t), c = new int[sizes.length], tst = Layout.strides(tt), ist = Layout.broadcastStrides(it, t);
        int ax = tt.indexOf(axis), len = tt.axes().get(ax).size();
        for (int i = 0; i < out.length; i++) {
            Layout.coords(i, sizes, c);
            int k = (int) idx[Layout.dot(c, ist)];
            if (k < 0 || k >= len) {
                throw new InterpreterException("gather: index " + k + " is out of range for axis " + axis + " of size " + len);
            }
            int off = k * tst[ax];
            for (int d = 0; d < sizes.length; d++) {
                int j = tt.indexOf(t.axes().get(d).name());
                if (j >= 0 && j != ax) off += c[d] * tst[j];
            }
            out[i] = table[off];
        }
        return out;
    }

    private static double[] argsort(Node n, double[] x, double[] out) {
        Attr.ArgSort a = (Attr.ArgSort) n.attr();
        TensorType t = n.input(0).type();
        int[] b = ncd.runtime.ArgSort.block(Layout.sizes(t), t.indexOf(a.axis()));
        int[] perm = new int[out.length];
        ncd.runtime.ArgSort.lines(x, perm, b[0], b[1], b[2], a.descending());
        for (int i = 0; i < out.length; i++) out[i] = perm[i];
        return out;
    }

    /**
     * LINALG through {@link ncd.runtime.Linalg} (in double, as the JVM backend); the result rounded to its dtype.
     * A singular matrix throws {@link InterpreterException} naming the op and {@code circuit}.
     */
    /**
     * SYNAPSES through {@link ncd.runtime.Synapses} (as the JVM backend): f32 and bool inputs summed in f32 in
     * presynaptic order, f64 in double; the connectivity built once and shared.
     */
    private static double[] synapses(Node n, double[] x, double[] out) {
        ncd.runtime.Synapses.Plan p = ncd.runtime.Synapses.plan((Attr.Synapses) n.attr(), n.scope(), n.input(0).type().dtype(), x.length);
        if (n.type().dtype() == ncd.ir.DType.F64) {
            ncd.runtime.Synapses.propagate(p, x, out);
            return out;
        }
        float[] xf = new float[x.length], of = new float[out.length];
        for (int j = 0; j < x.length; j++) xf[j] = (float) x[j];
        ncd.runtime.Synapses.propagate(p, xf, of, false);
        for (int i = 0; i < out.length; i++) out[i] = of[i];
        return out;
    }

    /**
     * DELAY, the definition (docs/semantics.md, "Delays"; the JVM backend runs {@link ncd.runtime.Delays}, which does
     * the same in place): the ring as it was, with the row read at the last step, {@code (h - 1) mod L}, cleared; then
     * a delay line's input into that row (it arrives L - 1 steps later), or, for synapses, each nonzero x[j] (j
     * ascending) added to each of its targets i (ascending) in row {@code (h + d) mod L}, d the synapse's delay in steps,
     * each add rounded to the ring's dtype. The row at h is what arrives now (a gather of the result, not this op).
     */
    private static double[] delay(Node n, double[] ring, double[] head, double[] x, double[] out) {
        Attr.Delay d = (Attr.Delay) n.attr();
        int lag = d.lag().size(), row = out.length / lag, h = (int) head[0];
        System.arraycopy(ring, 0, out, 0, out.length);
        int cleared = Math.floorMod(h - 1, lag);
        java.util.Arrays.fill(out, cleared * row, cleared * row + row, 0);
        if (d.syn() == null) {
            System.arraycopy(x, 0, out, cleared * row, row);
            return out;
        }
        ncd.runtime.Delays.Plan p = ncd.runtime.Delays.plan(d, n.scope(), n.input(2).type().dtype(), x.length, row);
        boolean f64 = n.type().dtype() == ncd.ir.DType.F64;
        for (int j = 0; j < x.length; j++) {
            if (x[j] == 0) continue;
            for (int i : ncd.runtime.Synapses.targets(p.syn(), j)) {
                int at = (h + ncd.runtime.Delays.steps(p, j, i)) % lag * row + i;
                out[at] = f64 ? out[at] + x[j] : (float) (out[at] + x[j]);
            }
        }
        return out;
    }

    static double[] linalg(Node n, List<double[]> in, String circuit) {
        double[] out = new double[n.type().arrayLength()];
        linalg(n, in, out, circuit);
        round(n.type().dtype(), out);
        return out;
    }

    private static double[] linalg(Node n, List<double[]> in, double[] out, String circuit) {
        try {
            ncd.runtime.Linalg.run(ncd.runtime.LinalgPlans.plan(n, circuit), in.get(0), in.size() > 1 ? in.get(1) : null, out);
        } catch (ncd.runtime.RunException e) {
            throw new InterpreterException(e.getMessage());
        }
        return out;
    }

    /**
     * FFT by its definition, in double, along each line ({@link ncd.runtime.Fft.Block}; complex elements are pairs,
     * ncd.ir.Complex): fft {@code X[k] = sum_j x[j] e^(-2πi jk/n)}; ifft {@code x[j] = (1/n) sum_k X[k] e^(2πi jk/n)};
     * rfft the fft of a real line at k = 0 .. n/2; irfft for n samples {@code x[j] = (1/n) sum_k c_k Re(X[k]
     * e^(2πi jk/n))} over the first n/2 + 1 frequencies present, c_k = 1 for k = 0 and k = n/2, else 2 (the
     * conjugate frequencies above n/2 counted twice). Phases are reduced mod n in integers.
     */
    private static double[] fft(Node n, double[] x, double[] out) {
        ncd.runtime.Fft.Block b = ncd.runtime.FftBlocks.of(n);
        int ci = b.complexIn() ? 2 : 1, co = b.complexOut() ? 2 : 1;
        boolean irfft = b.kind() == Attr.FftKind.IRFFT, inverse = irfft || b.kind() == Attr.FftKind.IFFT;
        int size = irfft ? b.outLen() : b.len();
        int terms = irfft ? Math.min(b.len(), size / 2 + 1) : b.len();
        double sign = inverse ? 1 : -1, scale = inverse ? 1.0 / size : 1;
        for (int o = 0; o < b.outer(); o++) {
            for (int q = 0; q < b.inner(); q++) {
                for (int k = 0; k < b.outLen(); k++) {
                    double re = 0, im = 0;
                    for (int j = 0; j < terms; j++) {
                        int at = ((o * b.len() + j) * b.inner() + q) * ci;
                        double xr = x[at], xi = ci == 2 ? x[at + 1] : 0;
                        long turn = (long) j * k % size;     // the phase is sign 2π turn/size
                        double c = ncd.runtime.Fft.cos(turn, size), s = sign * ncd.runtime.Fft.sin(turn, size);
                        double weight = !irfft || j == 0 || 2 * j == size ? 1 : 2;
                        re += weight * (xr * c - xi * s);
                        im += weight * (xr * s + xi * c);
                    }
                    int at = ((o * b.outLen() + k) * b.inner() + q) * co;
                    out[at] = re * scale;
                    if (co == 2) out[at + 1] = im * scale;
                }
            }
        }
        return out;
    }

    /** A tensor's values as doubles. */
    static double[] values(Tensor t) {
        double[] v = new double[t.size()];
        for (int i = 0; i < v.length; i++) v[i] = t.get(i);
        return v;
    }
}
