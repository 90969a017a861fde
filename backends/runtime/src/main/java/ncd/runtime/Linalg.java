package ncd.runtime;

import ncd.ir.Attr;

/**
 * The linear algebra of {@link ncd.ir.Op#LINALG}, in double, shared by the interpreter (the oracle) and the JVM
 * backend so both compute bit for bit alike; the CUDA backend's prelude.cuh follows the same algorithms step by step.
 * docs/semantics.md ("Linear algebra") states what each function computes:
 * <ul>
 *   <li>solve and inverse: Gaussian elimination with partial pivoting (the first largest |pivot| of the column); a
 *       matrix is singular when a pivot is at most {@code n * 2^-52} times the largest |element| of the matrix;</li>
 *   <li>cholesky: the Cholesky–Banachiewicz order, reading the lower triangle; not positive definite when a diagonal
 *       value under the square root is not above 0;</li>
 *   <li>eigh: cyclic Jacobi rotations on the lower triangle mirrored, until no off-diagonal element is left above
 *       2^-52 times the geometric mean of the diagonal it meets, nor above 2^-60 times the matrix's Frobenius norm (at most 100 sweeps); values ascending; each vector's largest |component|
 *       (the first of equals) made positive;</li>
 *   <li>spectral_norm: the square root of eigh's largest eigenvalue of A^T A;</li>
 *   <li>spectral_radius: Gelfand's formula, rho = lim ||A^N||^(1/N), by 64 squarings of A each scaled to Frobenius
 *       norm 1 (N = 2^64), summing log ||B^2|| / 2^(t+1).</li>
 * </ul>
 * A {@link Plan} ({@link LinalgPlans#plan}) says where each matrix lies; {@link Plan#encode} and {@link Plan#decode}
 * carry it as a string into generated code. This class is in the ahead-of-time runtime (AotJar), so it reads no
 * graph: the plan is made at compile time.
 */
public final class Linalg {
    private Linalg() {}

    /** The most Jacobi sweeps eigh makes. */
    public static final int MAX_SWEEPS = 100;
    /** The squarings of the spectral radius. */
    public static final int SQUARINGS = 64;

    /**
     * Where the matrices of one LINALG node lie in its row-major operands and result: {@code n} the matrix size;
     * strides of the row and column axes in A ({@code aRow, aCol}), of the row axis in b ({@code bRow}), and of the
     * result's matrix axes ({@code oRow, oCol}: see {@link #run}); one problem per element of the result's other axes,
     * whose sizes and strides in A, b and the result are {@code sizes, pa, pb, po} (0 where an operand lacks the axis).
     * {@code what} names the op and circuit in an error.
     */
    public record Plan(Attr.LinalgFn fn, int n, int aRow, int aCol, int bRow, int oRow, int oCol, int[] sizes, int[] pa,
                       int[] pb, int[] po, String what) {

        /** One line: the fields separated by ';', arrays by ','; {@code what} last (it may hold ';'). */
        public String encode() {
            return fn.name() + ";" + n + ";" + aRow + ";" + aCol + ";" + bRow + ";" + oRow + ";" + oCol + ";" + join(sizes) + ";"
                    + join(pa) + ";" + join(pb) + ";" + join(po) + ";" + what;
        }

        public static Plan decode(String s) {
            String[] f = s.split(";", 12);
            return new Plan(Attr.LinalgFn.valueOf(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6]), ints(f[7]), ints(f[8]), ints(f[9]),
                    ints(f[10]), f[11]);
        }

        /** The number of matrices. */
        public int problems() {
            int p = 1;
            for (int s : sizes) p *= s;
            return p;
        }

