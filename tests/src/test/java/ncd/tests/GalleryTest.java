package ncd.tests;

import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The circuits of examples/gallery/ against independent numpy references: benchmarks/peers/gallery.py draws inputs
 * and parameters from a fixed seed and computes T steps of each circuit from its equations, writing
 * tests/fixtures/gallery/NAME.npz (its docstring lists the keys). Each is run here through {@code ncdc run --params
 * --input --sequence --steps T --out} on the interpreter and on the JVM backend, and every output at every step must
 * lie within the fixture's tolerance, |got - want| <= atol + rtol |want| (rtol 1e-5 for f32, atol 1e-6 to 1e-4 by
 * the outputs' scale; bool and i32 outputs exactly).
 */
class GalleryTest {
    private static final List<String> BACKENDS = List.of("interp", "jvm");

    static Path gallery() { return Repo.root().resolve("examples/gallery"); }

    static Path fixtures() { return Repo.root().resolve("tests/fixtures/gallery"); }

    static Stream<String> names() {
        try (Stream<Path> s = Files.list(fixtures())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npz"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test void everyGalleryCircuitHasAReferenceAndEveryReferenceACircuit() {
        List<String> circuits = Repo.ncdFiles(gallery()).stream().map(p -> p.getFileName().toString().replace(".ncd", "")).sorted().toList();
        assertTrue(circuits.size() >= 22, "the gallery has " + circuits);
        assertEquals(circuits, names().toList(), "examples/gallery/*.ncd and tests/fixtures/gallery/*.npz (regenerate: /usr/bin/python3 benchmarks/peers/gallery.py)");
    }

    @ParameterizedTest(name = "{0}") @MethodSource("names")
    void matchesItsNumpyReferenceOnEveryBackend(String name, @TempDir Path dir) throws Exception {
        matches(gallery().resolve(name + ".ncd"), null, fixtures().resolve(name + ".npz"), dir);
    }

    /**
     * Runs {@code source}'s circuit (the fixture's meta.circuit unless {@code circuitOverride} names another) with the
     * fixture's parameters and inputs on the interpreter and the JVM backend and compares every expected output.
     */
    static void matches(Path source, String circuitOverride, Path fixture, Path dir) throws Exception {
        String name = source.getFileName().toString();
        Map<String, NpyArray> fx = Npz.read(fixture);
        String circuit = circuitOverride != null ? circuitOverride : ascii((int[]) fx.get("meta.circuit").data());
        int steps = ((int[]) fx.get("meta.steps").data())[0];
        double rtol = ((double[]) fx.get("meta.rtol").data())[0], atol = ((double[]) fx.get("meta.atol").data())[0];

        List<String> args = new ArrayList<>(List.of("run", source.toString(), "--circuit", circuit, "--steps", String.valueOf(steps)));
        Path params = dir.resolve("params.npz");
        if (copyEntries(fixture, "param.", params)) args.addAll(List.of("--params", params.toString()));
        for (String key : fx.keySet()) {
            for (String[] kind : new String[][] {{"input.", "--input"}, {"sequence.", "--sequence"}}) {
                if (!key.startsWith(kind[0])) continue;
                Path npy = dir.resolve(key + ".npy");
                extract(fixture, key + ".npy", npy);
                args.addAll(List.of(kind[1], key.substring(kind[0].length()) + "=" + npy));
            }
        }
        int compared = 0;
        for (String backend : BACKENDS) {
            Path out = dir.resolve("out-" + backend);
            List<String> run = new ArrayList<>(args);
            run.addAll(List.of("--backend", backend, "--out", out.toString()));
            Ncdc.Result r = Ncdc.run(run);
            assertEquals(0, r.exit(), name + " on " + backend + ": ncdc " + String.join(" ", run) + "\n" + r.describe());
            for (Map.Entry<String, NpyArray> e : fx.entrySet()) {
                if (!e.getKey().startsWith("expect.")) continue;
                String output = e.getKey().substring("expect.".length());
                NpyArray got = Npy.read(out.resolve(output + ".npy"));
                compare(name + " on " + backend + ", output " + output, e.getValue(), got, rtol, atol);
                compared++;
            }
        }
        assertTrue(compared >= BACKENDS.size(), name + ": the fixture has no expected outputs");
    }

    private static void compare(String what, NpyArray want, NpyArray got, double rtol, double atol) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape [step, ...]");
        int perStep = Arrays.stream(want.shape()).skip(1).reduce(1, (a, b) -> a * b);
        Object w = want.data(), g = got.data();
        assertEquals(w.getClass(), g.getClass(), what + ": dtype");
        for (int i = 0; i < want.size(); i++) {
            boolean ok;
            String gi, wi;
            if (w instanceof float[] wf) {
                float x = ((float[]) g)[i];
                ok = Math.abs(x - wf[i]) <= atol + rtol * Math.abs(wf[i]);
                gi = String.valueOf(x);
                wi = wf[i] + " (tolerance " + atol + " + " + rtol + " relative)";
            } else if (w instanceof boolean[] wb) {
                ok = ((boolean[]) g)[i] == wb[i];
                gi = String.valueOf(((boolean[]) g)[i]);
                wi = String.valueOf(wb[i]);
            } else if (w instanceof int[] wn) {
                ok = ((int[]) g)[i] == wn[i];
                gi = String.valueOf(((int[]) g)[i]);
                wi = String.valueOf(wn[i]);
            } else {
                throw new AssertionError(what + ": unexpected fixture dtype " + want.descr());
            }
            if (!ok) fail(what + ": step " + i / perStep + ", element " + i % perStep + ": got " + gi + ", numpy gives " + wi);
        }
    }

    private static String ascii(int[] codes) {
        byte[] b = new byte[codes.length];
        for (int i = 0; i < codes.length; i++) b[i] = (byte) codes[i];
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** Copies the entries {@code PREFIX*.npy} of the archive {@code from} into a new .npz {@code to}, without the prefix; false when there are none. */
    private static boolean copyEntries(Path from, String prefix, Path to) throws IOException {
        int n = 0;
        try (ZipFile zip = new ZipFile(from.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.getName().startsWith(prefix)) continue;
                out.putNextEntry(new ZipEntry(e.getName().substring(prefix.length())));
                try (InputStream in = zip.getInputStream(e)) {
                    in.transferTo(out);
                }
                out.closeEntry();
                n++;
            }
        }
        if (n == 0) Files.delete(to);
        return n > 0;
    }

    private static void extract(Path archive, String entry, Path to) throws IOException {
        try (ZipFile zip = new ZipFile(archive.toFile()); InputStream in = zip.getInputStream(zip.getEntry(entry)); OutputStream out = Files.newOutputStream(to)) {
            in.transferTo(out);
        }
    }
}
