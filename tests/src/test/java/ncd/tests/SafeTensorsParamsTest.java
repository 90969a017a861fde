package ncd.tests;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.runtime.Npy;
import ncd.runtime.SafeTensors;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Safetensors files from elsewhere and from ncd: the file that Python's own safetensors library wrote
 * (tests/fixtures/safetensors/python.safetensors, by benchmarks/peers/make_safetensors_fixture.py) reads with exactly
 * the values the script gave it, and {@code ncdc run --params FILE.safetensors} loads parameters as from an .npz —
 * positional axes by order, ncd's named axes by name — with the same errors and {@code --params-partial}.
 */
class SafeTensorsParamsTest {
    private static final String CIRCUIT = """
            axis row = 2, col = 3
            circuit affine(x: f32[row, col]) -> f32[row, col] {
              param w: f32[col] ~ normal(0, 1)
              param b: f32[col] ~ normal(0, 1)
              return x * w + b
            }
            circuit scaled(x: f32[row, col]) -> f32[row, col] {
              param M: f32[row, col] ~ normal(0, 1)
              return x * M
            }
            """;
    private static final Path PYTHON = Repo.root().resolve("tests/fixtures/safetensors/python.safetensors");

    @TempDir Path dir;
    private Path ncd;
    private Path ones;

    @BeforeEach void setUp() throws IOException {
        ncd = Files.writeString(dir.resolve("circuit.ncd"), CIRCUIT);
        ones = dir.resolve("ones.npy");
        float[] v = new float[6];
        Arrays.fill(v, 1);
        Npy.write(ones, Tensor.of(f32(new Axis("row", 2), new Axis("col", 3)), v));
    }

    private static TensorType f32(Axis... axes) { return new TensorType(DType.F32, List.of(axes), null); }

    // ---------------------------------------------------------------------------------------------- the Python file

