package ncd.diagrams;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rendering with the embedded V8 engine (always: it needs nothing installed) and with the {@code dot} program
 * (only where it is installed). The DOT text is the same either way; only the layout engine differs.
 */
class RenderTest {
    private static final String DOT = DotWriter.write(DotWriterTest.layer());

    @Test void v8DrawsSvgWithTheIrIds() throws Exception {
        String svg = Render.svg(DOT, Render.Engine.V8);
        assertSvg(svg);
    }

    @Test void v8DrawsPng() throws Exception {
        byte[] png = Render.png(DOT, Render.Engine.V8, 72);
        assertPng(png);
    }

    @Test void dotDrawsTheSameWhenInstalled() throws Exception {
        Assumptions.assumeTrue(Render.dotInstalled(), "the dot program is not installed");
        assertEquals(Render.Engine.DOT, Render.resolve(Render.Engine.AUTO));
        assertSvg(Render.svg(DOT, Render.Engine.DOT));
        assertPng(Render.png(DOT, Render.Engine.DOT, 72));
    }

    @Test void autoIsV8WithoutDot() {
        Assumptions.assumeFalse(Render.dotInstalled(), "the dot program is installed");
        assertEquals(Render.Engine.V8, Render.resolve(Render.Engine.AUTO));
    }

    @Test void noEngineSaysHowToFixIt() {
        Assumptions.assumeFalse(Render.dotInstalled(), "the dot program is installed");
        Render.RenderException e = org.junit.jupiter.api.Assertions.assertThrows(Render.RenderException.class,
                () -> Render.svg(DOT, Render.Engine.DOT));
        assertTrue(e.getMessage().contains("install Graphviz"), e.getMessage());
    }

    @Test void aGraphvizErrorNamesTheEngineAndTheNextGraphStillDraws() throws Exception {
        Render.RenderException e = org.junit.jupiter.api.Assertions.assertThrows(Render.RenderException.class,
                () -> Render.svg("digraph { a -> ; }", Render.Engine.V8));
        assertTrue(e.getMessage().startsWith("could not render with the embedded Graphviz engine"), e.getMessage());
        assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
        assertSvg(Render.svg(DOT, Render.Engine.V8));
    }

    /** Graphviz's own font metrics, not the machine's: the layout, and so the SVG, is the same every time. */
    @Test void v8LaysOutTheSameEveryTime() throws Exception {
        assertEquals(Render.svg(DOT, Render.Engine.V8), Render.svg(DOT, Render.Engine.V8));
    }

    @Test void theExecutableStackFlagIsCleared(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // A 64-bit little-endian ELF header with two program headers: PT_LOAD (R+X) and PT_GNU_STACK (R+W+X).
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64 + 2 * 56).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1);
        b.putLong(0x20, 64).putShort(0x36, (short) 56).putShort(0x38, (short) 2);
        b.putInt(64, 1).putInt(68, 5);
        b.putInt(64 + 56, 0x6474e551).putInt(64 + 56 + 4, 7);
        java.nio.file.Path f = dir.resolve("lib.so");
        java.nio.file.Files.write(f, b.array());
        EmbeddedGraphviz.clearExecutableStack(f);
        java.nio.ByteBuffer after = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(f)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(6, after.getInt(64 + 56 + 4), "PT_GNU_STACK loses PF_X only");
        assertEquals(5, after.getInt(68), "other program headers are untouched");
    }

    private static void assertSvg(String svg) {
        assertTrue(svg.contains("<svg"), svg);
        for (String id : new String[] {"n0", "n2", "n5", "out0", "z0", "scope_layer"}) {
            assertTrue(svg.contains("id=\"" + id + "\""), () -> "the SVG keeps the DOT id " + id);
        }
        assertFalse(svg.contains("-inf"), "no text placed at x=-inf (the viz.js mixed-format bug)");
    }

    private static void assertPng(byte[] png) {
        assertTrue(png.length > 1000);
        assertEquals("\u0089PNG", new String(png, 0, 4, StandardCharsets.ISO_8859_1));
    }
}
