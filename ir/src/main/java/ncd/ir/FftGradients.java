package ncd.ir;

import java.util.List;

/**
 * The vector-Jacobian products of {@link Op#FFT} (beside {@link Gradients}, whose table points here). Each transform
 * is a real-linear map of the f32 numbers that store its operand ({@link Complex}), so its adjoint is again a
 * transform: with W the DFT matrix (W_jk = e^(-2πi jk/n), symmetric), the adjoint of z ↦ W z is g ↦ conj(W) g.
 * <ul>
 *   <li>fft: {@code n · ifft(g)}; ifft: {@code fft(g) / n};</li>
 *   <li>rfft (n samples to m = n/2 + 1 frequencies): {@code x̄_j = Re sum_k g_k e^(2πi jk/n)}, which is
 *       {@code irfft(g · n / c_k)} with c_k = 1 at k = 0 and k = n/2, else 2 (irfft's weights undone);</li>
 *   <li>irfft (m frequencies to n samples): {@code X̄_k = (c_k / n) rfft(g)_k} for the k < n/2 + 1 it reads, zero for
 *       the others (and zero on the imaginary parts it ignores, which rfft of a real g gives at k = 0 and n/2).</li>
 * </ul>
 */
final class FftGradients {
    private FftGradients() {}

    static Node[] vjp(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Fft f = (Attr.Fft) y.attr();
        TensorType x = y.input(0).type();
        return new Node[] {switch (f.kind()) {
            case FFT -> e.mul(e.add(Op.FFT, new Attr.Fft(Attr.FftKind.IFFT, f.axis(), null), null, g),
                    e.number(x.axis(f.axis()).size(), g));
            case IFFT -> e.div(e.add(Op.FFT, new Attr.Fft(Attr.FftKind.FFT, f.axis(), null), null, g),
                    e.number(x.axis(f.axis()).size(), g));
            case RFFT -> {
                int n = x.axis(f.axis()).size();
                Node w = weights(e, f.into(), n, true);
                yield e.add(Op.FFT, new Attr.Fft(Attr.FftKind.IRFFT, f.into().name(), x.axis(f.axis())), null, e.mul(g, w));
            }
            case IRFFT -> {
                int n = f.into().size(), half = n / 2 + 1;
                Axis a = x.axis(f.axis());
                Axis freq = half == a.size() ? a : e.freshAxis(f.axis(), half);
                Node r = e.add(Op.FFT, new Attr.Fft(Attr.FftKind.RFFT, f.into().name(), freq), null, g);
                r = e.mul(r, weights(e, freq, n, false));
                if (half == a.size()) yield r;
                if (a.size() < half) yield e.slice(r, freq.name(), 0, a.size(), a);
                Axis pad = e.freshAxis(f.axis(), a.size() - half);
                List<Axis> axes = new java.util.ArrayList<>();
                for (Axis b : r.type().axes()) axes.add(b.name().equals(freq.name()) ? pad : b);
                Node zeros = e.constant(0, r.type().withAxes(axes));
                yield e.concat(List.of(r, zeros), List.of(freq.name(), pad.name()), a);
            }
        }};
    }

    /**
     * {@code n / c_k} (rfft's adjoint) or {@code c_k / n} (irfft's) along {@code k}, c_k = 1 at k = 0 and k = n/2,
     * else 2: irfft's weights of the frequencies.
     */
    private static Node weights(NodeEmitter e, Axis k, int n, boolean rfft) {
        Node i = e.iota(k);
        Node edge = e.binary(Attr.BinaryFn.OR, e.binary(Attr.BinaryFn.EQ, i, e.scalar(0, DType.I32, Unit.NONE)),
                e.binary(Attr.BinaryFn.EQ, e.mul(i, e.scalar(2, DType.I32, Unit.NONE)), e.scalar(n, DType.I32, Unit.NONE)));
        double one = rfft ? n : 1.0 / n, two = rfft ? n / 2.0 : 2.0 / n;
        return e.where(edge, e.scalar(one, DType.F32, Unit.NONE), e.scalar(two, DType.F32, Unit.NONE));
    }
}
