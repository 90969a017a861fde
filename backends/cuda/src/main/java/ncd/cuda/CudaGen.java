package ncd.cuda;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.Sizes;
import ncd.ir.State;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lowers an optimised graph (one carrying the schedule the driver's passes attached) to a {@link CudaProgram}. It
 * follows the schedule as the JVM backend does: one kernel per node that has a buffer in the memory plan and is
 * computed (not an input, parameter, state read or a rename sharing its input's buffer); nodes that {@code fuse}
 * put inside another node's loop are computed inline in that kernel, in registers; hoisted nodes are computed in the
 * {@code hoist} phase only. What each kernel computes per element is {@link KernelWriter}'s business.
 */
public final class CudaGen {
    private CudaGen() {}

    /** The line between the shared prelude and the program's own kernels and host functions. */
    public static final String KERNELS_MARK = "// ---- kernels";

    /** Threads per block of the element-per-thread kernels. */
    static final int BLOCK = 256;
    /** Most blocks of a grid-stride kernel (each thread then takes several elements). */
    static final int MAX_BLOCKS = 1 << 20;

    public static CudaProgram generate(Graph g) {
        Schedule s = g.schedule();
        if (s == null || s.memory() == null) {
            throw new IllegalArgumentException(g.name() + " has no memory plan: the cuda backend takes graphs the pass pipeline optimised (ncd.driver.Compilation)");
        }
        Schedule.Memory mem = s.memory();

        // the allocation: the error word, then every planned buffer, then a pending buffer per state that needs one
        long[] offsetOf = new long[mem.buffers().size()];
        long at = CudaProgram.ALIGN;
        for (int b = 0; b < offsetOf.length; b++) {
            offsetOf[b] = at;
            at = align(Sizes.plus(at, Math.max(1, mem.buffers().get(b).bytes())));
        }
        Map<Node, Long> offset = new HashMap<>();
        for (Map.Entry<Node, Integer> e : mem.bufferOf().entrySet()) offset.put(e.getKey(), offsetOf[e.getValue()]);

        Set<Node> stepCone = new HashSet<>(), initCone = new HashSet<>();
        for (Graph.Output o : g.outputs()) Graph.cone(o.node(), stepCone);
        for (State st : g.states()) Graph.cone(st.next(), stepCone);
        for (State st : g.states()) Graph.cone(st.init(), initCone);

        // buffers read as buffers: the outputs' and the states' (a rename shares its input's)
        Set<Long> read = new HashSet<>();
        for (Graph.Output o : g.outputs()) read.add(offset.get(o.node()));
        for (State st : g.states()) {
            read.add(offset.get(st.init()));
            read.add(offset.get(st.next()));
        }
        Map<String, CudaProgram.Region> inputs = new LinkedHashMap<>(), params = new LinkedHashMap<>();
        List<Node> hoistNodes = new ArrayList<>(), resetNodes = new ArrayList<>(), stepNodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Long off = offset.get(n);
            if (off == null) continue;
            boolean computed = switch (n.op()) {
                case INPUT -> {
                    inputs.put(((Attr.Named) n.attr()).name(), new CudaProgram.Region(off, n.type()));
                    yield false;
                }
                case PARAM -> {
                    params.putIfAbsent(((Attr.Param) n.attr()).name(), new CudaProgram.Region(off, n.type()));
                    yield false;
                }
                case STATE_READ, RENAME, SPLIT -> false;
                case CONST, IOTA -> {
                    // readers compute the value inline; only an output or a state's value is read from the buffer
                    if (read.contains(off)) hoistNodes.add(n);
                    yield false;
                }
                case RANDOM, UNARY, BINARY, WHERE, EXPAND, CAST, REDUCE, ARG_REDUCE, CONTRACT, TRANSPOSE, MERGE, SLICE,
                     SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY, FFT -> true;
            };
            if (!computed) continue;
            if (s.hoisted().contains(n)) {
                hoistNodes.add(n);
                continue;
            }
            if (initCone.contains(n)) resetNodes.add(n);
            if (stepCone.contains(n)) stepNodes.add(n);
        }

        List<CudaProgram.Gather> gathers = new ArrayList<>();
        Map<Node, Integer> gatherNumber = new HashMap<>();
        for (Node n : g.nodes()) {
            if (n.op() == Op.LINALG) {
                // a singular matrix reports through the error word as a gather does; the message is the interpreter's
                gatherNumber.put(n, gathers.size());
                gathers.add(new CudaProgram.Gather(null, 0, ncd.runtime.LinalgPlans.plan(n, g.name()).encode()));
                continue;
            }
            if (n.op() != Op.GATHER) continue;
            gatherNumber.put(n, gathers.size());
            String axis = ((Attr.AxisRef) n.attr()).axis();
            gathers.add(new CudaProgram.Gather(axis, n.input(0).type().axis(axis).size()));
        }

        KernelWriter w = new KernelWriter(g, offset, gatherNumber);
        Map<Node, CudaProgram.Launch> launchOf = new LinkedHashMap<>();
        List<CudaProgram.Kernel> kernels = new ArrayList<>();
        StringBuilder src = new StringBuilder();
        src.append("// Generated by ncdc from circuit ").append(g.name()).append(": one kernel per computed value of the memory plan.\n");
        src.append("// Every kernel takes (base, step): base is the one device allocation, step the random stream.\n");
        src.append(resource("prelude.cuh")).append('\n');
        src.append("// The host functions below launch with these; emu.h defines its own to run them on the CPU.\n");
        src.append("#ifndef NCD_LAUNCH\n");
        src.append("#define NCD_LAUNCH(k, gx, gy, gz, bx, syncs, base, step) k<<<dim3(gx, gy, gz), dim3(bx)>>>(base, step)\n");
        src.append("#define NCD_COPY(to, from, n) cudaMemcpyAsync(to, from, n, cudaMemcpyDeviceToDevice)\n");
        src.append("#endif\n\n");
        src.append(KERNELS_MARK).append('\n');
        List<Node> all = new ArrayList<>(hoistNodes);
        for (Node n : resetNodes) if (!all.contains(n)) all.add(n);
        for (Node n : stepNodes) if (!all.contains(n)) all.add(n);
        for (Node n : all) {
            KernelWriter.Written k = w.kernel(n);
            src.append(pruneUnused(k.source())).append('\n');
            kernels.add(new CudaProgram.Kernel(k.launch().kernel(), k.what()));
            launchOf.put(n, k.launch());
        }

        List<CudaProgram.Action> hoist = new ArrayList<>(), reset = new ArrayList<>(), step = new ArrayList<>();
        for (Node n : hoistNodes) hoist.add(launchOf.get(n));
        for (Node n : resetNodes) reset.add(launchOf.get(n));
        for (Node n : stepNodes) step.add(launchOf.get(n));

        // the state: its initial value copied in at reset; after a step, next values copied in (through a pending
        // buffer when a next value is itself a state's buffer, so states may feed each other)
        Map<String, CudaProgram.Region> states = new LinkedHashMap<>();
        Set<Long> stateOffsets = new HashSet<>();
        for (State st : g.states()) stateOffsets.add(offsetOf[mem.stateBuffers().get(st.name())]);
        List<CudaProgram.Action> finish = new ArrayList<>();
        for (State st : g.states()) {
            long so = offsetOf[mem.stateBuffers().get(st.name())];
            states.put(st.name(), new CudaProgram.Region(so, st.type()));
            long init = offset.get(st.init()), next = offset.get(st.next()), bytes = st.type().bytes();
            if (init != so) reset.add(new CudaProgram.Copy(so, init, bytes));
            if (next == so) continue;
            if (stateOffsets.contains(next)) {
                long pending = at;
                at = align(Sizes.plus(at, Math.max(1, bytes)));
                step.add(new CudaProgram.Copy(pending, next, bytes));
                finish.add(new CudaProgram.Copy(so, pending, bytes));
            } else {
                finish.add(new CudaProgram.Copy(so, next, bytes));
            }
        }
        // an output that is a state's buffer (the state itself, or a rename of it) is read before the state advances
        Map<String, CudaProgram.Region> outputs = new LinkedHashMap<>();
        for (Graph.Output o : g.outputs()) {
            long off = offset.get(o.node()), bytes = o.node().type().bytes();
            if (stateOffsets.contains(off)) {
                long copy = at;
                at = align(Sizes.plus(at, Math.max(1, bytes)));
                step.add(new CudaProgram.Copy(copy, off, bytes));
                off = copy;
            }
            outputs.put(o.name(), new CudaProgram.Region(off, o.node().type()));
        }
        step.addAll(finish);

        src.append("// ---- the launch plan (the runtime runs the same list through the driver API)\n");
        src.append("extern \"C\" const unsigned long long ncd_total_bytes = ").append(at).append("ULL;\n");
        host(src, "ncd_hoist", "-1LL", hoist);
        host(src, "ncd_reset", "-1LL", reset);
        host(src, "ncd_step", "step", step);
        return new CudaProgram(g, src.toString(), at, kernels, hoist, reset, step, inputs, params, outputs, states, gathers);
    }

    private static void host(StringBuilder src, String name, String stream, List<CudaProgram.Action> actions) {
        src.append("extern \"C\" void ").append(name).append("(char* base, long long step) {\n");
        if (!stream.equals("step")) src.append("    (void)step;\n");
        for (CudaProgram.Action a : actions) {
            if (a instanceof CudaProgram.Launch l) {
                src.append(String.format(Locale.ROOT, "    NCD_LAUNCH(%s, %d, %d, %d, %d, %s, base, %s);%n", l.kernel(), l.gridX(), l.gridY(),
                        l.gridZ(), l.block(), l.syncs() ? "true" : "false", stream));
            } else {
                CudaProgram.Copy c = (CudaProgram.Copy) a;
                src.append(String.format(Locale.ROOT, "    NCD_COPY(base + %d, base + %d, %d);%n", c.to(), c.from(), c.bytes()));
            }
        }
        src.append("}\n");
    }

    private static final java.util.regex.Pattern INT_LOCAL = java.util.regex.Pattern.compile("(?m)^ *int (t\\d+) = [^;]*;\n");

    /** A kernel without the coordinates it declared and never read (nvcc would warn about each). */
    static String pruneUnused(String kernel) {
        String k = kernel;
        for (boolean changed = true; changed; ) {
            changed = false;
            java.util.regex.Matcher m = INT_LOCAL.matcher(k);
            while (m.find()) {
                String rest = k.substring(0, m.start()) + k.substring(m.end());
                if (!java.util.regex.Pattern.compile("\\b" + m.group(1) + "\\b").matcher(rest).find()) {
                    k = rest;
                    changed = true;
                    break;
                }
            }
        }
        return k;
    }

    static long align(long n) { return (n + CudaProgram.ALIGN - 1) / CudaProgram.ALIGN * CudaProgram.ALIGN; }

    /** A text resource of this package (the prelude, the emulation header and driver). */
    static String resource(String name) {
        try (InputStream in = CudaGen.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource ncd/cuda/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }


    /** The launch of an element-per-thread kernel over {@code count} elements. */
    static CudaProgram.Launch elementwise(String kernel, long count) {
        long blocks = Math.max(1, Math.min(MAX_BLOCKS, (count + BLOCK - 1) / BLOCK));
        return new CudaProgram.Launch(kernel, (int) blocks, 1, 1, BLOCK, false);
    }

}
