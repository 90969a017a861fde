package ncd.runtime;

import ncd.ir.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static ncd.runtime.NpyTest.filled;
import static ncd.runtime.NpyTest.type;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file written through {@link AtomicFile} is replaced whole or not at all: when the body fails, when the process
 * is stopped (the temporary file is removed too) and when it is killed outright (the temporary file may stay, the
 * target is intact).
 */
class AtomicFileTest {
    @TempDir Path dir;

    private static final byte[] OLD = "the checkpoint before".getBytes();

    @Test void writesTheBodyAndReturnsTheSize() throws Exception {
        Path p = dir.resolve("sub/dir/f.bin");
        assertEquals(5, AtomicFile.write(p, o -> o.write(new byte[] {1, 2, 3, 4, 5})));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Files.readAllBytes(p));
        assertEquals(List.of("f.bin"), names(p.getParent()), "no temporary file is left");
    }

    @Test void aBodyThatClosesTheStreamIsFine() throws Exception {
        Path p = dir.resolve("f.bin");
        AtomicFile.write(p, o -> {
            o.write(7);
            o.close();
        });
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(p));
    }

    @Test void aFailingBodyLeavesTheTargetAsItWas() throws Exception {
        Path p = Files.write(dir.resolve("ckpt.safetensors"), OLD);
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(p, o -> {
            o.write(new byte[100_000]); // past the buffer: some of it is in the temporary file
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertArrayEquals(OLD, Files.readAllBytes(p));
        assertEquals(List.of("ckpt.safetensors"), names(dir), "the temporary file is removed");
    }

    @Test void anExceptionOfAnyKindLeavesTheTargetAsItWas() throws Exception {
        Path p = Files.write(dir.resolve("f.bin"), OLD);
        assertThrows(IllegalStateException.class, () -> AtomicFile.write(p, o -> {
            o.write(new byte[100_000]);
            throw new IllegalStateException("a bug in the body");
        }));
        assertArrayEquals(OLD, Files.readAllBytes(p));
        assertEquals(List.of("f.bin"), names(dir));
    }

    @Test void aSafeTensorsWriteThatFailsLeavesTheCheckpointAsItWas() throws Exception {
        // a name as long as a file's can be: the temporary file beside it must still be made
        Path p = dir.resolve("c".repeat(255 - ".safetensors".length()) + ".safetensors");
        SafeTensors.write(p, Map.of("w", filled(type(DType.F32, NpyTest.A3))), Map.of("step", "1"));
        byte[] before = Files.readAllBytes(p);
        // another thread changes the map while its tensors are written, after the header is out
        Map<String, Tensor> changing = new LinkedHashMap<>() {
            @Override public Collection<Tensor> values() {
                Iterator<Tensor> it = super.values().iterator();
                return new AbstractCollection<>() {
                    @Override public int size() { return 2; }

                    @Override public Iterator<Tensor> iterator() {
                        return new Iterator<>() {
                            int n;

                            @Override public boolean hasNext() { return true; }

                            @Override public Tensor next() {
                                if (n++ == 1) throw new ConcurrentModificationException();
                                return it.next();
                            }
                        };
                    }
                };
            }
        };
        changing.put("w", filled(type(DType.F64, NpyTest.A3)));
        changing.put("v", filled(type(DType.F64, NpyTest.A3)));
        assertThrows(ConcurrentModificationException.class, () -> SafeTensors.write(p, changing, Map.of("step", "2")));
        assertArrayEquals(before, Files.readAllBytes(p));
        assertEquals("1", SafeTensors.readFile(p).metadata().get("step"));
        assertEquals(List.of(p.getFileName().toString()), names(dir), "the temporary file is removed");
    }

    @Test void aDirectoryIsNoTarget() {
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(dir, o -> o.write(1)));
        assertEquals("it is a directory", e.getMessage());
    }

    @Test void aKilledWriterLeavesTheTargetIntact() throws Exception {
        Path p = Files.write(dir.resolve("ckpt.bin"), OLD);
        Process w = startWriter(p);
        w.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertTrue(w.waitFor(30, TimeUnit.SECONDS));
        assertArrayEquals(OLD, Files.readAllBytes(p), "the old file is whole");
    }

    @Test void aStoppedWriterLeavesTheTargetIntactAndNoTemporaryFile() throws Exception {
        Path p = Files.write(dir.resolve("ckpt.bin"), OLD);
        Process w = startWriter(p);
        w.destroy(); // SIGTERM: the shutdown hook removes the temporary file
        assertTrue(w.waitFor(30, TimeUnit.SECONDS));
        assertArrayEquals(OLD, Files.readAllBytes(p));
        assertEquals(List.of("ckpt.bin"), names(dir).stream().filter(n -> !n.equals("started")).toList());
    }

    /** A JVM running {@link Writer} on {@code target}, once it has written part of the new file. */
    private Process startWriter(Path target) throws Exception {
        Path started = dir.resolve("started");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Writer.class.getName(),
                target.toString(), started.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process w = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(started)) {
            assertTrue(w.isAlive(), "the writer died: " + Files.readString(dir.resolve("log")));
            assertTrue(System.nanoTime() < deadline, "the writer did not start");
            Thread.sleep(20);
        }
        Files.delete(dir.resolve("log"));
        assertTrue(names(dir).stream().anyMatch(n -> n.startsWith(".ckpt.bin.") && n.endsWith(".tmp")),
                "the writer is writing its temporary file: " + names(dir));
        return w;
    }

    /** Writes a megabyte into the new file, says so, and then waits to be stopped before finishing it. */
    static final class Writer {
        public static void main(String[] args) throws Exception {
            AtomicFile.write(Path.of(args[0]), o -> {
                o.write(new byte[1 << 20]);
                o.flush();
                Files.createFile(Path.of(args[1]));
                try {
                    Thread.sleep(TimeUnit.MINUTES.toMillis(2));
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            });
        }
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }
}
