package ncd.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = "--diagnostics", paramLabel = "FORMAT", defaultValue = "text",
            description = "How to print diagnostics: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Report.Format diagnostics = Report.Format.text;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--verbose", description = "Show the stack trace of an internal error, and progress notes.")
    boolean verbose;
}
