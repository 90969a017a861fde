package ncd.cli;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss plots come out as real PNG and SVG files with no display, on the right kind of axis. */
class LossPlotTest {
    @TempDir Path dir;

    /** A loss falling from 2.3 to about 0.01 with noise (more than two decades), and two validation metrics. */
    static List<double[]> train(int steps, double end) {
        List<double[]> out = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            double noise = 1 + 0.3 * Math.sin(s * 12.9898);
            out.add(new double[] {s, (end + 2.3 * Math.exp(-s / 60.0)) * noise});
        }
        out.add(new double[] {steps + 1, Double.NaN}); // a diverged step is left out, not an error
        return out;
    }

    static Map<String, List<double[]>> validation(int steps) {
        Map<String, List<double[]>> v = new LinkedHashMap<>();
        v.put("loss", new ArrayList<>());
        v.put("accuracy", new ArrayList<>());
        for (int e = 1; e <= 5; e++) {
            v.get("loss").add(new double[] {e * steps / 5.0, 0.01 + 2.3 * Math.exp(-e * steps / 300.0)});
            v.get("accuracy").add(new double[] {e * steps / 5.0, 1 - 0.8 * Math.exp(-e)});
        }
        return v;
    }

    @Test void writesAPngOfTheExpectedSize() throws Exception {
        Path p = dir.resolve("loss.png");
        LossPlot.write(p, "mlp: training", train(500, 0.01), validation(500));
        byte[] b = Files.readAllBytes(p);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(b, 8));
        BufferedImage img = ImageIO.read(p.toFile());
        assertEquals(LossPlot.WIDTH, img.getWidth());
        assertEquals(LossPlot.HEIGHT, img.getHeight());
        assertEquals(List.of(p), Files.list(dir).toList(), "no temporary file is left");
    }

    @Test void writesAnSvgThatParsesAndHoldsTheCurves() throws Exception {
        Path p = dir.resolve("loss.svg");
        LossPlot.write(p, "mlp: training", train(500, 0.01), validation(500));
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false); // no network in CI
        Document d = f.newDocumentBuilder().parse(p.toFile());
        assertEquals("svg", d.getDocumentElement().getTagName());
        assertTrue(d.getElementsByTagName("path").getLength() + d.getElementsByTagName("polyline").getLength() > 0);
        assertTrue(Files.readString(p).contains("mlp: training"));
    }

    @Test void theLossAxisIsLogarithmicOnlyPastTwoDecades() {
        XYPlot wide = LossPlot.chart("c", train(300, 0.001), Map.of()).getXYPlot();
        assertInstanceOf(LogAxis.class, wide.getRangeAxis());
        XYPlot narrow = LossPlot.chart("c", train(300, 0.5), Map.of()).getXYPlot();
        assertInstanceOf(NumberAxis.class, narrow.getRangeAxis());
        assertEquals(2, narrow.getDataset().getSeriesCount(), "the loss and its moving average");
        XYPlot both = LossPlot.chart("c", train(300, 0.5), validation(300)).getXYPlot();
        assertEquals(3, both.getDataset(0).getSeriesCount(), "validation loss shares the loss axis");
        assertEquals("metric", both.getRangeAxis(1).getLabel());
    }

    @Test void onlyPngAndSvg() {
        assertThrows(IllegalArgumentException.class, () -> LossPlot.write(dir.resolve("x.jpg"), "t", List.of(), Map.of()));
        assertEquals("svg", Charts.formatOf(Path.of("a/B.SVG")));
    }
}
