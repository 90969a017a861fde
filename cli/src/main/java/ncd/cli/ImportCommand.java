package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.interop.NirImport;
import ncd.interop.NirRead;
import ncd.runtime.AtomicFile;
import ncd.runtime.Npz;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ncdc import}: a NIR graph as an .ncd module and its parameter values (docs/interop.md, "Importing NIR"). */
@Command(name = "import",
        description = {
            "Write a NIR graph (HDF5) as an .ncd module that runs it.",
            "",
            "Each node becomes a generated circuit (Input, Output, Affine, Linear, Scale,",
            "Threshold, LIF, CubaLIF, LI), stepped by forward Euler at the graph's dt",
            "(node/metadata/dt, as ncdc export writes it, or --dt), and one top circuit",
            "wires them along the edges; an edge that closes a cycle reads the previous",
            "step's output (a state). Weights, and neuron values that differ between",
            "neurons, go to OUT's .npz beside it, for ncdc run --params. Any other node",
            "type is error E0810 naming the node; nothing is written then. The mapping",
            "and a complete example: docs/interop.md."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc import net.nir -o net.ncd",
            "  ncdc run net.ncd --circuit Net --params net.npz --steps 1000",
            "  ncdc import snn.nir --dt 1ms --module models.snn --circuit Snn -o snn.ncd"})
final class ImportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The NIR file (.nir, HDF5).")
    Path file;

    @Option(names = "-o", paramLabel = "OUT", description = "The .ncd file to write (default: beside FILE, named as it); the parameters go beside OUT, named as it, ending in .npz.")
    Path out;

    @Option(names = "--module", paramLabel = "NAME", description = "The module's name (default: OUT's file name).")
    String module;

    @Option(names = "--circuit", paramLabel = "NAME", defaultValue = "Net", description = "The top circuit's name (default: ${DEFAULT-VALUE}).")
    String circuit;

    @Option(names = "--dt", paramLabel = "TIME", description = "The time step, e.g. 0.1ms (s, ms, us, ns); needed when the file records none, and overrides it.")
    String dt;

    @Override public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return importNir(spec.commandLine().getOut(), err);
        } catch (OutOfMemoryError e) {
            return Report.outOfMemory(err, common.diagnostics, file.toString());
        } catch (Throwable t) {
            Report.internalError(err, "import", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int importNir(PrintWriter o, PrintWriter err) {
        Diagnostics diags = new Diagnostics();
        Path target = out != null ? out : file.resolveSibling(stem(file) + ".ncd");
        if (!target.getFileName().toString().endsWith(".ncd"))
            diags.error(SourceSpan.NONE, DiagCode.E0803, "-o " + target + ": the module is written to a .ncd file", "end OUT with .ncd");
        String mod = module;
        if (mod == null) {                       // from OUT's name, made a name: `2-layer` -> m_2_layer, `circuit` -> circuit_
            mod = stem(target).replaceAll("[^A-Za-z0-9_]", "_");
            if (mod.isEmpty() || !Character.isLetter(mod.charAt(0))) mod = "m_" + mod;
            if (NirImport.RESERVED.contains(mod)) mod = mod + "_";
        }
        if (!mod.matches("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*") || java.util.Arrays.stream(mod.split("\\.")).anyMatch(NirImport.RESERVED::contains))
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--module `" + mod + "` is not a module name", "give names of letters, digits and _ joined by dots, none a keyword: --module models.snn");
        if (!circuit.matches("[A-Za-z][A-Za-z0-9_]*") || NirImport.RESERVED.contains(circuit))
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--circuit `" + circuit + "` is not a circuit name", "a letter, then letters, digits and _, not a keyword");
        double step = dt == null ? Double.NaN : Durations.seconds("--dt", dt, diags);
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);

        if (!Files.isRegularFile(file)) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"), "check the path");
            return fail(err, diags, Main.USER_ERROR);
        }
        NirRead.NirGraph g;
        try {
            g = NirRead.read(file);
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": " + e.getMessage(),
                    "ncdc import reads a NIR graph written as HDF5 (nir.write, or ncdc export --format nir)");
            return fail(err, diags, Main.USER_ERROR);
        } catch (NirRead.Malformed e) {
            diags.error(SourceSpan.NONE, DiagCode.E0810, file + " is not a NIR graph: " + e.getMessage(), "ncdc import reads the layout nir.write writes (docs/interop.md)");
            return fail(err, diags, Main.USER_ERROR);
        }
        if (Double.isNaN(step)) {
            if (g.dt() == null) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, file + " records no time step (node/metadata/dt), and NIR's neurons are continuous-time",
                        "give the step to integrate them at: --dt 0.1ms");
                return fail(err, diags, Main.USAGE);
            }
            step = g.dt();
        }
        NirImport.Imported imported;
        try {
            imported = NirImport.generate(g, step, mod, circuit, file.getFileName().toString());
        } catch (NirImport.NotImportable e) {
            diags.error(SourceSpan.NONE, DiagCode.E0810, file + " cannot be imported: " + e.getMessage(),
                    "docs/interop.md lists the node types ncdc import maps and how");
            return fail(err, diags, Main.USER_ERROR);
        }
        // the module must compile: a failure here is the importer's bug, not the user's
        Diagnostics check = new Diagnostics();
        Compilation c = new Compilation(check);
        if (c.load(target, imported.source()).flatMap(p -> c.lower(p, imported.circuit(), Map.of())).isEmpty())
            throw new IllegalStateException("the generated module does not compile: " + check.sorted() + "\n" + imported.source());

        Path npz = target.resolveSibling(stem(target) + ".npz");
        try {
            byte[] values = null;
            if (!imported.params().isEmpty()) {
                Path tmp = Files.createTempFile("ncd-import", ".npz");
                try {
                    Npz.write(tmp, imported.params());
                    values = Files.readAllBytes(tmp);
                } finally {
                    Files.deleteIfExists(tmp);
                }
                byte[] v = values;
                AtomicFile.write(npz, os -> os.write(v));
            }
            long written = AtomicFile.write(target, os -> os.write(imported.source().getBytes(StandardCharsets.UTF_8)));
            o.printf(Locale.ROOT, "wrote %s (%.1f KiB): module %s, circuit %s(%s) -> %s, %d nodes%n", target, written / 1024.0, mod, circuit,
                    String.join(", ", imported.inputs()), String.join(", ", imported.outputs()), g.nodes().size());
            if (values != null) o.printf(Locale.ROOT, "wrote %s: %d parameters; run with --params %s%n", npz, imported.params().size(), npz);
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write " + target + ": " + FileErrors.reason(e), null);
            return fail(err, diags, Main.USER_ERROR);
        }
        return Main.OK;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private int fail(PrintWriter err, Diagnostics diags, int code) {
        Report.diagnostics(err, common.diagnostics, diags.sorted());
        return code;
    }
}
