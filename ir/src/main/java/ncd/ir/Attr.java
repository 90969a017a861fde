package ncd.ir;

import java.util.List;
import java.util.Map;

/** The static attributes of a node: one record kind per op family, checked by the op's {@link OpSpec}. */
public sealed interface Attr {
    /** No attributes. */
    record None() implements Attr {}
    /** A name: of an input or of a state. */
    record Named(String name) implements Attr {}
    /**
     * A parameter: its instance path, initializer and optional bound (both in SI base units, as every value is), and
     * its declared unit: {@code scale} SI base units per declared unit ({@code 1e-3} for {@code in ms}) and that unit
     * as written ({@code "ms"}; null when none is written). A parameter file holds values in the declared unit.
     */
    record Param(String name, Init init, Bound bound, double scale, String unit) implements Attr {
        /** A parameter declared in coherent SI units (or without a unit). */
        public Param(String name, Init init, Bound bound) { this(name, init, bound, 1, null); }
    }
    /** A scalar value. */
    record Scalar(double value) implements Attr {}
    /** One axis, by name. */
    record AxisRef(String axis) implements Attr {}
    /** A random distribution; its parameters are the node's inputs. */
    record Random(Dist dist, long seed) implements Attr {}
    /**
     * An elementwise function of one input; {@code exponent} is used by {@link UnaryFn#POW_CONST} only, and
     * {@code surrogate} by {@link UnaryFn#SPIKE} only (which gets {@link Surrogate#DEFAULT} when none is given).
     */
    record Unary(UnaryFn fn, double exponent, Surrogate surrogate) implements Attr {
        public Unary {
            if (fn == UnaryFn.SPIKE && surrogate == null) surrogate = Surrogate.DEFAULT;
            if (fn != UnaryFn.SPIKE && surrogate != null) throw new IllegalArgumentException(fn.word() + " takes no surrogate gradient");
        }
        public Unary(UnaryFn fn) { this(fn, 0, null); }
        public Unary(UnaryFn fn, double exponent) { this(fn, exponent, null); }
        public Unary(UnaryFn fn, Surrogate surrogate) { this(fn, 0, surrogate); }
    }
    /** An elementwise function of two inputs. */
    record Binary(BinaryFn fn) implements Attr {}
    /** The target dtype of a cast. */
    record Cast(DType to) implements Attr {}
    /** A reduction and its axes. */
    record Reduce(ReduceFn fn, List<String> axes) implements Attr {
        public Reduce { axes = List.copyOf(axes); }
    }
    /** argmax / argmin along one axis. */
    record ArgReduce(ReduceFn fn, String axis) implements Attr {}
    /** The axes a contraction sums over (empty: outer product). */
    record Contract(List<String> axes) implements Attr {
        public Contract { axes = List.copyOf(axes); }
    }
    /** Old axis name to new axis. */
    record Rename(Map<String, Axis> map) implements Attr {
        public Rename { map = Map.copyOf(map); }
    }
    /** Split {@code axis} into {@code parts}. */
    record Split(String axis, List<Axis> parts) implements Attr {
        public Split { parts = List.copyOf(parts); }
    }
    /** Merge {@code parts} into {@code into}. */
    record Merge(List<String> parts, Axis into) implements Attr {
        public Merge { parts = List.copyOf(parts); }
    }
    /** Elements [start, stop) of {@code axis}, as axis {@code into}. */
    record Slice(String axis, int start, int stop, Axis into) implements Attr {}
    /** Element {@code index} of {@code axis}. */
    record Select(String axis, int index) implements Attr {}
    /** Cyclic shift by {@code shift}. */
    record Roll(String axis, int shift) implements Attr {}
    /** Shift by {@code shift} with {@code fill}. */
    record Shift(String axis, int shift, double fill) implements Attr {}
    /** Centered windows: for each axis, an offset axis whose size is the window size. */
    record Window(List<WindowDim> dims, Boundary boundary) implements Attr {
        public Window { dims = List.copyOf(dims); }
    }
    /** Concatenate: the part axis of each input, in order, into {@code into}. */
    record Concat(List<String> parts, Axis into) implements Attr {
        public Concat { parts = List.copyOf(parts); }
    }
    /** Repeat each element of {@code axis} into.size/axis.size times, into {@code into}. */
    record Repeat(String axis, Axis into) implements Attr {}
    /** One-hot over {@code axis}. */
    record OneHot(Axis axis) implements Attr {}
    /** The axis an {@link Op#ARGSORT} sorts along, and whether largest first. */
    record ArgSort(String axis, boolean descending) implements Attr {}
    /**
     * A {@link Op#LINALG}: the function, the matrix's row axis and column axis (every other axis is a batch axis), and
     * the new axis of eigh's eigenvalues ({@code into}; null for the other functions). docs/semantics.md says which
     * axis of the result is which.
     */
    record Linalg(LinalgFn fn, String row, String col, Axis into) implements Attr {}

