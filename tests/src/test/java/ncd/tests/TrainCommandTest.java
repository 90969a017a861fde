package ncd.tests;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc train} end to end: a separable three-class problem learnt to a stated accuracy, the files it writes,
 * and every kind of bad data refused before the first step with E0902, exit code 1 and the array named.
 */
class TrainCommandTest {
    private static final String SOURCE = """
            import std.nn.{Linear}
            import std.loss.{cross_entropy_logits}

            axis pixel = 8, hidden = 16, digit = 3

            circuit Classifier(x: f32[pixel]) -> f32[digit] {
              let l1 = Linear<pixel, hidden>(x)
              return Linear<hidden, digit>(relu(l1))
            }

            circuit Objective(x: f32[pixel], label: i32) -> (loss: f32, accuracy: f32) {
              let logits = Classifier(x)
              return (cross_entropy_logits<digit>(logits, label), f32(argmax[digit](logits) == label))
            }

            train Fit = Objective { optimizer = adam, lr = 1e-2, batch = 16, epochs = 8 }
            """;

    @TempDir Path dir;
    Path file;

    @BeforeEach void write() throws Exception {
        file = dir.resolve("fit.ncd");
        Files.writeString(file, SOURCE);
    }

    /** A linearly separable problem: the label is the argmax of a fixed random projection of x. */
    private Path data(String name, int n, long seed) throws Exception {
        Random r = new Random(seed);
        Random proj = new Random(1);
        double[][] w = new double[3][8];
        for (double[] row : w) for (int k = 0; k < 8; k++) row[k] = proj.nextGaussian();
        float[] x = new float[n * 8];
        int[] label = new int[n];
        for (int s = 0; s < n; s++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 8; k++) x[s * 8 + k] = (float) r.nextGaussian();
            for (int c = 0; c < 3; c++) {
                double v = 0;
                for (int k = 0; k < 8; k++) v += w[c][k] * x[s * 8 + k];
                if (v > best) { best = v; label[s] = c; }
            }
        }
        return npz(name, x, label, n, 8);
    }

    private Path npz(String name, float[] x, int[] label, int n, int width) throws Exception {
        Axis s = new Axis("n", n);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("x", Tensor.of(new TensorType(DType.F32, List.of(s, new Axis("p", width)), Unit.NONE), x));
        m.put("label", Tensor.of(new TensorType(DType.I32, List.of(s), Unit.NONE), label));
        Path f = dir.resolve(name);
        Npz.write(f, m);
        return f;
    }

    @Test void learnsASeparableProblemAndWritesCheckpointParamsAndPlots() throws Exception {
        Path train = data("train.npz", 512, 2), val = data("val.npz", 200, 3), ck = dir.resolve("run");
        Ncdc.Result r = Ncdc.run("train", file.toString(), "--data", train.toString(), "--val", val.toString(), "--checkpoint", ck.toString());
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.out().contains("epoch 8/8"), r.describe());
        String last = r.out().lines().filter(l -> l.startsWith("epoch 8/8")).findFirst().orElseThrow();
        double valAccuracy = Double.parseDouble(last.replaceAll(".*\\| val loss \\S+ accuracy (\\S+).*", "$1"));
        assertTrue(valAccuracy >= 0.9, "validation accuracy " + valAccuracy + " after 8 epochs (measured: 0.98)\n" + r.describe());
        for (String f : List.of("checkpoint.safetensors", "params.safetensors", "loss.png", "loss.svg")) {
            assertTrue(Files.size(ck.resolve(f)) > 0, f);
        }
        // the parameters alone run the objective as they are named
        Ncdc.Result run = Ncdc.run("run", file.toString(), "--circuit", "Objective", "--params", ck.resolve("params.safetensors").toString());
        assertEquals(0, run.exit(), run.describe());
    }

    @Test void resumingContinuesBitForBit() throws Exception {
        Path train = data("train.npz", 160, 2);
        // checkpoints written inside epochs too (--checkpoint-every) leave the run as it was
        Ncdc.Result whole = Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "4", "--checkpoint", dir.resolve("a").toString(),
                "--checkpoint-every", "3");
        assertEquals(0, whole.exit(), whole.describe());
        Ncdc.Result part = Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "2", "--checkpoint", dir.resolve("b").toString());
        assertEquals(0, part.exit(), part.describe());
        Ncdc.Result rest = Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "4",
                "--resume", dir.resolve("b/checkpoint.safetensors").toString(), "--checkpoint", dir.resolve("c").toString());
        assertEquals(0, rest.exit(), rest.describe());
        assertTrue(rest.out().contains("resuming at step 20 of 40"), rest.describe());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/checkpoint.safetensors")), Files.readAllBytes(dir.resolve("c/checkpoint.safetensors")));
        assertFalse(Files.exists(dir.resolve("b/checkpoint.safetensors.tmp")));
    }

    private Ncdc.Result bad(Path data) {
        Ncdc.Result r = Ncdc.run("train", file.toString(), "--data", data.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0902]"), r.describe());
        assertFalse(r.out().contains("epoch"), "refused before the first step\n" + r.describe());
        return r;
    }

    @Test void badDataIsRefusedBeforeTheFirstStepNamingTheArray() throws Exception {
        assertTrue(bad(npz("narrow.npz", new float[64 * 7], new int[64], 64, 7)).err().contains("x"));
        float[] x = new float[64 * 8];
        x[8 * 5 + 3] = Float.NaN;
        Ncdc.Result nan = bad(npz("nan.npz", x, new int[64], 64, 8));
        assertTrue(nan.err().contains("x") && nan.err().toLowerCase().contains("nan"), nan.describe());
        assertTrue(bad(npz("few.npz", new float[8 * 8], new int[8], 8, 8)).err().contains("fewer than one batch"));

        Path missing = dir.resolve("missing.npz");
        Npz.write(missing, Map.of("x", Tensor.zeros(new TensorType(DType.F32, List.of(new Axis("n", 32), new Axis("p", 8)), Unit.NONE))));
        assertTrue(bad(missing).err().contains("label"));

        Path empty = dir.resolve("empty.npz");
        Files.write(empty, new byte[0]);
        bad(empty);
        bad(dir.resolve("absent.npz"));
    }

    @Test void aDivergingRunStopsWithE0903AndKeepsTheLastCheckpoint() throws Exception {
        Path train = data("train.npz", 64, 2), ck = dir.resolve("run");
        assertEquals(0, Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "1", "--checkpoint", ck.toString()).exit());
        byte[] before = Files.readAllBytes(ck.resolve("checkpoint.safetensors"));
        Ncdc.Result r = Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "3", "--lr", "1e38",
                "--resume", ck.resolve("checkpoint.safetensors").toString(), "--checkpoint", ck.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0903]") && r.err().contains("step "), r.describe());
        assertArrayEquals(before, Files.readAllBytes(ck.resolve("checkpoint.safetensors")), "the last checkpoint is intact");
    }

    @Test void aPyTorchStateDictStartsTrainingThroughANameMap() throws Exception {
        Path train = data("train.npz", 64, 2);
        // PyTorch's names and positional axes (what safetensors.torch.save_file writes), with ncd's shapes
        Map<String, Tensor> torch = new LinkedHashMap<>();
        Map<String, Tensor> ours = new LinkedHashMap<>();
        Random r = new Random(5);
        String[][] names = {{"fc1.weight", "logits.l1.W", "16", "8"}, {"fc1.bias", "logits.l1.b", "16"},
                {"fc2.weight", "logits.Linear_1.W", "3", "16"}, {"fc2.bias", "logits.Linear_1.b", "3"}};
        for (String[] n : names) {
            int rows = Integer.parseInt(n[2]), cols = n.length > 3 ? Integer.parseInt(n[3]) : 1;
            float[] v = new float[rows * cols];
            for (int k = 0; k < v.length; k++) v[k] = (float) r.nextGaussian();
            List<Axis> pos = n.length > 3 ? List.of(new Axis("0", rows), new Axis("1", cols)) : List.of(new Axis("0", rows));
            torch.put(n[0], Tensor.of(new TensorType(DType.F32, pos, Unit.NONE), v));
            ours.put(n[1], Tensor.of(new TensorType(DType.F32, pos, Unit.NONE), v.clone()));
        }
        torch.put("num_batches_tracked", Tensor.zeros(new TensorType(DType.I32, List.of(), Unit.NONE)));
        ncd.runtime.SafeTensors.write(dir.resolve("torch.safetensors"), torch, Map.of());
        ncd.runtime.SafeTensors.write(dir.resolve("ours.safetensors"), ours, Map.of());
        Files.writeString(dir.resolve("map.txt"), """
                # PyTorch name = ncd instance path
                fc1.weight = logits.l1.W
                fc1.bias = logits.l1.b
                fc2.weight = logits.Linear_1.W
                fc2.bias = logits.Linear_1.b
                num_batches_tracked = -
                """);
        Ncdc.Result a = Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "1", "--params", dir.resolve("torch.safetensors").toString(),
                "--name-map", dir.resolve("map.txt").toString(), "--checkpoint", dir.resolve("a").toString());
        assertEquals(0, a.exit(), a.describe());
        Ncdc.Result b = Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "1", "--params", dir.resolve("ours.safetensors").toString(),
                "--checkpoint", dir.resolve("b").toString());
        assertEquals(0, b.exit(), b.describe());
        Ncdc.Result seeded = Ncdc.run("train", file.toString(), "--data", train.toString(), "--epochs", "1", "--checkpoint", dir.resolve("c").toString());
        assertArrayEquals(Files.readAllBytes(dir.resolve("b/params.safetensors")), Files.readAllBytes(dir.resolve("a/params.safetensors")));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("c/params.safetensors")), Files.readAllBytes(dir.resolve("a/params.safetensors"))),
                "the given parameters, not the seed's, started training");
        Ncdc.Result unmapped = Ncdc.run("train", file.toString(), "--data", train.toString(), "--params", dir.resolve("torch.safetensors").toString());
        assertEquals(1, unmapped.exit(), unmapped.describe());
        assertTrue(unmapped.err().contains("fc1.weight"), unmapped.describe());
    }

    @Test void badCommandLinesAreExitCode2() {
        assertEquals(2, Ncdc.run("train", file.toString()).exit(), "--data is required");
        assertEquals(2, Ncdc.run("train", file.toString(), "--data", "x.npz", "--epochs", "0").exit());
        assertEquals(2, Ncdc.run("train", file.toString(), "--data", "x.npz", "--lr", "-1").exit());
        assertEquals(2, Ncdc.run("train", file.toString(), "--data", "x.npz", "--checkpoint-every", "5").exit(), "no --checkpoint DIR");
    }
}
