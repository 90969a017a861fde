package ncd.cli;

import ncd.cuda.Compilers;
import ncd.cuda.CudaGen;
import ncd.cuda.CudaProgram;
import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.ir.Graph;
import ncd.jvm.AotJar;
import ncd.jvm.JvmOptions;
import ncd.runtime.AtomicFile;
import ncd.runtime.BackendOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ncdc build}: compile a circuit ahead of time into a jar that runs without the compiler (docs/jvm.md), or into
 * CUDA kernels (docs/cuda.md).
 */
@Command(name = "build",
        description = {
            "Compile a circuit of FILE ahead of time.",
            "",
            "--target jvm (the default) writes a jar that runs without ncdc: the class the",
            "JVM backend generates for the circuit, the small runtime it needs, the",
            "parameters drawn from --seed and the embedding API ncd.aot.Circuit; nothing",
            "else need be on the class path. Run it with",
            "`java --add-modules jdk.incubator.vector -jar OUT.jar --steps N`",
            "(without the module: scalar loops).",
            "",
            "--target cuda writes what the cuda backend generates (docs/cuda.md): with",
            "--emit=cuda (the default) the CUDA C source of the kernels and of the host",
            "functions of their launch plan, needing no GPU; with --emit=fatbin the",
            "kernels compiled by nvcc for sm_80 and sm_90."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc build examples/life.ncd --circuit Glider --target jvm -o glider.jar",
            "  ncdc build examples/mlp.ncd --circuit BatchClassifier --axis batch=64 -o b.jar",
            "  ncdc build examples/life.ncd --circuit Glider --target cuda -o glider.cu"})
final class BuildCommand implements Callable<Integer> {
    /** The targets {@code --target} accepts. */
    static final List<String> TARGETS = List.of("jvm", "cuda");
    /** What {@code --emit} accepts for {@code --target cuda}. */
    static final List<String> CUDA_EMITS = List.of("cuda", "fatbin");
    /** The architectures {@code --emit=fatbin} compiles for (A100, H100/H200). */
    static final List<Integer> FATBIN_ARCHS = List.of(80, 90);

    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .ncd file.")
    Path file;

    @Option(names = "--circuit", paramLabel = "NAME", description = "The circuit to compile (needed when the file has several).")
    String circuit;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",", description = "Size a generic or sized-later axis.")
    List<String> axes = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed for the parameters (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "jvm", description = "What to build: jvm, a runnable jar; cuda, CUDA kernels (default: ${DEFAULT-VALUE}).")
    String target = "jvm";

    @Option(names = "--emit", paramLabel = "KIND", description = "For --target cuda: cuda, the CUDA C source (default); fatbin, compiled by nvcc for sm_80 and sm_90.")
    String emit;

    @Option(names = "-o", paramLabel = "OUT", required = true, description = "The file to write (replaced only when the build succeeds).")
    Path out;

    @Mixin TargetOptions targetOptions;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return build(o, err);
        } catch (OutOfMemoryError e) {
            return Report.outOfMemory(err, common.diagnostics, circuit == null ? file.toString() : "circuit " + circuit);
        } catch (Throwable t) {
            Report.internalError(err, "build", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int build(PrintWriter o, PrintWriter err) {
        Diagnostics diags = new Diagnostics();
        Map<String, Integer> sizes = AxisSizes.parse(axes, diags);
        if (!TARGETS.contains(target)) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "unknown --target `" + target + "`", "targets: " + String.join(", ", TARGETS));
        }
        boolean cuda = target.equals("cuda");
        if (emit != null && !(cuda ? CUDA_EMITS : List.of("jar")).contains(emit)) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--emit=" + emit + " is not something --target " + target + " writes",
                    cuda ? "--emit takes " + String.join(" or ", CUDA_EMITS) + " with --target cuda" : "--target jvm writes a jar; --emit is for --target cuda");
        }
        BackendOptions options = targetOptions.options(seed, diags);
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);
        JvmOptions jvm = null;
        try {
            if (!cuda) jvm = JvmOptions.from(options);
        } catch (IllegalArgumentException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--backend-option: " + e.getMessage(), null);
            return fail(err, diags, Main.USAGE);
        }
        Compilation c = common.compilation(diags);
        Optional<Circuits.Chosen> chosen = Circuits.load(c, file, circuit, sizes, "build", diags);
        if (chosen.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        String name = chosen.get().name();
        Optional<Graph> g = c.generator(target).flatMap(be -> c.lower(chosen.get().program(), name, sizes).flatMap(l -> c.prepare(l, be, options, 0)));
        common.reportTimings(err, c);
        if (g.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        Report.warningsBeforeRun(err, common.diagnostics, diags);
        if (cuda) return buildCuda(o, err, g.get(), diags);

        AotJar jar = AotJar.build(g.get(), seed, jvm);
        long bytes;
        try {
            bytes = AtomicFile.write(out, jar::write);
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write " + out + ": " + FileErrors.reason(e), null);
            return fail(err, diags, Main.USER_ERROR);
        }
        int generated = jar.generatedClasses().size();
        o.printf(Locale.ROOT, "wrote %s (%.1f KiB): circuit %s, %d generated class%s, %d runtime classes%n", out, bytes / 1024.0,
                name, generated, generated == 1 ? "" : "es (Vector API and scalar)", jar.runtimeClasses().size());
        o.println("run it: java --add-modules jdk.incubator.vector -jar " + out + " --steps 8");
        return Main.OK;
    }

    /** {@code --target cuda}: the generated source, or with {@code --emit=fatbin} nvcc's fat binary of it. */
    private int buildCuda(PrintWriter o, PrintWriter err, Graph g, Diagnostics diags) {
        CudaProgram p = CudaGen.generate(g);
        boolean fatbin = "fatbin".equals(emit);
        byte[] bytes;
        if (fatbin) {
            if (Compilers.nvcc().isEmpty()) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "--emit=fatbin needs nvcc, and it is not installed",
                        "install the CUDA toolkit, put nvcc on the PATH or set NCD_NVCC; --emit=cuda writes the source without it");
                return fail(err, diags, Main.USER_ERROR);
            }
            bytes = Compilers.fatbin(p.source(), FATBIN_ARCHS);
        } else {
            bytes = p.source().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        long written;
        try {
            written = AtomicFile.write(out, os -> os.write(bytes));
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write " + out + ": " + FileErrors.reason(e), null);
            return fail(err, diags, Main.USER_ERROR);
        }
        o.printf(Locale.ROOT, "wrote %s (%.1f KiB): circuit %s, %d kernel%s, one device allocation of %d bytes%s%n", out, written / 1024.0,
                g.name(), p.kernels().size(), p.kernels().size() == 1 ? "" : "s", p.totalBytes(),
                fatbin ? ", for " + String.join(" and ", FATBIN_ARCHS.stream().map(a -> "sm_" + a).toList()) : "");
        return Main.OK;
    }

    private int fail(PrintWriter err, Diagnostics diags, int code) {
        Report.remaining(err, common.diagnostics, diags);
        return code;
    }
}