    @Test void readsExactlyWhatPythonsSafetensorsWrote() throws Exception {
        SafeTensors.Contents c = SafeTensors.readFile(PYTHON);
        Map<String, Tensor> t = c.tensors();
        // the library sorts by dtype alignment, then name
        assertEquals(List.of("i64", "f64", "b", "f32", "scalar", "w", "i32", "f16", "u8", "mask"), List.copyOf(t.keySet()));
        assertEquals(Map.of("format", "np", "made_by", "make_safetensors_fixture.py"), c.metadata());

        assertEquals(shape(DType.F32, 2, 3), t.get("f32").type());
        float[] f32 = t.get("f32").floats();
        assertArrayEquals(new float[] {0f, 1.5f, -2.25f, 3e-8f, 1e30f, -0f}, f32);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(f32[5]), "negative zero");
        assertEquals(shape(DType.F64, 3), t.get("f64").type());
        assertArrayEquals(new double[] {Math.PI, -Math.E, 1e-300}, t.get("f64").doubles());
        assertEquals(shape(DType.I32, 2, 2), t.get("i32").type());
        assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, t.get("i32").ints());
        assertEquals(shape(DType.BOOL, 2, 3), t.get("mask").type());
        assertArrayEquals(new boolean[] {true, false, false, true, true, false}, t.get("mask").bools());
        assertEquals(TensorType.scalar(DType.F32), t.get("scalar").type());
        assertArrayEquals(new float[] {42.5f}, t.get("scalar").floats());
        // read into the nearest ncd dtype, exactly
        assertEquals(shape(DType.F32, 5), t.get("f16").type());
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, 0.0999755859375f}, t.get("f16").floats());
        assertEquals(shape(DType.I32, 3), t.get("i64").type());
        assertArrayEquals(new int[] {0, -1, Integer.MAX_VALUE}, t.get("i64").ints());
        assertEquals(shape(DType.I32, 4), t.get("u8").type());
        assertArrayEquals(new int[] {0, 1, 200, 255}, t.get("u8").ints());
        assertArrayEquals(new float[] {2, 3, 4}, t.get("w").floats());
        assertArrayEquals(new float[] {1, 0, -1}, t.get("b").floats());
    }

    /** A type with positional axes, as a file without ncd's names reads. */
    private static TensorType shape(DType d, int... sizes) {
        List<Axis> axes = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) axes.add(new Axis(SafeTensors.positionalAxis(i), sizes[i]));
        return new TensorType(d, axes, null);
    }

    @Test void pythonsFileGivesParametersByPosition() throws Exception {
        Ncdc.Result r = run("affine", "--params", PYTHON.toString(), "--params-partial");
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.err().contains("note: " + PYTHON + " holds 8 arrays that no parameter of the circuit has, left out: "
                + "i64, f64, f32, scalar, i32, f16, u8, mask"), r.describe());
        assertArrayEquals(new float[] {3, 3, 3, 3, 3, 3}, out(), "1 * w + b with w = 2, 3, 4 and b = 1, 0, -1");
    }

    // ---------------------------------------------------------------------------------------------- ncd's files

    @Test void ncdsOwnFileIsMatchedByAxisNameAndTransposed() throws Exception {
        // M saved as [col, row]: element (r, c) of the parameter is 10 r + c
        Tensor colRow = Tensor.of(f32(new Axis("col", 3), new Axis("row", 2)), new float[] {0, 10, 1, 11, 2, 12});
        Path p = dir.resolve("m.safetensors");
        SafeTensors.write(p, Map.of("M", colRow), Map.of());
        Ncdc.Result r = run("scaled", "--params", p.toString());
        assertEquals(0, r.exit(), r.describe());
        assertArrayEquals(new float[] {0, 1, 2, 10, 11, 12}, out());
    }

    @Test void everyParameterAndNothingElseUnlessPartial() throws Exception {
        Path wOnly = params("w_only.safetensors", Map.of("w", new float[] {2, 3, 4}));
        Ncdc.Result r = run("affine", "--params", wOnly.toString());
        expectError(r, "E0804", wOnly + " lacks 1 parameter of the circuit: b");

        Map<String, float[]> extra = new LinkedHashMap<>();
        extra.put("w", new float[3]);
        extra.put("b", new float[3]);
        extra.put("bias", new float[3]);
        Path p = params("extra.safetensors", extra);
        expectError(run("affine", "--params", p.toString()), "E0805", p + " holds `bias`, which is not a parameter of the circuit");

        Ncdc.Result partial = run("affine", "--params", wOnly.toString(), "--params-partial", "--seed", "7");
        assertEquals(0, partial.exit(), partial.describe());
        assertTrue(partial.err().contains("note: 1 parameter not in " + wOnly + ", drawn from seed 7: b"), partial.describe());
    }

    @Test void aParameterOfTheWrongShapeOrDtypeIsE0804() throws Exception {
        Path p = dir.resolve("shape.safetensors");
        Map<String, Tensor> ts = new LinkedHashMap<>();
        ts.put("w", Tensor.of(f32(new Axis("col", 4)), new float[4]));
        ts.put("b", Tensor.of(f32(new Axis("col", 3)), new float[3]));
        SafeTensors.write(p, ts, Map.of());
        expectError(run("affine", "--params", p.toString()), "E0804",
                "parameter w: axis col has size 3 in the circuit but 4 in " + p + "[w]");

        ts.put("w", Tensor.of(new TensorType(DType.F64, List.of(new Axis("col", 3)), null), new double[3]));
        SafeTensors.write(p, ts, Map.of());
        expectError(run("affine", "--params", p.toString()), "E0804", "parameter w is f32 but " + p + "[w] holds f64; save it as F32");
    }

    @Test void aMalformedFileIsE0802NamingIt() throws Exception {
        Path p = params("cut.safetensors", Map.of("w", new float[] {2, 3, 4}, "b", new float[] {1, 0, -1}));
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 2));
        expectError(run("affine", "--params", p.toString()), "E0802", p + "[");
        expectError(run("affine", "--params", p.toString()), "E0802", "(truncated?)");

        Path npz = dir.resolve("named.safetensors");
        Files.copy(Repo.root().resolve("tests/fixtures/transformer/params.npz"), npz);
        expectError(run("affine", "--params", npz.toString()), "E0802", "not a safetensors file");
    }

    @Test void theFileNamesTheFormat() throws Exception {
        Path st = params("p.safetensors", Map.of("w", new float[] {2, 3, 4}, "b", new float[] {1, 0, -1}));
        Path other = Files.copy(st, dir.resolve("p.npz"));
        expectError(run("affine", "--params", other.toString()), "E0802", other + ": not a valid .npz (zip) archive");
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** A .safetensors of f32 tensors over axis col, written by ncd. */
    private Path params(String name, Map<String, float[]> arrays) throws IOException {
        Map<String, Tensor> ts = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            ts.put(e.getKey(), Tensor.of(f32(new Axis("col", e.getValue().length)), e.getValue()));
        }
        Path p = dir.resolve(name);
        SafeTensors.write(p, ts, Map.of());
        return p;
    }

    private Ncdc.Result run(String circuit, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", ncd.toString(), "--circuit", circuit, "--input", "x=" + ones,
                "--out", dir.resolve("out").toString()));
        args.addAll(List.of(extra));
        return Ncdc.run(args);
    }

    private float[] out() throws Exception {
        return (float[]) Npy.read(dir.resolve("out").resolve("out.npy")).data();
    }

    private static void expectError(Ncdc.Result r, String code, String text) {
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[" + code + "]"), "expected error[" + code + "]\n" + r.describe());
        assertTrue(r.err().contains(text), "expected `" + text + "` in the diagnostic\n" + r.describe());
        String all = r.out() + r.err();
        assertFalse(all.contains("\tat ") || all.contains("Exception") || all.contains("internal error"), r.describe());
    }
}
