package ncd.tests;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/lifegpt.ncd end to end at CI size, all through ncdc in-process: random boards (each with its own
 * density in [0.1, 0.6]), their next generation computed by the example's {@code Next} circuit (std.life's
 * life_step, checked here against plain Java), {@code ncdc train} on a short run, and the {@code Rollout} circuit
 * on the trained parameters. The full-size run is in docs/training.md (LifeGPT); this one is smaller so that it
 * trains in well under a minute (748 steps: 25 s of training on a loaded 2-vCPU machine), and its bars are set
 * below what it measurably reaches (see CELL_ACCURACY) but far above what a model that has learnt nothing gets
 * (cell accuracy about 0.74: every cell dead), so that the test fails when training breaks. No timing is asserted.
 */
class LifeGptTrainingTest {
    private static final int TRAIN = 6000, VAL = 500, N = TRAIN + VAL;
    /**
     * Bars on the last epoch's validation figures and on the rollout, well below what this run measured (val cell
     * accuracy 0.9999, board accuracy 0.9940; 467 of 500 boards right for 10 generations) and far above a model that
     * has learnt nothing (cell accuracy about 0.74, board accuracy about 0.03, rollout the few boards that die out).
     */
    private static final double CELL_ACCURACY = 0.95, BOARD_ACCURACY = 0.80, ROLLOUT = 0.50;

    private static Path example() { return Repo.root().resolve("examples/lifegpt.ncd"); }

    @Test void trainsPastTheAllDeadBaselineAndRollsOut(@TempDir Path dir) throws Exception {
        // boards, drawn in Java
        Random rng = new Random(7);
        boolean[] boards = new boolean[N * 64];
        for (int g = 0; g < N; g++) {
            double p = 0.1 + 0.5 * rng.nextDouble();
            for (int c = 0; c < 64; c++) boards[g * 64 + c] = rng.nextDouble() < p;
        }
        Path boardsNpy = dir.resolve("boards.npy");
        Npy.write(boardsNpy, Tensor.of(type(N), boards));

        // their successors, by the Life circuit
        Ncdc.Result next = Ncdc.run("run", example().toString(), "--circuit", "Next", "--axis", "game=" + N,
                "--input", "board=" + boardsNpy, "--out", dir.resolve("next").toString());
        assertEquals(0, next.exit(), next::describe);
        NpyArray out = Npy.read(dir.resolve("next/out.npy"));
        boolean[] successors = (boolean[]) out.data();
        assertArrayEquals(new int[] {N, 8, 8}, out.shape());
        assertArrayEquals(lifeStep(boards), successors, "Next is one generation of Life");

        Path train = dir.resolve("train.npz"), val = dir.resolve("val.npz");
        writeNpz(train, boards, successors, 0, TRAIN);
        writeNpz(val, boards, successors, TRAIN, N);

        Path run = dir.resolve("run");
        Ncdc.Result fit = Ncdc.run("train", example().toString(), "--data", train.toString(), "--val", val.toString(),
                "--epochs", "4", "--batch", "32", "--lr", "3e-3", "--seed", "1", "--checkpoint", run.toString());
        assertEquals(0, fit.exit(), fit::describe);
        System.out.print(fit.out());
        // the last epoch's validation figures
        Matcher m = Pattern.compile("val loss \\S+ cell_accuracy (\\S+) board_accuracy (\\S+)").matcher(fit.out());
        String cell = null, board = null;
        while (m.find()) {
            cell = m.group(1);
            board = m.group(2);
        }
        assertTrue(cell != null, fit::describe);
        double acc = Double.parseDouble(cell), boardAcc = Double.parseDouble(board);
        assertTrue(acc >= CELL_ACCURACY, "validation cell accuracy " + acc + " < " + CELL_ACCURACY + "\n" + fit.describe());
        assertTrue(boardAcc >= BOARD_ACCURACY, "validation board accuracy " + boardAcc + " < " + BOARD_ACCURACY + "\n" + fit.describe());

        // the rollout runs on the trainer's parameters, named as the objective names them
        Path valBoards = dir.resolve("val_boards.npy");
        boolean[] vb = java.util.Arrays.copyOfRange(boards, TRAIN * 64, N * 64);
        Npy.write(valBoards, Tensor.of(type(VAL), vb));
        Ncdc.Result roll = Ncdc.run("run", example().toString(), "--circuit", "Rollout", "--axis", "game=" + VAL,
                "--input", "board=" + valBoards, "--params", run.resolve("params.safetensors").toString(),
                "--out", dir.resolve("rollout").toString());
        assertEquals(0, roll.exit(), roll::describe);
        boolean[] ok = (boolean[]) Npy.read(dir.resolve("rollout/ok.npy")).data();
        int[] gens = (int[]) Npy.read(dir.resolve("rollout/generations.npy")).data();
        float fraction = ((float[]) Npy.read(dir.resolve("rollout/fraction.npy")).data())[0];
        int n = 0;
        for (int g = 0; g < VAL; g++) {
            assertEquals(ok[g], gens[g] == 10, "game " + g + ": ok iff all 10 generations right");
            if (ok[g]) n++;
        }
        assertEquals((double) n / VAL, fraction, 1e-6);
        System.out.println("rollout: " + n + " of " + VAL + " boards right for 10 generations");
        assertTrue(fraction >= ROLLOUT, "rollout fraction " + fraction + " < " + ROLLOUT);
    }

    private static TensorType type(int games) {
        return new TensorType(DType.BOOL, List.of(new Axis("game", games), new Axis("row", 8), new Axis("col", 8)), Unit.NONE);
    }

    /** One generation of Life on every 8x8 torus of {@code b}, in plain Java. */
    private static boolean[] lifeStep(boolean[] b) {
        boolean[] o = new boolean[b.length];
        for (int g = 0; g < b.length / 64; g++) {
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 8; c++) {
                    int n = 0;
                    for (int dr = -1; dr <= 1; dr++) {
                        for (int dc = -1; dc <= 1; dc++) {
                            if ((dr != 0 || dc != 0) && b[g * 64 + ((r + dr + 8) % 8) * 8 + (c + dc + 8) % 8]) n++;
                        }
                    }
                    boolean alive = b[g * 64 + r * 8 + c];
                    o[g * 64 + r * 8 + c] = n == 3 || (alive && n == 2);
                }
            }
        }
        return o;
    }

    /** An .npz (as np.savez writes it) with the objective's inputs {@code board} and {@code successor} for boards from..to. */
    private static void writeNpz(Path path, boolean[] boards, boolean[] successors, int from, int to) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(path)))) {
            for (var e : new Object[][] {{"board", boards}, {"successor", successors}}) {
                zip.putNextEntry(new ZipEntry(e[0] + ".npy"));
                Npy.write(zip, Tensor.of(type(to - from), java.util.Arrays.copyOfRange((boolean[]) e[1], from * 64, to * 64)));
                zip.closeEntry();
            }
        }
    }
}
