package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.runtime.Npy;
import ncd.runtime.NpyArray;
import ncd.runtime.NpyException;
import ncd.runtime.ParamUnits;
import ncd.runtime.Npz;
import ncd.runtime.SafeTensors;
import ncd.runtime.Tensor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Getting data into a circuit: .npy files named on the command line, random tensors for the rest, parameters from
 * .npz or .safetensors.
 */
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
        return read(specs, "--input", declared, false, diags);
    }

    /**
     * Reads {@code NAME=FILE.npy} sequences for {@code --sequence}: each array has one more axis than its input, a
     * leading one with an entry per step. The values have the input's type behind a leading axis {@code step} as long
     * as the file's; {@link #slice} takes one step's entry.
     */
    static Map<String, Tensor> sequences(List<String> specs, Map<String, TensorType> declared, Diagnostics diags) {
        return read(specs, "--sequence", declared, true, diags);
    }

    private static Map<String, Tensor> read(List<String> specs, String option, Map<String, TensorType> declared, boolean perStep, Diagnostics diags) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "bad " + option + " value '" + spec + "': expected NAME=FILE.npy", "for example " + option + " I=current.npy");
                continue;
            }
            String name = spec.substring(0, eq);
            Path file = Path.of(spec.substring(eq + 1));
            TensorType t = declared.get(name);
            if (t == null) {
                diags.error(SourceSpan.NONE, DiagCode.E0805, "the circuit has no input `" + name + "`", "its inputs: " + declared.keySet());
                continue;
            }
            if (out.containsKey(name)) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "input " + name + " is given twice", "give each input once, by --input or by --sequence");
                continue;
            }
            try {
                if (!readable(file, option + " " + name + "=FILE.npy", diags)) continue;
                NpyArray a;
                try {
                    a = Npy.read(file);
                } catch (NpyException e) {
                    diags.error(SourceSpan.NONE, DiagCode.E0802, e.getMessage(), null);
                    continue;
                }
                TensorType want = t;
                if (perStep) {
                    int[] shape = a.shape();
                    if (shape.length != t.axes().size() + 1 || shape[0] < 1) {
                        diags.error(SourceSpan.NONE, DiagCode.E0804, "sequence " + name + ": " + file + " has shape " + java.util.Arrays.toString(shape)
                                + ", but a sequence of input " + name + " " + t + " needs " + (t.axes().size() + 1) + " axes: one entry per step, then the input's",
                                "stack one array per step along a new first axis (numpy.stack(xs)); for the same value at every step use --input");
                        continue;
                    }
                    want = RunCommand.stackedType(t, shape[0]);
                }
                try {
                    out.put(name, Npy.toTensor(a, want, (perStep ? "sequence " : "input ") + name));
                } catch (NpyException e) {
                    diags.error(SourceSpan.NONE, DiagCode.E0804, e.getMessage(), null);
                }
            } catch (RuntimeException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": " + FileErrors.reason(e), null);
            }
        }
        return out;
    }

    /** Entry {@code step} of a sequence read by {@link #sequences}: a value of the input's type {@code t}. */
    static Tensor slice(Tensor sequence, TensorType t, long step) {
        Object data = sequence.data();
        int size = Math.toIntExact(sequence.size() / sequence.type().axes().get(0).size());
        Object part = java.lang.reflect.Array.newInstance(data.getClass().getComponentType(), size);
        System.arraycopy(data, Math.toIntExact(step * size), part, 0, size);
        if (part instanceof float[] f) return Tensor.of(t, f);
        if (part instanceof double[] d) return Tensor.of(t, d);
        if (part instanceof int[] i) return Tensor.of(t, i);
        return Tensor.of(t, (boolean[]) part);
    }

    /**
     * Parameters from an .npz or a .safetensors file (by its extension) whose array names are parameter paths. Every
     * parameter must be there and every array must be one (E0804 names the missing ones, E0805 the others), unless
     * {@code partial}: then the parameters it lacks keep their values drawn from {@code seed} and arrays that are no
     * parameter are left out, each said in a note on {@code notes}. Values are read in each parameter's declared unit
     * (of {@code graph}'s parameters), as inputs are, except in ncd's own checkpoints, which hold SI values
     * ({@link ParamUnits}).
     */
    static Map<String, Tensor> params(Path file, Map<String, Tensor> current, Graph graph, boolean partial, long seed, Diagnostics diags, PrintWriter notes) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, Stored> arrays;
        Map<String, Attr.Param> scaled = ParamUnits.scaled(graph);
        try {
            if (!readable(file, "--params FILE", diags)) return out;
            arrays = stored(file, scaled);
        } catch (NpyException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, e.getMessage(), null);
            return out;
        } catch (RuntimeException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": " + FileErrors.reason(e), null);
            return out;
        }
        List<String> others = new ArrayList<>();
        for (Map.Entry<String, Stored> e : arrays.entrySet()) {
            Tensor old = current.get(e.getKey());
            if (old == null) {
                others.add(e.getKey());
                continue;
            }
            try {
                out.put(e.getKey(), e.getValue().as(old.type(), "parameter " + e.getKey()));
            } catch (NpyException x) {
                diags.error(SourceSpan.NONE, DiagCode.E0804, x.getMessage(), null);
            }
        }
        List<String> missing = new ArrayList<>(current.keySet());
        missing.removeAll(arrays.keySet());
        if (partial) {
            if (!missing.isEmpty()) notes.println("note: " + count(missing.size(), "parameter") + " not in " + file + ", drawn from seed " + seed + ": " + String.join(", ", missing));
            if (!others.isEmpty()) notes.println("note: " + file + " holds " + count(others.size(), "array") + " that no parameter of the circuit has, left out: " + String.join(", ", others));
            return out;
        }
        for (String o : others) {
            diags.error(SourceSpan.NONE, DiagCode.E0805, file + " holds `" + o + "`, which is not a parameter of the circuit",
                    "its parameters: " + current.keySet() + "; --params-partial leaves out arrays that are no parameter");
        }
        if (!missing.isEmpty()) {
            diags.error(SourceSpan.NONE, DiagCode.E0804, file + " lacks " + count(missing.size(), "parameter") + " of the circuit: " + String.join(", ", missing),
                    "save every parameter in it (names are instance paths, as ncdc ir prints them), or give --params-partial to draw the missing ones from --seed");
        }
        return out;
    }

    /** An array of a parameter file, made into a value of the type the circuit gives that parameter. */
    private interface Stored {
        Tensor as(TensorType type, String what) throws NpyException;
    }

    /**
     * The arrays of a parameter file by name. A .npz array must have the parameter's axis sizes in its declared order
     * ({@link Npy#toTensor}); a .safetensors tensor that ncd wrote is matched by axis name (transposed if its order
     * differs), one from elsewhere by position, as a .npy is ({@link SafeTensors#toType}).
     */
    private static Map<String, Stored> stored(Path file, Map<String, Attr.Param> scaled) throws NpyException {
        Map<String, Stored> m = new LinkedHashMap<>();
        if (file.getFileName().toString().endsWith(".safetensors")) {
            SafeTensors.Contents c = SafeTensors.readFile(file);
            boolean si = ParamUnits.storedInSi(c.metadata());
            for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
                Attr.Param p = si ? null : scaled.get(e.getKey());
                m.put(e.getKey(), (t, what) -> {
                    Tensor v = SafeTensors.toType(e.getValue(), t, what, file + "[" + e.getKey() + "]");
                    return p == null ? v : ParamUnits.toSi(v, p);
                });
            }
        } else {
            for (Map.Entry<String, NpyArray> e : Npz.read(file).entrySet()) {
                Attr.Param p = scaled.get(e.getKey());
                m.put(e.getKey(), (t, what) -> {
                    Tensor v = Npy.toTensor(e.getValue(), t, what);
                    return p == null ? v : ParamUnits.toSi(v, p);
                });
            }
        }
        return m;
    }

    private static String count(int n, String noun) { return n + " " + noun + (n == 1 ? "" : "s"); }

    /**
     * Whether {@code file} can be opened for reading; else E0802 with the reason (a directory, a missing file or
     * directory, no permission), before the .npy/.npz readers, whose messages are about the format.
     */
    private static boolean readable(Path file, String option, Diagnostics diags) {
        if (Files.isDirectory(file)) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": it is a directory", option + " takes a file");
            return false;
        }
        try (var c = Files.newByteChannel(file)) {
            return true;
        } catch (IOException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + file + ": " + FileErrors.reason(e), null);
            return false;
        }
    }
}
