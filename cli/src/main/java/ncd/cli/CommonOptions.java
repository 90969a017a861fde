package ncd.cli;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** Options every command takes, and the compilation they configure. */
final class CommonOptions {
    @Option(names = "--diagnostics", paramLabel = "FORMAT", defaultValue = "text",
            description = "How to print diagnostics: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Report.Format diagnostics = Report.Format.text;

    @Option(names = {"--color", "--colour"}, paramLabel = "WHEN", defaultValue = "auto",
            description = "Colour text diagnostics: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: when stderr is a terminal"
                    + " and NO_COLOR is not set; `always` overrides NO_COLOR).")
    void color(Report.ColorWhen when) { Report.colour(when); }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--verbose", description = "Show the stack trace of an internal error, and progress notes.")
    boolean verbose;

    @Option(names = "--timings", description = "Print how long each compilation stage took (frontend, lowering, each pass, the backend) on stderr.")
    boolean timings;

    @Option(names = "--verify-each-pass", description = "Run the IR verifier after every pass, not only after lowering and after the pipeline (debugging ncdc).")
    boolean verifyEachPass;

    /** The driver for one command, configured by these options, its errors going to {@code diags}. */
    Compilation compilation(Diagnostics diags) { return compilation(diags, Compilation.Settings.standard()); }

    /** Like {@link #compilation(Diagnostics)} with the command's own pipeline settings. */
    Compilation compilation(Diagnostics diags, Compilation.Settings settings) {
        return new Compilation(diags, settings.verifyingEachPass(settings.verifyEachPass() || verifyEachPass));
    }

    /** With {@code --timings}: the stage times of {@code c} on {@code err}. */
    void reportTimings(PrintWriter err, Compilation c) {
        if (!timings) return;
        err.println("timings:");
        err.print(c.times().format());
        err.flush();
    }
}
