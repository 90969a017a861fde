package ncd.cuda;

import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.bytedeco.cuda.global.cudart.*;

/**
 * A GPU through the CUDA driver API (JavaCPP's CUDA presets): the program's source compiled by nvcc to a cubin for
 * the device's compute capability ({@link Compilers#cubin}, cached), loaded as a module; one {@code cuMemAlloc} for
 * the whole allocation; each phase's launches and device-to-device copies issued in order on the default stream,
 * then one synchronisation. Loading the presets fails (a catchable error) where the driver is missing; {@link #open}
 * turns that, and every driver error, into a {@link CudaDeviceException} that says what failed.
 */
final class DriverDevice implements Device {
    private final CudaProgram program;
    private final Map<String, CUfunc_st> functions = new HashMap<>();
    private final long base;
    private final String name;
    private final LongPointer baseArg = new LongPointer(1), stepArg = new LongPointer(1);
    private final PointerPointer<LongPointer> args;
    private boolean closed;

    private DriverDevice(CudaProgram program, long base, String name, Map<String, CUfunc_st> functions) {
        this.program = program;
        this.base = base;
        this.name = name;
        this.functions.putAll(functions);
        baseArg.put(base);
        args = new PointerPointer<>(baseArg, stepArg);
    }

    /** The first GPU, with {@code program} loaded and its allocation made. */
    static DriverDevice open(CudaProgram program) {
        try {
            Loader.load(cudart.class);
        } catch (Throwable t) {
            throw new CudaDeviceException("no CUDA device: the CUDA driver (libcuda.so.1) did not load (" + t.getMessage() + ")", t);
        }
        check(cuInit(0), "cuInit");
        int[] dev = new int[1];
        check(cuDeviceGet(dev, 0), "cuDeviceGet");
        int[] major = new int[1], minor = new int[1];
        check(cuDeviceGetAttribute(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev[0]), "cuDeviceGetAttribute");
        check(cuDeviceGetAttribute(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev[0]), "cuDeviceGetAttribute");
        byte[] nameBytes = new byte[256];
        check(cuDeviceGetName(nameBytes, nameBytes.length, dev[0]), "cuDeviceGetName");
        String name = new String(nameBytes, java.nio.charset.StandardCharsets.UTF_8).replace("\0", "").trim();
        CUctx_st ctx = new CUctx_st();
        check(cuDevicePrimaryCtxRetain(ctx, dev[0]), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        byte[] cubin = Compilers.cubin(program.source(), major[0] * 10 + minor[0]);
        CUmod_st module = new CUmod_st();
        check(cuModuleLoadData(module, new BytePointer(cubin)), "cuModuleLoadData");
        Map<String, CUfunc_st> functions = new HashMap<>();
        for (CudaProgram.Kernel k : program.kernels()) {
            CUfunc_st f = new CUfunc_st();
            check(cuModuleGetFunction(f, module, k.name()), "cuModuleGetFunction " + k.name());
            functions.put(k.name(), f);
        }
        long[] base = new long[1];
        check(cuMemAlloc(base, program.totalBytes()), "cuMemAlloc of " + program.totalBytes() + " bytes");
        check(cuMemsetD8(base[0], (byte) 0, program.totalBytes()), "cuMemsetD8");
        return new DriverDevice(program, base[0], name + " (sm_" + major[0] + minor[0] + ")", functions);
    }

    @Override public void write(long offset, byte[] bytes) {
        try (BytePointer host = new BytePointer(bytes)) {
            check(cuMemcpyHtoD(base + offset, host, bytes.length), "cuMemcpyHtoD");
        }
    }

    @Override public byte[] read(long offset, int n) {
        byte[] out = new byte[n];
        try (BytePointer host = new BytePointer(n)) {
            check(cuMemcpyDtoH(host, base + offset, n), "cuMemcpyDtoH");
            host.get(out);
        }
        return out;
    }

    @Override public void run(Phase phase, long step) {
        issue(phase, step);
        check(cuCtxSynchronize(), "running " + phase.name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override public void steps(long first, long n) {
        for (long i = 0; i < n; i++) issue(Phase.STEP, first + i);
        check(cuCtxSynchronize(), "running " + n + " steps");
    }

    /** Queues a phase's launches and copies on the default stream (a launch copies its arguments when it is queued). */
    private void issue(Phase phase, long step) {
        List<CudaProgram.Action> actions = switch (phase) {
            case HOIST -> program.hoist();
            case RESET -> program.reset();
            case STEP -> program.step();
        };
        stepArg.put(step);
        for (CudaProgram.Action a : actions) {
            if (a instanceof CudaProgram.Launch l) {
                check(cuLaunchKernel(functions.get(l.kernel()), l.gridX(), l.gridY(), l.gridZ(), l.block(), 1, 1, 0, (CUstream_st) null, args,
                        (PointerPointer<?>) null), "cuLaunchKernel " + l.kernel());
            } else {
                CudaProgram.Copy c = (CudaProgram.Copy) a;
                check(cuMemcpyDtoDAsync(base + c.to(), base + c.from(), c.bytes(), (CUstream_st) null), "cuMemcpyDtoDAsync");
            }
        }
    }

    @Override public String describe() { return name; }

    @Override public void close() {
        if (closed) return;
        closed = true;
        cuMemFree(base);
    }

    private static void check(int status, String what) {
        if (status == CUDA_SUCCESS) return;
        String text;
        try (PointerPointer<BytePointer> p = new PointerPointer<>(1)) {
            cuGetErrorString(status, p);
            BytePointer s = p.get(BytePointer.class, 0);
            text = s == null ? "error " + status : s.getString();
        }
        throw new CudaDeviceException(what + " failed: " + text + " (CUDA error " + status + ")");
    }
}
