package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.NpyException;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Getting data into a circuit: .npy files named on the command line, random tensors for the rest, .npz parameters. */
final class Inputs {
    private Inputs() {}

    /** The graph's inputs by name. */
    static Map<String, TensorType> declared(Graph g) {
        Map<String, TensorType> m = new LinkedHashMap<>();
        for (Node n : g.inputs()) m.put(((Attr.Named) n.attr()).name(), n.type());
        return m;
    }

    /**
     * Reads {@code NAME=FILE.npy} values. Unreadable or malformed files are E0802, data that does not fit the
     * input's type E0804 (naming the axis and both sizes), unknown names E0805.
     */
    static Map<String, Tensor> read(List<String> specs, Map<String, TensorType> declared, Diagnostics diags) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "bad --input value '" + spec + "': expected NAME=FILE.npy", "for example --input I=current.npy");
                continue;
            }
            String name = spec.substring(0, eq);
            Path file = Path.of(spec.substring(eq + 1));
            TensorType t = declared.get(name);
            if (t == null) {
                diags.error(SourceSpan.NONE, DiagCode.E0805, "the circuit has no input `" + name + "`", "its inputs: " + declared.keySet());
                continue;
            }
            try {
                if (!Files.isRegularFile(file)) {
                    diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": no such file", null);
                    continue;
                }
                NpyArray a;
                try {
                    a = Npy.read(file);
                } catch (NpyException e) {
                    diags.error(SourceSpan.NONE, DiagCode.E0802, e.getMessage(), null);
                    continue;
                }
                try {
                    out.put(name, Npy.toTensor(a, t, "input " + name));
                } catch (NpyException e) {
                    diags.error(SourceSpan.NONE, DiagCode.E0804, e.getMessage(), null);
                }
            } catch (RuntimeException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": " + e.getMessage(), null);
            }
        }
        return out;
    }

    /** Parameters from an .npz whose array names are parameter paths. */
    static Map<String, Tensor> params(Path file, Map<String, Tensor> current, Diagnostics diags) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, NpyArray> arrays;
        try {
            if (!Files.isRegularFile(file)) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": no such file", null);
                return out;
            }
            arrays = Npz.read(file);
        } catch (NpyException | RuntimeException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, e.getMessage(), null);
            return out;
        }
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            Tensor old = current.get(e.getKey());
            if (old == null) {
                diags.error(SourceSpan.NONE, DiagCode.E0805, file + " holds `" + e.getKey() + "`, which is not a parameter of the circuit",
                        "its parameters: " + current.keySet());
                continue;
            }
            try {
                out.put(e.getKey(), Npy.toTensor(e.getValue(), old.type(), "parameter " + e.getKey()));
            } catch (NpyException x) {
                diags.error(SourceSpan.NONE, DiagCode.E0804, x.getMessage(), null);
            }
        }
        return out;
    }
}
