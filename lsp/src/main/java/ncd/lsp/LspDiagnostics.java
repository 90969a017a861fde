package ncd.lsp;

import ncd.diag.Diagnostic;
import ncd.diag.Severity;
import ncd.diag.SourceFile;
import org.eclipse.lsp4j.DiagnosticRelatedInformation;
import org.eclipse.lsp4j.DiagnosticSeverity;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Range;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** ncd's diagnostics as LSP's: code, message with the hint, range in UTF-16 positions. */
final class LspDiagnostics {
    static final String SOURCE = "ncdc";

    private LspDiagnostics() {}

    /**
     * The diagnostics of one check for its document. One in an imported module is shown at the top of this file with
     * the module's file and line in its message and its place as related information; one with no place (an unreadable
     * file) at the top as well. A check that failed by ncd's fault adds an error without a code saying so.
     */
    static List<org.eclipse.lsp4j.Diagnostic> of(Analysis a) {
        List<org.eclipse.lsp4j.Diagnostic> out = new ArrayList<>();
        Map<SourceFile, Positions> cache = Analysis.newCache();
        Range top = a.positions().range(0, 0);
        for (Diagnostic d : a.diagnostics()) {
            String text = d.hint() == null || d.hint().isBlank() ? d.message() : d.message() + "\nhint: " + d.hint();
            org.eclipse.lsp4j.Diagnostic l = new org.eclipse.lsp4j.Diagnostic(top, text, severity(d.severity()), SOURCE, d.code().name());
            if (a.inThisFile(d.span())) {
                l.setRange(a.positions().range(d.span()));
            } else if (d.span().isKnown()) {
                Location at = Locations.of(d.span(), a, cache);
                l.setMessage("in " + d.span() + ": " + text);
                if (at != null) l.setRelatedInformation(List.of(new DiagnosticRelatedInformation(at, d.message())));
            }
            out.add(l);
        }
        if (a.internalError() != null) {
            out.add(new org.eclipse.lsp4j.Diagnostic(top, "ncdc: " + a.internalError() + " (ncd's fault; please report it with this file)",
                    DiagnosticSeverity.Error, SOURCE));
        }
        return out;
    }

    static DiagnosticSeverity severity(Severity s) {
        return switch (s) {
            case ERROR -> DiagnosticSeverity.Error;
            case WARNING -> DiagnosticSeverity.Warning;
            case NOTE -> DiagnosticSeverity.Information;
        };
    }
}
