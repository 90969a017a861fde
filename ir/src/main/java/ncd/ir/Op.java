package ncd.ir;

/**
 * The closed set of IR operations. Each has one {@link OpSpec} (arity, attribute kind, type rule) in
 * {@link OpSpecs}; docs/semantics.md says precisely what each computes. Backends switch over this enum without a
 * default branch, so adding an op fails the build until every backend handles it.
 */
public enum Op {
    /** A circuit input, named; its type is declared. */
    INPUT,
    /** A learned tensor with an initializer and an optional bound; named by instance path. */
    PARAM,
    /** A scalar constant broadcast to the declared type. */
    CONST,
    /** The index along one axis, as i32: the raw material of masks and index formulas. */
    IOTA,
    /** Random numbers from a distribution with an explicit seed; fresh numbers at every step. */
    RANDOM,
    /** The value of a state at the start of the step. */
    STATE_READ,
    /** Elementwise function of one tensor (neg, exp, tanh, ..., and power by a constant). */
    UNARY,
    /** Elementwise function of two tensors, broadcast by axis name (arithmetic, comparison, logic). */
    BINARY,
    /** Elementwise select: where(cond, a, b), broadcast by axis name. */
    WHERE,
    /** Explicit broadcast: the input repeated along the declared type's extra axes. */
    EXPAND,
    /** Convert the dtype; the value is kept (bool becomes 0/1). */
    CAST,
    /** Reduce over named axes (sum, mean, max, min, prod, any, all). */
    REDUCE,
    /** Index of the max or min along one axis, as i32. */
    ARG_REDUCE,
    /** Named contraction: multiply, sum over the given axes, keep the rest (shared kept axes are batch axes). */
    CONTRACT,
    /** Rename axes; data unchanged. */
    RENAME,
    /** Reorder axes to the declared type's order; data unchanged by name. */
    TRANSPOSE,
    /** Split one axis into several (row-major: the first part is the slowest). */
    SPLIT,
    /** Merge several axes into one (row-major: the first part is the slowest). */
    MERGE,
    /** A contiguous range of one axis, as a new axis. */
    SLICE,
    /** One index of an axis; the axis is gone. */
    SELECT,
    /** Cyclic shift along an axis: y[i] = x[(i - k) mod n]. */
    ROLL,
    /** Shift along an axis with a fill value: y[i] = x[i - k] where in range, else fill. */
    SHIFT,
    /** Centered neighbourhoods along axes, each as a new offset axis; boundary wraps or reads zero. */
    WINDOW,
    /** Concatenate inputs along their part axes into one new axis. */
    CONCAT,
    /** Repeat each element along an axis (nearest-neighbour upsampling) into a longer axis. */
    REPEAT,
    /** i32 indices to a one-hot f32 tensor over a new axis. */
    ONEHOT,
    /**
     * Rows of a table picked by an i32 index tensor: gather(table, index) along the table's axis. Axes the index
     * shares with the table are batch axes (take-along-axis).
     */
    GATHER,
    /** The i32 permutation that sorts along one axis (stable: equal values keep their index order; NaN last). */
    ARGSORT,
    /**
     * Linear algebra on the matrices that two named axes of a tensor form, one matrix per element of the other
     * (batch) axes: solve, inverse, cholesky, eigh's values or vectors, spectral radius or norm ({@link Attr.Linalg}).
     */
    LINALG,
    /**
     * Event-driven synaptic propagation over connectivity built from a seeded rule ({@link Attr.Synapses}):
     * y[post] = sum over pre of C[post, pre] x[pre], touching only the rows of presynaptic elements that are nonzero.
     */
    SYNAPSES,
    /**
     * One step of a ring buffer of delayed values ({@link Attr.Delay}; docs/semantics.md, "Delays"): inputs the ring
     * (a state's value), its head (an i32 state) and this step's value; the result is the ring after this step's
     * writes, whose row at the head is what arrives now. Plain (a delay line of any tensor) or synaptic (the
     * connectivity of {@link #SYNAPSES}, each synapse with its own delay): only rows of nonzero inputs are visited.
     */
    DELAY,
    /**
     * A discrete Fourier transform along one axis (fft, ifft, rfft, irfft: {@link Attr.FftKind}); complex values are
     * f32 pairs on a trailing axis ({@link Complex}).
     */
    FFT
}
