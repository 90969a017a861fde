package ncd.cli;

import ncd.runtime.AtomicFile;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training curves of {@code ncdc train} as a PNG or SVG (by the file's extension): the training loss of every
 * step as a thin line with its moving average over it, and each validation metric per epoch as markers, against the
 * step. The loss axis is logarithmic when the losses span more than two decades. Metrics whose name contains
 * {@code loss} share the loss axis; the others (accuracy, ...) get their own axis on the right.
 *
 * <p>It lives in cli, not api: plotting needs AWT and JFreeChart, which the api jar leaves out (docs/architecture.md),
 * so the trainer returns its history and the command draws it. Drawing is headless ({@code java.awt.headless}): no
 * display is needed, in CI or over ssh. Non-finite values (a diverged step) are left out of the curves. The file is
 * written whole or not at all ({@link AtomicFile}), so a plot redrawn each epoch is never seen half-written.
 */
public final class LossPlot {
    /** Size of the drawing in pixels (PNG) or user units (SVG). */
    public static final int WIDTH = 960, HEIGHT = 600;
    /** Losses spanning more than this ratio (two decades) are drawn on a log axis. */
    static final double LOG_RATIO = 100;

    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color[] METRICS = {
        new Color(214, 39, 40), new Color(44, 160, 44), new Color(148, 103, 189), new Color(255, 127, 14),
        new Color(140, 86, 75), new Color(23, 190, 207)};

    private LossPlot() {}

    /**
     * Draws the curves and writes them to {@code out}, PNG or SVG by its extension.
     *
     * @param title the chart's title, with the circuit's name
     * @param trainLoss {@code {step, loss}} per training step, in step order
     * @param validation per metric name (in legend order), {@code {step, value}} per evaluation
     * @throws IllegalArgumentException when the extension is neither {@code .png} nor {@code .svg} ({@link Charts#formatOf})
     * @throws IOException when the file cannot be written; it is then unchanged
     */
    public static void write(Path out, String title, List<double[]> trainLoss, Map<String, List<double[]>> validation)
            throws IOException {
        Charts.write(out, chart(title, trainLoss, validation), WIDTH, HEIGHT);
    }

    /** The chart: the training loss and its average on the loss axis, the metrics as markers. */
    static JFreeChart chart(String title, List<double[]> trainLoss, Map<String, List<double[]>> validation) {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection others = new XYSeriesCollection();
        XYSeries train = series("training loss", trainLoss);
        losses.addSeries(train);
        int window = window(train.getItemCount());
        if (window > 1) losses.addSeries(movingAverage(train, window));
        for (Map.Entry<String, List<double[]>> m : validation.entrySet()) {
            boolean isLoss = m.getKey().toLowerCase(Locale.ROOT).contains("loss");
            (isLoss ? losses : others).addSeries(series("validation " + m.getKey(), m.getValue()));
        }

        XYLineAndShapeRenderer lossRenderer = new XYLineAndShapeRenderer(true, false);
        lossRenderer.setSeriesPaint(0, window > 1 ? new Color(TRAIN.getRed(), TRAIN.getGreen(), TRAIN.getBlue(), 90) : TRAIN);
        lossRenderer.setSeriesStroke(0, new BasicStroke(0.8f));
        int s = 1;
        if (window > 1) {
            lossRenderer.setSeriesPaint(1, TRAIN);
            lossRenderer.setSeriesStroke(1, new BasicStroke(2.2f));
            s = 2;
        }
        int colour = 0;
        for (; s < losses.getSeriesCount(); s++) marked(lossRenderer, s, METRICS[colour++ % METRICS.length]);

        NumberAxis x = new NumberAxis("step");
        x.setAutoRangeIncludesZero(false);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(losses, x, lossAxis(losses), lossRenderer);
        if (others.getSeriesCount() > 0) {
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
            for (int i = 0; i < others.getSeriesCount(); i++) marked(r, i, METRICS[colour++ % METRICS.length]);
            NumberAxis metric = new NumberAxis("metric");
            metric.setAutoRangeIncludesZero(false);
            plot.setRangeAxis(1, metric);
            plot.setDataset(1, others);
            plot.mapDatasetToRangeAxis(1, 1);
            plot.setRenderer(1, r);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));

        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 16)));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        return chart;
    }

    /** Points drawn as small circles joined by a thin line: one evaluation per epoch. */
    private static void marked(XYLineAndShapeRenderer r, int series, Color c) {
        r.setSeriesPaint(series, c);
        r.setSeriesLinesVisible(series, true);
        r.setSeriesShapesVisible(series, true);
        r.setSeriesShape(series, new Ellipse2D.Double(-4, -4, 8, 8));
        r.setSeriesStroke(series, new BasicStroke(1.2f));
    }

    /** The finite points of {@code points} ({@code {x, y}}) as a series, in the given order. */
    private static XYSeries series(String name, List<double[]> points) {
        XYSeries s = new XYSeries(name, false, true);
        for (double[] p : points) {
            if (p.length != 2) throw new IllegalArgumentException(name + ": a point is {step, value}, not " + p.length + " numbers");
            if (Double.isFinite(p[0]) && Double.isFinite(p[1])) s.add(p[0], p[1], false);
        }
        return s;
    }

    /** Steps averaged: about a fiftieth of the run, at least 2 and at most 200; 1 (no average) for under 20 steps. */
    static int window(int steps) {
        return steps < 20 ? 1 : Math.max(2, Math.min(200, steps / 50));
    }

    /** The mean of the last {@code window} points (fewer at the start) at each point. */
    private static XYSeries movingAverage(XYSeries s, int window) {
        XYSeries out = new XYSeries("moving average (" + window + " steps)", false, true);
        double sum = 0;
        for (int i = 0; i < s.getItemCount(); i++) {
            sum += s.getY(i).doubleValue();
            if (i >= window) sum -= s.getY(i - window).doubleValue();
            out.add(s.getX(i).doubleValue(), sum / Math.min(i + 1, window), false);
        }
        return out;
    }

    /** A log axis when every loss is positive and they span more than {@link #LOG_RATIO}; else a linear one. */
    static ValueAxis lossAxis(XYSeriesCollection losses) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < losses.getSeriesCount(); s++) {
            XYSeries ser = losses.getSeries(s);
            for (int i = 0; i < ser.getItemCount(); i++) {
                double y = ser.getY(i).doubleValue();
                min = Math.min(min, y);
                max = Math.max(max, y);
            }
        }
        if (min > 0 && max / min > LOG_RATIO) {
            LogAxis log = new LogAxis("loss (log scale)");
            log.setSmallestValue(min / 2);
            // a tick per decade, written as a plain number (0.01, 0.1, 1) rather than 10^-0.3 at arbitrary steps
            log.setTickUnit(new NumberTickUnit(1), false, true);
            log.setMinorTickCount(9);
            log.setMinorTickMarksVisible(true);
            log.setNumberFormatOverride(min >= 1e-4 && max < 1e6 ? new DecimalFormat("0.####") : new DecimalFormat("0E0"));
            return log;
        }
        NumberAxis lin = new NumberAxis("loss");
        lin.setAutoRangeIncludesZero(false);
        return lin;
    }
}
