package ncd.cli;

import ncd.lsp.NcdLanguageServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/** {@code ncdc lsp}: the language server ({@link NcdLanguageServer}) on stdin and stdout, for editors. */
@Command(name = "lsp",
        description = {
            "Serve editors: a Language Server Protocol server on stdin and stdout.",
            "",
            "Checks each open .ncd file as you type (200 ms after the last edit) with the same checker as ncdc check, "
                + "and answers hover (an expression's type: dtype, named axes with sizes, unit), go to definition, find "
                + "references, rename, document symbols, completion and quick fixes for the diagnostics whose hint is a "
                + "mechanical fix. An editor starts it; see docs/editor.md. Exit code 0 after the client's shutdown, "
                + "1 when the client goes away without one."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc lsp                  started by the editor, talking on stdin and stdout"})
final class LspCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override public Integer call() throws InterruptedException {
        InputStream in = System.in;
        PrintStream protocol = System.out;
        // stdout carries the protocol: anything else printed there would break its framing, so it goes to stderr
        System.setOut(System.err);
        try {
            return NcdLanguageServer.serve(in, protocol);
        } finally {
            protocol.flush();
            System.setOut(protocol);
        }
    }
}
