package ncd.cli;

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

/** {@code ncdc build}: compile a circuit ahead of time into a jar that runs without the compiler (docs/jvm.md). */
@Command(name = "build",
        description = {
            "Compile a circuit of FILE ahead of time into a jar that runs without ncdc.",
            "",
            "--target jvm (the only target) writes the class the JVM backend generates",
            "for the circuit, the small runtime it needs, the parameters drawn from",
            "--seed and the embedding API ncd.aot.Circuit; nothing else need be on the",
            "class path. Run it with `java --add-modules jdk.incubator.vector -jar",
            "OUT.jar --steps N` (without the module: scalar loops)."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc build examples/life.ncd --circuit Glider --target jvm -o glider.jar",
            "  ncdc build examples/mlp.ncd --circuit BatchClassifier --axis batch=64 -o b.jar"})
final class BuildCommand implements Callable<Integer> {
    /** The targets {@code --target} accepts. */
    static final List<String> TARGETS = List.of("jvm");

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

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "jvm", description = "What to build: jvm, a runnable jar (default: ${DEFAULT-VALUE}).")
    String target = "jvm";

    @Option(names = "-o", paramLabel = "OUT.jar", required = true, description = "The file to write (replaced only when the build succeeds).")
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
        BackendOptions options = targetOptions.options(seed, diags);
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);
        JvmOptions jvm;
        try {
            jvm = JvmOptions.from(options);
        } catch (IllegalArgumentException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--backend-option: " + e.getMessage(), null);
            return fail(err, diags, Main.USAGE);
        }
        Compilation c = common.compilation(diags);
        Optional<Circuits.Chosen> chosen = Circuits.load(c, file, circuit, sizes, "build", diags);
        if (chosen.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        String name = chosen.get().name();
        Optional<Graph> g = c.backend(target).flatMap(be -> c.lower(chosen.get().program(), name, sizes).flatMap(l -> c.prepare(l, be, options, 0)));
        common.reportTimings(err, c);
        if (g.isEmpty()) return fail(err, diags, Circuits.failure(diags));

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

    private int fail(PrintWriter err, Diagnostics diags, int code) {
        Report.diagnostics(err, common.diagnostics, diags.sorted());
        return code;
    }
}
