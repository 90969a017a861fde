package ncd.tests;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ncdc run} (driven in-process through {@code ncd.cli.Main.run}) on bad inputs: every one is a diagnostic
 * (exit 1, {@code error[E08xx]} on stderr saying why, no stack trace) and leaves nothing under {@code --out}. The
 * parameters of {@code --params} are all there or it is an error (unless {@code --params-partial}). {@code --out}
 * is all or nothing: a failed write leaves it as it was, a good one replaces it whole, and a directory holding files
 * ncdc did not write is refused. A good run writes .npy files that read back. And {@code ncdc test} fails on a law
 * that does not hold.
 *
 * <p>The bad .npy files are made here, byte by byte, in a temporary folder.
 */
class RunBadInputTest {
    /** What ncdc leaves in an --out directory it wrote, naming its files. */
    private static final String MANIFEST = ".ncdc-outputs";
    private static final String CIRCUIT = """
            axis row = 4, col = 3
            circuit twice(x: f32[row, col]) -> f32[row, col] { return x * 2 }
            circuit split_sum(x: f32[row, col]) -> (rows: f32[row], total: f32) { return (sum[col](x), sum[row, col](x)) }
            circuit add(x: f32[row, col], y: f32[col]) -> f32[row, col] { return x + y }

            // gathers index 2, 3, 4, ... at steps 0, 1, 2, ...: out of range at step 2
            axis V = 4
            circuit Lookup() -> f32[col] {
              state k: i32 = 2
              next k = k + 1
              return gather[V](f32(iota[V]()), expand[col](k))
            }

            circuit affine(x: f32[row, col]) -> f32[row, col] {
              param w: f32[col] ~ normal(0, 1)
              param b: f32[col] ~ normal(0, 1)
              return x * w + b
            }

            // three outputs, the third with a name too long for a file name (255 bytes on common file systems)
            circuit three(x: f32[row, col]) -> (first: f32[row, col], second: f32[row], LONG: f32) {
              return (x, sum[col](x), sum[row, col](x))
            }
            """.replace("LONG", "z".repeat(300));

    @TempDir Path dir;
    private Path ncd;
    private Path out;

    @BeforeEach void setUp() throws IOException {
        ncd = Files.writeString(dir.resolve("circuit.ncd"), CIRCUIT);
        out = dir.resolve("results");
    }

    // ---- bad inputs --------------------------------------------------------------------------------------------

    @Test void aMissingNpyFile() {
        Ncdc.Result r = runTwice("x=" + dir.resolve("nope.npy"));
        expectDiagnostic(r, "E0802", "nope.npy");
    }

    @Test void aTruncatedNpyFile() throws IOException {
        byte[] good = npy("<f4", "(4, 3)", f32Bytes(12));
        Path f = write("short.npy", Arrays.copyOf(good, good.length - 7));
        expectDiagnostic(runTwice("x=" + f), "E0802", "truncated");
        Path h = write("header_cut.npy", Arrays.copyOf(good, 30));
        expectDiagnostic(runTwice("x=" + h), "E0802", "truncated");
        Path m = write("magic_only.npy", Arrays.copyOf(good, 5));
        expectDiagnostic(runTwice("x=" + m), "E0802", "magic_only.npy");
        Path e = write("empty.npy", new byte[0]);
        expectDiagnostic(runTwice("x=" + e), "E0802", "empty.npy");
    }

    @Test void float64ForAnF32Input() throws IOException {
        Path f = write("doubles.npy", npy("<f8", "(4, 3)", new byte[12 * 8]));
        Ncdc.Result r = runTwice("x=" + f);
        expectDiagnostic(r, "E0804", "float64");
        assertTrue(r.err().contains("f32"), r.describe());
    }

