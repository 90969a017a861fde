package ncd.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** ArgSort's order: stable both ways, NaN last both ways, -0.0 equal to 0.0, lines along a middle axis. */
class ArgSortTest {
    private static int[] sort(double[] x, boolean descending) {
        int[] out = new int[x.length];
        ArgSort.lines(x, out, 1, x.length, 1, descending);
        return out;
    }

    @Test void equalValuesKeepIndexOrderInBothDirections() {
        double[] x = {2, 1, 2, 1, 3};
        assertArrayEquals(new int[] {1, 3, 0, 2, 4}, sort(x, false));
        assertArrayEquals(new int[] {4, 0, 2, 1, 3}, sort(x, true));
    }

    @Test void nanGoesLastInBothDirectionsAndSignedZerosAreEqual() {
        double[] x = {Double.NaN, 1, -0.0, Double.NaN, 0.0, -1};
        assertArrayEquals(new int[] {5, 2, 4, 1, 0, 3}, sort(x, false));
        assertArrayEquals(new int[] {1, 2, 4, 5, 0, 3}, sort(x, true));
    }

    @Test void linesAlongAMiddleAxis() {
        // shape (2, 3, 2), sorted along the axis of 3: each (outer, inner) line separately
        double[] x = {3, 0, 1, 5, 2, 4, /* */ 9, 9, 7, 8, 8, 7};
        int[] out = new int[x.length];
        int[] b = ArgSort.block(new int[] {2, 3, 2}, 1);
        assertArrayEquals(new int[] {2, 3, 2}, b);
        ArgSort.lines(x, out, b[0], b[1], b[2], false);
        assertArrayEquals(new int[] {1, 0, 2, 2, 0, 1, /* */ 1, 2, 2, 1, 0, 0}, out);
    }
}
