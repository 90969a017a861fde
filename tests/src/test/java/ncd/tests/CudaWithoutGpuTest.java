package ncd.tests;

import ncd.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cuda backend where there is no GPU: it says so and exits 1, never with a stack trace; generating the kernels
 * still works. Two machines are tried: this one as it is (no driver: the backend is not available), and one whose
 * driver reports no device (a stub libcuda.so.1 on LD_LIBRARY_PATH whose cuInit returns CUDA_ERROR_NO_DEVICE, as the
 * real driver does on a machine without a GPU), which goes through loading JavaCPP's presets and the driver.
 */
class CudaWithoutGpuTest {
    private static final String STUB = """
            typedef int CUresult;
            CUresult cuInit(unsigned int flags) { (void)flags; return 100; }
            CUresult cuGetErrorString(CUresult e, const char** s) { *s = e == 100 ? "no CUDA-capable device is detected" : "unknown error"; return 0; }
            CUresult cuDriverGetVersion(int* v) { *v = 13000; return 0; }
            """;

    private static FreshJvm.Result ncdc(Map<String, String> env, String... args) throws Exception {
        return FreshJvm.run(List.of(), Main.class, List.of(args), env, 120);
    }

    @Test void withoutADriverTheBackendSaysItCannotRunHere() throws Exception {
        assumeTrue(!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1")), "this machine has an NVIDIA driver");
        FreshJvm.Result r = ncdc(Map.of(), "run", Repo.root().resolve("examples/life.ncd").toString(), "--circuit", "Glider", "--backend", "cuda");
        assertTrue(r.printed().contains("backend cuda cannot run here: no NVIDIA driver"), r.printed());
        assertFalse(r.printed().contains("Exception"), r.printed());
        assertTrue(r.exit() == Main.USAGE, "exit " + r.exit());
    }

    @Test void aDriverWithoutADeviceGivesE0806AndExit1(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is not installed: no stub driver can be built");
        Files.writeString(dir.resolve("stub.c"), STUB);
        Process p = new ProcessBuilder("/usr/bin/gcc", "-shared", "-fPIC", "-o", dir.resolve("libcuda.so.1").toString(), dir.resolve("stub.c").toString())
                .redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        FreshJvm.Result r = ncdc(Map.of("LD_LIBRARY_PATH", dir.toString()),
                "run", Repo.root().resolve("examples/life.ncd").toString(), "--circuit", "Glider", "--backend", "cuda", "--steps", "2");
        assertEquals(Main.USER_ERROR, r.exit(), r.printed());
        assertTrue(r.printed().contains("error[E0806]"), r.printed());
        // with the CUDA runtime installed the presets load and cuInit reports no device; without it they fail to load
        assertTrue(r.printed().contains("no CUDA-capable device is detected") || r.printed().contains("no CUDA device"), r.printed());
        assertFalse(r.printed().contains("Exception"), r.printed());
    }

    @Test void theKernelsAreGeneratedWithoutAGpu(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("glider.cu");
        FreshJvm.Result r = ncdc(Map.of(), "build", Repo.root().resolve("examples/life.ncd").toString(), "--circuit", "Glider", "--target", "cuda", "-o", out.toString());
        assertEquals(Main.OK, r.exit(), r.printed());
        String cu = Files.readString(out);
        assertTrue(cu.contains("__global__") && cu.contains("extern \"C\" void ncd_step(char* base, long long step)"), cu);
        assertTrue(r.printed().contains("kernels, one device allocation of"), r.printed());
    }
}