    @Test void anAbsurdHeaderLength() throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(0x7fffffff);
        bb.put("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }".getBytes(StandardCharsets.ISO_8859_1), 0, 52);
        Path f = write("huge_header.npy", bb.array());
        expectDiagnostic(runTwice("x=" + f), "E0802", "header");
        // the same length read as unsigned: 0xffffffff
        bb.putInt(8, -1);
        Path g = write("huge_header2.npy", bb.array());
        expectDiagnostic(runTwice("x=" + g), "E0802", "header");
    }

    @Test void aShapeWithANegativeOrHugeDimension() throws IOException {
        Path neg = write("negative.npy", npy("<f4", "(-4, 3)", f32Bytes(12)));
        expectDiagnostic(runTwice("x=" + neg), "E0802", "negative");
        Path huge = write("huge.npy", npy("<f4", "(4, 99999999999)", f32Bytes(12)));
        expectDiagnostic(runTwice("x=" + huge), "E0802", "99999999999");
        Path many = write("many.npy", npy("<f4", "(100000, 100000, 100000)", f32Bytes(12)));
        expectDiagnostic(runTwice("x=" + many), "E0802", "elements");
        Path junk = write("junk.npy", npy("<f4", "(4, 'three')", f32Bytes(12)));
        expectDiagnostic(runTwice("x=" + junk), "E0802", "junk.npy");
        Path notNpy = Files.writeString(dir.resolve("text.npy"), "just some text\n");
        expectDiagnostic(runTwice("x=" + notNpy), "E0802", "not a .npy file");
    }

    @Test void aShapeThatDisagreesWithTheAxisTypes() throws IOException {
        Path f = write("wide.npy", npy("<f4", "(4, 5)", f32Bytes(20)));
        Ncdc.Result r = runTwice("x=" + f);
        expectDiagnostic(r, "E0804", "col");
        // the message names the axis and both sizes
        String line = r.err().lines().filter(l -> l.contains("E0804")).findFirst().orElse("");
        assertTrue(line.contains("col") && line.contains("3") && line.contains("5"), r.describe());

        Path flat = write("flat.npy", npy("<f4", "(12,)", f32Bytes(12)));
        Ncdc.Result rf = runTwice("x=" + flat);
        expectDiagnostic(rf, "E0804", "row");
        Path swapped = write("swapped.npy", npy("<f4", "(3, 4)", f32Bytes(12)));
        Ncdc.Result rs = runTwice("x=" + swapped);
        expectDiagnostic(rs, "E0804", "row");
        assertTrue(rs.err().contains("4") && rs.err().contains("3"), rs.describe());
    }

    @Test void anUnknownInputName() throws IOException {
        Path f = write("good.npy", npy("<f4", "(4, 3)", f32Bytes(12)));
        Ncdc.Result r = runTwice("y=" + f);
        expectDiagnostic(r, "E0805", "`y`");
        assertTrue(r.err().contains("x"), "the hint lists the circuit's inputs\n" + r.describe());
    }

    @Test void aCircuitThatDoesNotExist() {
        Ncdc.Result r = run(List.of("--circuit", "thrice"));
        expectDiagnostic(r, "E0801", "thrice");
        assertTrue(r.err().contains("twice"), "the hint lists the circuits\n" + r.describe());
        // without --circuit, a file of several circuits is a bad command line, refused before anything is written
        Ncdc.Result none = Ncdc.run("run", ncd.toString(), "--out", out.toString());
        assertEquals(2, none.exit(), none.describe());
        assertTrue(none.err().contains("error[E0803]") && none.err().contains("--circuit"), none.describe());
        assertTrue(!Files.exists(out) || list(out).isEmpty(), "nothing may be written under --out: " + list(out));
    }

    @Test void oneBadInputAmongGoodOnesStillWritesNothing() throws IOException {
        Path good = write("good.npy", npy("<f4", "(4, 3)", f32Bytes(12)));
        Path bad = write("bad.npy", npy("<f4", "(4,)", f32Bytes(4)));
        Ncdc.Result r = run(List.of("--circuit", "add", "--input", "x=" + good, "--input", "y=" + bad, "--steps", "3"));
        expectDiagnostic(r, "E0804", "input y");
    }

    @Test void aRunTimeErrorWritesNothing() {
        Ncdc.Result ok = run(List.of("--circuit", "Lookup", "--steps", "2"));
        assertEquals(0, ok.exit(), ok.describe());
        assertEquals(List.of(MANIFEST, "out.npy"), list(out));
        // a fresh --out folder: the run fails at its third step, so nothing is written there
        out = dir.resolve("results2");
        Ncdc.Result r = run(List.of("--circuit", "Lookup", "--steps", "5"));
        expectDiagnostic(r, "E0806", "axis V");
        assertTrue(r.err().contains("at step 2"), r.describe());
    }

    @Test void aMissingParamsFile() {
        Ncdc.Result r = run(List.of("--params", dir.resolve("weights.npz").toString()));
        expectDiagnostic(r, "E0802", "weights.npz");
    }

    @Test void aDirectoryGivenAsAFileSaysSo() throws IOException {
        Path d = Files.createDirectories(dir.resolve("data.npy"));
        expectDiagnostic(runTwice("x=" + d), "E0802", "data.npy: it is a directory");
        expectDiagnostic(run(List.of("--params", d.toString())), "E0802", "data.npy: it is a directory");
    }

    @Test void aMissingFolderOnTheWayIsNamed() throws IOException {
        expectDiagnostic(runTwice("x=" + dir.resolve("nowhere").resolve("x.npy")), "E0802", "no such directory " + dir.resolve("nowhere"));
        Path plain = Files.writeString(dir.resolve("plain"), "a file");
        expectDiagnostic(runTwice("x=" + plain.resolve("x.npy")), "E0802", plain + " is not a directory");
    }

    // ---- --params ----------------------------------------------------------------------------------------------

    @Test void paramsReplaceTheDrawnOnes() throws Exception {
        Path in = write("ones.npy", npy("<f4", "(4, 3)", f32Bytes(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})));
        Path p = params("p.npz", Map.of("w", new float[] {2, 3, 4}, "b", new float[] {1, 0, -1}));
        Ncdc.Result r = run(List.of("--circuit", "affine", "--input", "x=" + in, "--params", p.toString()));
        assertEquals(0, r.exit(), r.describe());
        NpyArray a = Npy.read(out.resolve("out.npy"));
        float[] want = new float[12];
        for (int i = 0; i < 12; i++) want[i] = new float[] {3, 3, 3}[i % 3];
        assertArrayEquals(want, (float[]) a.data());
    }

    @Test void aParameterMissingFromParamsIsAnError() throws IOException {
        Path p = params("w_only.npz", Map.of("w", new float[] {2, 3, 4}));
        Ncdc.Result r = run(List.of("--circuit", "affine", "--params", p.toString()));
        expectDiagnostic(r, "E0804", "lacks 1 parameter of the circuit: b");
        assertTrue(r.err().contains("--params-partial"), "the hint names the flag\n" + r.describe());
    }

    @Test void anArrayThatIsNoParameterIsAnError() throws IOException {
        Path p = params("extra.npz", Map.of("w", new float[] {2, 3, 4}, "b", new float[3], "bias", new float[3]));
        Ncdc.Result r = run(List.of("--circuit", "affine", "--params", p.toString()));
        expectDiagnostic(r, "E0805", "`bias`");
        assertFalse(r.err().contains("E0804"), r.describe());
    }

    @Test void paramsPartialDrawsTheMissingOnesAndSaysWhich() throws IOException {
        Path p = params("partial.npz", Map.of("w", new float[] {2, 3, 4}, "bias", new float[3]));
        Ncdc.Result r = run(List.of("--circuit", "affine", "--params", p.toString(), "--params-partial", "--seed", "7"));
        assertEquals(0, r.exit(), r.describe());
        assertTrue(r.err().contains("note: 1 parameter not in " + p + ", drawn from seed 7: b"), r.describe());
        assertTrue(r.err().contains("note: " + p + " holds 1 array that no parameter of the circuit has, left out: bias"), r.describe());
        Ncdc.Result alone = run(List.of("--circuit", "affine", "--params-partial"));
        assertEquals(2, alone.exit(), alone.describe());
        assertTrue(alone.err().contains("error[E0803]: --params-partial without --params"), alone.describe());
        assertNoStackTrace(alone);
    }

    // ---- --out DIR, all or nothing -----------------------------------------------------------------------------

    @Test void aFailureOnALaterOutputLeavesDirUntouched() throws IOException {
        Ncdc.Result before = run(List.of("--circuit", "split_sum"));
        assertEquals(0, before.exit(), before.describe());
        Map<String, byte[]> was = contents(out);

        // the third output cannot be written (its name is too long), after the first two were
        Ncdc.Result r = run(List.of("--circuit", "three"));
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0802]: cannot write " + out.resolve("z".repeat(300) + ".npy") + ": file name too long"), r.describe());
        assertNoStackTrace(r);
        assertEquals(was.keySet(), contents(out).keySet(), "--out is as the earlier run left it");
        for (Map.Entry<String, byte[]> e : contents(out).entrySet()) assertArrayEquals(was.get(e.getKey()), e.getValue(), e.getKey());
        assertEquals(List.of("circuit.ncd", "results"), list(dir), "no temporary directory is left behind");

        // into a new directory: it is not made
        out = dir.resolve("fresh");
        assertEquals(1, run(List.of("--circuit", "three")).exit());
        assertEquals(List.of("circuit.ncd", "results"), list(dir));
    }

    @Test void anEarlierRunsOutputsAreReplacedWhole() throws IOException {
        assertEquals(0, run(List.of("--circuit", "split_sum")).exit());
        assertEquals(List.of(MANIFEST, "rows.npy", "total.npy"), list(out));
        Ncdc.Result r = run(List.of());
        assertEquals(0, r.exit(), r.describe());
        assertEquals(List.of(MANIFEST, "out.npy"), list(out), "no stale output of the earlier run stays");
        assertEquals(List.of("circuit.ncd", "results"), list(dir), "no temporary directory is left behind");
        // an empty directory is fine too
        out = Files.createDirectories(dir.resolve("empty"));
        assertEquals(0, run(List.of()).exit());
        assertEquals(List.of(MANIFEST, "out.npy"), list(out));
    }

    @Test void aDirWithFilesNcdcDidNotWriteIsRefused() throws IOException {
        Files.createDirectories(out);
        Path mine = Files.writeString(out.resolve("notes.txt"), "mine");
        Ncdc.Result r = run(List.of("--steps", "3"));
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0802]: cannot write " + out + ": it holds files that ncdc did not write: notes.txt"), r.describe());
        assertTrue(r.err().contains("choose another directory"), r.describe());
        assertEquals("", r.out(), "refused before the run");
        assertEquals(List.of("notes.txt"), list(out));
        assertEquals("mine", Files.readString(mine));

        // a directory where an output goes is not ncdc's either, nor a file added to a directory ncdc wrote
        Files.delete(mine);
        Files.createDirectories(out.resolve("out.npy"));
        expectRefused(run(List.of()), "out.npy/");
        Files.delete(out.resolve("out.npy"));
        assertEquals(0, run(List.of()).exit());
        Files.writeString(out.resolve("added.txt"), "mine");
        expectRefused(run(List.of()), "added.txt");
        assertTrue(Files.exists(out.resolve("out.npy")) && Files.exists(out.resolve("added.txt")));

        // a plain file as --out
        out = Files.writeString(dir.resolve("plain"), "a file");
        Ncdc.Result p = run(List.of());
        assertEquals(1, p.exit(), p.describe());
        assertTrue(p.err().contains("cannot write " + out + ": it exists and is not a directory"), p.describe());
        assertEquals("a file", Files.readString(out));
    }

    @Test void aWriteFailureSaysWhy() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain"), "a file");
        out = plain.resolve("results");
        Ncdc.Result r = run(List.of());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[E0802]: cannot write " + out + ": " + plain + " is not a directory"), r.describe());
        assertEquals("", r.out(), "refused before the run");
        assertNoStackTrace(r);
    }

    // ---- good runs ---------------------------------------------------------------------------------------------

    @Test void aGoodRunWritesNpyFilesThatReadBack() throws Exception {
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) x[i] = i - 5.5f;
        Path in = write("x.npy", npy("<f4", "(4, 3)", f32Bytes(x)));

        Ncdc.Result r = Ncdc.run("run", ncd.toString(), "--circuit", "twice", "--input", "x=" + in, "--out", out.toString());
        assertEquals(0, r.exit(), r.describe());
        NpyArray a = Npy.read(out.resolve("out.npy"));
        assertEquals("<f4", a.descr());
        assertArrayEquals(new int[] {4, 3}, a.shape());
        float[] want = new float[12];
        for (int i = 0; i < 12; i++) want[i] = 2 * x[i];
        assertArrayEquals(want, (float[]) a.data());

        Path out3 = dir.resolve("three");
        Ncdc.Result r3 = Ncdc.run("run", ncd.toString(), "--circuit", "split_sum", "--input", "x=" + in, "--steps", "3",
                "--out", out3.toString());
        assertEquals(0, r3.exit(), r3.describe());
        assertEquals(List.of(MANIFEST, "rows.npy", "total.npy"), list(out3));
        NpyArray rows = Npy.read(out3.resolve("rows.npy"));
        assertArrayEquals(new int[] {3, 4}, rows.shape(), "stacked over a leading step axis");
        float[] rowSums = new float[4];
        for (int i = 0; i < 12; i++) rowSums[i / 3] += x[i];
        float[] stacked = new float[12];
        for (int s = 0; s < 3; s++) System.arraycopy(rowSums, 0, stacked, 4 * s, 4);
        assertArrayEquals(stacked, (float[]) rows.data());
        NpyArray total = Npy.read(out3.resolve("total.npy"));
        assertArrayEquals(new int[] {3}, total.shape());
        float sum = 0;
        for (float v : x) sum += v;
        assertEquals(0f, sum);  // -5.5 .. 5.5
        assertArrayEquals(new float[] {sum, sum, sum}, (float[]) total.data());
        assertEquals(List.of("circuit.ncd", "results", "three", "x.npy"), list(dir), "no temporary folder is left behind");
    }

    // ---- ncdc test ---------------------------------------------------------------------------------------------

    @Test void testFailsOnALawThatDoesNotHold() throws IOException {
        Path f = Files.writeString(dir.resolve("wrong.ncd"), """
                axis n = 4
                circuit double(x: f32[n]) -> f32[n] { return x + x }
                law holds(x: f32[n]): double(x) == 2 * x within 1e-6
                law off_by_one(x: f32[n]): double(x) == 2 * x + 1 within 1e-3
                """);
        Ncdc.Result r = Ncdc.run("test", f.toString());
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL") && l.contains("off_by_one")), r.describe());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ok") && l.contains("holds")), r.describe());
        assertTrue(r.out().contains("1 passed, 1 failed"), r.describe());
        assertNoStackTrace(r);
    }

    @Test void testPassesOnTheExamples() {
        Ncdc.Result r = Ncdc.run("test", Repo.root().resolve("examples").toString());
        assertEquals(0, r.exit(), r.describe());
        assertFalse(r.out().contains("FAIL"), r.describe());
        assertTrue(r.out().contains(" 0 failed, 0 errors"), r.describe());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** {@code ncdc run circuit.ncd --circuit twice --out results/} plus {@code extra}. */
    private Ncdc.Result run(List<String> extra) {
        List<String> args = new ArrayList<>(List.of("run", ncd.toString()));
        if (!extra.contains("--circuit")) args.addAll(List.of("--circuit", "twice"));
        args.addAll(extra);
        args.addAll(List.of("--out", out.toString()));
        return Ncdc.run(args);
    }

    /** Runs with {@code --input SPEC} for one step and for three; both must fail the same way (returns the first). */
    private Ncdc.Result runTwice(String inputSpec) {
        Ncdc.Result one = run(List.of("--input", inputSpec));
        Ncdc.Result three = run(List.of("--input", inputSpec, "--steps", "3"));
        assertEquals(one.exit(), three.exit(), three.describe());
        assertEquals(one.err(), three.err(), three.describe());
        return one;
    }

    /** Exit 1, the code on stderr as {@code error[CODE]} with {@code text} in it, no stack trace, nothing written. */
    private void expectDiagnostic(Ncdc.Result r, String code, String text) {
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("error[" + code + "]"), "expected error[" + code + "]\n" + r.describe());
        assertTrue(r.err().contains(text), "expected `" + text + "` in the diagnostic\n" + r.describe());
        assertNoStackTrace(r);
        assertTrue(!Files.exists(out) || list(out).isEmpty(), "nothing may be written under --out: " + list(out));
        for (String f : list(dir)) assertFalse(f.startsWith(".ncdc-out"), "a temporary folder was left behind: " + f);
    }

    /** E0802 refusing {@code out} for {@code foreign}, its content left as it was. */
    private void expectRefused(Ncdc.Result r, String foreign) throws IOException {
        Map<String, byte[]> was = contents(out);
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("cannot write " + out + ": it holds files that ncdc did not write: " + foreign), r.describe());
        assertEquals(was.keySet(), contents(out).keySet());
    }

    /** The regular files of {@code d} by name, with their bytes. */
    private static Map<String, byte[]> contents(Path d) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        for (String f : list(d)) if (Files.isRegularFile(d.resolve(f))) m.put(f, Files.readAllBytes(d.resolve(f)));
        return m;
    }

    /** An .npz of f32 arrays over axis col (3 long), by parameter name. */
    private Path params(String name, Map<String, float[]> arrays) throws IOException {
        Map<String, Tensor> ts = new TreeMap<>();
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            ts.put(e.getKey(), Tensor.of(new TensorType(DType.F32, List.of(new Axis("col", e.getValue().length)), null), e.getValue()));
        }
        Path p = dir.resolve(name);
        Npz.write(p, ts);
        return p;
    }

    private static void assertNoStackTrace(Ncdc.Result r) {
        String all = r.out() + r.err();
        assertFalse(all.contains("\tat ") || all.contains("Exception") || all.contains("internal error"), "a stack trace or internal error\n" + r.describe());
    }

    private static List<String> list(Path d) {
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A version 1.0 .npy file with this header dict and data, padded as numpy pads it. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.write(header.length() & 0xff);
        b.write(header.length() >> 8);
        b.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(data);
        return b.toByteArray();
    }

    private static byte[] f32Bytes(int n) { return f32Bytes(new float[n]); }

    private static byte[] f32Bytes(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) bb.putFloat(f);
        return bb.array();
    }
}
