package ncd.lsp;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostic;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Module;
import ncd.frontend.ast.Name;
import ncd.frontend.resolve.ModuleScope;
import ncd.frontend.resolve.Stdlib;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionItemKind;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.MarkupContent;
import org.eclipse.lsp4j.MarkupKind;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Hover, completion and quick fixes. */
final class Assist {
    private Assist() {}

    // ---- hover

    /**
     * The type of the innermost expression at {@code at}, as the checker computed it (every distinct one: a circuit is
     * checked once generically and once per call with the caller's axes), and what the name there declares or means.
     */
    static Hover hover(Analysis a, Position at) {
        int offset = a.positions().offset(at);
        Optional<Analysis.Typed> typed = a.typedAt(offset);
        Optional<Occurrences.Occurrence> name = a.names() == null ? Optional.empty() : a.names().at(offset);
        if (typed.isEmpty() && name.isPresent()) {
            // a let's or constant's name where it is declared: the type of what it binds
            typed = a.names().valueOf(name.get().declaration()).flatMap(v -> a.typed(v.start(), v.end()));
        }
        if (typed.isEmpty() && name.isEmpty()) return null;
        StringBuilder md = new StringBuilder();
        Range range;
        if (name.isPresent()) {
            Occurrences.Declaration d = name.get().declaration();
            md.append(d.kind().name().toLowerCase(java.util.Locale.ROOT)).append(" `").append(d.name()).append('`');
            if (!a.inThisFile(d.at())) md.append(" (declared in ").append(d.at()).append(')');
            md.append('\n');
            range = a.positions().range(name.get().start(), name.get().end());
        } else {
            range = a.positions().range(typed.get().start(), typed.get().end());
        }
        if (typed.isPresent()) {
            md.append("```ncd\n").append(String.join("\n", typed.get().types())).append("\n```\n");
            if (typed.get().types().size() > 1) md.append("one type per check of this circuit: generic, and with each caller's axes\n");
        }
        return new Hover(new MarkupContent(MarkupKind.MARKDOWN, md.toString().strip()), range);
    }

    // ---- completion

    /**
     * Names in scope at {@code at}: the enclosing circuit's or law's own (inputs, lets, params, states, constants, generic
     * axes, for variables), the module's and its imports' values, axes and units, the builtin functions, stdlib circuits
     * not imported (with the import that brings one in), and the keywords. Read from {@code parsed}, the latest analysis
     * whose file parsed, since the text being typed often does not.
     */
    static List<CompletionItem> completion(Analysis a, Analysis parsed, Position at) {
        Map<String, CompletionItem> items = new LinkedHashMap<>();
        if (inImport(a, at)) {
            for (String m : Stdlib.modules()) add(items, m, CompletionItemKind.Module, "stdlib module");
            return new ArrayList<>(items.values());
        }
        if (parsed != null && parsed.scope().isPresent()) {
            ModuleScope scope = parsed.scope().get();
            int offset = parsed.positions().offset(at);
            for (Occurrences.Occurrence o : localDeclarations(parsed, offset)) {
                Occurrences.Declaration d = o.declaration();
                add(items, d.name(), d.kind() == Occurrences.Kind.AXIS ? CompletionItemKind.TypeParameter : CompletionItemKind.Variable,
                        d.kind().name().toLowerCase(java.util.Locale.ROOT));
            }
            for (String v : scope.visibleValues()) {
                ModuleScope.Found<Object> f = scope.value(v);
                Object decl = f == null ? null : f.decl();
                String from = f == null || f.module() == scope ? "" : " of " + f.module().name();
                if (decl instanceof Decl.Circuit) add(items, v, CompletionItemKind.Function, "circuit" + from);
                else if (decl instanceof Decl.Law) add(items, v, CompletionItemKind.Event, "law" + from);
                else add(items, v, CompletionItemKind.Constant, "const" + from);
            }
            for (String x : scope.visibleAxes()) add(items, x, CompletionItemKind.TypeParameter, "axis");
            for (String u : scope.visibleUnits()) add(items, u, CompletionItemKind.Unit, "unit");
        }
        for (String f : ModuleScope.BUILTIN_FUNCTIONS.stream().sorted().toList()) add(items, f, CompletionItemKind.Function, "builtin function");
        Position importAt = importPosition(parsed);
        for (String c : Stdlib.names(Decl.Circuit.class)) {
            if (items.containsKey(c)) continue;
            List<String> modules = Stdlib.declaring(c, Decl.Circuit.class);
            CompletionItem item = add(items, c, CompletionItemKind.Function, "circuit of " + String.join(", ", modules));
            if (importAt != null && parsed == a) {
                String line = "import " + modules.get(0) + ".{" + c + "}\n";
                item.setAdditionalTextEdits(List.of(new TextEdit(new Range(importAt, importAt), line)));
            }
        }
        for (String k : Navigation.KEYWORDS.stream().sorted().toList()) add(items, k, CompletionItemKind.Keyword, "keyword");
        return new ArrayList<>(items.values());
    }

