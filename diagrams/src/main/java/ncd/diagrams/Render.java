package ncd.diagrams;

import com.kitfox.svg.SVGDiagram;
import com.kitfox.svg.SVGException;
import com.kitfox.svg.SVGUniverse;
import guru.nidi.graphviz.engine.Format;
import guru.nidi.graphviz.engine.GraphvizEngine;
import guru.nidi.graphviz.engine.GraphvizV8Engine;
import guru.nidi.graphviz.engine.Options;
import guru.nidi.graphviz.engine.Rasterizer;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lays out and draws DOT text with one of two engines:
 * <ul>
 *   <li>{@link Engine#DOT}: the {@code dot} program (Graphviz), when it is on the PATH, run with the DOT text on
 *       stdin (no temporary files);</li>
 *   <li>{@link Engine#V8}: graphviz-java's Graphviz compiled to JavaScript (viz.js) running in the embedded V8
 *       engine (j2v8), which needs nothing installed. j2v8 unpacks its native library into a private temporary
 *       folder, deleted once loaded (or into the folder named by the system property {@value #V8_DIR_PROPERTY}),
 *       never into the user's home.</li>
 * </ul>
 * {@link Engine#AUTO} picks {@code dot} when present, else V8. V8 is started once per JVM and kept; it must be used
 * from the thread that started it, so it runs on one dedicated thread. PNG comes from {@code dot -Tpng} directly,
 * or from V8's SVG drawn by svgSalamander.
 */
public final class Render {
    /** Which layout engine draws. */
    public enum Engine { AUTO, DOT, V8 }

    /** Rendering failed: no engine, or the engine refused the graph. The message says how to fix it. */
    public static final class RenderException extends Exception {
        private static final long serialVersionUID = 1L;

        public RenderException(String message, Throwable cause) { super(message, cause); }
    }

    /** The folder j2v8 unpacks its native library into, when set (default: a fresh private temporary folder). */
    public static final String V8_DIR_PROPERTY = "ncd.j2v8.dir";

    private static final String INSTALL_HINT = "install Graphviz so that `dot` is on the PATH "
            + "(Debian/Ubuntu: apt-get install graphviz; Fedora: dnf install graphviz; macOS: brew install graphviz), "
            + "or write DOT text with -o FILE.dot and render it elsewhere";

    /** Kept, so that its level (off: it warns once per text element about fonts) is not lost to GC. */
    private static final Logger SALAMANDER_LOG = Logger.getLogger("com.kitfox.svg");
    private static GraphvizEngine v8Engine;
    private static java.util.concurrent.ExecutorService v8Thread;
    private static String v8Failure;

    private Render() {}

    /** Whether the {@code dot} program is on the PATH. */
    public static boolean dotInstalled() { return dotProgram() != null; }

    /** The engine {@code AUTO} resolves to on this machine now. */
    public static Engine resolve(Engine e) {
        if (e != Engine.AUTO) return e;
        return dotInstalled() ? Engine.DOT : Engine.V8;
    }

    /** SVG text of {@code dot}. */
    public static String svg(String dot, Engine engine) throws RenderException {
        Engine e = resolve(engine);
        if (e == Engine.DOT) return new String(runDot(dot, "svg"), StandardCharsets.UTF_8);
        return onV8(() -> v8().execute(dot, Options.create().format(Format.SVG), Rasterizer.NONE).asString());
    }

    /** PNG bytes of {@code dot}: at {@code dpi} dots per inch from {@code dot}, or SVG scaled to it from V8. */
    public static byte[] png(String dot, Engine engine, int dpi) throws RenderException {
        Engine e = resolve(engine);
        if (e == Engine.DOT) return runDot(dot, "png", "-Gdpi=" + dpi);
        return rasterize(svg(dot, Engine.V8), dpi / 72.0);
    }

    /** Draws SVG text (as Graphviz writes it) into a PNG, scaled by {@code scale}. */
    static byte[] rasterize(String svg, double scale) throws RenderException {
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
            throw new RenderException("drawing the SVG as PNG failed: " + message(x), x);
        }
    }

    // ---- engines ------------------------------------------------------------------------------------------------

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
     * Runs {@code dot -Tformat} with the DOT text on stdin and returns its stdout. (graphviz-java's command-line
     * engine does the same through a temporary folder per render that it leaves behind for three days; pipes
     * leave nothing.)
     */
    private static byte[] runDot(String dot, String format, String... extra) throws RenderException {
        Path exe = dotProgram();
        if (exe == null) throw new RenderException("cannot render: the `dot` program is not on the PATH; " + INSTALL_HINT, null);
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "-T" + format));
        cmd.addAll(List.of(extra));
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
                try (var o = p.getOutputStream()) {
                    o.write(dot.getBytes(StandardCharsets.UTF_8));
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            });
            byte[] out = readAll(p.getInputStream());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new RenderException("the `dot` program took more than 120 s", null);
            }
            in.join();
            String msg = new String(err.join(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0 || out.length == 0) {
                throw new RenderException("the `dot` program failed (exit " + p.exitValue() + ")"
                        + (msg.isEmpty() ? "" : ": " + msg.lines().findFirst().orElse("")), null);
            }
            return out;
        } catch (IOException | UncheckedIOException | java.util.concurrent.CompletionException x) {
            throw new RenderException("running " + exe + " failed: " + message(x), x);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new RenderException("interrupted while running dot", x);
        }
    }

    private static byte[] readAll(java.io.InputStream s) {
        try {
            return s.readAllBytes();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    /** Runs {@code task} on the V8 thread (V8 may only be used by the thread that created it). */
    private static synchronized String onV8(java.util.concurrent.Callable<String> task) throws RenderException {
        if (v8Thread == null) {
            v8Thread = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ncd-v8");
                t.setDaemon(true);
                return t;
            });
        }
        try {
            return v8Thread.submit(task).get();
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new RenderException("interrupted while rendering", x);
        } catch (java.util.concurrent.ExecutionException x) {
            Throwable c = x.getCause();
            if (c instanceof RenderException) throw (RenderException) c;
            throw new RenderException("the embedded V8 Graphviz engine failed: " + message(c), c);
        }
    }

    /** Starts V8 on first use (on the V8 thread). */
    private static GraphvizEngine v8() throws RenderException {
        if (v8Engine != null) return v8Engine;
        if (v8Failure != null) throw new RenderException(v8Failure, null);
        Path dir = null;
        try {
            String configured = System.getProperty(V8_DIR_PROPERTY);
            if (configured != null && !configured.isBlank()) {
                dir = Path.of(configured);
                Files.createDirectories(dir);
            } else {
                dir = Files.createTempDirectory("ncd-j2v8-");
            }
            GraphvizV8Engine e = new GraphvizV8Engine(dir.toString() + File.separator);
            AtomicBoolean ok = new AtomicBoolean();
            e.init(x -> ok.set(true), x -> ok.set(false));
            if (!ok.get()) throw new IllegalStateException("V8 did not start");
            v8Engine = e;
            return e;
        } catch (Throwable x) {
            v8Failure = "cannot render: no `dot` program on the PATH, and the embedded V8 Graphviz engine does not start on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " (" + message(x) + "); "
                    + INSTALL_HINT;
            throw new RenderException(v8Failure, x);
        } finally {
            if (dir != null && System.getProperty(V8_DIR_PROPERTY) == null) deleteQuietly(dir);
        }
    }

    /** The unpacked library is mapped into the process once loaded, so its private folder can go right away. */
    private static void deleteQuietly(Path dir) {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            dir.toFile().deleteOnExit();
        }
    }

    private static String message(Throwable x) {
        String m = x == null ? null : x.getMessage();
        if (m == null || m.isBlank()) return x == null ? "unknown error" : x.getClass().getSimpleName();
        return m.lines().findFirst().orElse(m);
    }
}
