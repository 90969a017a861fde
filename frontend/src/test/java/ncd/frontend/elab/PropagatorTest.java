package ncd.frontend.elab;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The compile-time propagator of linear equations against closed forms. */
class PropagatorTest {
    @Test void scalarDecayIsTheExponentialAndItsIntegral() {
        double a = -1 / 20e-3, dt = 1e-4;
        Propagator p = Propagator.of(new double[][] {{a}}, dt);
        assertEquals(Math.exp(a * dt), p.e()[0][0], 1e-15);
        assertEquals(Math.expm1(a * dt) / a, p.f()[0][0], 1e-18);
    }

    @Test void aPureIntegratorNeedsNoInverse() {
        Propagator p = Propagator.of(new double[][] {{0}}, 0.5);
        assertEquals(1, p.e()[0][0], 0);
        assertEquals(0.5, p.f()[0][0], 1e-16);
    }

    /** CUBA's v, ge: triangular, so the lower corner stays exactly zero and the coupling term is the closed form. */
    @Test void coupledTriangularSystem() {
        double tm = 20e-3, te = 5e-3, dt = 1e-4;
        Propagator p = Propagator.of(new double[][] {{-1 / tm, 1 / tm}, {0, -1 / te}}, dt);
        assertEquals(0, p.e()[1][0], 0);
        assertEquals(Math.exp(-dt / tm), p.e()[0][0], 1e-15);
        assertEquals(Math.exp(-dt / te), p.e()[1][1], 1e-15);
        // v's response to ge(0) = 1: te / (te - tm) (e^{-t/te} - e^{-t/tm})
        assertEquals(te / (te - tm) * (Math.exp(-dt / te) - Math.exp(-dt / tm)), p.e()[0][1], 1e-15);
    }

    /** A rotation, which needs many squarings at a long step: cos and sin. */
    @Test void oscillatorOverALongStep() {
        double w = 2 * Math.PI * 50, dt = 0.013;
        Propagator p = Propagator.of(new double[][] {{0, -w}, {w, 0}}, dt);
        assertEquals(Math.cos(w * dt), p.e()[0][0], 1e-12);
        assertEquals(-Math.sin(w * dt), p.e()[0][1], 1e-12);
        assertEquals(Math.sin(w * dt) / w, p.f()[0][0], 1e-14);
    }
}
