package ncd.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `--color`: ANSI colours on a terminal, never in a file or a pipe, none with NO_COLOR unless asked for. */
class ColourTest {
    @Test void autoColoursATerminalUnlessNoColorIsSet() {
        assertTrue(Report.ColorWhen.auto.colours(null, true));
        assertTrue(Report.ColorWhen.auto.colours("", true));       // NO_COLOR set but empty counts as unset
        assertFalse(Report.ColorWhen.auto.colours("1", true));
        assertFalse(Report.ColorWhen.auto.colours(null, false));   // a file or pipe
    }

    @Test void alwaysAndNeverAreWhatTheySay() {
        assertTrue(Report.ColorWhen.always.colours("1", false));   // an explicit choice overrides NO_COLOR
        assertFalse(Report.ColorWhen.never.colours(null, true));
    }

    @Test void theOptionReachesTheDiagnosticsAndDoesNotOutliveItsCommand(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.ncd");
        Files.writeString(f, "circuit f(x: f32) -> f32 { return x + true }\n");
        MainTest.Run always = MainTest.run("check", "--color=always", f.toString());
        assertEquals(1, always.exit(), always.err());
        assertTrue(always.err().contains("\u001b[1;31merror["), always.err());
        // the next command on this thread, with no --color and no terminal (tests have none), is plain again
        MainTest.Run auto = MainTest.run("check", f.toString());
        assertEquals(1, auto.exit(), auto.err());
        assertFalse(auto.err().contains("\u001b"), auto.err());
        assertEquals(auto.err(), always.err().replaceAll("\u001b\\[[0-9;]*m", ""));
        MainTest.Run json = MainTest.run("check", "--color=always", "--diagnostics=json", f.toString());
        assertFalse(json.out().contains("\u001b") || json.err().contains("\u001b"), json.out());
    }

    @Test void aBadValueIsAUsageError() {
        MainTest.Run r = MainTest.run("check", "--color=sometimes", "x.ncd");
        assertEquals(Main.USAGE, r.exit(), r.err());
    }
}
