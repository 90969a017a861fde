package ncd.lsp;

import ncd.diag.Diagnostic;
import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.frontend.CompilerBug;
import ncd.frontend.Program;
import ncd.frontend.resolve.ModuleScope;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One check of one version of an open document, by the driver {@code ncdc check} uses ({@link Compilation#frontend}):
 * its diagnostics, the type of each expression the checker elaborated, and (when the file parsed) its module's scope
 * and the names it writes. Immutable once made; every request about that version reads it.
 *
 * @param edit        which edit of the document was checked (counted by the server)
 * @param version     the version the client gave that text (what its published diagnostics are of)
 * @param path        the file as the driver names it: spans of this document have {@code path.toString()} as path
 * @param positions   the checked text, with its offset and position conversions
 * @param diagnostics every diagnostic the check reported, this file's and its imports'
 * @param types       each expression of this file the checker typed, with its types (one per distinct elaboration)
 * @param scope       the module's names as the checker resolved them; empty when the file did not parse
 * @param names       the names this file writes with what they mean; null when the file did not parse
 * @param internalError what went wrong when the check failed by ncd's fault ({@link CompilerBug}); null when it did not
 */
record Analysis(int edit, int version, Path path, Positions positions, List<Diagnostic> diagnostics, List<Typed> types,
                Optional<ModuleScope> scope, Occurrences names, String internalError) {

    /** An expression at ncd offsets [start, end) of this file and the types the checker gave it, as shown. */
    record Typed(int start, int end, List<String> types) {}

    /** Checks {@code text} as the file {@code path}; a compiler bug is kept as {@code internalError}, not thrown. */
    static Analysis check(int edit, int version, Path path, String text) {
        Diagnostics diags = new Diagnostics();
        String self = path.toString();
        Map<Long, Set<String>> typesBySpan = new LinkedHashMap<>();
        Program prog;
        String internalError = null;
        try {
            prog = new Compilation(diags).frontend(path, text, (span, type, unit) -> {
                if (!span.isKnown() || !span.path().equals(self)) return;
                typesBySpan.computeIfAbsent(((long) span.start() << 32) | span.end(), k -> new LinkedHashSet<>())
                        .add(TypeText.of(type, unit));
            });
        } catch (CompilerBug e) {
            // ncd's fault, not the user's: the server says so and keeps serving
            internalError = e.getMessage();
            prog = null;
        }
        List<Typed> types = new ArrayList<>();
        typesBySpan.forEach((k, v) -> types.add(new Typed((int) (k >>> 32), (int) (long) k, List.copyOf(v))));
        Optional<ModuleScope> scope = prog == null ? Optional.empty() : prog.rootScope();
        Occurrences names = scope.map(Occurrences::of).orElse(null);
        return new Analysis(edit, version, path, new Positions(text), diags.sorted(), List.copyOf(types), scope, names, internalError);
    }

    /** Whether {@code span} lies in this document (rather than in a module it imports, or nowhere). */
    boolean inThisFile(SourceSpan span) { return span.isKnown() && span.path().equals(path.toString()); }

    /** Positions in the file a span lies in: this document's, or an imported module's text as the check read it. */
    Positions positionsOf(SourceFile file, Map<SourceFile, Positions> cache) {
        if (file.path().equals(path.toString())) return positions;
        return cache.computeIfAbsent(file, f -> new Positions(f.text()));
    }

    /** A cache for {@link #positionsOf}, keyed by file identity (the check made each SourceFile once). */
    static Map<SourceFile, Positions> newCache() { return new IdentityHashMap<>(); }

    /** The typed expression written exactly at ncd offsets [start, end), if the checker typed it. */
    Optional<Typed> typed(int start, int end) {
        return types.stream().filter(t -> t.start() == start && t.end() == end).findFirst();
    }

    /** The innermost typed expression at {@code offset} (its end included), if any. */
    Optional<Typed> typedAt(int offset) {
        Typed best = null;
        for (Typed t : types) {
            boolean in = t.start() <= offset && (offset < t.end() || offset == t.end());
            if (in && (best == null || t.end() - t.start() < best.end() - best.start())) best = t;
        }
        return Optional.ofNullable(best);
    }
}
