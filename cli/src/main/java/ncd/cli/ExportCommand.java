package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.interop.NirExport;
import ncd.interop.OnnxExport;
import ncd.interop.Params;
import ncd.interop.Unsupported;
import ncd.ir.Graph;
import ncd.runtime.AtomicFile;
import ncd.runtime.BackendOptions;
import ncd.runtime.Tensor;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ncdc export}: a circuit as an ONNX model or a NIR graph, for other tools to load (docs/interop.md). */
@Command(name = "export",
        description = {
            "Write a circuit of FILE as an interchange file for other tools.",
            "",
            "--format onnx writes an ONNX model (opset 17) of a feed-forward circuit, as",
            "optimised for the reference interpreter: its parameters, drawn from --seed",
            "or read from --params, are initializers named by instance path. --format nir",
            "writes a NIR graph (HDF5) of a spiking circuit: std.lif.LIF driven by an",
            "input current, or by std.lif.ExpSynapse of input spikes (and of its own",
            "spikes a step ago: a recurrent edge); ncdc import reads NIR back. A",
            "circuit the format cannot express (state or random sources in ONNX, an op",
            "without an exact counterpart, another neuron in NIR) is error E0809 naming",
            "it. What maps to what, and how to load the files: docs/interop.md."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc export examples/mlp.ncd --circuit Classifier --format onnx -o mlp.onnx",
            "  ncdc export examples/transformer.ncd --circuit Block --format onnx -o b.onnx",
            "  ncdc export examples/mlp.ncd --circuit Logits --format onnx --seed 7 -o l.onnx",
            "  ncdc export tests/fixtures/interop/snn.ncd --circuit Net --format nir -o n.nir"})
final class ExportCommand implements Callable<Integer> {
    /** The formats {@code --format} accepts. */
    static final List<String> FORMATS = List.of("onnx", "nir");

    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .ncd file.")
    Path file;

    @Option(names = "--circuit", paramLabel = "NAME", description = "The circuit to export (needed when the file has several).")
    String circuit;

    @Option(names = "--format", paramLabel = "FORMAT", required = true, description = "What to write: onnx or nir.")
    String format;

    @Option(names = "--axis", paramLabel = "NAME=SIZE", split = ",", description = "Size a generic or sized-later axis.")
    List<String> axes = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed for the parameters (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--params", paramLabel = "P", description = "Parameter values by instance path, from a .safetensors or .npz file: every parameter and nothing else.")
    Path params;

    @Option(names = "-o", paramLabel = "OUT", required = true, description = "The file to write (replaced only when the export succeeds).")
    Path out;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return export(o, err);
        } catch (OutOfMemoryError e) {
            return Report.outOfMemory(err, common.diagnostics, circuit == null ? file.toString() : "circuit " + circuit);
        } catch (Throwable t) {
            Report.internalError(err, "export", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int export(PrintWriter o, PrintWriter err) {
        Diagnostics diags = new Diagnostics();
        Map<String, Integer> sizes = AxisSizes.parse(axes, diags);
        if (!FORMATS.contains(format)) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "unknown --format `" + format + "`", "formats: " + String.join(", ", FORMATS));
        }
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);
        BackendOptions options = BackendOptions.defaults().withSeed(seed);
        Compilation c = common.compilation(diags);
        Optional<Circuits.Chosen> chosen = Circuits.load(c, file, circuit, sizes, "export", diags);
        if (chosen.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        String name = chosen.get().name();
        Optional<Graph> g = c.generator("interp").flatMap(be -> c.lower(chosen.get().program(), name, sizes).flatMap(l -> c.prepare(l, be, options, 0)));
        common.reportTimings(err, c);
        if (g.isEmpty()) return fail(err, diags, Circuits.failure(diags));

        Map<String, Tensor> values = Params.drawn(g.get(), seed);
        if (params != null) {
            Map<String, Tensor> read = Inputs.params(params, values, g.get(), false, seed, diags, err);
            if (diags.hasErrors()) return fail(err, diags, Main.USER_ERROR);
            values = new LinkedHashMap<>(values);
            values.putAll(read);
        }
        byte[] bytes;
        String what;
        try {
            if (format.equals("onnx")) {
                var model = OnnxExport.export(g.get(), values);
                bytes = model.toByteArray();
                what = String.format(Locale.ROOT, "ONNX opset %d, %d nodes, %d initializers", OnnxExport.OPSET,
                        model.getGraph().getNodeCount(), model.getGraph().getInitializerCount());
            } else {
                NirExport.Nir nir = NirExport.export(g.get(), values);
                bytes = nir.hdf5();
                what = "NIR " + NirExport.VERSION + ", nodes " + String.join(", ", nir.nodes().keySet());
            }
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write the NIR file: " + FileErrors.reason(e), null);
            return fail(err, diags, Main.USER_ERROR);
        } catch (Unsupported u) {
            diags.error(u.span(), DiagCode.E0809, "circuit " + name + " cannot be exported as " + format + ": " + u.getMessage(),
                    u.hint() != null ? u.hint() : "docs/interop.md lists what " + format + " export maps and what it refuses");
            return fail(err, diags, Main.USER_ERROR);
        }
        long written;
        try {
            written = AtomicFile.write(out, os -> os.write(bytes));
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write " + out + ": " + FileErrors.reason(e), null);
            return fail(err, diags, Main.USER_ERROR);
        }
        o.printf(Locale.ROOT, "wrote %s (%.1f KiB): circuit %s, %s%n", out, written / 1024.0, name, what);
        return Main.OK;
    }

    private int fail(PrintWriter err, Diagnostics diags, int code) {
        Report.diagnostics(err, common.diagnostics, diags.sorted());
        return code;
    }
}
