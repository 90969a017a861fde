package ncd.cli;

import ncd.frontend.CompilerBug;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's command-line surface: help, version, usage errors and internal-error reports. */
class MainTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test void versionPrintsNameAndExitsZero() {
        Run r = run("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("ncdc "), r.out());
    }

    @Test void helpListsCommandsWithExamples() {
        for (String[] args : new String[][] {{"--help"}, {"help"}}) {
            Run r = run(args);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("check") && r.out().contains("ir") && r.out().contains("Examples:"), r.out());
        }
    }

    @Test void eachCommandHasHelpWithAnExample() {
        for (String cmd : new String[] {"check", "ir"}) {
            Run r = run("help", cmd);
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("Usage: ncdc " + cmd) && r.out().contains("Examples:"), r.out());
            assertEquals(r.out(), run(cmd, "--help").out());
        }
    }

    @Test void anUnknownCommandIsAUsageErrorThatListsTheCommands() {
        for (String[] args : new String[][] {{"train"}, {"train", "--help"}, {"train", "x.ncd"}, {"help", "train"}, {"--verbose", "train"}}) {
            Run r = run(args);
            assertEquals(Main.USAGE, r.exit(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out(), "no help on stdout for " + String.join(" ", args));
            assertEquals("ncdc: unknown command 'train'\n"
                    + "commands: check, ir, run, build, test, bench, diagram, doc, help\n"
                    + "Try 'ncdc --help' for more information.\n", r.err(), "nothing close to suggest");
        }
    }

    @Test void anUnknownCommandCloseToOneSuggestsIt() {
        String[][] cases = {{"chek", "check"}, {"tset", "test"}, {"bnech", "bench"}, {"Run", "run"}, {"diagrams", "diagram"}};
        for (String[] c : cases) {
            Run r = run(c[0], "x.ncd");
            assertEquals(Main.USAGE, r.exit(), r.err());
            assertTrue(r.err().startsWith("ncdc: unknown command '" + c[0] + "'\ncommands: "), r.err());
            assertTrue(r.err().contains("Did you mean: ncdc " + c[1] + "?\n"), r.err());
        }
        assertTrue(Main.close("ri", "ir") && !Main.close("train", "diagram") && !Main.close("train", "ir") && !Main.close("x", "ir"));
    }

    @Test void noCommandIsAUsageError() {
        Run r = run();
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("missing command"), r.err());
    }

    @Test void unknownOptionsAndCommandsAreUsageErrors() {
        assertEquals(Main.USAGE, run("check", "--bogus", "x.ncd").exit());
        assertEquals(Main.USAGE, run("chek", "x.ncd").exit());
        assertEquals(Main.USAGE, run("check").exit());
        assertEquals(Main.USAGE, run("ir").exit());
        assertEquals(Main.USAGE, run("check", "--diagnostics=xml", "x.ncd").exit());
        Run r = run("check", "--bogus", "x.ncd");
        assertTrue(r.err().contains("Unknown option") && r.err().contains("ncdc check --help"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test void badAxisValuesAreUsageErrorsWithE0803() {
        for (String bad : new String[] {"seq", "seq=", "seq=0", "seq=-3", "seq=x", "=4", "seq=99999999999"}) {
            Run r = run("ir", "does-not-matter.ncd", "--axis", bad);
            assertEquals(Main.USAGE, r.exit(), bad + ": " + r.err());
            assertTrue(r.err().contains("E0803"), r.err());
        }
        Run twice = run("ir", "x.ncd", "--axis", "a=2", "--axis", "a=3");
        assertEquals(Main.USAGE, twice.exit());
        Run json = run("ir", "x.ncd", "--axis", "a=b", "--diagnostics=json");
        assertTrue(json.err().trim().startsWith("[") && json.err().contains("\"code\":\"E0803\""), json.err());
    }

    @Test void anInternalErrorNamesThePhaseAndHidesTheStackTrace() {
        StringWriter sw = new StringWriter();
        Report.internalError(new PrintWriter(sw), "check", new CompilerBug("lower", new IllegalStateException("no node")), false);
        assertEquals("ncdc: internal error in phase lower: IllegalStateException: no node\n"
                + "(run with --verbose for the stack trace)\n", sw.toString());
    }

    @Test void anInternalErrorOutsideACompilerBugNamesTheCommand() {
        StringWriter sw = new StringWriter();
        Report.internalError(new PrintWriter(sw), "ir", new NullPointerException(), false);
        assertTrue(sw.toString().startsWith("ncdc: internal error in phase ir: NullPointerException\n"), sw.toString());
    }

    @Test void verboseShowsTheStackTrace() {
        StringWriter sw = new StringWriter();
        Report.internalError(new PrintWriter(sw), "check", new CompilerBug("resolve", new RuntimeException("x")), true);
        assertTrue(sw.toString().contains("\tat ") && sw.toString().contains("phase resolve"), sw.toString());
        assertFalse(sw.toString().contains("--verbose for"), sw.toString());
    }
}
