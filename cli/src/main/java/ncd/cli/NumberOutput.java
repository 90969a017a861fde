package ncd.cli;

import ncd.ir.TensorType;
import ncd.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The summary of a numeric output (f32, f64, i32) over a run: min, mean and max over every element of every step
 * (NaNs counted apart), the same for the last step, and a sparkline of the output over time: of its mean, or of its
 * value when it has one element. Holds one sum per time column ({@link RunSummary#COLUMNS} at most), whatever the
 * number of steps.
 */
final class NumberOutput implements RunSummary.Output {
    private final TensorType type;
    private final RunSummary.TimeColumns time;
    private double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum;
    private long values, nans, steps;
    /** Per time column: the sum of the step means, and how many steps had one (a step of NaNs only has none). */
    private final double[] columnSum;
    private final long[] columnSteps;

    NumberOutput(TensorType type, RunSummary.TimeColumns time) {
        this.type = type;
        this.time = time;
        this.columnSum = new double[time.columns];
        this.columnSteps = new long[time.columns];
    }

    @Override public TensorType type() { return type; }

    @Override public void accept(int column, Tensor value) {
        double stepSum = 0;
        int n = value.size(), stepValues = 0;
        for (int i = 0; i < n; i++) {
            double v = value.get(i);
            if (Double.isNaN(v)) {
                nans++;
                continue;
            }
            if (v < min) min = v;
            if (v > max) max = v;
            stepSum += v;
            stepValues++;
        }
        sum += stepSum;
        values += stepValues;
        steps++;
        if (stepValues > 0) {
            columnSum[column] += stepSum / stepValues;
            columnSteps[column]++;
        }
    }

    @Override public List<String> lines(Tensor last) {
        List<String> out = new ArrayList<>();
        if (steps == 0) return out;
        boolean any = values > 0;
        out.add("over " + RunSummary.plural(steps, "step") + ": " + RunSummary.minMeanMax(any ? min : Double.NaN, any ? sum / values : Double.NaN,
                any ? max : Double.NaN, nans));
        if (steps == 1) return out;
        if (last != null) {
            Tensor.Stats st = last.stats();
            out.add("last step: " + RunSummary.minMeanMax(st.min(), st.mean(), st.max(), st.nanCount()));
        }
        double[] line = new double[time.columns];
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < line.length; c++) {
            line[c] = columnSteps[c] == 0 ? Double.NaN : columnSum[c] / columnSteps[c];
            if (Double.isNaN(line[c])) continue;
            lo = Math.min(lo, line[c]);
            hi = Math.max(hi, line[c]);
        }
        if (lo > hi) return out;
        String top = String.valueOf(RunSummary.LEVELS.charAt(RunSummary.LEVELS.length() - 1)), bottom = String.valueOf(RunSummary.LEVELS.charAt(0));
        String range = hi > lo ? bottom + " " + RunCommand.num(lo) + " to " + top + " " + RunCommand.num(hi) : "all " + RunCommand.num(lo);
        out.add((type.arrayLength() == 1 ? "value" : "mean") + " by step: " + RunSummary.sparkline(line, lo, hi) + "  (" + range + (time.columns == time.steps ? "" : "; " + time.perColumn() + " a column") + ")");
        return out;
    }
}
