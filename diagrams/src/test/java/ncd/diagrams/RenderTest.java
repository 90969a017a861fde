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
