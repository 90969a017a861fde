package ncd.cli;

import ncd.diag.CloseNames;
import ncd.frontend.CompilerBug;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** Every command with words its help must say: what the command does now (run and bench compile to bytecode). */
    private static final Map<String, List<String>> SAYS = new LinkedHashMap<>();
    static {
        SAYS.put("check", List.of("every .ncd file under a directory", "--diagnostics=json", "--diagram"));
        SAYS.put("ir", List.of("typed IR", "--after"));
        SAYS.put("run", List.of("compiled to JVM bytecode (the default)", "--backend interp", "E0806"));
        SAYS.put("build", List.of("ahead of time", "runs without ncdc", "--target cuda", "needing no GPU"));
        SAYS.put("export", List.of("ONNX", "NIR", "feed-forward", "E0809", "std.lif.ExpSynapse", "docs/interop.md"));
        SAYS.put("import", List.of("NIR graph", "CubaLIF", "forward Euler", "previous step's output", "--params", "E0810", "docs/interop.md"));
        SAYS.put("test", List.of("law", "on the reference interpreter"));
        SAYS.put("bench", List.of("compiled to JVM bytecode (the default)", "--backend interp", "E0806"));
        SAYS.put("train", List.of("train` declaration", "--resume", "E0903"));
        SAYS.put("diagram", List.of("neural circuit diagram", "SVG"));
        SAYS.put("doc", List.of("static HTML site"));
        SAYS.put("fmt", List.of("canonical layout", "--check", "Only whitespace changes"));
        SAYS.put("lsp", List.of("Language Server Protocol", "stdin and stdout", "hover", "docs/editor.md"));
    }

    @Test void eachCommandsHelpSaysWhatItDoesNow() {
        for (Map.Entry<String, List<String>> c : SAYS.entrySet()) {
            Run r = run("help", c.getKey());
            assertEquals(0, r.exit(), r.err());
            assertEquals(r.out(), run(c.getKey(), "--help").out());
            // picocli wraps the help at 80 columns: compare with the line breaks taken out
            String flat = r.out().replaceAll("\\s+", " ");
            assertTrue(flat.contains("Usage: ncdc " + c.getKey()) && flat.contains("Examples:"), r.out());
            for (String words : c.getValue()) assertTrue(flat.contains(words), "`" + words + "` in\n" + r.out());
            // an example too long for the 80 columns would be wrapped mid-command
            String examples = r.out().substring(r.out().indexOf("Examples:") + "Examples:".length()).strip();
            for (String line : examples.split("\n")) assertTrue(line.startsWith("ncdc ") || line.startsWith("  ncdc "), "a wrapped example: " + line);
        }
        assertFalse(run("help", "run").out().replaceAll("\\s+", " ").contains("Run a circuit of FILE on the reference interpreter"));
    }

    @Test void theTopLevelHelpSaysWhatNcdcDoesAndSummarisesEachCommandInASentence() {
        Run r = run("help");
        assertEquals(0, r.exit(), r.err());
        String flat = r.out().replaceAll("\\s+", " ");
        for (String words : new String[] {"checks .ncd programs", "typed IR", "JVM bytecode", "reference interpreter", "jars",
                "tests laws", "times circuits", "diagrams", "HTML docs"}) {
            assertTrue(flat.contains(words), "`" + words + "` in\n" + r.out());
        }
        // the list shows each command's first description line: a whole sentence, not one cut off mid-way
        List<String> entries = new ArrayList<>();
        boolean inList = false;
        for (String line : r.out().split("\n")) {
            if (line.equals("Commands:")) inList = true;
            else if (inList && line.isBlank()) break;
            else if (inList && line.matches("  \\S.*")) entries.add(line.strip());
            else if (inList) entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.strip());
        }
        assertEquals(SAYS.size() + 1, entries.size(), r.out());
        for (String e : entries) assertTrue(e.endsWith("."), "a summary cut short: " + e);
        assertEquals(r.out(), run("--help").out());
    }

    /** The command table names each command as its {@code @Command} does, and help lists them in its order. */
    @Test void theCommandTableMatchesEachCommandsOwnName() {
        for (Map.Entry<String, Class<?>> c : Main.COMMANDS.entrySet()) {
            assertEquals(c.getKey(), c.getValue().getAnnotation(picocli.CommandLine.Command.class).name());
        }
        assertEquals(List.copyOf(SAYS.keySet()), List.copyOf(Main.COMMANDS.keySet()));
        // a command line that starts with a command builds that command alone; anything else, all of them and help
        assertEquals(List.of("check"), List.copyOf(Main.commandLine(new String[] {"check", "x.ncd"}).getSubcommands().keySet()));
        List<String> all = new ArrayList<>(Main.COMMANDS.keySet());
        all.add("help");
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "run"}, {"--verbose", "check"}, {"chekc"}}) {
            assertEquals(all, List.copyOf(Main.commandLine(args).getSubcommands().keySet()), String.join(" ", args));
        }
    }

    @Test void anUnknownCommandIsAUsageErrorThatListsTheCommands() {
        for (String[] args : new String[][] {{"serve"}, {"serve", "--help"}, {"serve", "x.ncd"}, {"help", "serve"}, {"--verbose", "serve"}}) {
            Run r = run(args);
            assertEquals(Main.USAGE, r.exit(), String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out(), "no help on stdout for " + String.join(" ", args));
            assertEquals("ncdc: unknown command 'serve'\n"
                    + "commands: check, ir, run, build, export, import, test, bench, train, diagram, doc, fmt, lsp, help\n"
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
        assertTrue(CloseNames.close("ri", "ir") && !CloseNames.close("serve", "diagram") && !CloseNames.close("serve", "test") && !CloseNames.close("x", "ir"));
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
