package ncd.cli;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.TensorType;
import ncd.runtime.Tensor;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ncdc run} prints about its outputs: a summary of every output over all the steps, accumulated as the
 * steps run ({@link #accept}) in memory that does not grow with the number of steps: counts per element and at most
 * {@value #COLUMNS} time columns per output. Bool outputs get their events (true values) in all, per step and per
 * index, and a raster of index against time when they have at most one axis; numeric outputs get min, mean and max
 * over all steps and over the last, and a sparkline of their mean over time; a 2-D bool grid is drawn as it was at
 * the last step.
 */
final class RunSummary {
    /** The widest a line of time columns (a raster or a sparkline) gets: longer runs are binned. */
    static final int COLUMNS = 100;

    private final TimeColumns time;
    private final Map<String, Output> outputs = new LinkedHashMap<>();
    private Map<String, Tensor> last = Map.of();

    /** A summary of {@code graph}'s outputs over {@code steps} steps. */
    static RunSummary of(Graph graph, long steps) {
        Map<String, TensorType> types = new LinkedHashMap<>();
        for (Graph.Output out : graph.outputs()) types.put(out.name(), out.node().type());
        return new RunSummary(types, steps);
    }

    /** A summary of outputs of these names and types, in this order, over {@code steps} steps. */
    RunSummary(Map<String, TensorType> types, long steps) {
        time = new TimeColumns(steps, COLUMNS);
        types.forEach((name, t) -> outputs.put(name, t.dtype() == DType.BOOL ? new BoolOutput(t, time) : new NumberOutput(t, time)));
    }

    /** Adds the outputs of step {@code step} (counting from 0; steps come in order). */
    void accept(long step, Map<String, Tensor> stepOutputs) {
        int column = time.column(step);
        time.count(column);
        for (Map.Entry<String, Tensor> e : stepOutputs.entrySet()) {
            Output o = outputs.get(e.getKey());
            if (o != null) o.accept(column, e.getValue());
        }
        last = stepOutputs;
    }

    /** The outputs of the last step accepted. */
    Map<String, Tensor> last() { return last; }

    /** One block per output: its name and type, then its summary, indented. */
    void print(PrintWriter o) {
        for (Map.Entry<String, Output> e : outputs.entrySet()) {
            o.println("  " + e.getKey() + ": " + e.getValue().type());
            for (String line : e.getValue().lines(last.get(e.getKey()))) o.println("    " + line);
        }
    }

    /** The summary of one output. */
    interface Output {
        TensorType type();

        /** Adds one step's value, which falls in time column {@code column}. */
        void accept(int column, Tensor value);

        /** The lines that describe it, without indentation; {@code last} is its value at the last step. */
        List<String> lines(Tensor last);
    }

    /**
     * The time columns a run of {@code steps} steps is drawn in: one per step up to {@code most}, else each holding
     * a run of consecutive steps (their counts differ by at most one); and how many steps each column has received.
     */
    static final class TimeColumns {
        final long steps;
        final int columns;
        private final long[] received;

        TimeColumns(long steps, int most) {
            this.steps = steps;
            this.columns = (int) Math.max(1, Math.min(steps, most));
            this.received = new long[columns];
        }

        /** The column of step {@code step}. */
        int column(long step) { return (int) (step * columns / steps); }

        void count(int column) { received[column]++; }

        /** The steps column {@code c} holds so far. */
        long received(int c) { return received[c]; }

        /** "1 step", "10 steps", "10-11 steps": how many steps a column holds. */
        String perColumn() {
            long lo = steps / columns, hi = (steps + columns - 1) / columns;
            return (lo == hi ? String.valueOf(lo) : lo + "-" + hi) + (hi == 1 ? " step" : " steps");
        }
    }

    // ------------------------------------------------------------------------------------------------ text pictures

    /** Sparkline levels, lowest first: plain ASCII, so that every terminal and log shows them. */
    static final String LEVELS = "_.:-=+*#";

    /**
     * {@code values} as one character each, {@code lo} drawn as the lowest of {@link #LEVELS} and {@code hi} as the
     * highest (everything at the lowest when they are equal); NaN is {@code ?}.
     */
    static String sparkline(double[] values, double lo, double hi) {
        StringBuilder sb = new StringBuilder(values.length);
        int top = LEVELS.length() - 1;
        for (double v : values) {
            if (Double.isNaN(v)) sb.append('?');
            else if (!(hi > lo)) sb.append(LEVELS.charAt(0));
            else sb.append(LEVELS.charAt((int) Math.max(0, Math.min(top, Math.round((v - lo) / (hi - lo) * top)))));
        }
        return sb.toString();
    }

    /** The name of element {@code flat} of a tensor of type {@code t}: "neuron 7", "row 2, col 5", "" for a scalar. */
    static String indexName(TensorType t, int flat) {
        List<Axis> axes = t.axes();
        String[] parts = new String[axes.size()];
        for (int a = axes.size() - 1; a >= 0; a--) {
            int size = axes.get(a).size();
            parts[a] = axes.get(a).name() + " " + flat % size;
            flat /= size;
        }
        return String.join(", ", parts);
    }

    /** "min -65  mean -57.5  max -50" and the NaN count, when any. */
    static String minMeanMax(double min, double mean, double max, long nans) {
        return "min " + RunCommand.num(min) + "  mean " + RunCommand.num(mean) + "  max " + RunCommand.num(max)
                + (nans > 0 ? "  (" + nans + " NaN)" : "");
    }

    static String plural(long n, String word) { return n + " " + word + (n == 1 ? "" : "s"); }

    /** The lines of a multi-line picture, as a list. */
    static List<String> lines(String picture) {
        return picture == null ? List.of() : new ArrayList<>(List.of(picture.split("\n")));
    }
}