    /**
     * Connectivity built from a rule, for {@link Op#SYNAPSES}: presynaptic axis {@code pre} (the input's), postsynaptic
     * axis {@code post} (the result's, with its size); the rule and its number ({@code p} for {@link SynRule#PROBABILITY},
     * the degree {@code k} for the degree rules), the user's {@code seed}, and the storage asked for ({@link SynStorage#AUTO}:
     * the compiler's choice, {@link ncd.ir.SynapseChoice#storage}). The connection matrix C[post, pre] is a pure function of
     * these: docs/semantics.md, "Synapses". {@code data}: the grid of {@link SynRule#DISTANCE}, the list of
     * {@link SynRule#PAIRS} ({@link SynapseData}); null for the other rules.
     */
    record Synapses(String pre, Axis post, SynRule rule, double p, int k, long seed, SynStorage storage, SynapseData data) implements Attr {
        /** A rule that needs no data (p, out_degree, in_degree, one_to_one). */
        public Synapses(String pre, Axis post, SynRule rule, double p, int k, long seed, SynStorage storage) {
            this(pre, post, rule, p, k, seed, storage, null);
        }
    }

    /**
     * A {@link Op#DELAY}: the ring's row axis {@code lag} (its size is the longest delay in steps plus one), the delays
     * in steps, {@code lo} to {@code hi} (one number when {@code lo == hi}, a whole number of at least one step: a
     * homogeneous delay; else each synapse draws its own, uniform in [lo, hi) rounded to the nearest step, from a
     * stream keyed by {@code seed}), and the connectivity {@code syn} (null: a delay line of the input itself).
     */
    record Delay(Axis lag, double lo, double hi, long seed, Synapses syn) implements Attr {
        /** Whether every element waits the same number of steps. */
        public boolean homogeneous() { return lo == hi; }
        /** The longest delay in steps: the ring has one row more. */
        public int maxSteps() { return (int) Math.rint(hi); }
    }

    /** How {@link Op#SYNAPSES} draws its connections (docs/language.md, "Sparse synapses"). */
    enum SynRule {
        /** Each (pre, post) pair independently with probability p. */
        PROBABILITY,
        /** Each presynaptic neuron reaches exactly k distinct postsynaptic ones. */
        OUT_DEGREE,
        /** Each postsynaptic neuron receives from exactly k distinct presynaptic ones. */
        IN_DEGREE,
        /** Pre j reaches post j (the two axes have one size). */
        ONE_TO_ONE,
        /** Each pair independently with probability p exp(-d^2 / (2 sigma^2)), d their distance on grids ({@link SynapseData.Grid}). */
        DISTANCE,
        /** The pairs of a list read at compile time ({@link SynapseData.Pairs}). */
        PAIRS;

        /** The word the language spells it with. */
        public String word() {
            return switch (this) {
                case PROBABILITY -> "p";
                case OUT_DEGREE -> "out_degree";
                case IN_DEGREE -> "in_degree";
                case ONE_TO_ONE -> "one_to_one";
                case DISTANCE -> "sigma";
                case PAIRS -> "pairs";
            };
        }
    }

    /** How {@link Op#SYNAPSES} holds its connections. */
    enum SynStorage {
        /** The compiler chooses (dense, csr or procedural) from the sizes and the rule. */
        AUTO,
        /** One bit per (pre, post) pair. */
        DENSE,
        /** Compressed rows by presynaptic neuron: a row pointer per pre, a 4-byte post index per synapse. */
        CSR,
        /** Nothing stored: a spiking neuron's row is drawn again from the seeded stream at each step. */
        PROCEDURAL;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /**
     * A {@link Op#FFT} along {@code axis}: the kind, and the new axis of an rfft (the n/2 + 1 kept frequencies) or an
     * irfft (the n samples); null for fft and ifft, which keep the axis. Complex operands and results are stored as
     * {@link Complex} says.
     */
    record Fft(FftKind kind, String axis, Axis into) implements Attr {}

