package ncd.runtime.train;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.runtime.NpyArray;
import ncd.runtime.NpyException;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training set: one .npz array per circuit input, each holding every sample, from which minibatches are cut.
 *
 * <p>The array for input {@code x} is the .npz entry {@code x}; its shape is a leading sample axis of size N
 * followed by exactly the input's axes in declared order ({@code f32[h:28, w:28]} takes {@code (N, 28, 28)}; a
 * scalar input {@code f32[]} takes {@code (N,)}). Every array must have the same N, at least 1. An array that
 * matches no input is an error rather than ignored: it is usually a misspelt input name.
 *
 * <p>Dtypes: an f32 or f64 input takes float32 or float64 data; <b>float64 data for an f32 input is accepted and
 * rounded to the nearest float</b> (numpy's default float is float64), and a value that overflows f32 is refused
 * like a NaN. An i32 input takes any integer array numpy writes (int8, int16, int32, int64, uint8, uint16, uint32)
 * whose values fit in i32; a bool input takes bool. Anything else is refused, and so is a NaN or infinity in float
 * data, naming the array and the first sample that holds it. Every error is an {@link NpyException} whose one-line
 * message names the file and array and says what was expected and what was found.
 *
 * <p>Sequences for stateful training (an input fed per step) are not supported: each sample is one step's value.
 */
public final class TrainData {
    private final String file;
    private final String sampleAxis;
    private final LinkedHashMap<String, TensorType> inputs;
    /** Per input: every sample's elements, row-major, already in the input's dtype ({@code float[]}, ...). */
    private final Map<String, Object> data;
    private final int offset;
    private final int samples;

    private TrainData(String file, String sampleAxis, LinkedHashMap<String, TensorType> inputs,
                      Map<String, Object> data, int offset, int samples) {
        this.file = file;
        this.sampleAxis = sampleAxis;
        this.inputs = inputs;
        this.data = data;
        this.offset = offset;
        this.samples = samples;
    }

    /**
     * Reads {@code npz} for the circuit's {@code inputs} (name to type, every axis sized); batches will have the
     * leading axis {@code sampleAxis}, which no input may already have.
     */
    public static TrainData load(Path npz, Map<String, TensorType> inputs, String sampleAxis) throws NpyException {
        String file = npz.toString();
        if (inputs.isEmpty()) throw new NpyException(file + ": the circuit has no inputs to train on");
        for (Map.Entry<String, TensorType> in : inputs.entrySet()) {
            if (in.getValue().hasAxis(sampleAxis)) {
                throw new NpyException("input " + in.getKey() + " " + in.getValue() + " already has an axis named "
                        + sampleAxis + ", which batches use for the sample axis; name the sample axis otherwise");
            }
        }
        LinkedHashMap<String, NpyArray> arrays = Npz.read(npz);
        for (String name : arrays.keySet()) {
            if (!inputs.containsKey(name)) {
                throw new NpyException(file + ": array " + name + " matches no input of the circuit (its inputs: "
                        + String.join(", ", inputs.keySet()) + "); rename or remove it");
            }
        }
        for (String name : inputs.keySet()) {
            if (!arrays.containsKey(name)) {
                throw new NpyException(file + ": no array for input " + name + " (the file has "
                        + (arrays.isEmpty() ? "no arrays" : String.join(", ", arrays.keySet())) + ")");
            }
        }
        int n = -1;
        String first = null;
        Map<String, Object> data = new LinkedHashMap<>();
        for (Map.Entry<String, TensorType> in : inputs.entrySet()) {
            NpyArray a = arrays.get(in.getKey());
            checkShape(a, in.getKey(), in.getValue());
            int count = a.shape()[0];
            if (n >= 0 && count != n) {
                throw new NpyException(file + ": arrays hold different numbers of samples: " + first + " has " + n
                        + ", " + in.getKey() + " has " + count + " (the first axis counts samples)");
            }
            n = count;
            first = in.getKey();
            data.put(in.getKey(), convert(a, in.getKey(), in.getValue()));
        }
        if (n == 0) throw new NpyException(file + ": the arrays hold no samples (their first axis has size 0)");
        return new TrainData(file, sampleAxis, new LinkedHashMap<>(inputs), data, 0, n);
    }

    private static void checkShape(NpyArray a, String input, TensorType t) throws NpyException {
        int[] shape = a.shape();
        boolean ok = shape.length == t.rank() + 1;
        for (int i = 0; ok && i < t.rank(); i++) ok = shape[i + 1] == t.axes().get(i).size();
        if (!ok) {
            StringBuilder want = new StringBuilder("(N");
            for (Axis x : t.axes()) want.append(", ").append(x.size());
            want.append(t.rank() == 0 ? ",)" : ")");
            throw new NpyException(a.source() + ": input " + input + " is " + t + ", so its array must have shape "
                    + want + " (samples first, then the input's axes in order) but it has shape " + a.shapeText());
        }
    }

    /** The array's elements in the input's dtype, checked finite (floats) or in range (integers). */
    private static Object convert(NpyArray a, String input, TensorType t) throws NpyException {
        Object d = a.data();
        int per = Math.max(1, t.arrayLength());
        String refused = a.source() + ": input " + input + " is " + t.dtype().word() + " but the array holds "
                + a.numpyName();
        switch (t.dtype()) {
            case F32, F64 -> {
                if (!(d instanceof float[]) && !(d instanceof double[])) {
                    throw new NpyException(refused + "; save it as float32 or float64");
                }
                int len = java.lang.reflect.Array.getLength(d);
                Object out = t.dtype() == DType.F32 ? new float[len] : new double[len];
                for (int i = 0; i < len; i++) {
                    double v = d instanceof float[] f ? f[i] : ((double[]) d)[i];
                    if (out instanceof float[] f) f[i] = (float) v;
                    else ((double[]) out)[i] = v;
                    double stored = out instanceof float[] f ? f[i] : v;
                    if (!Double.isFinite(stored)) {
                        String what = Double.isFinite(v) ? v + ", which overflows f32," : String.valueOf(v);
                        throw new NpyException(a.source() + ": sample " + i / per + " holds " + what
                                + " (element " + i % per + " of the sample); training data must be finite");
                    }
                }
                return out;
            }
            case I32 -> {
                if (d instanceof int[] ints) return ints;
                if (!(d instanceof long[] l)) throw new NpyException(refused + "; save it as an integer array");
                int[] out = new int[l.length];
                for (int i = 0; i < l.length; i++) {
                    if (l[i] != (int) l[i]) {
                        throw new NpyException(a.source() + ": sample " + i / per + " holds " + l[i] + " (element "
                                + i % per + " of the sample), outside the range of i32, which input " + input + " is");
                    }
                    out[i] = (int) l[i];
                }
                return out;
            }
            case BOOL -> {
                if (d instanceof boolean[] b) return b;
                throw new NpyException(refused + "; save it as bool");
            }
        }
        throw new AssertionError(t.dtype());
    }

    /** Number of samples. */
    public int samples() { return samples; }

    /** The input names, in the circuit's order. */
    public Set<String> names() { return Collections.unmodifiableSet(inputs.keySet()); }

    /** The file the data came from, as given to {@link #load}. */
    public String source() { return file; }

    /** The name of the leading axis of every batch. */
    public String sampleAxis() { return sampleAxis; }

    /**
     * The samples at {@code sampleIndices} (in that order; repeats allowed), per input a tensor of type
     * {@code [sampleAxis: indices.length, ...the input's axes]} with the input's dtype and unit.
     *
     * @throws IllegalArgumentException when there are no indices or one is outside {@code [0, samples())}
     */
    public Map<String, Tensor> batch(int[] sampleIndices) {
        if (sampleIndices.length == 0) throw new IllegalArgumentException("a batch needs at least one sample");
        for (int i : sampleIndices) {
            if (i < 0 || i >= samples) throw new IllegalArgumentException("sample " + i + " is outside [0, " + samples + ")");
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorType> in : inputs.entrySet()) {
            TensorType t = in.getValue();
            List<Axis> axes = new ArrayList<>();
            axes.add(new Axis(sampleAxis, sampleIndices.length));
            axes.addAll(t.axes());
            Tensor b = Tensor.zeros(t.withAxes(axes));
            Object src = data.get(in.getKey());
            int per = Math.max(1, t.arrayLength());
            for (int k = 0; k < sampleIndices.length; k++) {
                System.arraycopy(src, (offset + sampleIndices[k]) * per, b.data(), k * per, per);
            }
            out.put(in.getKey(), b);
        }
        return out;
    }

    /**
     * Samples {@code [from, to)} of this set, sharing its data: a smaller set for a quick (CI-sized) run, or a
     * held-out validation split.
     *
     * @throws IllegalArgumentException unless {@code 0 <= from < to <= samples()}
     */
    public TrainData subset(int from, int to) {
        if (from < 0 || to > samples || from >= to) {
            throw new IllegalArgumentException("subset [" + from + ", " + to + ") of " + samples + " samples");
        }
        return new TrainData(file, sampleAxis, inputs, data, offset + from, to - from);
    }
}
