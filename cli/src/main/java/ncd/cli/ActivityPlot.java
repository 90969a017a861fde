package ncd.cli;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYDotRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The plot of {@code ncdc run --record ... --plot FILE}: one panel per recording on a shared time axis. A spiking
 * (bool) recording gets a raster (a dot per spike: time against index) and its population rate, smoothed over about
 * a hundredth of the run; a trace gets the values of its first {@value #TRACED} elements against time.
 */
final class ActivityPlot {
    static final int WIDTH = 1000;
    /** Height per panel, and the least height of the whole drawing. */
    static final int PANEL = 220, MIN_HEIGHT = 400;
    /** Elements of a trace drawn (all are written to its .npy file). */
    static final int TRACED = 5;
    private static final Color[] COLORS = {
            new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189)};

    private ActivityPlot() {}

    /** Draws {@code m}'s recordings into {@code out} (.png or .svg). */
    static void write(Path out, String title, Monitor m) throws IOException {
        JFreeChart chart = chart(title, m);
        Charts.write(out, chart, WIDTH, Math.max(MIN_HEIGHT, PANEL * panels(m) + 80));
    }

    static int panels(Monitor m) {
        int n = 0;
        for (Monitor.Channel c : m.channels) n += c.spiking() ? 2 : 1;
        return n;
    }

    static JFreeChart chart(String title, Monitor m) {
        System.setProperty("java.awt.headless", "true");
        boolean seconds = !Double.isNaN(m.dt);
        // times in ms read better for spiking runs of a second or less; steps otherwise
        double scale = seconds ? 1e3 : 1;
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis(seconds ? "time (ms)" : "step"));
        plot.setGap(8);
        for (Monitor.Channel c : m.channels) {
            if (c.spiking()) {
                XYSeries dots = new XYSeries(c.name + " spikes", false, true);
                for (long[] s : c.spikes) dots.add(m.time(s[0]) * scale, s[1]);
                XYDotRenderer r = new XYDotRenderer();
                r.setDotWidth(2);
                r.setDotHeight(2);
                r.setSeriesPaint(0, Color.BLACK);
                NumberAxis index = new NumberAxis(c.name + " (index)");
                index.setRange(-0.5, c.size() - 0.5);
                plot.add(new XYPlot(new XYSeriesCollection(dots), null, index, r), 3);

                double[] rate = m.rate(c);
                int window = (int) Math.max(1, Math.min(1000, rate.length / 100));
                XYSeries rs = new XYSeries(c.name + " rate", false, true);
                double sum = 0;
                for (int s = 0; s < rate.length; s++) {
                    sum += rate[s];
                    if (s >= window) sum -= rate[s - window];
                    if ((s + 1) % window == 0 || s == rate.length - 1) rs.add(m.time(s) * scale, sum / Math.min(s + 1, window));
                }
                plot.add(new XYPlot(new XYSeriesCollection(rs), null, new NumberAxis(c.name + (seconds ? " rate (Hz)" : " rate (per step)")), line(1)), 1);
            } else {
                XYSeriesCollection traces = new XYSeriesCollection();
                int n = c.size(), shown = Math.min(TRACED, n);
                for (int e = 0; e < shown; e++) {
                    XYSeries s = new XYSeries(c.name + "[" + e + "]", false, true);
                    for (int r = 0; r < c.records; r++) s.add(m.time((long) r * m.every) * scale, c.trace[r * n + e]);
                    traces.addSeries(s);
                }
                NumberAxis value = new NumberAxis(c.unit.isEmpty() ? c.name : c.name + " (" + c.unit + ")");
                value.setAutoRangeIncludesZero(false);
                plot.add(new XYPlot(traces, null, value, line(shown)), 2);
            }
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYLineAndShapeRenderer line(int series) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series; i++) {
            r.setSeriesPaint(i, COLORS[i % COLORS.length]);
            r.setSeriesStroke(i, new BasicStroke(1.2f));
        }
        return r;
    }
}
