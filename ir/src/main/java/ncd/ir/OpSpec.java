package ncd.ir;

import java.util.List;

/**
 * What an op accepts, what it produces and how exactly: its arity, its attribute kind, its type rule and its
 * tolerance. One per {@link Op}, all in {@link OpSpecs}; the checker and the graph builder both go through these
 * rules, so there is exactly one definition of each op's typing, and the differential tests derive how far a
 * backend may stray from the interpreter from the same table.
 *
 * @param minInputs fewest inputs
 * @param maxInputs most inputs ({@link Integer#MAX_VALUE} for variadic ops)
 * @param attrKind  the attribute record the op takes
 * @param declared  whether the node's type is declared by its creator (leaves, casts, transposes) rather than derived
 * @param rule      derives (or, for declared types, validates) the result type
 * @param tolerance how far a backend's result may stray from the interpreter's on the same operands
 */
public record OpSpec(int minInputs, int maxInputs, Class<? extends Attr> attrKind, boolean declared, Rule rule,
                     ToleranceRule tolerance) {

    /** A type rule: operand types and attribute (and the declared type, where there is one) to the result type. */
    @FunctionalInterface
    public interface Rule {
        TensorType apply(Attr attr, List<TensorType> ins, TensorType declared) throws TypeRuleException;
    }

    /** An op's tolerance for one node: its attribute, operand types and (sized) result type. */
    @FunctionalInterface
    public interface ToleranceRule {
        Tolerance of(Attr attr, List<TensorType> ins, TensorType result);
    }

    /**
     * How far one element of a backend's result may stray from the interpreter's when both get the same operands
     * (docs/semantics.md, "Tolerance"): {@code |backend - interp| <= ulps * eps * scale}, with {@code eps} the
     * result dtype's machine epsilon ({@link #epsilon}) and {@code scale} the magnitude of the interpreter's result
     * ({@link Scale#RESULT}) or the sum of the magnitudes of the terms the element accumulates ({@link Scale#TERMS}:
     * a sum can cancel to far below its terms, and its rounding error is relative to them). 0 ulps is bit for bit;
     * i32 and bool results are always exact.
     */
    public record Tolerance(double ulps, Scale scale) {
        public enum Scale { RESULT, TERMS }

        public static final Tolerance EXACT = new Tolerance(0, Scale.RESULT);

        public Tolerance {
            if (!(ulps >= 0)) throw new IllegalArgumentException("ulps must be >= 0, got " + ulps);
        }

        public boolean isExact() { return ulps == 0; }

        /** The bound as a fraction of its scale: {@code ulps * eps(dtype)}; 0 for exact ones. */
        public double relative(DType dtype) { return isExact() ? 0 : ulps * epsilon(dtype); }

        /** The distance from 1 to the next larger number of the dtype: 2^-23 for f32, 2^-52 for f64, 0 for i32 and bool. */
        public static double epsilon(DType dtype) {
            return switch (dtype) {
                case F32 -> Math.ulp(1.0f);
                case F64 -> Math.ulp(1.0);
                case I32, BOOL -> 0;
            };
        }

        // ---- the rules of the op table (OpSpecs)

        /**
         * exp, log, tanh, sigmoid, sin, cos and pow with a general exponent: no libm or vector math library rounds
         * them correctly everywhere; the interpreter is within 1 ulp of the correct result, and so is a good library
         * (the JVM's vector math measured at most 1 ulp), so two of them are within 2.
         */
        public static final double TRANSCENDENTAL_ULPS = 2;

        /** Data movement, integer and bool ops, comparisons and correctly rounded arithmetic: bit for bit. */
        static Tolerance exact(Attr a, List<TensorType> in, TensorType result) { return EXACT; }

        static Tolerance unary(Attr a, List<TensorType> in, TensorType result) {
            Attr.Unary u = (Attr.Unary) a;
            // x^0, x^1 and x^2 take at most one multiplication: correctly rounded in double, then in f32
            boolean oneMultiplication = u.fn() == Attr.UnaryFn.POW_CONST && (u.exponent() == 0 || u.exponent() == 1 || u.exponent() == 2);
            return u.fn().accuracy() == Attr.UnaryFn.Accuracy.EXACT || oneMultiplication ? EXACT
                    : inexact(result, TRANSCENDENTAL_ULPS, Scale.RESULT);
        }

        static Tolerance binary(Attr a, List<TensorType> in, TensorType result) {
            Attr.BinaryFn fn = ((Attr.Binary) a).fn();
            return fn == Attr.BinaryFn.POW || fn == Attr.BinaryFn.ATAN2 ? inexact(result, TRANSCENDENTAL_ULPS, Scale.RESULT) : EXACT;
        }

        /**
         * A sum of n terms accumulated in any order, in the result's precision or better, is within (n - 1) eps of
         * the sum of the terms' magnitudes of the exact sum (Higham, Accuracy and Stability of Numerical Algorithms,
         * 4.2), so two such sums (the interpreter's and a backend's) are within 2 (n - 1). A mean divides once more.
         * A product of n factors is within 2 (n - 1) eps of its own magnitude (no cancellation). max, min, any, all
         * and every integer reduction are exact (integer sums wrap, and wrapping addition is associative).
         */
        static Tolerance reduce(Attr a, List<TensorType> in, TensorType result) {
            Attr.Reduce r = (Attr.Reduce) a;
            long n = 1;
            for (String ax : r.axes()) n = sizedProduct(n, in.get(0).axis(ax));
            return switch (r.fn()) {
                case SUM -> inexact(result, accumulated(n, 0), Scale.TERMS);
                case MEAN -> inexact(result, accumulated(n, n > 1 ? 1 : 0), Scale.TERMS);
                case PROD -> inexact(result, accumulated(n, 0), Scale.RESULT);
                case MAX, MIN, ANY, ALL, ARGMAX, ARGMIN -> EXACT;
            };
        }

        /**
         * An inner product of k terms is within k eps of the sum of the |a_i b_i| (Higham 3.1, with or without fused
         * multiply-adds), so two are within 2k; a single term is one correctly rounded product (outer products).
         */
        static Tolerance contract(Attr a, List<TensorType> in, TensorType result) {
            long k = 1;
            for (String ax : ((Attr.Contract) a).axes()) k = sizedProduct(k, in.get(0).axis(ax));
            return k == 1 ? EXACT : inexact(result, k < 0 ? Double.POSITIVE_INFINITY : 2.0 * k, Scale.TERMS);
        }

        /**
         * LINALG: every backend computes in double with the same algorithms (docs/semantics.md, "Linear algebra") and
         * rounds once to the result's dtype; operations ordered or contracted differently (a fused multiply-add) move a
         * well-conditioned result by a few double ulps times n, far below an f32 ulp, so 4 n ulps of the result dtype
         * allow for the final rounding and conditioning up to about n. Ill-conditioned matrices can differ more.
         */
        static Tolerance linalg(Attr a, List<TensorType> in, TensorType result) {
            Axis r = in.get(0).axis(((Attr.Linalg) a).row());
            return inexact(result, r == null || !r.isSized() ? Double.POSITIVE_INFINITY : 4.0 * Math.max(1, r.size()), Scale.RESULT);
        }

        /**
         * FFT: every backend sums in double (the interpreter by the definition, the others by a fast transform, whose
         * error in double is far below an f32 ulp of the largest value) and rounds once to f32, so two results are
         * within an ulp or two of the largest magnitude; 4 allows for the rounding of the twiddles.
         */
        static Tolerance fft(Attr a, List<TensorType> in, TensorType result) { return inexact(result, 4, Scale.TERMS); }

        /** {@code ulps} of {@code scale} for a float result; integer and bool results are exact whatever the op. */
        private static Tolerance inexact(TensorType result, double ulps, Scale scale) {
            return result.dtype().isFloat() && ulps > 0 ? new Tolerance(ulps, scale) : EXACT;
        }

        /** 2 (n - 1) + extra ulps; unbounded while n is unknown (an unsized axis: -1). */
        private static double accumulated(long n, double extra) {
            return n < 0 ? Double.POSITIVE_INFINITY : 2.0 * (n - 1) + extra;
        }

        /** {@code n} times the size of {@code ax}, or -1 when either is unknown. */
        private static long sizedProduct(long n, Axis ax) {
            return n < 0 || ax == null || !ax.isSized() ? -1 : n * ax.size();
        }
    }
}
