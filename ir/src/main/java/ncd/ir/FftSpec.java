package ncd.ir;

import ncd.diag.DiagCode;

import java.util.ArrayList;
import java.util.List;

/** The type rule of {@link Op#FFT}, beside {@link OpSpecs} (whose table points here). */
final class FftSpec {
    private FftSpec() {}

    /**
     * FFT along {@code axis}: fft and ifft take a c64 tensor and give its type; rfft takes an f32 tensor whose axis has
     * n elements and gives c64 with {@code into} (n/2 + 1 elements) in its place; irfft takes c64 and gives f32 with
     * {@code into} (the n samples) in its place. The unit is kept (a sum of values times dimensionless phases).
     */
    static TensorType type(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Fft f = (Attr.Fft) a;
        TensorType x = in.get(0);
        String what = f.kind().word() + "[" + f.axis() + (f.into() == null ? "" : " -> " + f.into().name()) + "]";
        boolean real = f.kind() == Attr.FftKind.RFFT;
        if (real ? x.dtype() != DType.F32 || Complex.is(x) : !Complex.is(x)) {
            String got = Complex.is(x) ? "c64" : x.dtype().word();
            throw OpSpecs.err(DiagCode.E0405, what + " needs " + (real ? "an f32" : "a c64") + " tensor, got " + got,
                    real ? "rfft transforms a real signal; for a complex one use fft[" + f.axis() + "](z)"
                         : "make a complex tensor with c64(x) or complex(re, im), or use rfft for a real signal");
        }
        Axis ax = x.axis(f.axis());
        if (ax == null || f.axis().equals(Complex.AXIS)) {
            throw OpSpecs.err(DiagCode.E0302, what + " along axis " + f.axis() + ", but the tensor has axes " + x.axesText(), "name one of its axes");
        }
        if ((f.kind() == Attr.FftKind.FFT || f.kind() == Attr.FftKind.IFFT) != (f.into() == null)) {
            throw new IllegalArgumentException(what + ": a new axis is rfft's and irfft's alone");
        }
        if (f.into() == null) return x;
        Axis into = f.into();
        if (x.hasAxis(into.name())) {
            throw OpSpecs.err(DiagCode.E0303, what + ": the new axis " + into.name() + " is already an axis of the tensor " + x.axesText(),
                    "name a new axis after `->`");
        }
        if (real && ax.isSized() && into.isSized() && into.size() != ax.size() / 2 + 1) {
            throw OpSpecs.err(DiagCode.E0406, what + ": the " + ax.size() + " samples of " + ax.name() + " give " + (ax.size() / 2 + 1)
                    + " frequencies, but axis " + into.name() + " has " + into.size(), "give the new axis n/2 + 1 = " + (ax.size() / 2 + 1) + " elements");
        }
        List<Axis> out = new ArrayList<>();
        for (Axis b : x.axes()) out.add(b == ax ? into : b);
        TensorType t = new TensorType(DType.F32, out, x.unit());
        return real ? Complex.of(t) : Complex.part(t);
    }
}
