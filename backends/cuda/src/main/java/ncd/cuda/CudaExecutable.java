package ncd.cuda;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Executable;
import ncd.runtime.ParamInit;
import ncd.runtime.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link CudaProgram} running on a {@link Device}: parameters drawn from the seed as every backend draws them and
 * copied to the device once (and again when set); inputs copied in and outputs out at each step, nothing else crosses
 * between host and device. The hoisted values are computed when the instance is made and before the first step after
 * a parameter is set. A gather index out of range, which the kernels report in the error word, is thrown with the
 * interpreter's message after the step (the state is then not advanced by the host's count).
 */
public final class CudaExecutable implements Executable, AutoCloseable {
    private static final byte[] NO_ERROR = new byte[CudaProgram.ERROR_BYTES];

    static {
        java.util.Arrays.fill(NO_ERROR, 0, 8, (byte) 0xff);
    }

    private final CudaProgram program;
    private final Device device;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private boolean paramsSet;
    private long steps;

    CudaExecutable(CudaProgram program, long seed, Device device) {
        this.program = program;
        this.device = device;
        for (Node n : program.graph().nodes()) {
            if (n.op() != Op.PARAM) continue;
            Attr.Param p = (Attr.Param) n.attr();
            if (params.containsKey(p.name())) continue;
            Tensor t = Tensor.zeros(n.type());
            double[] v = ParamInit.values(p, n.type(), seed);
            for (int i = 0; i < v.length; i++) t.set(i, v[i]);
            params.put(p.name(), t);
        }
        for (Map.Entry<String, Tensor> p : params.entrySet()) device.write(program.params().get(p.getKey()).offset(), bytes(p.getValue()));
        run(Device.Phase.HOIST, -1);
        reset();
    }

    /** The program it runs. */
    public CudaProgram program() { return program; }

    /** Where it runs. */
    public String deviceName() { return device.describe(); }

    @Override public Graph graph() { return program.graph(); }

    @Override public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (Node in : graph().inputs()) names.add(((Attr.Named) in.attr()).name());
        return names;
    }

    @Override public Map<String, Tensor> step(Map<String, Tensor> inputs) {
        for (Node in : graph().inputs()) {
            String name = ((Attr.Named) in.attr()).name();
            Tensor t = inputs.get(name);
            if (t == null) throw new CudaRunException("input " + name + " is missing; the circuit takes " + inputNames());
            device.write(program.inputs().get(name).offset(), bytes(t.conform(in.type(), "input " + name, CudaRunException::new)));
        }
        for (String name : inputs.keySet()) {
            if (!inputNames().contains(name)) throw new CudaRunException("no input " + name + "; the circuit takes " + inputNames());
        }
        if (paramsSet) {
            run(Device.Phase.HOIST, -1);
            paramsSet = false;
        }
        run(Device.Phase.STEP, steps);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, CudaProgram.Region> o : program.outputs().entrySet()) out.put(o.getKey(), read(o.getValue()));
        steps++;
        return out;
    }

    /**
     * {@code n} steps on the inputs of the last {@link #step}, their outputs not copied back: the device's own loop,
     * which {@code ncdc bench --loop} times.
     */
    public void run(long n) {
        if (paramsSet) {
            run(Device.Phase.HOIST, -1);
            paramsSet = false;
        }
        device.write(0, NO_ERROR);
        device.steps(steps, n);
        checkErrors();
        steps += n;
    }

    @Override public Map<String, Tensor> params() { return Collections.unmodifiableMap(params); }

    @Override public void setParam(String path, Tensor value) {
        Tensor old = params.get(path);
        if (old == null) throw new CudaRunException("no parameter " + path + "; parameters: " + params.keySet());
        Tensor t = value.conform(old.type(), "parameter " + path, CudaRunException::new);
        params.put(path, t);
        device.write(program.params().get(path).offset(), bytes(t));
        paramsSet = true;
    }

    @Override public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, CudaProgram.Region> s : program.states().entrySet()) out.put(s.getKey(), read(s.getValue()));
        return out;
    }

    @Override public Tensor state(String name) {
        CudaProgram.Region r = program.states().get(name);
        return r == null ? Executable.super.state(name) : read(r);
    }

    @Override public long steps() { return steps; }

    @Override public void reset() {
        if (paramsSet) {
            run(Device.Phase.HOIST, -1);
            paramsSet = false;
        }
        run(Device.Phase.RESET, -1);
        steps = 0;
    }

    @Override public void close() { device.close(); }

    /** Runs a phase with the error word cleared, then throws the first out-of-range gather it reports. */
    private void run(Device.Phase phase, long step) {
        device.write(0, NO_ERROR);
        device.run(phase, step);
        checkErrors();
    }

    private void checkErrors() {
        ByteBuffer e = ByteBuffer.wrap(device.read(0, CudaProgram.ERROR_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        long key = e.getLong(0);
        if (key == -1L) return;
        CudaProgram.Gather g = program.gathers().get((int) (key >>> 32) - 1);
        if (g.failure() != null) {
            throw new CudaRunException(ncd.runtime.Linalg.failure(ncd.runtime.Linalg.Plan.decode(g.failure()), e.getInt(8)));
        }
        throw new CudaRunException("gather: index " + e.getInt(8) + " is out of range for axis " + g.axis() + " of size " + g.size());
    }

    private Tensor read(CudaProgram.Region r) {
        return tensor(r.type(), device.read(r.offset(), (int) r.bytes()));
    }

    /** A tensor's elements as the device holds them: little-endian, a bool as one byte. */
    static byte[] bytes(Tensor t) {
        DType d = t.dtype();
        ByteBuffer b = ByteBuffer.allocate(t.size() * d.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.size(); i++) {
            double v = t.get(i);
            switch (d) {
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
                case I32 -> b.putInt((int) v);
                case BOOL -> b.put((byte) (v != 0 ? 1 : 0));
            }
        }
        return b.array();
    }

    static Tensor tensor(TensorType type, byte[] bytes) {
        Tensor t = Tensor.zeros(type);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, switch (type.dtype()) {
                case F32 -> b.getFloat();
                case F64 -> b.getDouble();
                case I32 -> b.getInt();
                case BOOL -> b.get() != 0 ? 1 : 0;
            });
        }
        return t;
    }
}
