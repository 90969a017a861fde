package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpzTest {
    @TempDir Path dir;

    @Test void roundTripsSeveralArraysInOrder() throws Exception {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("w", Tensor.of(new TensorType(DType.F32, List.of(new Axis("i", 2), new Axis("j", 2)), Unit.NONE),
                new float[] {1, 2, 3, 4}));
        in.put("k", Tensor.of(new TensorType(DType.I32, List.of(new Axis("i", 3)), Unit.NONE), new int[] {-1, 0, 1}));
        in.put("m", Tensor.of(new TensorType(DType.BOOL, List.of(new Axis("i", 2)), Unit.NONE), new boolean[] {true, false}));
        in.put("s", Tensor.of(TensorType.scalar(DType.F64), new double[] {0.5}));
        Path p = dir.resolve("a.npz");
        Npz.write(p, in);
        LinkedHashMap<String, NpyArray> out = Npz.read(p);
        assertEquals(List.of("w", "k", "m", "s"), List.copyOf(out.keySet()));
        assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) out.get("w").data());
        assertArrayEquals(new int[] {2, 2}, out.get("w").shape());
        assertArrayEquals(new int[] {-1, 0, 1}, (int[]) out.get("k").data());
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) out.get("m").data());
        assertEquals(0, out.get("s").rank());
        assertEquals(p + "[k]", out.get("k").source());
    }

    @Test void readsDeflatedEntries() throws Exception {
        Path p = dir.resolve("z.npz");
        try (OutputStream os = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry("v.npy")); // DEFLATED is the default method
            Npy.write(zip, Tensor.of(new TensorType(DType.F64, List.of(new Axis("i", 3)), Unit.NONE),
                    new double[] {1, 2, 3}));
            zip.closeEntry();
        }
        assertArrayEquals(new double[] {1, 2, 3}, (double[]) Npz.read(p).get("v").data());
    }

    @Test void errorsNameTheArchiveAndEntry() throws Exception {
        Path bad = dir.resolve("bad.npz");
        Files.writeString(bad, "not a zip at all");
        NpyException e = assertThrows(NpyException.class, () -> Npz.read(bad));
        assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("npz"), e.getMessage());

        Path other = dir.resolve("other.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(other))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("hi".getBytes());
            zip.closeEntry();
        }
        e = assertThrows(NpyException.class, () -> Npz.read(other));
        assertTrue(e.getMessage().contains(other.toString()) && e.getMessage().contains("readme.txt"), e.getMessage());

        Path trunc = dir.resolve("trunc.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(trunc))) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(Npy.header("<f8", new int[] {4}));
            zip.write(new byte[8]);
            zip.closeEntry();
        }
        e = assertThrows(NpyException.class, () -> Npz.read(trunc));
        assertTrue(e.getMessage().contains(trunc + "[x]") && e.getMessage().contains("truncated"), e.getMessage());

        Path absent = dir.resolve("absent.npz");
        e = assertThrows(NpyException.class, () -> Npz.read(absent));
        assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
    }
}
