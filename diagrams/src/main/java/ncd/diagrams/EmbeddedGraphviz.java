package ncd.diagrams;

import com.eclipsesource.v8.V8;
import com.eclipsesource.v8.V8Array;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Graphviz 2.44 compiled to JavaScript (viz.js 2.1.3, from its webjar) running in an embedded V8 (j2v8): draws DOT
 * as SVG with nothing installed.
 *
 * <p>Driven directly rather than through graphviz-java, for three reasons found on fresh machines:
 * <ul>
 *   <li>graphviz-java measures each font with AWT and hands viz.js widths relative to AWT's Courier; where a byte's
 *       Courier glyph has no width on that machine's fonts the ratio is infinite, and the first layout that meets
 *       such a byte (every UTF-8 label: Σ, ⊗, ×) fails with "lost z0 n6 edge" or a split.q.c assertion. The second
 *       render then worked only because graphviz-java's fresh viz instance had forgotten the widths. Here viz.js
 *       uses Graphviz's own built-in font metrics: the same layout on every machine, whatever fonts it has.</li>
 *   <li>j2v8's library is linked with an executable stack, so loading it made the JVM print a "stack guard" warning
 *       on every run; the copy loaded here has that flag cleared (V8 needs no executable stack: its code lives in
 *       mapped pages of its own).</li>
 *   <li>a layout that runs away is stopped after a timeout ({@link V8#terminateExecution}) instead of hanging.</li>
 * </ul>
 *
 * <p>V8 may only be used by the thread that made it, so everything runs on one daemon thread. A viz.js instance is
 * reused while it succeeds and replaced after any error (Graphviz keeps state in C globals that an error can leave
 * half-updated). Its heap cannot grow, so a graph that runs out of it is retried once with a four times larger one.
 */
final class EmbeddedGraphviz {
    /** The viz.js build inside the webjar on the class path. */
    static final String VIZ_JS = "/META-INF/resources/webjars/viz.js-graphviz-java/2.1.3/full.render.js";
    /** What the engine is called in messages. */
    static final String NAME = "the embedded Graphviz engine (viz.js 2.1.3 on V8)";

    private static final String LIBRARY = "libj2v8_linux_x86_64.so";
    private static final int FIRST_HEAP = 32 << 20;
    private static final int LAST_HEAP = 512 << 20;

    /** The JavaScript around viz.js: one instance at a time, dropped after an error. */
    private static final String DRIVER = """
            var ncdViz = null, ncdHeap = 0;
            function ncdRender(src, format, heap) {
              if (ncdViz === null || ncdHeap !== heap) {
                ncdViz = null;
                ncdViz = Viz.Module({TOTAL_MEMORY: heap, print: function () {}, printErr: function () {}});
                ncdHeap = heap;
              }
              try {
                return Viz.render(ncdViz, src, {format: format, engine: 'dot', files: [], yInvert: false, nop: 0});
              } catch (e) {
                ncdViz = null;
                throw e;
              }
            }
            """;

    private static ExecutorService thread;
    private static V8 runtime;
    private static String startFailure;
    private static int heap = FIRST_HEAP;

    private EmbeddedGraphviz() {}

    /** SVG text of {@code dot}, or a {@link Render.RenderException} that says why not. */
    static synchronized String svg(String dot, Duration timeout) throws Render.RenderException {
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "ncd-graphviz-v8");
                t.setDaemon(true);
                return t;
            });
        }
        Future<String> f = thread.submit(() -> renderOnThread(dot));
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException x) {
            V8 r = runtime;
            if (r != null) r.terminateExecution();
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // terminated, as asked
            }
            thread.submit(EmbeddedGraphviz::dropRuntime);
            throw new Render.RenderException("could not render with " + NAME + ": the layout took more than "
                    + timeout.toSeconds() + " s (a graph this large may lay out faster with Graphviz's `dot`: "
                    + Render.INSTALL_HINT + ")", null);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new Render.RenderException("could not render with " + NAME + ": interrupted", x);
        } catch (ExecutionException x) {
            Throwable c = x.getCause();
            if (c instanceof Render.RenderException r) throw r;
            throw new Render.RenderException("could not render with " + NAME + ": " + Render.firstLine(c), c);
        }
    }

    /** On the V8 thread: start V8 if needed, lay out, retry once with a larger heap when viz.js ran out of it. */
    private static String renderOnThread(String dot) throws Render.RenderException {
        V8 v8 = start();
        while (true) {
            try (Args args = new Args(v8, dot, "svg", heap)) {
                return v8.executeStringFunction("ncdRender", args.array);
            } catch (RuntimeException x) {
                String msg = Render.firstLine(x);
                if (msg.contains("Cannot enlarge memory") && heap < LAST_HEAP) {
                    heap = Math.min(LAST_HEAP, heap * 4);
                    continue;
                }
                throw new Render.RenderException("could not render with " + NAME + ": " + layoutMessage(x), x);
            }
        }
    }

    /** V8's arguments, released with the call. */
    private record Args(V8Array array) implements AutoCloseable {
        Args(V8 v8, String dot, String format, int heap) {
            this(new V8Array(v8).push(dot).push(format).push(heap));
        }

        @Override public void close() { array.release(); }
    }

    /** Graphviz's own words where the exception carries them ("Error: syntax error in line 3 near 'x'"). */
    private static String layoutMessage(RuntimeException x) {
        String m = x instanceof com.eclipsesource.v8.V8ScriptException s && s.getJSMessage() != null ? s.getJSMessage() : Render.firstLine(x);
        return m.strip().replaceFirst("^Uncaught ", "");
    }

    private static void dropRuntime() {
        if (runtime != null) {
            try {
                runtime.release(false);
            } catch (RuntimeException ignored) {
                // a terminated runtime may refuse; it is dropped either way
            }
            runtime = null;
        }
    }

    /** The runtime with viz.js loaded; made once per JVM (again only after a timeout). */
    private static V8 start() throws Render.RenderException {
        if (runtime != null) return runtime;
        if (startFailure != null) throw new Render.RenderException(startFailure, null);
        try {
            loadLibrary();
            String viz;
            try (InputStream in = EmbeddedGraphviz.class.getResourceAsStream(VIZ_JS)) {
                if (in == null) throw new IllegalStateException(VIZ_JS + " is not on the class path");
                viz = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            V8 v8 = V8.createV8Runtime();
            try {
                // viz.js attaches Module and render to the global Viz object when there is one
                v8.executeVoidScript("var Viz = {};");
                v8.executeVoidScript(viz, "full.render.js", 0);
                v8.executeVoidScript(DRIVER, "ncd-driver.js", 0);
            } catch (RuntimeException x) {
                v8.release(false);
                throw x;
            }
            runtime = v8;
            return v8;
        } catch (Throwable x) {
            startFailure = "could not render: no `dot` program on the PATH, and " + NAME + " does not start on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch") + " (" + Render.firstLine(x)
                    + "); " + Render.INSTALL_HINT;
            throw new Render.RenderException(startFailure, x);
        }
    }

    private static boolean libraryLoaded;

    /**
     * Loads j2v8's native library from a private temporary copy whose ELF header no longer asks for an executable
     * stack, then tells j2v8 it is loaded (its own loader would load the unpatched file). The copy is deleted once
     * loaded: the mapping stays.
     */
    private static void loadLibrary() throws IOException, ReflectiveOperationException {
        if (libraryLoaded) return;
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("its V8 library is built for Linux x86-64 only");
        }
        Path dir = Files.createTempDirectory("ncd-v8-");
        Path lib = dir.resolve(LIBRARY);
        try {
            try (InputStream in = V8.class.getResourceAsStream("/" + LIBRARY)) {
                if (in == null) throw new IllegalStateException(LIBRARY + " is not on the class path");
                Files.copy(in, lib);
            }
            clearExecutableStack(lib);
            System.load(lib.toString());
        } finally {
            Files.deleteIfExists(lib);
            Files.deleteIfExists(dir);
        }
        var loaded = V8.class.getDeclaredField("nativeLibraryLoaded");
        loaded.setAccessible(true);
        loaded.setBoolean(null, true);
        libraryLoaded = true;
    }

    /** Clears PF_X of the PT_GNU_STACK program header of a 64-bit little-endian ELF file (what `execstack -c` does). */
    static void clearExecutableStack(Path elf) throws IOException {
        final int ptGnuStack = 0x6474e551;
        final int pfX = 1;
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.getInt(0) != 0x464c457f || h.get(4) != 2 || h.get(5) != 1) throw new IOException("not a 64-bit little-endian ELF file");
            long phoff = h.getLong(0x20);
            int phentsize = Short.toUnsignedInt(h.getShort(0x36));
            int phnum = Short.toUnsignedInt(h.getShort(0x38));
            ByteBuffer ph = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                long at = phoff + (long) i * phentsize;
                ph.clear();
                ch.read(ph, at);
                if (ph.getInt(0) != ptGnuStack) continue;
                int flags = ph.getInt(4);
                if ((flags & pfX) == 0) return;
                ByteBuffer w = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, flags & ~pfX);
                ch.write(w, at + 4);
                return;
            }
        }
    }
}
