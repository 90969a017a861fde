package ncd.frontend.elab;

/**
 * The exact step of a linear system with constant coefficients, dx/dt = A x + b with b held over the step:
 * x(t + dt) = E x(t) + F b, where E = exp(A dt) and F = the integral of exp(A s) over [0, dt]. Both come from one
 * matrix exponential of the augmented matrix [[A, I], [0, 0]] dt (Van Loan), so A need not be invertible (a pure
 * integrator, A = 0, gives E = I and F = dt I). Computed in double at compile time.
 */
record Propagator(double[][] e, double[][] f) {

    static Propagator of(double[][] a, double dt) {
        int n = a.length;
        double[][] m = new double[2 * n][2 * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) m[i][j] = a[i][j] * dt;
            m[i][n + i] = dt;
        }
        double[][] x = expm(m);
        double[][] e = new double[n][n], f = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                e[i][j] = x[i][j];
                f[i][j] = x[i][n + j];
            }
        }
        return new Propagator(e, f);
    }

    /**
     * exp(M) by scaling and squaring: M / 2^s has norm below 1/2, where a Taylor series of 24 terms is exact to
     * double precision; then s squarings. Structural zeros stay exactly zero (a triangular M gives a triangular result).
     */
    static double[][] expm(double[][] m) {
        int n = m.length;
        double norm = 0;
        for (double[] row : m) {
            double s = 0;
            for (double v : row) s += Math.abs(v);
            norm = Math.max(norm, s);
        }
        if (!Double.isFinite(norm)) {
            // a zero time constant (rate 1/0): no finite propagator; NaN, rather than 2^31 squarings of infinity
            double[][] nan = new double[n][n];
            for (double[] row : nan) java.util.Arrays.fill(row, Double.NaN);
            return nan;
        }
        int squarings = norm <= 0.5 ? 0 : (int) Math.ceil(Math.log(norm / 0.5) / Math.log(2));
        double scale = Math.pow(2, -squarings);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i][j] = m[i][j] * scale;
        double[][] sum = identity(n), term = identity(n);
        for (int k = 1; k <= 24; k++) {
            term = times(term, a);
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) term[i][j] /= k;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sum[i][j] += term[i][j];
        }
        for (int s = 0; s < squarings; s++) sum = times(sum, sum);
        return sum;
    }

    private static double[][] identity(int n) {
        double[][] id = new double[n][n];
        for (int i = 0; i < n; i++) id[i][i] = 1;
        return id;
    }

    private static double[][] times(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                if (a[i][k] == 0) continue;
                for (int j = 0; j < n; j++) c[i][j] += a[i][k] * b[k][j];
            }
        }
        return c;
    }
}
