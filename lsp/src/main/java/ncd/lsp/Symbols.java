package ncd.lsp;

import ncd.diag.SourceSpan;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Module;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.Stmt;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.SymbolKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The outline of a document: its top-level declarations (circuits with their inputs and body names, laws, trains,
 * axes, units, constants), from the file's syntax tree as the checker's scope holds it. Empty while the file does not
 * parse.
 */
final class Symbols {
    private Symbols() {}

    static List<DocumentSymbol> of(Analysis a) {
        if (a.scope().isEmpty()) return List.of();
        Module m = a.scope().get().ast();
        List<DocumentSymbol> out = new ArrayList<>();
        for (Decl d : m.decls()) {
            if (d instanceof Decl.Circuit c) {
                DocumentSymbol s = symbol(a, c.name(), c.span(), SymbolKind.Function, c.isComposed() ? "circuit (composed)" : "circuit");
                List<DocumentSymbol> children = new ArrayList<>();
                for (Decl.ParamDecl p : c.params()) children.add(symbol(a, p.name(), p.name().span().to(p.type().span()), SymbolKind.Variable, "input"));
                if (c.body() != null) for (Stmt st : c.body()) children.addAll(bodySymbols(a, st));
                s.setChildren(children);
                out.add(s);
            } else if (d instanceof Decl.Law l) {
                out.add(symbol(a, l.name(), l.span(), SymbolKind.Boolean, l.expect() ? "expect" : "law"));
            } else if (d instanceof Decl.Train t) {
                out.add(symbol(a, t.name(), t.span(), SymbolKind.Event, "train " + t.objective().text()));
            } else if (d instanceof Decl.Axes ax) {
                for (Decl.AxisDef def : ax.defs()) {
                    out.add(symbol(a, def.name(), def.name().span(), SymbolKind.TypeParameter,
                            def.size() == null ? "axis (sized later)" : "axis = " + def.size()));
                }
            } else if (d instanceof Decl.UnitDef u) {
                out.add(symbol(a, u.name(), u.span(), SymbolKind.Constant, u.isBase() ? "unit (base)" : "unit"));
            } else if (d instanceof Decl.Consts cs) {
                for (Decl.ConstDef c : cs.defs()) out.add(symbol(a, c.name(), c.span(), SymbolKind.Constant, "const"));
            }
        }
        return out;
    }

    private static List<DocumentSymbol> bodySymbols(Analysis a, Stmt st) {
        List<DocumentSymbol> out = new ArrayList<>();
        if (st instanceof Stmt.Let l) out.add(symbol(a, l.name(), l.span(), SymbolKind.Variable, "let"));
        else if (st instanceof Stmt.LetTuple lt) for (Name n : lt.names()) out.add(symbol(a, n, lt.span(), SymbolKind.Variable, "let"));
        else if (st instanceof Stmt.Param p) for (Name n : p.names()) out.add(symbol(a, n, p.span(), SymbolKind.Field, "param"));
        else if (st instanceof Stmt.State s) out.add(symbol(a, s.name(), s.span(), SymbolKind.Property, "state"));
        else if (st instanceof Stmt.Const c) out.add(symbol(a, c.def().name(), c.span(), SymbolKind.Constant, "const"));
        else if (st instanceof Stmt.Event ev) out.add(symbol(a, ev.name(), ev.span(), SymbolKind.Event, "event"));
        return out;
    }

    /** A symbol whose whole declaration is {@code whole} (widened to hold its name, as LSP requires). */
    private static DocumentSymbol symbol(Analysis a, Name name, SourceSpan whole, SymbolKind kind, String detail) {
        SourceSpan full = whole.isKnown() && a.inThisFile(whole) ? whole.to(name.span()) : name.span();
        return new DocumentSymbol(name.text(), kind, a.positions().range(full), a.positions().range(name.span()), detail);
    }
}
