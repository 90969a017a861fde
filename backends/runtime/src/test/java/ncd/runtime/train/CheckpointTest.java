package ncd.runtime.train;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.NpyException;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints read back bit for bit, and a failed write keeps the old one. (A killed writer is AtomicFileTest's; a
 * file from Python's safetensors is SafeTensorsParamsTest's, with tests/fixtures/safetensors/python.safetensors.)
 */
class CheckpointTest {
    @TempDir Path dir;

    static TensorType t(DType d, Axis... axes) { return new TensorType(d, List.of(axes), Unit.NONE); }

    static Map<String, Tensor> tensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("l1.W", Tensor.of(t(DType.F32, new Axis("out", 2), new Axis("in", 3)), new float[] {
                0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.intBitsToFloat(0x7fc00001), 1e-30f}));
        m.put("adam.m.l1.W", Tensor.of(t(DType.F64, new Axis("k", 2)), new double[] {Math.PI, -1e-300}));
        m.put("step", Tensor.of(t(DType.I32), new int[] {Integer.MIN_VALUE}));
        m.put("mask", Tensor.of(t(DType.BOOL, new Axis("k", 3)), new boolean[] {true, false, true}));
        return m;
    }

    @Test void readsBackBitForBit() throws Exception {
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.write(p, new Checkpoint(tensors(), Map.of("step", "120", "epoch", "3")));
        Checkpoint c = Checkpoint.read(p);
        assertEquals(List.copyOf(tensors().keySet()), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("step", "120", "epoch", "3"), c.metadata());
        for (Map.Entry<String, Tensor> e : tensors().entrySet()) {
            Tensor back = c.tensors().get(e.getKey());
            assertEquals(e.getValue().type(), back.type(), e.getKey());
            for (int i = 0; i < back.size(); i++) {
                assertEquals(Double.doubleToRawLongBits(e.getValue().get(i)), Double.doubleToRawLongBits(back.get(i)));
            }
        }
        assertEquals(0x7fc00001, Float.floatToRawIntBits(c.tensors().get("l1.W").floats()[4]), "a NaN's payload is kept");
    }

    @Test void aWriteThatFailsMidwayKeepsThePreviousCheckpoint() throws Exception {
        Path p = dir.resolve("ckpt.safetensors");
        Checkpoint.write(p, new Checkpoint(tensors(), Map.of("step", "1")));
        byte[] before = Files.readAllBytes(p);
        Map<String, Tensor> failing = new LinkedHashMap<>(tensors()) {
            @Override public Collection<Tensor> values() { // the header is out, the second tensor's data fails
                Iterator<Tensor> it = super.values().iterator();
                return new AbstractCollection<>() {
                    @Override public int size() { return 4; }

                    @Override public Iterator<Tensor> iterator() {
                        return new Iterator<>() {
                            int n;

                            @Override public boolean hasNext() { return true; }

                            @Override public Tensor next() {
                                if (n++ == 1) throw new IllegalStateException("disk full, say");
                                return it.next();
                            }
                        };
                    }
                };
            }
        };
        assertThrows(IllegalStateException.class, () -> Checkpoint.write(p, new Checkpoint(failing, Map.of("step", "2"))));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals("1", Checkpoint.read(p).metadata().get("step"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(p), s.toList(), "no temporary file is left");
        }
    }

    @Test void aPyTorchStateDictIsRenamed() throws Exception {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        Tensor w = Tensor.scalar(1), b = Tensor.scalar(2), n = Tensor.scalar(3), same = Tensor.scalar(4);
        sd.put("layers.0.weight", w);
        sd.put("layers.0.bias", b);
        sd.put("bn.num_batches_tracked", n);
        sd.put("l2.W", same);
        Map<String, String> map = Checkpoint.parseNameMap("""
                # PyTorch name = ncd path
                layers.0.weight = l1.W
                layers.0.bias=l1.b   # trailing comment

                bn.num_batches_tracked = -
                """, "map.txt");
        Map<String, Tensor> r = Checkpoint.renamed(sd, map);
        assertEquals(List.of("l1.W", "l1.b", "l2.W"), List.copyOf(r.keySet()));
        assertTrue(r.get("l1.W") == w && r.get("l2.W") == same);
        String m = assertThrows(NpyException.class, () -> Checkpoint.renamed(sd, Map.of("layer.0.weight", "l1.W"))).getMessage();
        assertTrue(m.contains("maps layer.0.weight, which the checkpoint lacks") && m.contains("layers.0.weight"), m);
        m = assertThrows(NpyException.class, () -> Checkpoint.renamed(sd, Map.of("layers.0.bias", "l2.W"))).getMessage();
        assertTrue(m.contains("two tensors the name l2.W: layers.0.bias and l2.W"), m);
    }

    @Test void nameMapErrorsGiveTheLine() throws Exception {
        for (String[] c : new String[][] {
                {"a = b\nfoo\n", "map.txt:2: expected 'torch.name = ncd.path', found 'foo'"},
                {"a = b = c", "map.txt:1: expected"},
                {"# x\n = b", "map.txt:2: the PyTorch name (left of =) is missing"},
                {"a =   # nothing", "map.txt:1: the ncd path (right of =) is missing"},
                {"a b = c", "map.txt:1: a name holds a space"},
                {"a = b\n\na = c", "map.txt:3: a is mapped already on line 1"}}) {
            String m = assertThrows(NpyException.class, () -> Checkpoint.parseNameMap(c[0], "map.txt")).getMessage();
            assertTrue(m.startsWith(c[1]), m);
        }
        Path missing = dir.resolve("none.txt");
        assertEquals(missing + ": no such file",
                assertThrows(NpyException.class, () -> Checkpoint.parseNameMap(missing)).getMessage());
    }
}
