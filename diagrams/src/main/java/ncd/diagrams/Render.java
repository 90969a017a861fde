package ncd.diagrams;

import com.kitfox.svg.SVGDiagram;
import com.kitfox.svg.SVGException;
import com.kitfox.svg.SVGUniverse;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lays out and draws DOT text with one of two engines:
 * <ul>
 *   <li>{@link Engine#DOT}: the {@code dot} program (Graphviz), when it is on the PATH, run with the DOT text in a
 *       temporary file and its output and errors in two more (no pipes, so no thread can block on one), killed
 *       after {@link #timeout()};</li>
 *   <li>{@link Engine#V8}: Graphviz compiled to JavaScript running in an embedded V8 ({@link EmbeddedGraphviz}),
 *       which needs nothing installed and lays out the same on every machine.</li>
 * </ul>
 * {@link Engine#AUTO} picks {@code dot} when present, else V8. PNG comes from {@code dot -Tpng} directly, or from
 * V8's SVG drawn by svgSalamander. Every failure is a {@link RenderException} whose message starts with
 * "could not render" and names the engine.
 */
public final class Render {
    /** Which layout engine draws. */
    public enum Engine { AUTO, DOT, V8 }

    /** Rendering failed: no engine, or the engine refused the graph. The message says how to fix it. */
    public static final class RenderException extends Exception {
        private static final long serialVersionUID = 1L;

        public RenderException(String message, Throwable cause) { super(message, cause); }
    }

    /** Seconds an engine may take over one graph (default 120), for machines slower than ours. */
    public static final String TIMEOUT_PROPERTY = "ncd.render.timeout";

    static final String INSTALL_HINT = "install Graphviz so that `dot` is on the PATH "
            + "(Debian/Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; macOS: brew install graphviz), "
            + "or write DOT text with -o FILE.dot and render it elsewhere";

    /** Kept, so that its level (off: it warns once per text element about fonts) is not lost to GC. */
    private static final Logger SALAMANDER_LOG = Logger.getLogger("com.kitfox.svg");

    private Render() {}

    /** Whether the {@code dot} program is on the PATH. */
    public static boolean dotInstalled() { return dotProgram() != null; }

    /** The engine {@code AUTO} resolves to on this machine now. */
    public static Engine resolve(Engine e) {
        if (e != Engine.AUTO) return e;
        return dotInstalled() ? Engine.DOT : Engine.V8;
    }

    /** How an engine is called in messages and reports. */
    public static String describe(Engine e) {
        return switch (resolve(e)) {
            case DOT -> "dot";
            case V8 -> "the embedded engine (V8)";
            case AUTO -> throw new IllegalStateException("resolved above");
        };
    }

    /** How long one graph may take. */
    static Duration timeout() {
        String s = System.getProperty(TIMEOUT_PROPERTY);
        if (s != null) {
            try {
                long secs = Long.parseLong(s.strip());
                if (secs > 0) return Duration.ofSeconds(secs);
            } catch (NumberFormatException ignored) {
                // the default below
            }
        }
        return Duration.ofSeconds(120);
    }

    /** SVG text of {@code dot}. */
    public static String svg(String dot, Engine engine) throws RenderException {
        Engine e = resolve(engine);
        if (e == Engine.DOT) return new String(runDot(dot, "svg"), StandardCharsets.UTF_8);
        return EmbeddedGraphviz.svg(dot, timeout());
    }

    /** PNG bytes of {@code dot}: at {@code dpi} dots per inch from {@code dot}, or SVG scaled to it from V8. */
    public static byte[] png(String dot, Engine engine, int dpi) throws RenderException {
        Engine e = resolve(engine);
        if (e == Engine.DOT) return runDot(dot, "png", "-Gdpi=" + dpi);
        return rasterize(svg(dot, Engine.V8), dpi / 72.0);
    }

    /** Draws SVG text (as Graphviz writes it) into a PNG, scaled by {@code scale}. */
    public static byte[] rasterize(String svg, double scale) throws RenderException {
        System.setProperty("java.awt.headless", "true");
        SALAMANDER_LOG.setLevel(Level.OFF);
        // svgSalamander knows neither "transparent" nor CSS font lists: give it what it can draw.
        String fixed = svg.replace("fill=\"transparent\"", "fill=\"none\"")
                .replace("stroke=\"transparent\"", "stroke=\"none\"")
                .replaceAll("font-family=\"[^\"]*\"", "font-family=\"SansSerif\"");
        try {
            SVGUniverse u = new SVGUniverse();
            URI uri = u.loadSVG(new StringReader(fixed), "//ncd/diagram");
            SVGDiagram d = u.getDiagram(uri);
            d.setIgnoringClipHeuristic(true);
            int w = Math.max(1, (int) Math.ceil(d.getWidth() * scale));
            int h = Math.max(1, (int) Math.ceil(d.getHeight() * scale));
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            Graphics2D gr = img.createGraphics();
            gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            gr.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            gr.scale(scale, scale);
            d.render(gr);
            gr.dispose();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (SVGException | IOException | RuntimeException x) {
            throw new RenderException("could not render: drawing the SVG as PNG failed: " + firstLine(x), x);
        }
    }

    // ---- the dot program ------------------------------------------------------------------------------------

    /** The {@code dot} program on the PATH, or null. */
    static Path dotProgram() {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, "dot");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    /**
     * Runs {@code dot -Tformat} on the DOT text and returns its output. Input, output and errors go through files in
     * a private temporary folder, deleted afterwards: with pipes, someone must drain each one while the others fill,
     * and the threads that did so once starved each other on a one-thread common pool (a hang, not a timeout).
     */
    private static byte[] runDot(String dot, String format, String... extra) throws RenderException {
        Path exe = dotProgram();
        if (exe == null) {
            throw new RenderException("could not render with dot: the `dot` program is not on the PATH; " + INSTALL_HINT
                    + "; or use --engine v8 (the embedded engine)", null);
        }
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-T" + format));
        cmd.addAll(List.of(extra));
        Duration limit = timeout();
        Path dir = null;
        Process p = null;
        try {
            dir = Files.createTempDirectory("ncd-dot-");
            Path in = dir.resolve("in.dot");
            Path out = dir.resolve("out." + format);
            Path err = dir.resolve("err.txt");
            Files.writeString(in, dot, StandardCharsets.UTF_8);
            p = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RenderException("could not render with dot (" + exe + "): it took more than " + limit.toSeconds()
                        + " s and was stopped", null);
            }
            String msg = Files.readString(err, StandardCharsets.UTF_8).strip();
            byte[] bytes = Files.readAllBytes(out);
            if (p.exitValue() != 0 || bytes.length == 0) {
                throw new RenderException("could not render with dot (" + exe + "): it exited with status " + p.exitValue()
                        + (msg.isEmpty() ? " and printed nothing" : ": " + msg.replaceAll("\\s*\\R\\s*", "; ")), null);
            }
            return bytes;
        } catch (IOException x) {
            throw new RenderException("could not render with dot (" + exe + "): " + firstLine(x), x);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new RenderException("could not render with dot: interrupted", x);
        } finally {
            if (p != null && p.isAlive()) p.destroyForcibly();
            if (dir != null) deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            dir.toFile().deleteOnExit();
        }
    }

    /** The first line of an exception's message, or its class name when it has none. */
    static String firstLine(Throwable x) {
        String m = x == null ? null : x.getMessage();
        if (m == null || m.isBlank()) return x == null ? "unknown error" : x.getClass().getSimpleName();
        return m.strip().lines().findFirst().orElse(m);
    }
}
