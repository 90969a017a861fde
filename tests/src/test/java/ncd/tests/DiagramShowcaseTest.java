package ncd.tests;

import ncd.diagrams.Readable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagrams of docs/diagrams.md's showcase read at 100% zoom, as a person sees them: {@code ncdc diagram} draws
 * the transformer Block, Glider, LIF Driven and the attention Head to SVG with its default choices, and each must
 * have an aspect ratio of at most 3:1 and no text under 10 px at 100% (SVG sizes are in pt: 1 pt is 4/3 px). Where
 * Chromium is installed, each SVG is also opened in headless Chromium at 100% zoom, measured there (the rendered
 * box and every text element's font size times its on-screen scale) and screenshot; {@code -Dncd.updateGolden=true}
 * copies the screenshots to {@code docs/showcase/}. The committed screenshots must exist and keep the aspect.
 */
class DiagramShowcaseTest {
    /** File, circuit, and the screenshot's name under docs/showcase/. */
    static final List<String[]> SHOWCASE = List.of(
            new String[] {"examples/transformer.ncd", "Block", "transformer-block"},
            new String[] {"examples/life.ncd", "Glider", "life-glider"},
            new String[] {"examples/lif.ncd", "Driven", "lif-driven"},
            new String[] {"examples/attention.ncd", "Head", "attention-head"});

    static final double MIN_TEXT_PX = 10;

    private static final Pattern FONT = Pattern.compile("font-size=\"([0-9.]+)\"");
    private static final Pattern VIEWBOX = Pattern.compile("viewBox=\"[-0-9.]+ [-0-9.]+ ([0-9.]+) ([0-9.]+)\"");

    @Test void showcaseDiagramsReadAtFullSize(@TempDir Path tmp) throws Exception {
        List<String> problems = new ArrayList<>();
        List<Path> svgs = new ArrayList<>();
        for (String[] s : SHOWCASE) {
            Path svg = tmp.resolve(s[2] + ".svg");
            Ncdc.Result r = Ncdc.run("diagram", Repo.root().resolve(s[0]).toString(), "--circuit", s[1], "-o", svg.toString());
            assertEquals(0, r.exit(), r::describe);
            String text = Files.readString(svg, StandardCharsets.UTF_8);
            double[] pt = Readable.size(text);
            double w = pt[0] * 4 / 3, h = pt[1] * 4 / 3;
            double aspect = Math.max(w / h, h / w);
            if (aspect > Readable.MAX_ASPECT) problems.add(s[1] + ": " + size(w, h) + " has aspect " + fmt(aspect) + ":1, over 3:1");
            Matcher vb = VIEWBOX.matcher(text);
            assertTrue(vb.find(), s[1] + ": no viewBox");
            double scale = w / Double.parseDouble(vb.group(1));   // px per SVG user unit at 100% zoom
            double min = Double.MAX_VALUE;
            for (Matcher m = FONT.matcher(text); m.find(); ) min = Math.min(min, Double.parseDouble(m.group(1)));
            if (min * scale < MIN_TEXT_PX) problems.add(s[1] + ": text of " + fmt(min * scale) + " px at 100% zoom");
            svgs.add(svg);
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        Path browser = Chromium.find();
        if (browser != null) screenshots(browser, tmp, svgs, problems);   // without one, measured from the SVG above
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
        for (String[] s : SHOWCASE) {
            Path png = Repo.root().resolve("docs/showcase/" + s[2] + ".png");
            assertTrue(Files.exists(png), png + " is missing: run this test with Chromium and -Dncd.updateGolden=true");
            BufferedImage img = ImageIO.read(png.toFile());
            double aspect = Math.max((double) img.getWidth() / img.getHeight(), (double) img.getHeight() / img.getWidth());
            assertTrue(aspect <= Readable.MAX_ASPECT, png + " is " + img.getWidth() + " × " + img.getHeight());
            assertTrue(Files.size(png) < 600_000, png + " is " + Files.size(png) + " bytes: too big for the repository");
        }
    }

    /** Opens each SVG in headless Chromium at 100% zoom, measures it there, and screenshots it. */
    private static void screenshots(Path browser, Path tmp, List<Path> svgs, List<String> problems) throws Exception {
        Path shots = Repo.root().resolve("tests/target/showcase");
        Files.createDirectories(shots);
        try (Chromium c = new Chromium(browser)) {
            for (int i = 0; i < SHOWCASE.size(); i++) {
                String[] s = SHOWCASE.get(i);
                Path page = tmp.resolve(s[2] + ".html");
                // the SVG at its own size (100% zoom), on a white page with a small margin
                Files.writeString(page, "<!doctype html><html><body style=\"margin:8px;background:#fff\"><img id=\"d\" src=\""
                        + svgs.get(i).getFileName() + "\"></body></html>");
                double[] pt = Readable.size(Files.readString(svgs.get(i), StandardCharsets.UTF_8));
                int w = (int) Math.ceil(pt[0] * 4 / 3) + 16, h = (int) Math.ceil(pt[1] * 4 / 3) + 16;
                c.viewport(w, h, 1, false);
                c.navigate(page.toUri().toString());
                Map<?, ?> box = (Map<?, ?>) ncd.runtime.Json.parse((String) c.eval(
                        "JSON.stringify((r => ({w: r.width, h: r.height}))(document.getElementById('d').getBoundingClientRect()))"));
                double bw = ((Number) box.get("w")).doubleValue(), bh = ((Number) box.get("h")).doubleValue();
                if (Math.max(bw / bh, bh / bw) > Readable.MAX_ASPECT) problems.add(s[1] + " in Chromium: " + size(bw, bh));
                if (Math.abs(bw - pt[0] * 4 / 3) > 2) problems.add(s[1] + " in Chromium is " + fmt(bw) + " px wide, not at 100%");
                // the font sizes as drawn: each text element's size times the scale its SVG is shown at
                Path inline = tmp.resolve(s[2] + "-inline.html");
                Files.writeString(inline, "<!doctype html><html><body style=\"margin:8px\">"
                        + Files.readString(svgs.get(i), StandardCharsets.UTF_8).replaceFirst("(?s)^.*?(<svg)", "$1") + "</body></html>");
                c.navigate(inline.toUri().toString());
                double smallest = ((Number) c.eval("Math.min(...Array.from(document.querySelectorAll('svg text')).map(t => "
                        + "parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))")).doubleValue();
                if (smallest < MIN_TEXT_PX) problems.add(s[1] + " in Chromium: text of " + fmt(smallest) + " px");
                c.navigate(page.toUri().toString());
                Path shot = shots.resolve(s[2] + ".png");
                Files.write(shot, c.screenshot(true));
                if (!c.problems.isEmpty()) problems.add(s[1] + ": " + c.problems);
                if (Repo.updateGolden()) {
                    Files.copy(shot, Repo.root().resolve("docs/showcase/" + s[2] + ".png"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static String size(double w, double h) { return fmt(w) + " × " + fmt(h) + " px"; }

    private static String fmt(double v) { return String.format(java.util.Locale.ROOT, "%.1f", v); }
}