    /** Whether {@code at} is on an import line, after its {@code import}: there only module names make sense. */
    private static boolean inImport(Analysis a, Position at) {
        String text = a.positions().text();
        int lineStart = text.offsetByCodePoints(0, a.positions().offset(new Position(at.getLine(), 0)));
        int cursor = text.offsetByCodePoints(0, a.positions().offset(at));
        String before = text.substring(lineStart, Math.max(lineStart, cursor));
        return before.stripLeading().startsWith("import ") && !before.contains("{");
    }

    private static CompletionItem add(Map<String, CompletionItem> items, String label, CompletionItemKind kind, String detail) {
        return items.computeIfAbsent(label, l -> {
            CompletionItem item = new CompletionItem(l);
            item.setKind(kind);
            item.setDetail(detail);
            return item;
        });
    }

    /** The names declared inside the top-level declaration at {@code offset}: a body's own names. */
    private static List<Occurrences.Occurrence> localDeclarations(Analysis a, int offset) {
        if (a.names() == null) return List.of();
        for (Decl d : a.scope().get().ast().decls()) {
            if (!(d instanceof Decl.Circuit || d instanceof Decl.Law)) continue;
            if (d.span().start() > offset || offset > d.span().end()) continue;
            Name own = d instanceof Decl.Circuit c ? c.name() : ((Decl.Law) d).name();
            return a.names().all().stream()
                    .filter(o -> o.declares() && o.start() >= d.span().start() && o.end() <= d.span().end() && o.start() != own.span().start())
                    .toList();
        }
        return List.of();
    }

    /** Where a new import line goes: after the last import, else after the module line, else at the top. */
    private static Position importPosition(Analysis a) {
        if (a == null || a.scope().isEmpty()) return null;
        Module m = a.scope().get().ast();
        int end = -1;
        for (Module.Import imp : m.imports()) end = Math.max(end, imp.span().end());
        if (end < 0 && m.name() != null && !m.name().isEmpty()) end = m.name().get(m.name().size() - 1).span().end();
        if (end < 0) return new Position(0, 0);
        return new Position(a.positions().position(end).getLine() + 1, 0);
    }

    // ---- quick fixes

    /** Diagnostics whose span is the name their hint corrects: replacing the span with the hint's name fixes them. */
    private static final Set<DiagCode> NAME_CODES = Set.of(DiagCode.E0201, DiagCode.E0202, DiagCode.E0203, DiagCode.E0205, DiagCode.E0208);
    private static final Pattern DID_YOU_MEAN = Pattern.compile("did you mean `([A-Za-z_][A-Za-z0-9_]*)`");
    private static final Pattern IMPORT_IT = Pattern.compile("import it with `(import [A-Za-z0-9_.]+\\.\\{[A-Za-z0-9_]+\\})`");

    /**
     * The mechanical fixes of this file's diagnostics that touch {@code range}: the close name a "did you mean" hint
     * gives, in place of the unknown one, and the import a hint names, added with the other imports.
     */
    static List<CodeAction> quickFixes(Analysis a, String uri, Range range) {
        List<CodeAction> out = new ArrayList<>();
        int from = range == null ? 0 : a.positions().offset(range.getStart());
        int to = range == null ? Integer.MAX_VALUE : a.positions().offset(range.getEnd());
        List<org.eclipse.lsp4j.Diagnostic> shown = LspDiagnostics.of(a);
        List<Diagnostic> all = a.diagnostics();
        for (int i = 0; i < all.size(); i++) {
            Diagnostic d = all.get(i);
            if (!NAME_CODES.contains(d.code()) || d.hint() == null || !a.inThisFile(d.span())) continue;
            if (d.span().start() > to || from > d.span().end()) continue;
            List<TextEdit> edits = new ArrayList<>();
            List<String> says = new ArrayList<>();
            Matcher close = DID_YOU_MEAN.matcher(d.hint());
            if (close.find()) {
                edits.add(new TextEdit(a.positions().range(d.span()), close.group(1)));
                says.add("write `" + close.group(1) + "`");
            }
            Matcher imp = IMPORT_IT.matcher(d.hint());
            Position at = importPosition(a);
            if (imp.find() && at != null && d.code() != DiagCode.E0205) {
                edits.add(new TextEdit(new Range(at, at), imp.group(1) + "\n"));
                says.add("add `" + imp.group(1) + "`");
            }
            if (edits.isEmpty()) continue;
            CodeAction action = new CodeAction(capitalized(String.join(" and ", says)));
            action.setKind(CodeActionKind.QuickFix);
            action.setDiagnostics(List.of(shown.get(i)));
            action.setIsPreferred(true);
            action.setEdit(new WorkspaceEdit(Map.of(uri, edits)));
            out.add(action);
        }
        return out;
    }

    private static String capitalized(String s) { return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1); }
}
