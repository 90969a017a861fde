package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.runtime.Executable;
import ncd.runtime.Tensor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.Textifier;
import org.objectweb.asm.util.TraceClassVisitor;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled to a {@link Kernel}: its buffers, parameters and state, behind the {@link Executable} API that the
 * interpreter also implements. {@link #step(Map)} copies the inputs into their buffers, runs the generated
 * {@code step()}, copies the outputs out and advances the state. For allocation-free runs, write inputs into
 * {@link #inputBuffer} and call {@link #stepInPlace()} or {@link #run(long)}, then read {@link #outputBuffer}.
 */
public final class JvmExecutable implements Executable {
    private final Graph graph;
    private final Plan plan;
    private final byte[] classBytes;
    private final Kernel kernel;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Long> compileNanos = new LinkedHashMap<>();
    /** A parameter was set since {@code init()} last ran: the hoisted values are stale. */
    private boolean paramsSet;

    JvmExecutable(Graph graph, long seed, JvmOptions options) {
        this.graph = graph;
        long t0 = System.nanoTime();
        this.plan = new Plan(graph, seed, options);
        long t1 = System.nanoTime();
        String name = ClassGen.className(graph.name());
        this.classBytes = new ClassGen(plan, name).generate();
        long t2 = System.nanoTime();
        Object[] buffers = plan.buffers.toArray();
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(classBytes, true);
            this.kernel = (Kernel) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class, Object[].class))
                    .invoke(buffers);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cannot define the generated class for " + graph.name(), t);
        }
        if (options.profile()) kernel.prof = new long[plan.stepNodes.size()];
        for (Map.Entry<String, Integer> p : plan.paramSlots.entrySet()) {
            params.put(p.getKey(), wrap(plan.paramTypes.get(p.getKey()), plan.buffers.get(p.getValue())));
        }
        long t3 = System.nanoTime();
        reset();
        long t4 = System.nanoTime();
        compileNanos.put("plan", t1 - t0);
        compileNanos.put("codegen (" + classBytes.length + " bytes)", t2 - t1);
        compileNanos.put("class load", t3 - t2);
        compileNanos.put("init (hoisted work, states)", t4 - t3);
    }

    /**
     * The parts of the compilation: plan (buffers, constants, parameters drawn), codegen (ASM writes the class), class
     * load (defined, verified, constructed), init (the hoisted nodes computed once and the states set: {@link #reset}).
     */
    @Override public Map<String, Long> compileNanos() { return Collections.unmodifiableMap(compileNanos); }

    @Override public Graph graph() { return graph; }

    /** Per node of the step, with the nodes computed inside its loop; empty unless built with profiling on. */
    @Override public Map<String, Long> nodeNanos() {
        Map<String, Long> out = new LinkedHashMap<>();
        if (kernel.prof.length == 0) return out;
        // how many nodes each loop computes besides its own: the schedule names every fused node's loop
        Map<Node, Integer> fused = new java.util.HashMap<>();
        if (plan.fusion != Fusion.NONE) for (Node root : plan.schedule.fusion().roots().values()) fused.merge(root, 1, Integer::sum);
        for (int i = 0; i < plan.stepNodes.size(); i++) {
            Node n = plan.stepNodes.get(i);
            int k = fused.getOrDefault(n, 0);
            String what = n.op().name().toLowerCase(java.util.Locale.ROOT) + (n.attr() == null ? "" : " " + n.attr());
            out.put("%" + n.id() + " " + what + " : " + graph.typeText(n.type()) + (k > 0 ? " (+" + k + " fused)" : "")
                    + (n.scope().isEmpty() ? "" : "  # " + n.scope()), kernel.prof[i]);
        }
        return out;
    }

    @Override public List<String> inputNames() { return new ArrayList<>(plan.inputSlots.keySet()); }

    /** Parameters by instance path; each tensor is a live view of the parameter's buffer. */
    @Override public Map<String, Tensor> params() { return Collections.unmodifiableMap(params); }

    @Override public void setParam(String path, Tensor value) {
        Integer slot = plan.paramSlots.get(path);
        if (slot == null) throw new JvmRunException("no parameter " + path + "; parameters: " + params.keySet());
        Tensor t = value.conform(plan.paramTypes.get(path), "parameter " + path, JvmRunException::new);
        Object buf = plan.buffers.get(slot);
        System.arraycopy(t.data(), 0, buf, 0, t.size());
        paramsSet = true;
    }

    @Override public Tensor state(String name) {
        for (Plan.StatePlan s : plan.states) if (s.state().name().equals(name)) return copy(s.state().type(), read(s.slot()));
        return Executable.super.state(name);
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Plan.StatePlan s : plan.states) out.put(s.state().name(), copy(s.state().type(), read(s.slot())));
        return out;
    }

    /**
     * Replaces the current value of state {@code name} (axes matched by name; sizes and dtype must agree); the next
     * step starts from it. The step count stays as it is.
     */
    public void setState(String name, Tensor value) {
        for (Plan.StatePlan s : plan.states) {
            if (!s.state().name().equals(name)) continue;
            Tensor t = value.conform(s.state().type(), "state " + name, JvmRunException::new);
            System.arraycopy(t.data(), 0, kernel.buffer(s.slot()), 0, t.size());
            kernel.written(s.slot());   // a state kept bit-packed is packed again from this value
            return;
        }
        List<String> names = new ArrayList<>();
        for (Plan.StatePlan s : plan.states) names.add(s.state().name());
        throw new JvmRunException("no state " + name + "; the states: " + names);
    }

    /** The buffer in {@code slot}, holding its value (a state kept bit-packed across steps is unpacked first). */
    private Object read(int slot) {
        kernel.unpack(slot);
        return kernel.buffer(slot);
    }

    @Override public long steps() { return kernel.t(); }

    @Override public void reset() {
        int n = plan.states.size();
        int[] slots = new int[n], inits = new int[n], lengths = new int[n];
        for (int i = 0; i < n; i++) {
            Plan.StatePlan s = plan.states.get(i);
            slots[i] = s.slot();
            inits[i] = s.init();
            lengths[i] = s.length();
        }
        AotSupport.reset(kernel, slots, inits, lengths);
        paramsSet = false;
    }

    /** After {@link #setParam}, the hoisted nodes (which read parameters) are recomputed before the next step. */
    private void prepare() {
        if (!paramsSet) return;
        AotSupport.prepare(kernel);
        paramsSet = false;
    }

    @Override public Map<String, Tensor> step(Map<String, Tensor> inputs) {
        for (Node in : graph.inputs()) {
            String name = ((Attr.Named) in.attr()).name();
            Tensor t = inputs.get(name);
            if (t == null) throw new JvmRunException("input " + name + " is missing; the circuit takes " + inputNames());
            Tensor c = t.conform(in.type(), "input " + name, JvmRunException::new);
            System.arraycopy(c.data(), 0, kernel.buffer(plan.inputSlots.get(name)), 0, c.size());
        }
        for (String name : inputs.keySet()) {
            if (!plan.inputSlots.containsKey(name)) throw new JvmRunException("no input " + name + "; the circuit takes " + inputNames());
        }
        prepare();
        kernel.step();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Graph.Output o : graph.outputs()) out.put(o.name(), copy(o.node().type(), read(plan.slot(o.node()))));
        kernel.advance();
        return out;
    }

    /** One step on the inputs already in their buffers; allocates nothing. Read outputs before the next step. */
    public void stepInPlace() {
        prepare();
        kernel.step();
        kernel.advance();
    }

    /** {@code n} steps in the generated loop, on the inputs already in their buffers; allocates nothing. */
    public void run(long n) {
        prepare();
        kernel.run(n);
    }

    /** The buffer of input {@code name} ({@code float[]}, ...), row-major in the input's declared axis order. */
    public Object inputBuffer(String name) {
        Integer slot = plan.inputSlots.get(name);
        if (slot == null) throw new IllegalArgumentException("no input " + name);
        return kernel.buffer(slot);
    }

    /**
     * The buffer holding output {@code name} after the last {@code step()} of the kernel. The slot of a state's next
     * value changes buffers as states advance: read it after {@link Kernel#step()} and before advancing, or read
     * {@link #state()}. An output that is a state kept bit-packed across steps is unpacked into it by this call: call
     * it again after further steps.
     */
    public Object outputBuffer(String name) {
        for (Graph.Output o : graph.outputs()) if (o.name().equals(name)) return read(plan.slot(o.node()));
        throw new IllegalArgumentException("no output " + name);
    }

    /** The generated kernel (for benchmarks that time {@code step()} alone). */
    public Kernel kernel() { return kernel; }

    /** The generated class file. */
    public byte[] classBytes() { return classBytes.clone(); }

    /** The generated class as ASM's Textifier prints it. */
    public String asmText() {
        StringWriter sw = new StringWriter();
        new ClassReader(classBytes).accept(new TraceClassVisitor(null, new Textifier(), new PrintWriter(sw)), 0);
        return sw.toString();
    }

    /** Total bytes of the preallocated buffers. */
    public long bufferBytes() {
        long n = 0;
        for (Object b : plan.buffers) {
            int len = java.lang.reflect.Array.getLength(b);
            n += (long) len * Plan.dtypeOf(b).bytes();
        }
        return n;
    }

    private static Tensor wrap(TensorType t, Object buf) {
        if (buf instanceof float[] f) return Tensor.of(t, f);
        if (buf instanceof double[] d) return Tensor.of(t, d);
        if (buf instanceof int[] i) return Tensor.of(t, i);
        return Tensor.of(t, (boolean[]) buf);
    }

    private static Tensor copy(TensorType t, Object buf) {
        if (buf instanceof float[] f) return Tensor.of(t, f.clone());
        if (buf instanceof double[] d) return Tensor.of(t, d.clone());
        if (buf instanceof int[] i) return Tensor.of(t, i.clone());
        return Tensor.of(t, ((boolean[]) buf).clone());
    }
}
