package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;
import ncd.frontend.parse.Formatter;
import ncd.runtime.AtomicFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ncdc fmt}: rewrite .ncd files in the one canonical layout ({@link Formatter}), or check that they are. */
@Command(name = "fmt",
        description = {
            "Format .ncd files, or every .ncd file under a directory, in place, in ncd's one canonical layout.",
            "",
            "Only whitespace changes: tokens and comments stay as written and in order, and the author's line breaks stay "
                + "(at most one blank line in a row). Indentation is two spaces per block and four more on a continued line; "
                + "spacing inside a line follows one rule per token; trailing comments of consecutive lines share a column. "
                + "Formatting twice changes nothing more. A file with a syntax error is reported and left as it is. A file "
                + "whose opening comment lines include `// ncdc fmt: off` (then, optionally, the reason) opts out: it is "
                + "left as it is, parsed or not, and counted apart (listed with --verbose). Files "
                + "are replaced atomically, and only when their text changes. With --check nothing is written: the files "
                + "that are not formatted are listed, and the exit code is 1 if there are any."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc fmt model.ncd",
            "  ncdc fmt --check examples/ stdlib/     in CI: exit 1 if a file would change",
            "  ncdc fmt --stdout model.ncd            print the formatted text instead"})
final class FmtCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "A .ncd file, or a directory searched recursively for .ncd files.")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--check", description = "Write nothing; list the files that are not formatted and exit 1 if there are any.")
    boolean check;

    @Option(names = "--stdout", description = "Print the formatted text of the one FILE on stdout instead of rewriting it.")
    boolean stdout;

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return format(out, err);
        } catch (Throwable t) {
            Report.internalError(err, "fmt", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int format(PrintWriter out, PrintWriter err) {
        Diagnostics diags = new Diagnostics();
        if (check && stdout) diags.error(SourceSpan.NONE, DiagCode.E0803, "--check and --stdout both say what to do instead of rewriting", "give one");
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + p + ": no such file or directory", null);
            else files.addAll(CheckCommand.expand(p, diags));
        }
        if (stdout && files.size() != 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--stdout prints one file, and " + files.size() + " were given", null);
        if (diags.hasErrors()) {
            Report.diagnostics(err, common.diagnostics, diags.sorted());
            return diags.sorted().stream().anyMatch(d -> d.code() == DiagCode.E0803) ? Main.USAGE : Main.USER_ERROR;
        }
        int changed = 0, refused = 0;
        List<String> unformatted = new ArrayList<>(), optedOut = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + f + ": " + FileErrors.reason(e), null);
                refused++;
                continue;
            }
            if (Formatter.optedOut(text)) {   // its layout (or its syntax error) is what it is about
                if (stdout) out.print(text);
                else optedOut.add(f.toString());
                continue;
            }
            Optional<String> formatted = Formatter.format(new SourceFile(f.toString(), text), diags);
            if (formatted.isEmpty()) {
                refused++;
                continue;
            }
            String t = formatted.get();
            if (stdout) {
                out.print(t);
                continue;
            }
            if (t.equals(text)) continue;
            changed++;
            if (check) {
                unformatted.add(f.toString());
                continue;
            }
            try {
                AtomicFile.write(f, o -> o.write(t.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write " + f + ": " + FileErrors.reason(e), "the file is as it was");
                refused++;
            }
        }
        Report.diagnostics(err, common.diagnostics, diags.sorted());
        if (!stdout) {
            for (String u : unformatted) out.println("not formatted: " + u);
            if (common.verbose) for (String o : optedOut) out.println("left as it is (" + Formatter.OFF + "): " + o);
            int tried = files.size() - optedOut.size();
            String off = optedOut.isEmpty() ? "" : "; " + CheckCommand.plural(optedOut.size(), "file") + " left as " + (optedOut.size() == 1 ? "it is" : "they are") + " (" + Formatter.OFF + ")";
            out.println((check
                    ? (changed == 0 ? "ok: " + CheckCommand.plural(tried - refused, "file") + " formatted" : changed + " of " + CheckCommand.plural(tried, "file") + " not formatted; run ncdc fmt on them")
                    : "formatted " + CheckCommand.plural(tried - refused, "file") + ", " + changed + " changed") + off);
        }
        out.flush();
        return refused > 0 || (check && changed > 0) ? Main.USER_ERROR : Main.OK;
    }
}