    /** The discrete Fourier transforms of {@link Op#FFT}, with numpy's "backward" normalisation. */
    enum FftKind {
        /** c64 to c64: {@code X[k] = sum_j x[j] e^(-2 pi i jk/n)}. */
        FFT,
        /** c64 to c64: {@code x[j] = (1/n) sum_k X[k] e^(+2 pi i jk/n)}. */
        IFFT,
        /** f32 to c64: the fft of a real signal at k = 0 .. n/2 (the rest are their conjugates). */
        RFFT,
        /**
         * c64 to f32: the inverse of rfft for n samples: the first n/2 + 1 frequencies of the operand are read (missing
         * ones are zero), the imaginary parts of k = 0 and (n even) k = n/2 are ignored, as numpy's irfft.
         */
        IRFFT;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** The functions of {@link Op#LINALG}. */
    enum LinalgFn {
        /** x on the column axis with A x = b: sum over col of A[row, col] x[col] = b[row]. Inputs A, b. */
        SOLVE,
        /** The inverse, on the same axes: (A^-1)[r][c] at row = r, col = c. */
        INVERSE,
        /** The lower-triangular L with L L^T = A (A's lower triangle read), on the same axes. */
        CHOLESKY,
        /** The eigenvalues of the symmetric A (lower triangle read), ascending, on the new axis. */
        EIGH_VALUES,
        /** The eigenvectors (unit, in the order of the values): component r of vector k at row = r, into = k. */
        EIGH_VECTORS,
        /** The largest |eigenvalue| of a general real A (Gelfand's formula by repeated squaring). */
        SPECTRAL_RADIUS,
        /** The largest singular value of A (the square root of the largest eigenvalue of A^T A). */
        SPECTRAL_NORM;

        /** The word the language spells it with. */
        public String word() {
            return switch (this) {
                case SOLVE -> "solve";
                case INVERSE -> "inverse";
                case CHOLESKY -> "cholesky";
                case EIGH_VALUES, EIGH_VECTORS -> "eigh";
                case SPECTRAL_RADIUS -> "spectral_radius";
                case SPECTRAL_NORM -> "spectral_norm";
            };
        }
    }

    /**
     * What a {@link UnaryFn#SPIKE} (the Heaviside step, whose derivative is 0 wherever it exists) passes back in place
     * of its derivative: a smooth bump of width about {@code 1 / slope} around 0 (docs/autodiff.md, "Surrogate
     * gradients"). {@code slope} is in the reciprocal of the argument's unit, as stored (coherent SI).
     */
    record Surrogate(SurrogateKind kind, double slope) {
        /** The fast sigmoid of SuperSpike (Zenke and Ganguli 2018) with snnTorch's default slope. */
        public static final Surrogate DEFAULT = new Surrogate(SurrogateKind.FAST_SIGMOID, 25);

        public Surrogate {
            if (kind == null) throw new IllegalArgumentException("a surrogate needs a kind");
            if (!(slope > 0) || Double.isInfinite(slope)) throw new IllegalArgumentException("a surrogate's slope must be positive and finite, got " + slope);
        }
    }

    /** The shape of a surrogate gradient; {@code k} is the slope, {@code x} the argument of the spike. */
    enum SurrogateKind {
        /** {@code 1 / (1 + k|x|)^2} (SuperSpike; snnTorch's {@code fast_sigmoid}): 1 at 0, heavy tails. */
        FAST_SIGMOID,
        /** {@code k sigmoid(kx) (1 - sigmoid(kx))}: the derivative of {@code sigmoid(kx)}, k/4 at 0. */
        SIGMOID,
        /** {@code k max(0, 1 - k|x|)}: a triangle of height k and half-width 1/k, area 1 (Bellec et al. 2018's shape). */
        TRIANGLE;

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }

        /** The kind the source names {@code word}, or null. */
        public static SurrogateKind named(String word) {
            for (SurrogateKind k : values()) if (k.word().equals(word)) return k;
            return null;
        }
    }

    /** A window along {@code axis} of {@code offset.size()} elements, centered: offset j reads i + j - size/2. */
    record WindowDim(String axis, Axis offset) {}

    /** How a parameter gets its first value: a named initializer with constant arguments. */
    record Init(InitKind kind, List<Double> args) {
        public Init { args = List.copyOf(args); }
    }

    /** A sign or range constraint on a parameter, part of its type: {@code >= 0}. */
    record Bound(boolean lower, double value) {
        /** Whether {@code v} lies within the bound. */
        public boolean admits(double v) { return lower ? v >= value : v <= value; }

        /** {@code v} moved to the bound when it lies outside. */
        public double clamp(double v) { return lower ? Math.max(v, value) : Math.min(v, value); }
    }

    enum InitKind { ZEROS, ONES, CONST, NORMAL, UNIFORM, GLOROT, HE }
    enum Dist { UNIFORM, NORMAL, BERNOULLI }
    enum Boundary { WRAP, ZERO }

