package ncd.cuda;

import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.TensorType;

import java.util.List;
import java.util.Map;

/**
 * What {@link CudaGen} makes of a graph: the CUDA C source of its kernels and of a host-side launch plan, and the same
 * plan as data for the runtime ({@link CudaExecutable}), so the launches a GPU runs are the ones the source shows.
 *
 * <p>All values live in one device allocation of {@code totalBytes}: the {@link #ERROR_BYTES} error word at offset 0,
 * then each buffer of the graph's memory plan at a 256-byte aligned offset. Every kernel takes {@code (char* base,
 * long long step)} and finds its buffers at constant offsets from {@code base}; {@code step} is the random stream
 * (the step number, or -1 while a state's initial value is computed).
 *
 * @param hoist  launches computing the values that depend only on parameters, constants and iotas: when the instance
 *               is made and before the first step after a parameter is set
 * @param reset  launches computing the states' initial values, then the copies into the state buffers
 * @param step   launches of one step, then the copies that advance the state
 */
public record CudaProgram(Graph graph, String source, long totalBytes, List<Kernel> kernels, List<Action> hoist,
                          List<Action> reset, List<Action> step, Map<String, Region> inputs, Map<String, Region> params,
                          Map<String, Region> outputs, Map<String, Region> states, List<Gather> gathers) {
    /** Bytes of the error word ({@code struct ncd_error} in prelude.cuh) at the start of the allocation. */
    public static final int ERROR_BYTES = 16;
    /** Alignment of every buffer. */
    public static final int ALIGN = 256;

    public CudaProgram {
        kernels = List.copyOf(kernels);
        hoist = List.copyOf(hoist);
        reset = List.copyOf(reset);
        step = List.copyOf(step);
        inputs = Map.copyOf(inputs);
        params = Map.copyOf(params);
        outputs = Map.copyOf(outputs);
        states = Map.copyOf(states);
        gathers = List.copyOf(gathers);
    }

    /** A value's place in the allocation: {@code offset} bytes from its start, holding {@code type}. */
    public record Region(long offset, TensorType type) {
        public long bytes() { return type.bytes(); }
        public DType dtype() { return type.dtype(); }
    }

    /** One generated kernel: what it computes (a line for listings) and the IR node it is for. */
    public record Kernel(String name, String what) {}

    /** One thing a phase does, in order. */
    public sealed interface Action {}

    /** A kernel launch on a {@code grid} of blocks of {@code block} threads (x only); {@code syncs}: its blocks synchronise (the kernel is written in phases, prelude.cuh). */
    public record Launch(String kernel, int gridX, int gridY, int gridZ, int block, boolean syncs) implements Action {}

    /** A device-to-device copy of {@code bytes} from offset {@code from} to offset {@code to}. */
    public record Copy(long to, long from, long bytes) implements Action {}

    /**
     * A gather, numbered in graph order, whose out-of-range index the error word reports; or a LINALG whose singular
     * matrix it reports, with its {@code failure}: the encoded {@link ncd.runtime.Linalg.Plan} (null for a gather); the
     * error word's index is then the failing matrix's number.
     */
    public record Gather(String axis, int size, String failure) {
        public Gather(String axis, int size) { this(axis, size, null); }
    }
}
