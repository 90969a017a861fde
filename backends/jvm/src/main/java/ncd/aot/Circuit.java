package ncd.aot;

import ncd.ir.TensorType;
import ncd.jvm.AotSupport;
import ncd.jvm.Kernel;
import ncd.runtime.Tensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A circuit compiled ahead of time by {@code ncdc build --target jvm}: the generated class, its buffers as the
 * build's seed drew them, and this API, all in one jar that needs nothing else on the class path.
 *
 * <pre>{@code
 * Circuit c = Circuit.load();                  // the jar's circuit
 * c.setInput("x", new float[] {...});          // row-major, in the input's declared axis order
 * c.run(100);                                  // 100 steps in the generated loop; inputs stay as set
 * Tensor y = c.output("y");                    // the last step's output
 * }</pre>
 *
 * <p>The jar may hold two generated classes: one whose bool stencils run on Vector API byte lanes (used when the
 * JVM runs with {@code --add-modules jdk.incubator.vector} on a machine with the build machine's vector width) and
 * one that runs anywhere. Matrix products use the Vector API whenever the module is present, else scalar loops.
 *
 * <p>Not thread-safe: one thread steps an instance at a time. Each {@link #load} makes an independent instance.
 */
public final class Circuit {
    /** Where a jar keeps its circuits: {@code circuits} (one name per line), {@code NAME.circuit}, {@code NAME.buffers}. */
    public static final String DIR = "META-INF/ncd/";

    private final Descriptor d;
    private final Descriptor.Variant variant;
    private final Kernel kernel;
    private final Map<String, Descriptor.Port> inputs = new LinkedHashMap<>(), outputs = new LinkedHashMap<>(),
            states = new LinkedHashMap<>(), params = new LinkedHashMap<>();
    private final Object[] lastOutputs;
    private final int[] stateSlots, initSlots, stateLengths;
    private boolean stepped;
    /** A parameter was set since {@code init()} last ran: the values computed once from parameters are stale. */
    private boolean paramsSet;

    private Circuit(Descriptor d, Descriptor.Variant variant, Object[] buffers) throws ReflectiveOperationException {
        this.d = d;
        this.variant = variant;
        this.kernel = AotSupport.instantiate(variant.className(), buffers);
        for (Descriptor.Port p : d.inputs()) inputs.put(p.name(), p);
        for (Descriptor.Port p : d.outputs()) outputs.put(p.name(), p);
        for (Descriptor.Port p : d.states()) states.put(p.name(), p);
        for (Descriptor.Port p : d.params()) params.put(p.name(), p);
        lastOutputs = new Object[d.outputs().size()];
        for (int i = 0; i < lastOutputs.length; i++) lastOutputs[i] = zeros(d.outputs().get(i).type());
        int n = d.states().size();
        stateSlots = new int[n];
        initSlots = new int[n];
        stateLengths = new int[n];
        for (int i = 0; i < n; i++) {
            Descriptor.Port s = d.states().get(i);
            stateSlots[i] = s.slot();
            initSlots[i] = s.init();
            stateLengths[i] = count(s.type());
        }
        reset();
    }

    // ------------------------------------------------------------------------------------------------ loading

    /** The one circuit on the class path of this class's loader (the jar's own). */
    public static Circuit load() {
        List<String> names = circuitNames();
        if (names.isEmpty()) throw new IllegalStateException("no compiled circuit on the class path (no " + DIR + "circuits resource)");
        if (names.size() > 1) throw new IllegalStateException("several compiled circuits on the class path: " + names + "; say which with load(name)");
        return load(names.get(0));
    }

    /** The circuits on the class path of this class's loader, as {@code ncdc build} named them. */
    public static List<String> circuitNames() {
        Set<String> names = new LinkedHashSet<>();
        try {
            Enumeration<URL> e = loader().getResources(DIR + "circuits");
            while (e.hasMoreElements()) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(e.nextElement().openStream(), StandardCharsets.UTF_8))) {
                    r.lines().map(String::strip).filter(s -> !s.isEmpty()).forEach(names::add);
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot list the compiled circuits: " + ex.getMessage(), ex);
        }
        return new ArrayList<>(names);
    }

    /**
     * The circuit {@code name}, compiled into a jar on the class path, in its initial state. Picks the generated class
     * that this JVM can run fastest (see the class comment).
     */
    public static Circuit load(String name) {
        String base = DIR + fileName(name);
        try {
            Descriptor d;
            try (InputStream in = loader().getResourceAsStream(base + ".circuit")) {
                if (in == null) throw new IllegalArgumentException("no compiled circuit " + name + " on the class path; it has " + circuitNames());
                d = Descriptor.read(in, base + ".circuit");
            }
            byte[] buffers;
            try (InputStream in = loader().getResourceAsStream(base + ".buffers")) {
                if (in == null) throw new IOException(base + ".buffers is missing");
                buffers = in.readAllBytes();
            }
            int lanes = AotSupport.vectorLanes();
            for (int v = 0; v < d.variants().size(); v++) {
                Descriptor.Variant var = d.variants().get(v);
                if (var.lanes() == 0 || var.lanes() == lanes) return new Circuit(d, var, BufferFile.slots(buffers, v, base + ".buffers"));
            }
            throw new IllegalStateException("circuit " + name + " was compiled only for the Vector API with "
                    + d.variants().get(0).lanes() + " byte lanes; run java with --add-modules jdk.incubator.vector on such a machine");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load circuit " + name + ": " + e.getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the generated class of circuit " + name + ": " + e, e);
        } catch (SecurityException e) {
            throw new IllegalStateException("circuit " + name + " comes from another jar than the runtime already loaded here"
                    + " (package ncd.jvm is sealed to its jar): give each circuit jar its own class loader", e);
        }
    }

    /** The resource name {@code ncdc build} gives a circuit: characters outside Java identifiers become {@code _}. */
    public static String fileName(String circuit) {
        StringBuilder sb = new StringBuilder();
        for (char c : circuit.toCharArray()) sb.append(Character.isJavaIdentifierPart(c) ? c : '_');
        return sb.toString();
    }

    private static ClassLoader loader() {
        ClassLoader l = Circuit.class.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }

    // ------------------------------------------------------------------------------------------------ interface

    /** The circuit's name. */
    public String name() { return d.circuit(); }

    /** The seed the parameters were drawn from when the jar was built. */
    public long seed() { return d.seed(); }

    public List<String> inputNames() { return List.copyOf(inputs.keySet()); }

    public List<String> outputNames() { return List.copyOf(outputs.keySet()); }

    public List<String> stateNames() { return List.copyOf(states.keySet()); }

    public List<String> paramNames() { return List.copyOf(params.keySet()); }

    public TensorType inputType(String name) { return port(inputs, "input", name).type(); }

    public TensorType outputType(String name) { return port(outputs, "output", name).type(); }

    /** The generated class in use. */
    public String className() { return variant.className(); }

    /** Whether the class in use runs bool stencils on Vector API lanes. */
    public boolean vectorLoops() { return variant.lanes() > 0; }

    /** Whether matrix products use the Vector API here (else scalar loops, announced once on stderr). */
    public static boolean vectorMatrixProducts() { return AotSupport.vectorized(); }

    // ------------------------------------------------------------------------------------------------ running

    /** Sets input {@code name} from a tensor; its axes are matched by name (and transposed if their order differs). */
    public void setInput(String name, Tensor value) {
        Descriptor.Port p = port(inputs, "input", name);
        Tensor t = value.conform(p.type(), "input " + name, IllegalArgumentException::new);
        System.arraycopy(t.data(), 0, kernel.buffer(p.slot()), 0, t.size());
    }

    /** Sets an f32 input from its elements in row-major order of its declared axes. */
    public void setInput(String name, float[] data) { setRaw(name, data, data.length); }

    /** Sets an f64 input. */
    public void setInput(String name, double[] data) { setRaw(name, data, data.length); }

    /** Sets an i32 input. */
    public void setInput(String name, int[] data) { setRaw(name, data, data.length); }

    /** Sets a bool input. */
    public void setInput(String name, boolean[] data) { setRaw(name, data, data.length); }

    private void setRaw(String name, Object data, int length) {
        Descriptor.Port p = port(inputs, "input", name);
        Object buf = kernel.buffer(p.slot());
        if (buf.getClass() != data.getClass()) {
            throw new IllegalArgumentException("input " + name + " is " + p.type() + "; give a " + buf.getClass().getComponentType() + "[]");
        }
        int n = count(p.type());
        if (length != n) throw new IllegalArgumentException("input " + name + " is " + p.type() + " (" + n + " elements) but " + length + " were given");
        System.arraycopy(data, 0, buf, 0, n);
    }

    /**
     * The buffer that input {@code name} is read from ({@code float[]}, {@code double[]}, {@code int[]} or
     * {@code boolean[]}, row-major in its declared axis order): write into it to set the input without a copy.
     */
    public Object inputBuffer(String name) { return kernel.buffer(port(inputs, "input", name).slot()); }

    /** One step: computes the outputs and the next state from the current inputs, then advances the state. */
    public void step() {
        prepare();
        kernel.step();
        for (int i = 0; i < lastOutputs.length; i++) {
            Object out = lastOutputs[i];
            int slot = d.outputs().get(i).slot();
            kernel.unpack(slot);   // an output that is a state kept bit-packed across steps
            System.arraycopy(kernel.buffer(slot), 0, out, 0, java.lang.reflect.Array.getLength(out));
        }
        kernel.advance();
        stepped = true;
    }

    /** {@code n} steps, all but the last in the generated loop (no call back per step); the outputs are the last step's. */
    public void run(long n) {
        if (n < 0) throw new IllegalArgumentException("cannot run " + n + " steps");
        if (n == 0) return;
        prepare();
        kernel.run(n - 1);
        step();
    }

    /** Output {@code name} of the last step, as a fresh tensor. */
    public Tensor output(String name) {
        Descriptor.Port p = port(outputs, "output", name);
        if (!stepped) throw new IllegalStateException("no step has run since the circuit was loaded or reset");
        return copy(p.type(), lastOutputs[d.outputs().indexOf(p)]);
    }

    /** Every output of the last step, by name. */
    public Map<String, Tensor> outputs() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : outputs.keySet()) out.put(n, output(n));
        return out;
    }

    /** The current value of state {@code name}, as a fresh tensor. */
    public Tensor state(String name) {
        Descriptor.Port p = port(states, "state", name);
        kernel.unpack(p.slot());   // a state kept bit-packed across steps is unpacked when read
        return copy(p.type(), kernel.buffer(p.slot()));
    }

    /** Replaces the current value of state {@code name} (axes matched by name); the next step starts from it. */
    public void setState(String name, Tensor value) {
        Descriptor.Port p = port(states, "state", name);
        Tensor t = value.conform(p.type(), "state " + name, IllegalArgumentException::new);
        System.arraycopy(t.data(), 0, kernel.buffer(p.slot()), 0, t.size());
        kernel.written(p.slot());   // a state kept bit-packed is packed again from this value
    }

    /** Every state's current value, by name. */
    public Map<String, Tensor> states() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String n : states.keySet()) out.put(n, state(n));
        return out;
    }

    /** Parameters by instance path; each tensor is a live view of the parameter's buffer. */
    public Map<String, Tensor> params() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Descriptor.Port p : params.values()) out.put(p.name(), wrap(p.type(), kernel.buffer(p.slot())));
        return Collections.unmodifiableMap(out);
    }

    /** Replaces a parameter's values (axes matched by name). */
    public void setParam(String path, Tensor value) {
        Descriptor.Port p = port(params, "parameter", path);
        Tensor t = value.conform(p.type(), "parameter " + path, IllegalArgumentException::new);
        System.arraycopy(t.data(), 0, kernel.buffer(p.slot()), 0, t.size());
        paramsSet = true;
    }

    /** After {@link #setParam}, the values computed once from the parameters are recomputed before the next step. */
    private void prepare() {
        if (!paramsSet) return;
        AotSupport.prepare(kernel);
        paramsSet = false;
    }

    /** Steps taken since the circuit was loaded or reset. */
    public long steps() { return kernel.t(); }

    /** Puts every state back at its initial value and the step count at 0 (inputs and parameters stay). */
    public void reset() {
        AotSupport.reset(kernel, stateSlots, initSlots, stateLengths);
        stepped = false;
        paramsSet = false;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Descriptor.Port port(Map<String, Descriptor.Port> ports, String what, String name) {
        Descriptor.Port p = ports.get(name);
        if (p == null) {
            String plural = what.equals("parameter") ? "parameters" : what + "s";
            throw new IllegalArgumentException("no " + what + " " + name + "; the circuit's " + plural + ": " + ports.keySet());
        }
        return p;
    }

    private static int count(TensorType t) { return t.arrayLength(); }

    private static Object zeros(TensorType t) {
        int n = count(t);
        return switch (t.dtype()) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
            case BOOL -> new boolean[n];
        };
    }

    private static Tensor wrap(TensorType t, Object buf) {
        if (buf instanceof float[] f) return Tensor.of(t, f);
        if (buf instanceof double[] x) return Tensor.of(t, x);
        if (buf instanceof int[] i) return Tensor.of(t, i);
        return Tensor.of(t, (boolean[]) buf);
    }

    private static Tensor copy(TensorType t, Object buf) {
        if (buf instanceof float[] f) return Tensor.of(t, f.clone());
        if (buf instanceof double[] x) return Tensor.of(t, x.clone());
        if (buf instanceof int[] i) return Tensor.of(t, i.clone());
        return Tensor.of(t, ((boolean[]) buf).clone());
    }
}