    /**
     * An elementwise function of one value. Each constant says how the source writes it and its type rule; its value
     * is {@link Scalars#unary}, its prose docs/semantics.md. A function with {@code builtin} is the builtin
     * {@code word(x)}, a name circuits may not take; the others are written as operators ({@code -x},
     * {@code not x}, {@code x ^ 2}).
     */
    enum UnaryFn {
        NEG(false, Domain.NUMERIC, UnitRule.KEEP, Accuracy.EXACT),
        ABS(true, Domain.NUMERIC, UnitRule.KEEP, Accuracy.EXACT),
        SIGN(true, Domain.NUMERIC, UnitRule.DROP, Accuracy.EXACT),
        EXP(true, Domain.FLOAT, UnitRule.DIMENSIONLESS, Accuracy.TRANSCENDENTAL),
        LOG(true, Domain.FLOAT, UnitRule.DIMENSIONLESS, Accuracy.TRANSCENDENTAL),
        SQRT(true, Domain.FLOAT, UnitRule.SQUARE_ROOT, Accuracy.EXACT),
        TANH(true, Domain.FLOAT, UnitRule.DIMENSIONLESS, Accuracy.TRANSCENDENTAL),
        SIGMOID(true, Domain.FLOAT, UnitRule.DIMENSIONLESS, Accuracy.TRANSCENDENTAL),
        RELU(true, Domain.NUMERIC, UnitRule.KEEP, Accuracy.EXACT),
        SIN(true, Domain.FLOAT, UnitRule.DIMENSIONLESS, Accuracy.TRANSCENDENTAL),
        COS(true, Domain.FLOAT, UnitRule.DIMENSIONLESS, Accuracy.TRANSCENDENTAL),
        FLOOR(true, Domain.FLOAT, UnitRule.KEEP, Accuracy.EXACT),
        CEIL(true, Domain.FLOAT, UnitRule.KEEP, Accuracy.EXACT),
        ROUND(true, Domain.FLOAT, UnitRule.KEEP, Accuracy.EXACT),
        NOT(false, Domain.BOOL, UnitRule.KEEP, Accuracy.EXACT),
        /** {@code x ^ p} for a constant {@code p} ({@link Unary#exponent()}). */
        POW_CONST(false, Domain.FLOAT, UnitRule.POWER, Accuracy.TRANSCENDENTAL),
        /** {@code x} itself, through which no gradient flows (docs/autodiff.md); simplify removes it after autodiff. */
        STOP_GRADIENT(true, Domain.NUMERIC, UnitRule.KEEP, Accuracy.EXACT),
        /**
         * The Heaviside step, 1 where {@code x > 0} else 0, in x's float dtype: a spike of {@code x = v - v_th}. Its
         * gradient is a surrogate ({@link Unary#surrogate()}), not its derivative (docs/autodiff.md).
         */
        SPIKE(true, Domain.FLOAT, UnitRule.DROP, Accuracy.EXACT);

        /** The dtypes a function accepts; its result has the argument's dtype. */
        public enum Domain { BOOL, NUMERIC, FLOAT }

        /** The unit of the result. */
        public enum UnitRule {
            /** The argument's unit. */
            KEEP,
            /** Dimensionless, whatever the argument's unit. */
            DROP,
            /** The argument must be dimensionless. */
            DIMENSIONLESS,
            /** The square root of the argument's unit, which must have one. */
            SQUARE_ROOT,
            /** The argument's unit to the power {@link Unary#exponent()}, which must be whole. */
            POWER
        }

        /** How close every backend must come to the interpreter's value ({@link OpSpec.Tolerance}). */
        public enum Accuracy {
            /** Exact or correctly rounded: bit for bit. */
            EXACT,
            /** Within {@link OpSpec.Tolerance#TRANSCENDENTAL_ULPS} ulps (vector-lane math is not correctly rounded). */
            TRANSCENDENTAL
        }

        private final boolean builtin;
        private final Domain domain;
        private final UnitRule unitRule;
        private final Accuracy accuracy;

        UnaryFn(boolean builtin, Domain domain, UnitRule unitRule, Accuracy accuracy) {
            this.builtin = builtin;
            this.domain = domain;
            this.unitRule = unitRule;
            this.accuracy = accuracy;
        }

        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
        /** Whether the source writes it as the builtin function {@code word(x)}. */
        public boolean builtin() { return builtin; }
        public Domain domain() { return domain; }
        public UnitRule unitRule() { return unitRule; }
        public Accuracy accuracy() { return accuracy; }

        /** The function the builtin {@code name(x)} computes, or null when no builtin unary function has that name. */
        public static UnaryFn builtin(String name) {
            for (UnaryFn f : values()) if (f.builtin && f.word().equals(name)) return f;
            return null;
        }
    }

    enum BinaryFn {
        ADD, SUB, MUL, DIV, MOD, POW, MAX, MIN, EQ, NE, LT, LE, GT, GE, AND, OR, XOR,
        /** {@code atan2(y, x)}: the angle of the point (x, y) in (-π, π], as Java's Math.atan2 (complex numbers' angle). */
        ATAN2;
        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
        public boolean isComparison() { return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE; }
        public boolean isLogical() { return this == AND || this == OR || this == XOR; }
    }

    enum ReduceFn {
        SUM, MEAN, MAX, MIN, PROD, ANY, ALL, ARGMAX, ARGMIN;
        public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
    }
}
