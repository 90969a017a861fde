package ncd.cli;

import ncd.ir.TensorType;
import ncd.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary of a bool output over a run, whose true values are events (spikes, live cells): how many in all and
 * per step, how many at each index and which indices had the most, a raster of index against time for an output of
 * at most one axis, and the last step's picture for a 2-D grid. Holds one count per element and one per raster cell
 * (at most {@value #ROWS} rows by {@link RunSummary#COLUMNS} columns), whatever the number of steps.
 */
final class BoolOutput implements RunSummary.Output {
    /** The most raster rows: longer axes put several consecutive indices in a row. */
    static final int ROWS = 20;
    /** How many of the most active indices are named. */
    static final int MOST_ACTIVE = 5;

    private final TensorType type;
    private final RunSummary.TimeColumns time;
    private final long[] perIndex;
    private long events, steps, fewestPerStep = Long.MAX_VALUE, mostPerStep;
    /** Indices per raster row, and the events in each (row, column) cell; null for outputs of two axes or more. */
    private final int perRow;
    private final long[] raster;

    BoolOutput(TensorType type, RunSummary.TimeColumns time) {
        this.type = type;
        this.time = time;
        int size = type.arrayLength();
        this.perIndex = new long[size];
        if (type.rank() <= 1) {
            perRow = (size + ROWS - 1) / ROWS;
            raster = new long[rows(size, perRow) * time.columns];
        } else {
            perRow = 0;
            raster = null;
        }
    }

    private static int rows(int size, int perRow) { return (size + perRow - 1) / perRow; }

    @Override public TensorType type() { return type; }

    @Override public void accept(int column, Tensor value) {
        boolean[] b = value.bools();
        long n = 0;
        for (int i = 0; i < b.length; i++) {
            if (!b[i]) continue;
            n++;
            perIndex[i]++;
            if (raster != null) raster[(i / perRow) * time.columns + column]++;
        }
        events += n;
        steps++;
        fewestPerStep = Math.min(fewestPerStep, n);
        mostPerStep = Math.max(mostPerStep, n);
    }

    @Override public List<String> lines(Tensor last) {
        List<String> out = new ArrayList<>();
        if (steps == 0) return out;
        out.add("events (true values): " + events + " in " + RunSummary.plural(steps, "step") + "; per step mean "
                + RunCommand.num((double) events / steps) + ", min " + fewestPerStep + ", max " + mostPerStep);
        int size = perIndex.length;
        if (size > 1) out.add(perIndexLine());
        if (type.rank() == 1 && size > 1 && steps > 1 && events > 0) out.add(rateLine());
        if (raster != null && steps > 1 && events > 0) out.addAll(rasterLines());
        if (last != null && type.rank() == 2) {
            List<String> picture = RunSummary.lines(last.render(120));
            if (!picture.isEmpty()) {
                out.add("last step:");
                for (String l : picture) out.add("  " + l);
            }
        }
        return out;
    }

    /** "indices with events: 50 of 100; most: neuron 99: 30 (0.03 per step), neuron 98: 29, ...". */
    private String perIndexLine() {
        int size = perIndex.length, active = 0;
        for (long c : perIndex) if (c > 0) active++;
        StringBuilder sb = new StringBuilder("indices with events: " + active + " of " + size);
        if (active == 0) return sb.toString();
        sb.append("; most: ");
        List<Integer> top = mostActive(Math.min(MOST_ACTIVE, active));
        for (int k = 0; k < top.size(); k++) {
            int i = top.get(k);
            if (k > 0) sb.append(", ");
            String name = RunSummary.indexName(type, i);
            sb.append(type.rank() > 1 ? "(" + name + ")" : name).append(": ").append(perIndex[i]);
            if (k == 0) sb.append(" (").append(RunCommand.num((double) perIndex[i] / steps)).append(" per step)");
        }
        return sb.toString();
    }

    /** The indices with the most events, most first, lower index first among equals. */
    private List<Integer> mostActive(int n) {
        List<Integer> top = new ArrayList<>();
        for (int i = 0; i < perIndex.length; i++) {
            if (perIndex[i] == 0) continue;
            int at = top.size();
            while (at > 0 && perIndex[top.get(at - 1)] < perIndex[i]) at--;
            if (at < n) {
                top.add(at, i);
                if (top.size() > n) top.remove(n);
            }
        }
        return top;
    }

    /** The events per step of each index along the axis, as a sparkline from 0 (binned to fit the columns). */
    private String rateLine() {
        int size = perIndex.length;
        int columns = Math.min(size, RunSummary.COLUMNS);
        double[] rate = new double[columns];
        int[] in = new int[columns];
        for (int i = 0; i < size; i++) {
            int c = (int) ((long) i * columns / size);
            rate[c] += (double) perIndex[i] / steps;
            in[c]++;
        }
        double hi = 0;
        for (int c = 0; c < columns; c++) {
            rate[c] /= in[c];
            hi = Math.max(hi, rate[c]);
        }
        String axis = type.axes().get(0).name();
        int lo = size / columns, most = (size + columns - 1) / columns;
        return "rate by " + axis + ": " + RunSummary.sparkline(rate, 0, hi) + "  (" + RunSummary.LEVELS.charAt(0) + " 0 to "
                + RunSummary.LEVELS.charAt(RunSummary.LEVELS.length() - 1) + " " + RunCommand.num(hi) + " per step; " + axis + " 0-"
                + (size - 1) + (most == 1 ? "" : ", a column is " + (lo == most ? String.valueOf(lo) : lo + "-" + most) + " " + plural(axis, most)) + ")";
    }

    /**
     * Index down, time across: one character per cell, {@code .} for no event, {@code #} for an event when a cell is one
     * index at one step, else by the share of the cell's values that are true, relative to the busiest cell (sparse
     * spikes would otherwise all look alike).
     */
    private List<String> rasterLines() {
        int size = perIndex.length, rows = rows(size, perRow);
        String axis = type.rank() == 1 ? type.axes().get(0).name() : null;
        boolean exact = perRow == 1 && time.columns == time.steps;
        double busiest = 0;
        long busiestEvents = 0, busiestValues = 1;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < time.columns; c++) {
                long values = cells(r) * time.received(c), events = raster[r * time.columns + c];
                if (values > 0 && (double) events / values > busiest) {
                    busiest = (double) events / values;
                    busiestEvents = events;
                    busiestValues = values;
                }
            }
        }
        List<String> out = new ArrayList<>();
        String down = axis == null ? "value" : axis + " down" + (perRow == 1 ? "" : " (" + perRow + " a row)");
        String across = "step across" + (time.columns == time.steps ? "" : " (" + time.perColumn() + " a column)");
        out.add("raster, " + down + ", " + across + (exact || busiest == 0 ? "; # event:"
                : "; . none, : + * # up to 1/4 1/2 3/4 1 of the busiest cell's share, " + busiestEvents + " of " + busiestValues + " true:"));
        String[] labels = new String[rows];
        int width = 0;
        for (int r = 0; r < rows; r++) {
            int first = r * perRow, lastIndex = Math.min(size, first + perRow) - 1;
            labels[r] = axis == null ? "" : first == lastIndex ? String.valueOf(first) : first + "-" + lastIndex;
            width = Math.max(width, labels[r].length());
        }
        for (int r = 0; r < rows; r++) {
            StringBuilder sb = new StringBuilder();
            if (width > 0) sb.append(" ".repeat(width - labels[r].length())).append(labels[r]).append(' ');
            for (int c = 0; c < time.columns; c++) sb.append(mark(raster[r * time.columns + c], cells(r) * time.received(c), busiest));
            out.add(sb.toString());
        }
        return out;
    }

    /** The indices in raster row {@code r}. */
    private int cells(int r) { return Math.min(perIndex.length, (r + 1) * perRow) - r * perRow; }

    /** A raster cell: {@code .} without events, else by its share of true values relative to the busiest cell's. */
    private static char mark(long events, long values, double busiest) {
        if (events == 0) return '.';
        double share = (double) events / values / busiest;
        if (share <= 0.25) return ':';
        if (share <= 0.5) return '+';
        if (share <= 0.75) return '*';
        return '#';
    }

    private static String plural(String axis, int n) { return n == 1 ? axis : axis + "s"; }
}
