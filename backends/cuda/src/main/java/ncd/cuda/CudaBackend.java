package ncd.cuda;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CUDA backend ("cuda"): the optimised graph lowered to CUDA C ({@link CudaGen}: a kernel per computed value of
 * the memory plan, fused chains inline, tiled products, block reductions), compiled by nvcc to a cubin for the GPU's
 * compute capability (cached by hash) and run through the CUDA driver ({@link DriverDevice}), with all values in one
 * device allocation. It can run where the NVIDIA driver is installed; it is found without loading it (the
 * presets take ~0.2 s to fail where there is none), so no other command pays for it. Generating the source
 * ({@link #emit}, {@code ncdc build --target cuda}) needs neither a GPU nor nvcc.
 */
public final class CudaBackend implements Backend {
    /** Where distributions put the driver library. */
    private static final List<Path> DRIVER_PATHS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"), Path.of("/usr/lib64/libcuda.so.1"), Path.of("/usr/lib/libcuda.so.1"),
            Path.of("/usr/local/cuda/compat/libcuda.so.1"), Path.of("/usr/lib/wsl/lib/libcuda.so.1"));
    private static volatile Boolean driver;

    @Override public String name() { return "cuda"; }

    @Override public String description() {
        return "CUDA C generated for the circuit, compiled by nvcc and run on an NVIDIA GPU through the driver API";
    }

    @Override public boolean isAvailable() { return driverInstalled(); }

    @Override public String unavailableReason() {
        return "no NVIDIA driver (libcuda.so.1) is installed, so there is no CUDA device; `ncdc build --target cuda --emit=cuda` still writes the kernels";
    }

    @Override public Map<String, String> optionKeys() { return Map.of(); }

    /**
     * Refused before any code is generated: sparse synapses (E0723: their connectivity lives in host-side compressed
     * rows or is drawn again per row, and no kernel of this backend reads either yet) and Fourier transforms (E0407:
     * not generated yet).
     */
    @Override public boolean accepts(Graph graph, Diagnostics diags) {
        boolean ok = true;
        for (ncd.ir.Node n : graph.nodes()) {
            if (n.op() == ncd.ir.Op.SYNAPSES) {
                diags.error(n.span(), DiagCode.E0723, "the cuda backend does not run sparse synapses yet (" + graph.name() + ": "
                        + ncd.ir.IrPrinter.opText(n) + ncd.ir.IrPrinter.attrText(n) + ")",
                        "run on the jvm backend (--backend jvm), or write the connection as a dense mask and a product: C @[pre] x");
                ok = false;
            } else if (n.op() == ncd.ir.Op.DELAY) {
                diags.error(n.span(), DiagCode.E0731, "the cuda backend does not run delays yet (" + graph.name() + ": "
                        + ncd.ir.IrPrinter.opText(n) + " " + ncd.ir.IrPrinter.attrText(n) + "): their ring buffers are updated in place on the host",
                        "run on the jvm backend (--backend jvm), or write the delay as a shift register (shift[slot, 1] of a state)");
                ok = false;
            } else if (n.op() == ncd.ir.Op.FFT) {
                diags.error(n.span(), DiagCode.E0407, "the cuda backend has no " + ((ncd.ir.Attr.Fft) n.attr()).kind().word()
                        + " (circuit " + graph.name() + "): its Fourier transforms are not generated yet", "run it on the jvm backend (--backend jvm)");
                ok = false;
            }
        }
        return ok;
    }

    @Override public Optional<Executable> compile(Graph graph, BackendOptions options, Diagnostics diags) {
        if (!options.extra().isEmpty()) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--backend-option: the cuda backend takes no options, got " + options.extra().keySet(), null);
            return Optional.empty();
        }
        CudaProgram p = CudaGen.generate(graph);
        DriverDevice device;
        try {
            device = DriverDevice.open(p);
        } catch (CudaDeviceException e) {
            if (e.compilerBug()) throw e;   // the driver reports it as an internal error of the backend
            diags.error(SourceSpan.NONE, DiagCode.E0806, e.getMessage(), "run on the jvm backend (--backend jvm), or on a machine with an NVIDIA GPU");
            return Optional.empty();
        }
        return Optional.of(new CudaExecutable(p, options.seed(), device));
    }

    /** The generated CUDA C: kernels, the prelude they use and the host functions of the launch plan. */
    @Override public String emit(Graph graph, BackendOptions options) { return CudaGen.generate(graph).source(); }

    /**
     * {@code graph} running on the CPU emulation of the generated code ({@link EmulatedDevice}; needs g++): how the tests
     * check the generator against the interpreter on machines without a GPU.
     */
    public static CudaExecutable emulate(Graph graph, BackendOptions options) {
        CudaProgram p = CudaGen.generate(graph);
        return new CudaExecutable(p, options.seed(), new EmulatedDevice(p));
    }

    /** Whether the NVIDIA driver library is installed: known paths, then the linker cache. */
    static boolean driverInstalled() {
        Boolean d = driver;
        if (d == null) {
            d = DRIVER_PATHS.stream().anyMatch(Files::exists) || onLibraryPath() || inLinkerCache();
            driver = d;
        }
        return d;
    }

    private static boolean onLibraryPath() {
        String path = System.getenv("LD_LIBRARY_PATH");
        if (path == null) return false;
        for (String dir : path.split(":")) if (!dir.isEmpty() && Files.exists(Path.of(dir, "libcuda.so.1"))) return true;
        return false;
    }

    private static boolean inLinkerCache() {
        for (String ldconfig : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig")) {
            if (!Files.isExecutable(Path.of(ldconfig))) continue;
            try {
                Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                return out.contains("libcuda.so.1");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
