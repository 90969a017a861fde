package ncd.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compile cache, with a fake compiler (a shell script that writes its input and flags as its output and counts its
 * runs): its key separates what must be separate, a hit runs no compiler, and a refusal leaves no entry and says
 * that it is a compiler bug.
 */
class CompilersTest {
    @TempDir Path dir;

    private Path fake(String version, boolean fails) throws Exception {
        Path c = dir.resolve("fake-" + version + (fails ? "-failing" : ""));
        Files.writeString(c, """
                #!/bin/sh
                if [ "$1" = "--version" ]; then echo "fake compiler %s"; exit 0; fi
                echo run >> "%s"
                %s
                out=""; prev=""; src=""
                for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; case "$a" in *.cu|*.cpp) src="$a";; esac; prev="$a"; done
                { echo "$@"; cat "$src"; } > "$out"
                """.formatted(version, dir.resolve("runs"), fails ? "echo 'kernels.cu(3): error: nope' >&2; exit 2" : ""));
        c.toFile().setExecutable(true);
        return c;
    }

    private long runs() throws Exception {
        Path r = dir.resolve("runs");
        return Files.exists(r) ? Files.readAllLines(r).size() : 0;
    }

    @Test void aHitRunsNoCompilerAndTheKeySeparatesSourceFlagsAndCompiler() throws Exception {
        System.setProperty("ncd.cuda.cache", dir.resolve("cache").toString());
        try {
            Path v1 = fake("1", false), v2 = fake("2", false);
            byte[] a = Compilers.cached(v1, "kernel A", "cubin", List.of("-arch=sm_90"), ".cu");
            assertEquals(1, runs());
            assertArrayEquals(a, Compilers.cached(v1, "kernel A", "cubin", List.of("-arch=sm_90"), ".cu"));
            assertEquals(1, runs(), "a cache hit ran the compiler");
            assertTrue(new String(a).contains("kernel A") && new String(a).contains("-arch=sm_90"));

            Compilers.cached(v1, "kernel B", "cubin", List.of("-arch=sm_90"), ".cu");
            Compilers.cached(v1, "kernel A", "cubin", List.of("-arch=sm_80"), ".cu");
            Compilers.cached(v2, "kernel A", "cubin", List.of("-arch=sm_90"), ".cu");
            assertEquals(4, runs(), "another source, architecture or compiler version must miss");
            assertNotEquals(Compilers.entry(v1, "kernel A", "cubin", List.of("-arch=sm_90")), Compilers.entry(v1, "kernel A", "cubin", List.of("-arch=sm_80")));
            try (var s = Files.list(dir.resolve("cache"))) {
                assertEquals(4, s.count(), "one entry per compile, no temporary files left");
            }
        } finally {
            System.clearProperty("ncd.cuda.cache");
        }
    }

    @Test void aRefusalLeavesNoEntryAndSaysItIsACompilerBug() throws Exception {
        System.setProperty("ncd.cuda.cache", dir.resolve("cache").toString());
        try {
            Path bad = fake("1", true);
            CudaDeviceException e = assertThrows(CudaDeviceException.class, () -> Compilers.cached(bad, "kernel", "cubin", List.of(), ".cu"));
            assertTrue(e.getMessage().contains("internal error in the cuda backend") && e.getMessage().contains("error: nope"), e.getMessage());
            assertTrue(!Files.exists(Compilers.entry(bad, "kernel", "cubin", List.of())));
        } finally {
            System.clearProperty("ncd.cuda.cache");
        }
    }
}
