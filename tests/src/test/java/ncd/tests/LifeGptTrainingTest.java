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
 * life_step, checked here against plain Java), {@code ncdc train} of the decoder on a short run (teacher-forced),
 * and free-running generation by the {@code Generate} circuit, token by token, for two generations of the
 * validation boards with the trained parameters.
 *
 * <p>The figures (≥ 0.99 cell, ≥ 0.90 board accuracy) are not reached at this size: the decoder sits at the
 * all-dead plateau for its first 20,000 or more samples (docs/training.md, LifeGPT; 36,000 samples in 3 epochs
 * of 12,000 did not leave it either), which is more than a CI run can train here. So this test asserts what the
 * short run robustly reaches, that the model has learnt more than the density of live cells (its validation loss
 * is below the best constant prediction's), and checks generation exactly: greedy token-by-token generation gets
 * a board right if and only if the teacher-forced argmax is right at all its 64 positions, so the first
 * generation's board accuracy must equal the teacher-forced validation board accuracy. No timing is asserted.
 */
class LifeGptTrainingTest {
    private static final int TRAIN = 6000, VAL = 128, N = TRAIN + VAL;
    private static final int EPOCHS = 2;
    /** How far below the best constant prediction's cross-entropy the validation loss must be (measured: 0.03-0.06). */
    private static final double BELOW_CONSTANT = 0.015;

    private static Path example() { return Repo.root().resolve("examples/lifegpt.ncd"); }

    @Test void trainsPastTheAllDeadBaselineAndGenerates(@TempDir Path dir) throws Exception {
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
                "--epochs", String.valueOf(EPOCHS), "--batch", "32", "--lr", "3e-3", "--seed", "1", "--checkpoint", run.toString());
        assertEquals(0, fit.exit(), fit::describe);
        System.out.print(fit.out());
        // the last epoch's (teacher-forced) validation figures
        Matcher m = Pattern.compile("val loss (\\S+) cell_accuracy (\\S+) board_accuracy (\\S+)").matcher(fit.out());
        String loss = null, board = null;
        while (m.find()) {
            loss = m.group(1);
            board = m.group(3);
        }
        assertTrue(loss != null, fit::describe);
        double valLoss = Double.parseDouble(loss), boardAcc = Double.parseDouble(board);
        // the best constant prediction: every cell alive with the validation set's fraction of live cells
        int alive = 0;
        for (int i = TRAIN * 64; i < N * 64; i++) if (successors[i]) alive++;
        double q = alive / (VAL * 64.0), constant = -(q * Math.log(q) + (1 - q) * Math.log(1 - q));
        assertTrue(valLoss <= constant - BELOW_CONSTANT, "validation loss " + valLoss + " not below the constant prediction's "
                + constant + " by " + BELOW_CONSTANT + "\n" + fit.describe());

        // free-running generation of the validation boards, 64 tokens a generation, on the trainer's parameters
        // (named as the objective names them)
        Path valBoards = dir.resolve("val_boards.npy");
        Npy.write(valBoards, Tensor.of(type(VAL), java.util.Arrays.copyOfRange(boards, TRAIN * 64, N * 64)));
        Ncdc.Result gen = Ncdc.run("run", example().toString(), "--circuit", "Generate", "--steps", "128",
                "--axis", "game=" + VAL, "--input", "board=" + valBoards, "--params", run.resolve("params.safetensors").toString(),
                "--out", dir.resolve("generate").toString());
        assertEquals(0, gen.exit(), gen::describe);
        int[] generation = (int[]) Npy.read(dir.resolve("generate/generation.npy")).data();
        float[] nextOk = (float[]) Npy.read(dir.resolve("generate/next_ok.npy")).data();
        float[] fraction = (float[]) Npy.read(dir.resolve("generate/fraction.npy")).data();
        boolean[] ok = (boolean[]) Npy.read(dir.resolve("generate/ok.npy")).data();          // [step, game]
        int[] gens = (int[]) Npy.read(dir.resolve("generate/generations.npy")).data();
        assertEquals(0, generation[62]);
        assertEquals(1, generation[63], "64 steps, one token each, are one generation");
        assertEquals(2, generation[127]);
        // Greedy generation reproduces the true next board exactly when the teacher-forced argmax is right at all 64
        // positions (every prefix it sees is then the true one), and only then: the first generation's board
        // accuracy is the teacher-forced validation board accuracy, up to its 4 printed decimals.
        assertEquals(boardAcc, nextOk[63], 6e-5, "free-running first generation vs teacher-forced board accuracy");
        assertEquals(nextOk[63], fraction[63], 1e-6, "the first generation's trajectory is its next board");
        int n = 0;
        for (int g = 0; g < VAL; g++) {
            boolean last = ok[127 * VAL + g];
            assertEquals(last, gens[127 * VAL + g] == 2, "game " + g + ": ok iff both generations right");
            assertTrue(!last || ok[63 * VAL + g], "game " + g + ": a right trajectory was right after one generation");
            if (last) n++;
        }
        assertEquals((double) n / VAL, fraction[127], 1e-6);
        System.out.println("generation: " + Math.round(nextOk[63] * VAL) + " of " + VAL + " next boards right, "
                + n + " right for 2 generations; val loss " + valLoss + ", the constant prediction's " + constant);
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
