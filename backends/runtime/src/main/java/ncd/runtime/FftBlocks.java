package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.Complex;
import ncd.ir.Node;
import ncd.ir.TensorType;

/** The {@link Fft.Block} of an FFT node, made from the graph at compile time (and by the interpreter). */
public final class FftBlocks {
    private FftBlocks() {}

    public static Fft.Block of(Node n) {
        Attr.Fft f = (Attr.Fft) n.attr();
        TensorType x = n.input(0).type();
        int a = x.indexOf(f.axis());
        int end = Complex.is(x) ? x.rank() - 1 : x.rank();
        int outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= x.axes().get(i).size();
        for (int i = a + 1; i < end; i++) inner *= x.axes().get(i).size();
        int len = x.axes().get(a).size();
        return new Fft.Block(f.kind(), outer, len, f.into() == null ? len : f.into().size(), inner);
    }
}