        private static String join(int[] v) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ",").append(v[i]);
            return b.toString();
        }

        private static int[] ints(String s) {
            if (s.isEmpty()) return new int[0];
            String[] p = s.split(",");
            int[] v = new int[p.length];
            for (int i = 0; i < p.length; i++) v[i] = Integer.parseInt(p[i]);
            return v;
        }
    }

    /**
     * Runs {@code p} on A ({@code a}) and, for solve, b: each matrix M[r][c] = a[aBase + r aRow + c aCol] gives its
     * result into {@code out}: solve x[c] at oRow; inverse and cholesky [r][c] at (oRow, oCol); eigh's values [k] at
     * oRow; its vectors' component r of vector k at (oRow, oCol); the spectral radius and norm one value. Throws
     * {@link RunException} naming the op and circuit for a singular (or, for cholesky, not positive definite) matrix.
     */
    public static void run(Plan p, double[] a, double[] b, double[] out) {
        int n = p.n(), problems = p.problems(), dims = p.sizes().length;
        int[] idx = new int[dims];
        double[] m = new double[n * n], w = new double[n * n], v = new double[n];
        for (int q = 0; q < problems; q++) {
            int ab = 0, bb = 0, ob = 0;
            for (int d = 0; d < dims; d++) {
                ab += idx[d] * p.pa()[d];
                bb += idx[d] * p.pb()[d];
                ob += idx[d] * p.po()[d];
            }
            for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) m[r * n + c] = a[ab + r * p.aRow() + c * p.aCol()];
            switch (p.fn()) {
                case SOLVE -> {
                    for (int r = 0; r < n; r++) v[r] = b[bb + r * p.bRow()];
                    if (!solve(m, v, n)) throw new RunException(failure(p, q));
                    for (int c = 0; c < n; c++) out[ob + c * p.oRow()] = v[c];
                }
                case INVERSE -> {
                    if (!inverse(m, w, n)) throw new RunException(failure(p, q));
                    for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) out[ob + r * p.oRow() + c * p.oCol()] = w[r * n + c];
                }
                case CHOLESKY -> {
                    if (!cholesky(m, n)) throw new RunException(failure(p, q));
                    for (int r = 0; r < n; r++) for (int c = 0; c < n; c++) out[ob + r * p.oRow() + c * p.oCol()] = m[r * n + c];
                }
                case EIGH_VALUES, EIGH_VECTORS -> {
                    eigh(m, w, v, n);
                    if (p.fn() == Attr.LinalgFn.EIGH_VALUES) {
                        for (int k = 0; k < n; k++) out[ob + k * p.oRow()] = v[k];
                    } else {
                        for (int r = 0; r < n; r++) for (int k = 0; k < n; k++) out[ob + r * p.oRow() + k * p.oCol()] = w[r * n + k];
                    }
                }
                case SPECTRAL_NORM -> out[ob] = spectralNorm(m, w, v, n);
                case SPECTRAL_RADIUS -> out[ob] = spectralRadius(m, w, n);
            }
            for (int d = dims - 1; d >= 0; d--) {
                if (++idx[d] < p.sizes()[d]) break;
                idx[d] = 0;
            }
        }
    }

    /**
     * The run-time error of matrix {@code q} (in row-major order of the problem axes) of {@code p}: singular, or for
     * cholesky not positive definite. Every backend reports it in these words.
     */
    public static String failure(Plan p, int q) {
        return p.what() + ": the matrix" + at(p, q) + (p.fn() == Attr.LinalgFn.CHOLESKY
                ? " is not positive definite (a pivot of its Cholesky factorisation is not above 0)"
                : " is singular (a pivot of its elimination is at most n * 2^-52 times its largest element)");
    }

    /** " (batch element q)" when there is more than one matrix. */
    private static String at(Plan p, int q) { return p.problems() > 1 ? " at batch element " + q : ""; }

    /** The threshold under which a pivot counts as zero. */
    private static double tiny(double[] m, int n) {
        double max = 0;
        for (int i = 0; i < n * n; i++) max = Math.max(max, Math.abs(m[i]));
        return n * 0x1p-52 * max;
    }

    /** Solves m x = v in place into {@code v} (m destroyed); false when singular. */
    public static boolean solve(double[] m, double[] v, int n) {
        double tiny = tiny(m, n);
        for (int k = 0; k < n; k++) {
            int piv = pivot(m, n, k);
            if (!(Math.abs(m[piv * n + k]) > tiny)) return false;
            swapRows(m, n, k, piv);
            double t = v[k]; v[k] = v[piv]; v[piv] = t;
            for (int r = k + 1; r < n; r++) {
                double f = m[r * n + k] / m[k * n + k];
                for (int c = k + 1; c < n; c++) m[r * n + c] -= f * m[k * n + c];
                v[r] -= f * v[k];
            }
        }
        for (int r = n - 1; r >= 0; r--) {
            double s = v[r];
            for (int c = r + 1; c < n; c++) s -= m[r * n + c] * v[c];
            v[r] = s / m[r * n + r];
        }
        return true;
    }

    /** The inverse of m into {@code inv} by Gauss–Jordan (m destroyed); false when singular. */
    public static boolean inverse(double[] m, double[] inv, int n) {
        double tiny = tiny(m, n);
        for (int i = 0; i < n * n; i++) inv[i] = 0;
        for (int i = 0; i < n; i++) inv[i * n + i] = 1;
        for (int k = 0; k < n; k++) {
            int piv = pivot(m, n, k);
            if (!(Math.abs(m[piv * n + k]) > tiny)) return false;
            swapRows(m, n, k, piv);
            swapRows(inv, n, k, piv);
            double d = m[k * n + k];
            for (int c = 0; c < n; c++) {
                m[k * n + c] /= d;
                inv[k * n + c] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r == k) continue;
                double f = m[r * n + k];
                for (int c = 0; c < n; c++) {
                    m[r * n + c] -= f * m[k * n + c];
                    inv[r * n + c] -= f * inv[k * n + c];
                }
            }
        }
        return true;
    }

    /** The row at or below {@code k} with the first largest |m[r][k]|. */
    private static int pivot(double[] m, int n, int k) {
        int piv = k;
        for (int r = k + 1; r < n; r++) if (Math.abs(m[r * n + k]) > Math.abs(m[piv * n + k])) piv = r;
        return piv;
    }

    private static void swapRows(double[] m, int n, int a, int b) {
        if (a == b) return;
        for (int c = 0; c < n; c++) {
            double t = m[a * n + c];
            m[a * n + c] = m[b * n + c];
            m[b * n + c] = t;
        }
    }

    /** The lower Cholesky factor of m in place (the upper triangle zeroed); false when not positive definite. */
    public static boolean cholesky(double[] m, int n) {
        for (int r = 0; r < n; r++) {
            for (int c = 0; c <= r; c++) {
                double s = m[r * n + c];
                for (int k = 0; k < c; k++) s -= m[r * n + k] * m[c * n + k];
                if (r == c) {
                    if (!(s > 0)) return false;
                    m[r * n + r] = Math.sqrt(s);
                } else {
                    m[r * n + c] = s / m[c * n + c];
                }
            }
            for (int c = r + 1; c < n; c++) m[r * n + c] = 0;
        }
        return true;
    }

    /**
     * The eigenvalues (ascending, into {@code vals}) and unit eigenvectors (column k of {@code vecs}) of the symmetric
     * matrix whose lower triangle {@code m} holds (m destroyed), by cyclic Jacobi rotations.
     */
    public static void eigh(double[] m, double[] vecs, double[] vals, int n) {
        for (int r = 0; r < n; r++) for (int c = r + 1; c < n; c++) m[r * n + c] = m[c * n + r];
        for (int i = 0; i < n * n; i++) vecs[i] = 0;
        for (int i = 0; i < n; i++) vecs[i * n + i] = 1;
        double floor = 0x1p-60 * frobenius(m, n);
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = m[p * n + q], app = m[p * n + p], aqq = m[q * n + q];
                    if (!(Math.abs(apq) > floor) || Math.abs(apq) <= 0x1p-52 * Math.sqrt(Math.abs(app * aqq))) {
                        m[p * n + q] = 0;
                        m[q * n + p] = 0;
                        continue;
                    }
                    rotated = true;
                    double theta = (aqq - app) / (2 * apq);
                    double t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) {
                        double mkp = m[k * n + p], mkq = m[k * n + q];
                        m[k * n + p] = c * mkp - s * mkq;
                        m[k * n + q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++) {
                        double mpk = m[p * n + k], mqk = m[q * n + k];
                        m[p * n + k] = c * mpk - s * mqk;
                        m[q * n + k] = s * mpk + c * mqk;
                    }
                    m[p * n + q] = 0;
                    m[q * n + p] = 0;
                    for (int k = 0; k < n; k++) {
                        double vkp = vecs[k * n + p], vkq = vecs[k * n + q];
                        vecs[k * n + p] = c * vkp - s * vkq;
                        vecs[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
            if (!rotated) break;
        }
        for (int k = 0; k < n; k++) vals[k] = m[k * n + k];
        // selection sort, ascending, stable: the columns follow their values
        for (int i = 0; i < n; i++) {
            int best = i;
            for (int k = i + 1; k < n; k++) if (vals[k] < vals[best]) best = k;
            if (best != i) {
                double t = vals[i]; vals[i] = vals[best]; vals[best] = t;
                for (int r = 0; r < n; r++) {
                    double u = vecs[r * n + i];
                    vecs[r * n + i] = vecs[r * n + best];
                    vecs[r * n + best] = u;
                }
            }
        }
        for (int k = 0; k < n; k++) {
            int big = 0;
            for (int r = 1; r < n; r++) if (Math.abs(vecs[r * n + k]) > Math.abs(vecs[big * n + k])) big = r;
            if (vecs[big * n + k] < 0) for (int r = 0; r < n; r++) vecs[r * n + k] = -vecs[r * n + k];
        }
    }

    /** The largest singular value of m: the square root of the largest eigenvalue of m^T m (m destroyed). */
    public static double spectralNorm(double[] m, double[] w, double[] vals, int n) {
        double[] g = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c <= r; c++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += m[k * n + r] * m[k * n + c];
                g[r * n + c] = s;
            }
        }
        eigh(g, w, vals, n);
        return Math.sqrt(Math.max(0, vals[n - 1]));
    }

    /**
     * The spectral radius of m by Gelfand's formula: B_0 = m / ||m||, B_{t+1} = B_t^2 / ||B_t^2|| (Frobenius), and
     * log rho = log ||m|| + sum over t of log ||B_t^2|| / 2^(t+1), over {@link #SQUARINGS} squarings (m destroyed).
     */
    public static double spectralRadius(double[] m, double[] w, int n) {
        double norm = frobenius(m, n);
        if (norm == 0 || !Double.isFinite(norm)) return norm == 0 ? 0 : Double.NaN;
        for (int i = 0; i < n * n; i++) m[i] /= norm;
        double log = Math.log(norm), scale = 0.5;
        for (int t = 0; t < SQUARINGS; t++) {
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    double s = 0;
                    for (int k = 0; k < n; k++) s += m[r * n + k] * m[k * n + c];
                    w[r * n + c] = s;
                }
            }
            double f = frobenius(w, n);
            if (f == 0) return 0;
            log += Math.log(f) * scale;
            scale *= 0.5;
            for (int i = 0; i < n * n; i++) m[i] = w[i] / f;
        }
        return Math.exp(log);
    }

    private static double frobenius(double[] m, int n) {
        double s = 0;
        for (int i = 0; i < n * n; i++) s += m[i] * m[i];
        return Math.sqrt(s);
    }
}
