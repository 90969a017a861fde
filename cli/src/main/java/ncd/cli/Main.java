package ncd.cli;

import ncd.diag.CloseNames;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ncdc}, the driver: picocli subcommands that wire the stages together. {@link #run} is the whole program
 * and never throws; tests call it in-process, {@link #main} exits with its result.
 *
 * <p>Exit codes: {@value #OK} success, {@value #USER_ERROR} errors in the user's program, {@value #USAGE} a bad
 * command line, {@value #INTERNAL} a compiler bug (reported as {@code ncdc: internal error in phase X: ...}),
 * {@value #TOOL} a tool ncdc calls failed (reported as {@code ncdc: could not render with ENGINE: ...}).
 */
@Command(name = "ncdc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "The ncd compiler: checks .ncd programs (named axes, units, dtypes, dynamics) and prints their typed IR,"
                + " runs circuits compiled to JVM bytecode (or on the reference interpreter), builds jars that run"
                + " without ncdc, exports ONNX models and NIR graphs, imports NIR graphs, tests laws on random inputs, times circuits, trains their parameters on data, and draws circuit"
                + " diagrams and HTML docs, and serves editors as a language server."},
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc check examples/              check every .ncd file under examples/",
            "  ncdc ir examples/attention.ncd    print the IR of its circuits",
            "  ncdc run examples/life.ncd --circuit Glider --steps 8",
            "  ncdc test examples/               check every law on random inputs",
            "  ncdc build examples/life.ncd --circuit Glider -o glider.jar",
            "  ncdc bench examples/mlp.ncd --circuit BatchClassifier --axis batch=256",
            "  ncdc train examples/fashion_mlp.ncd --data train.npz --val test.npz",
            "  ncdc diagram examples/transformer.ncd --circuit Block -o block.svg",
            "  ncdc lsp                          a language server, for editors",
            "  ncdc help run                     help for one command",
            "",
            "Exit codes: 0 ok, 1 errors in the program, 2 bad command line,",
            "3 internal compiler error, 4 a tool ncdc calls (the Graphviz renderer) failed."})
public final class Main implements Callable<Integer> {
    public static final int OK = 0;
    public static final int USER_ERROR = 1;
    public static final int USAGE = 2;
    public static final int INTERNAL = 3;
    /** A tool ncdc calls failed on a correct program: the Graphviz renderer ("could not render with ..."). */
    public static final int TOOL = 4;

    /**
     * The commands, by name, in the order help lists them (each class's {@code @Command} name; MainTest checks). They
     * are added in {@link #commandLine} rather than listed in {@code @Command(subcommands = ...)}: picocli builds the
     * model of every listed command from its annotations by reflection, which took a third of the start-up of
     * {@code ncdc check}; a command line that starts with a command's name needs that command's model only.
     */
    static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("check", CheckCommand.class);
        m.put("ir", IrCommand.class);
        m.put("run", RunCommand.class);
        m.put("build", BuildCommand.class);
        m.put("export", ExportCommand.class);
        m.put("import", ImportCommand.class);
        m.put("test", TestCommand.class);
        m.put("bench", BenchCommand.class);
        m.put("train", TrainCommand.class);
        m.put("diagram", DiagramCommand.class);
        m.put("doc", DocCommand.class);
        m.put("fmt", FmtCommand.class);
        m.put("lsp", LspCommand.class);
        return java.util.Collections.unmodifiableMap(m);
    }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    /** {@code ncdc} with no command: the usage, as a usage error. */
    @Override public Integer call() {
        spec.commandLine().getErr().println("ncdc: missing command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one ncdc command line; returns the exit code. Never throws, never prints a raw stack trace. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        try {
            CommandLine cl = commandLine(args);
            cl.setOut(o);
            cl.setErr(e);
            cl.setCaseInsensitiveEnumValuesAllowed(true);
            cl.setExitCodeExceptionMapper(t -> INTERNAL);
            cl.setParameterExceptionHandler(new UsageErrors());
            cl.setExecutionExceptionHandler(new InternalErrors());
            if (unknownCommand(cl, args)) return USAGE;
            return cl.execute(args);
        } catch (Throwable t) {
            Report.internalError(e, "driver", t, false);
            return INTERNAL;
        } finally {
            o.flush();
            e.flush();
        }
    }

    /**
     * The command line for {@code args}: when the first argument names a command, {@code ncdc} with that command
     * alone (all a run of it uses); otherwise (help, a version, a mistyped command) with every command. Picocli
     * applies a setting to the subcommands present when it is set, so commands are added before any setting.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> only = args.length > 0 ? COMMANDS.get(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(args[0], only);
        } else {
            for (Map.Entry<String, Class<?>> c : COMMANDS.entrySet()) cl.addSubcommand(c.getKey(), c.getValue());
            cl.addSubcommand("help", CommandLine.HelpCommand.class);
        }
        return cl;
    }

    /**
     * Reports a first word that names no command (or a {@code help WORD} whose word names none) and returns true.
     * Picocli would take it for a stray argument, and with {@code --help} after it print the top-level help and
     * succeed; a mistyped command is a bad command line, so say so, list the commands, and suggest a close one.
     */
    static boolean unknownCommand(CommandLine cl, String[] args) {
        int i = firstWord(args, 0);
        if (i < 0) return false;
        Map<String, CommandLine> commands = cl.getSubcommands();
        String word = args[i];
        if ("help".equals(word) && commands.containsKey(word)) {
            i = firstWord(args, i + 1);
            if (i < 0) return false;
            word = args[i];
        }
        if (commands.containsKey(word)) return false;
        PrintWriter err = cl.getErr();
        err.println("ncdc: unknown command '" + word + "'");
        err.println("commands: " + String.join(", ", commands.keySet()));
        // picocli's suggestions first (its ranking), then any other command one swap or typo away (it misses `tset`)
        Set<String> candidates = new LinkedHashSet<>(new CommandLine.UnmatchedArgumentException(cl, List.of(word)).getSuggestions());
        candidates.addAll(commands.keySet());
        List<String> close = new ArrayList<>();
        for (String s : candidates) if (CloseNames.close(word, s)) close.add("ncdc " + s);
        if (!close.isEmpty()) err.println("Did you mean: " + String.join(" or ", close) + "?");
        err.println("Try 'ncdc --help' for more information.");
        err.flush();
        return true;
    }

    /** The index of the first argument from {@code from} on that is not an option (ncdc's own take no values), or -1. */
    private static int firstWord(String[] args, int from) {
        for (int i = from; i < args.length; i++) if (!args[i].startsWith("-")) return i;
        return -1;
    }

    /** A bad command line: one line naming the problem and where to get help (no wall of usage). */
    static final class UsageErrors implements IParameterExceptionHandler {
        @Override public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            PrintWriter err = cl.getErr();
            err.println("ncdc: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return USAGE;
        }
    }

    /** The backstop for anything a command did not catch itself: an internal error named by the command's phase. */
    static final class InternalErrors implements IExecutionExceptionHandler {
        @Override public int handleExecutionException(Exception ex, CommandLine cl, ParseResult pr) {
            ParseResult sub = pr;
            while (sub.hasSubcommand()) sub = sub.subcommand();
            boolean verbose = sub.hasMatchedOption("--verbose");
            Report.internalError(cl.getErr(), cl.getCommandName(), ex, verbose);
            return INTERNAL;
        }
    }

    /** {@code ncdc --version}: from the jar's Maven metadata, with the Java that runs it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            return new String[] {"ncdc " + version() + " (Java " + System.getProperty("java.version") + ")",
                    "backends: " + ncd.runtime.Backends.describeInstalled() + " (ncdc run --backend list)"};
        }

        static String version() {
            try (var in = Main.class.getResourceAsStream("/META-INF/maven/ncd/ncd-cli/pom.properties")) {
                if (in != null) {
                    var p = new java.util.Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null && !v.isBlank()) return v;
                }
            } catch (java.io.IOException ignored) {
                // fall through to the built-in version
            }
            return "0.1.0-SNAPSHOT";
        }
    }
}
