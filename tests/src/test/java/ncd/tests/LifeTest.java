package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Game of Life, run through the Java API on the reference interpreter: the glider of examples/life.ncd travels
 * around its torus, and an R-pentomino on a large torus agrees cell for cell with a plain-Java implementation.
 */
class LifeTest {

    // ---- the glider of examples/life.ncd ----------------------------------------------------------------------

    @Test void theGliderMovesOneCellDiagonallyEveryFourGenerationsAroundTheTorus() throws Exception {
        Compiled prog = Ncd.compile(Repo.root().resolve("examples/life.ncd"));
        Circuit glider = prog.circuit("Glider");
        int n = 16;
        int[][] start = new int[n][n];
        // . X .
        // . . X
        // X X X
        for (int[] rc : new int[][] {{0, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}}) start[rc[0]][rc[1]] = 1;
        Tensor board0 = glider.state().get("board");
        assertBoard(start, board0, "the initial board of Glider");

        for (int k = 1; k <= 16; k++) {
            for (int s = 0; s < 4; s++) glider.step(Map.of());
            assertEquals(4L * k, glider.steps());
            int[][] want = roll(start, k, k);
            assertBoard(want, glider.state().get("board"), "Glider after " + 4 * k + " generations");
            // the output of the next step is the board before that step's update
            Tensor out = glider.step(Map.of()).get("out");
            assertBoard(want, out, "Glider's output at step " + (4 * k + 1));
            glider.reset();
            for (int s = 0; s < 4 * k; s++) glider.step(Map.of());
        }
        // after 64 generations it has gone once around the 16x16 torus
        assertBoard(start, glider.state().get("board"), "Glider after 64 generations");
    }

    // ---- an R-pentomino on a 128x128 torus --------------------------------------------------------------------

    /**
     * A board that starts as an R-pentomino near the centre, built from index comparisons as examples/life.ncd
     * builds its glider, and advances one generation per step with std.life's life_step.
     */
    static final String R_PENTOMINO = """
            import std.life.{life_step}

            axis row = 128, col = 128

            const r = expand[col](iota[row]()) - 63, c = expand[row](iota[col]()) - 63

            // The R-pentomino:  . X X
            //                   X X .
            //                   . X .
            const r_pentomino = (r == 0 and (c == 1 or c == 2)) or (r == 1 and (c == 0 or c == 1)) or (r == 2 and c == 1)

            circuit RPentomino() -> bool[row, col] {
              state board: bool[row, col] = r_pentomino
              next board = life_step<row, col>(board)
              return board
            }

            // One generation of a given board: feed its output back to iterate.
            circuit generation(board: bool[row, col]) -> bool[row, col] {
              return life_step<row, col>(board)
            }
            """;

    @Test void anRPentominoOnA128TorusMatchesAPlainJavaLife() throws Exception {
        int n = 128;
        Compiled prog = Ncd.compile(Repo.root().resolve("tests/inline/r_pentomino.ncd"), R_PENTOMINO);
        Circuit stateful = prog.circuit("RPentomino");
        Circuit pure = prog.circuit("generation");

        int[][] ref = new int[n][n];
        for (int[] rc : new int[][] {{0, 1}, {0, 2}, {1, 0}, {1, 1}, {2, 1}}) ref[63 + rc[0]][63 + rc[1]] = 1;
        assertBoard(ref, stateful.state().get("board"), "the initial R-pentomino");

        Tensor fed = toTensor(ref);
        List<Integer> checkpoints = List.of(1, 50, 100, 200);
        for (int g = 1; g <= 200; g++) {
            ref = referenceStep(ref);
            stateful.step(Map.of());
            fed = pure.call(fed);
            if (checkpoints.contains(g)) {
                assertBoard(ref, stateful.state().get("board"), "RPentomino (state) at generation " + g);
                assertBoard(ref, fed, "generation (fed back) at generation " + g);
            }
        }
        int live = 0;
        for (int[] row : ref) for (int v : row) live += v;
        System.out.println("LifeTest: R-pentomino on a 128x128 torus, live cells at generation 200: " + live);
        assertTrue(live > 5, "the R-pentomino does not die out within 200 generations: " + live);
    }

    // ---- the independent implementation -----------------------------------------------------------------------

    /** One generation on a torus, counting the eight neighbours explicitly. */
    static int[][] referenceStep(int[][] b) {
        int rows = b.length, cols = b[0].length;
        int[][] next = new int[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                int count = 0;
                for (int di = -1; di <= 1; di++) {
                    for (int dj = -1; dj <= 1; dj++) {
                        if (di == 0 && dj == 0) continue;
                        count += b[Math.floorMod(i + di, rows)][Math.floorMod(j + dj, cols)];
                    }
                }
                next[i][j] = count == 3 || (b[i][j] == 1 && count == 2) ? 1 : 0;
            }
        }
        return next;
    }

    /** {@code b} moved down by {@code dr} and right by {@code dc}, wrapping: np.roll(b, (dr, dc), axis=(0, 1)). */
    static int[][] roll(int[][] b, int dr, int dc) {
        int rows = b.length, cols = b[0].length;
        int[][] out = new int[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) out[Math.floorMod(i + dr, rows)][Math.floorMod(j + dc, cols)] = b[i][j];
        return out;
    }

    static Tensor toTensor(int[][] b) {
        int rows = b.length, cols = b[0].length;
        boolean[] data = new boolean[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) data[i * cols + j] = b[i][j] != 0;
        return Tensor.of(new TensorType(DType.BOOL, List.of(new Axis("row", rows), new Axis("col", cols)), Unit.NONE), data);
    }

    /** The board must be a bool[row, col] (either layout) equal to {@code want} in every cell. */
    static void assertBoard(int[][] want, Tensor actual, String what) {
        TensorType t = actual.type();
        assertEquals(DType.BOOL, t.dtype(), what + ": " + t);
        assertEquals(2, t.rank(), what + ": " + t);
        Tensor b = t.axisNames().equals(List.of("row", "col")) ? actual : actual.transposeTo(List.of("row", "col"));
        int rows = want.length, cols = want[0].length;
        assertEquals(rows, b.type().axis("row").size(), what);
        assertEquals(cols, b.type().axis("col").size(), what);
        int wrong = 0;
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) if ((b.get(i * cols + j) != 0) != (want[i][j] != 0)) wrong++;
        if (wrong > 0) {
            fail(what + ": " + wrong + " cells differ\n--- expected ---\n" + picture(want) + "--- actual ---\n" + picture(b, rows, cols));
        }
    }

    private static String picture(int[][] b) {
        StringBuilder sb = new StringBuilder();
        for (int[] row : b) {
            for (int v : row) sb.append(v != 0 ? '#' : '.');
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String picture(Tensor t, int rows, int cols) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) sb.append(t.get(i * cols + j) != 0 ? '#' : '.');
            sb.append('\n');
        }
        return sb.toString();
    }
}
