package ncd.cli;

import ncd.runtime.AtomicFile;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** Writing a JFreeChart chart as PNG or SVG, by the file's extension, whole or not at all: the loss and activity plots. */
final class Charts {
    private Charts() {}

    /** {@code "png"} or {@code "svg"} for a file a chart can be written to, from its extension; null for any other. */
    static String formatOf(Path out) {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") ? "png" : name.endsWith(".svg") ? "svg" : null;
    }

    /**
     * Draws {@code chart} at {@code width} x {@code height} (pixels or SVG user units) into {@code out}.
     *
     * @throws IllegalArgumentException when the extension is neither {@code .png} nor {@code .svg}
     * @throws IOException when the file cannot be written; it is then unchanged
     */
    static void write(Path out, JFreeChart chart, int width, int height) throws IOException {
        String format = formatOf(out);
        if (format == null) throw new IllegalArgumentException(out + ": a plot is written as .png or .svg, by its extension");
        byte[] bytes = format.equals("png") ? png(chart, width, height) : svg(chart, width, height).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(out, o -> o.write(bytes));
    }

    static byte[] png(JFreeChart chart, int width, int height) throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
    }

    static String svg(JFreeChart chart, int width, int height) {
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
        return g.getSVGDocument();
    }
}
