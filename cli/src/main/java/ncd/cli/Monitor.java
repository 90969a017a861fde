package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.runtime.Executable;
import ncd.runtime.Npy;
import ncd.runtime.Tensor;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ncdc run --record} keeps of a run, as Brian2's monitors do: for each named state or output of the
 * circuit, either a <b>trace</b> (its value every {@code every} steps, all elements) or, for a bool one (spikes), the
 * <b>spikes</b> of every step as times and flat indices, and the population rate per step. A state is read before the
 * step that reads it and an output after the step that computes it, so both are stamped with the same step's time,
 * {@code step * dt}.
 */
final class Monitor {
    /** A run's recordings past this many bytes are refused before the run starts, with a hint. */
    static final long MAX_BYTES = 2L << 30;

    /** One recorded name. */
    static final class Channel {
        final String name;
        final boolean state;
        final TensorType type;
        /** The unit as the program names it (V rather than kg*m^2/(A*s^3)); empty for a number. */
        final String unit;
        /** Traces: the values of each recorded step, flat, stacked; null for spikes. */
        final float[] trace;
        /** Spikes: per spike, its step and flat index; and per step, how many elements spiked. */
        final List<long[]> spikes = new ArrayList<>();
        final int[] counts;
        int records;

        Channel(String name, boolean state, TensorType type, String unit, long steps, int every) {
            this.name = name;
            this.unit = unit;
            this.state = state;
            this.type = type;
            boolean spiking = type.dtype() == DType.BOOL;
            this.trace = spiking ? null : new float[Math.toIntExact(recordsOf(steps, every) * type.elementCount())];
            this.counts = spiking ? new int[Math.toIntExact(steps)] : null;
        }

        boolean spiking() { return trace == null; }

        int size() { return Math.toIntExact(type.elementCount()); }

        void take(long step, Tensor t, int every) {
            if (spiking()) {
                boolean[] b = t.bools();
                int n = 0;
                for (int i = 0; i < b.length; i++) {
                    if (b[i]) {
                        spikes.add(new long[] {step, i});
                        n++;
                    }
                }
                counts[Math.toIntExact(step)] = n;
            } else if (step % every == 0) {
                int n = t.size();
                for (int i = 0; i < n; i++) trace[records * n + i] = (float) t.get(i);
                records++;
            }
        }
    }

    final List<Channel> channels;
    final int every;
    /** The simulated time of one step in seconds, or NaN when not given (times are then step numbers). */
    final double dt;
    final long steps;

    private Monitor(List<Channel> channels, int every, double dt, long steps) {
        this.channels = channels;
        this.every = every;
        this.dt = dt;
        this.steps = steps;
    }

    static long recordsOf(long steps, int every) { return (steps + every - 1) / every; }

    /**
     * A monitor of {@code names} (states or outputs of the executable's graph), or empty after an error in
     * {@code diags}: a name that is neither, or recordings that would not fit {@link #MAX_BYTES}.
     */
    static Optional<Monitor> of(List<String> names, int every, double dt, long steps, Graph graph, Diagnostics diags) {
        Map<String, TensorType> states = new LinkedHashMap<>(), outputs = new LinkedHashMap<>();
        for (State s : graph.states()) states.put(s.name(), s.type());
        for (Graph.Output o : graph.outputs()) outputs.put(o.name(), o.node().type());
        List<Channel> channels = new ArrayList<>();
        long bytes = 0;
        for (String n : names) {
            boolean isState = states.containsKey(n);
            TensorType t = isState ? states.get(n) : outputs.get(n);
            if (t == null) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "--record: the circuit has no state or output `" + n + "`",
                        "its states: " + (states.isEmpty() ? "none" : String.join(", ", states.keySet())) + "; its outputs: "
                                + String.join(", ", outputs.keySet()));
                continue;
            }
            if (channels.stream().anyMatch(c -> c.name.equals(n))) continue;
            bytes += t.dtype() == DType.BOOL ? steps * 4 : recordsOf(steps, every) * t.elementCount() * 4;
            if (bytes > MAX_BYTES) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "--record: the recordings would take " + (bytes >> 20) + " MiB (at most " + (MAX_BYTES >> 20) + ")",
                        "record fewer values: --record-every K keeps every K-th step of a trace");
                return Optional.empty();
            }
            String unit = t.unit().equals(ncd.ir.Unit.NONE) ? "" : graph.unitNames().getOrDefault(t.unit(), t.unit().toString());
            channels.add(new Channel(n, isState, t, unit, steps, every));
        }
        return diags.hasErrors() ? Optional.empty() : Optional.of(new Monitor(channels, every, dt, steps));
    }

    /** Before step {@code step}: the states it reads. */
    void before(long step, Executable exec) {
        for (Channel c : channels) if (c.state) c.take(step, exec.state(c.name), every);
    }

    /** After step {@code step}: the outputs it computed. */
    void after(long step, Map<String, Tensor> outputs) {
        for (Channel c : channels) if (!c.state) c.take(step, outputs.get(c.name), every);
    }

    /** The time of step {@code step}: seconds when {@code dt} is known, else the step number. */
    double time(long step) { return Double.isNaN(dt) ? step : step * dt; }

    /** The recordings as files for {@code --out}: {@code NAME.trace.npy} and its times, or spike times, indices and rate. */
    Map<String, OutDir.Content> files() {
        Map<String, OutDir.Content> out = new LinkedHashMap<>();
        for (Channel c : channels) {
            if (c.spiking()) {
                double[] t = new double[c.spikes.size()];
                int[] i = new int[c.spikes.size()];
                for (int k = 0; k < t.length; k++) {
                    t[k] = time(c.spikes.get(k)[0]);
                    i[k] = (int) c.spikes.get(k)[1];
                }
                out.put(c.name + ".spike_t.npy", f -> vector(f, t));
                out.put(c.name + ".spike_i.npy", f -> vector(f, i));
                out.put(c.name + ".rate.npy", f -> vector(f, rate(c)));
            } else {
                List<Axis> axes = new ArrayList<>();
                axes.add(new Axis("record", c.records));
                axes.addAll(c.type.axes());
                Tensor stacked = Tensor.of(c.type.withAxes(axes).withDType(DType.F32), java.util.Arrays.copyOf(c.trace, c.records * c.size()));
                double[] times = new double[c.records];
                for (int r = 0; r < times.length; r++) times[r] = time((long) r * every);
                out.put(c.name + ".trace.npy", f -> Npy.write(f, stacked));
                out.put(c.name + ".trace_t.npy", f -> vector(f, times));
            }
        }
        return out;
    }

    /** The population rate of a spiking channel per step: the fraction that spiked, divided by dt (Hz) when known. */
    double[] rate(Channel c) {
        double[] r = new double[c.counts.length];
        double per = Double.isNaN(dt) ? 1 : dt;
        for (int s = 0; s < r.length; s++) r[s] = c.counts[s] / (double) c.size() / per;
        return r;
    }

    private static void vector(java.nio.file.Path f, Object data) throws java.io.IOException {
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(f))) {
            Npy.writeVector(o, data);
        }
    }
}
