package ncd.ir;

import ncd.diag.DiagCode;

import java.util.ArrayList;
import java.util.List;

/**
 * The type rule of {@link Op#DELAY} beside {@link OpSpecs} (whose table points here): the delays' checks (E0728,
 * E0729, E0730) and the type of what arrives, which the frontend also needs to declare the ring's state.
 */
public final class DelaySpec {
    private DelaySpec() {}

    /** The largest ring, in elements: one Java array. */
    public static final long MAX_RING = Integer.MAX_VALUE - 16;

    /**
     * DELAY: inputs the ring T[lag, ...], the head (an i32 scalar) and this step's value x; the result is the ring's
     * next value, of the ring's type. The ring's rows are of {@link #arrival}'s type.
     */
    static TensorType type(Attr a, List<TensorType> in, TensorType d) throws TypeRuleException {
        Attr.Delay s = (Attr.Delay) a;
        TensorType ring = in.get(0), head = in.get(1), x = in.get(2);
        TensorType row = arrival(s, x);
        if (head.dtype() != DType.I32 || head.rank() != 0) {
            throw OpSpecs.err(DiagCode.E0730, "delay: the ring's head is an i32 scalar, got " + head.dtype().word() + head.axesText(), null);
        }
        TensorType want = ringType(s, row);
        if (!ring.equals(want)) {
            throw OpSpecs.err(DiagCode.E0730, "delay: the ring is " + ring.dtype().word() + ring.axesText() + " but its rows and lag need "
                    + want.dtype().word() + want.axesText(), null);
        }
        return ring;
    }

    /** The ring of rows {@code row} on the lag axis: the lag axis first. */
    public static TensorType ringType(Attr.Delay s, TensorType row) {
        List<Axis> axes = new ArrayList<>();
        axes.add(s.lag());
        axes.addAll(row.axes());
        return row.withAxes(axes);
    }

    /**
     * What arrives at a step, for input {@code x}: x's own type for a delay line; for synapses, their result (f32 on
     * the postsynaptic axis for bool spikes). Checks the delays: at least 0 steps, a homogeneous one a whole number of
     * at least 1, per-synapse ones only on synapses, a ring that fits one array, a lag of the longest delay plus one.
     */
    public static TensorType arrival(Attr.Delay s, TensorType x) throws TypeRuleException {
        String what = s.syn() == null ? "delay" : "synapses[" + s.syn().pre() + " -> " + s.syn().post().name() + "]";
        if (!(s.lo() >= 0) || !(s.hi() >= s.lo())) {
            throw OpSpecs.err(DiagCode.E0728, what + ": a delay of " + steps(s.lo()) + (s.homogeneous() ? "" : " to " + steps(s.hi()))
                    + " steps; a delay is not negative", s.homogeneous() ? "e.g. delay = 1.5 ms" : "e.g. delay = uniform(1 ms, 3 ms)");
        }
        if (s.homogeneous() && (s.lo() != Math.rint(s.lo()) || s.lo() < 1)) {
            throw OpSpecs.err(DiagCode.E0728, what + ": a delay of " + steps(s.lo()) + " steps; a delay is a whole number of steps, at least one",
                    s.lo() < 0.5 ? "a value that arrives in the step it is sent needs no delay: leave `delay` out" : "make it a multiple of dt");
        }
        if (!s.homogeneous() && s.syn() == null) {
            throw OpSpecs.err(DiagCode.E0730, "delay: a delay line delays every element alike; per-element delays are per synapse",
                    "draw them on synapses: synapses[pre -> post, RULE, seed = 1, delay = uniform(1 ms, 3 ms)](x)");
        }
        if (x.dtype() == DType.I32 && s.syn() != null) {
            throw OpSpecs.err(DiagCode.E0401, what + " takes bool spikes or floats, got i32", "convert explicitly, e.g. f32(x)");
        }
        TensorType row = s.syn() == null ? x : SynapseSpec.type(s.syn(), List.of(x), null);
        if (s.lag().size() != s.maxSteps() + 1) {
            throw OpSpecs.err(DiagCode.E0730, what + ": a ring for delays of up to " + s.maxSteps() + " steps has " + (s.maxSteps() + 1)
                    + " rows, but its lag axis has " + s.lag().size(), null);
        }
        long elements = row.axes().stream().allMatch(Axis::isSized) ? row.elementCount() : 1;
        if ((double) (s.maxSteps() + 1) * elements > MAX_RING) {
            throw OpSpecs.err(DiagCode.E0729, what + ": a delay of " + s.maxSteps() + " steps needs a ring buffer of " + (s.maxSteps() + 1)
                    + " rows of " + elements + " elements, more than one buffer holds (2^31 elements)",
                    "a shorter delay, a smaller population, or a longer dt");
        }
        return row;
    }

    private static String steps(double v) { return IrPrinter.number(v); }

    /** The delays as written in the IR: {@code 15 steps} or {@code uniform 10..30 steps}. */
    public static String delayText(Attr.Delay s) {
        return s.homogeneous() ? steps(s.lo()) + " steps" : "uniform " + steps(s.lo()) + ".." + steps(s.hi()) + " steps, seed = " + s.seed();
    }
}
