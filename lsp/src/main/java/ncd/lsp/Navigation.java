package ncd.lsp;

import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Go to definition, find references and rename, read off the {@link Occurrences} of the current analysis (and, for a
 * name a module declares at its top level, of every file that may write it: {@link CrossFile}).
 */
final class Navigation {
    /** An ncd identifier, as the grammar's ID token has it. */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Words that cannot be a name: the grammar's keywords (its literal tokens that look like names, from the generated
     * lexer's vocabulary, so a new keyword needs no change here) and the dtype names.
     */
    static final Set<String> KEYWORDS = keywords();

    private static Set<String> keywords() {
        Set<String> out = new java.util.TreeSet<>();
        org.antlr.v4.runtime.Vocabulary v = ncd.grammar.NcdLexer.VOCABULARY;
        for (int t = 0; t <= v.getMaxTokenType(); t++) {
            String literal = v.getLiteralName(t);
            if (literal == null || literal.length() < 3) continue;
            String word = literal.substring(1, literal.length() - 1);
            if (IDENTIFIER.matcher(word).matches()) out.add(word);
        }
        for (ncd.ir.DType d : ncd.ir.DType.values()) out.add(d.word());
        return Set.copyOf(out);
    }

    private Navigation() {}

    /** Where the name at {@code at} is declared: this file, a module it imports, or the stdlib. */
    static List<Location> definition(Analysis a, Position at) {
        Optional<Occurrences.Occurrence> o = occurrenceAt(a, at);
        if (o.isEmpty()) return List.of();
        Location l = Locations.of(o.get().declaration().at(), a, Analysis.newCache());
        return l == null ? List.of() : List.of(l);
    }

    /**
     * Every place the name at {@code at} is written, with its declaration when asked: for a name a module declares at
     * its top level, in every file of the workspace and the stdlib ({@link CrossFile}); for a body's or a signature's
     * name, in this file.
     */
    static List<Location> references(Analysis a, Position at, boolean withDeclaration, Workspace ws) {
        Optional<Occurrences.Occurrence> o = occurrenceAt(a, at);
        if (o.isEmpty()) return List.of();
        if (CrossFile.handles(o.get().declaration())) return CrossFile.references(o.get().declaration(), withDeclaration, ws);
        String uri = a.path().toUri().toString();
        List<Location> out = new ArrayList<>();
        for (Occurrences.Occurrence r : a.names().of(o.get().declaration())) {
            if (r.declares() && !withDeclaration) continue;
            out.add(new Location(uri, a.positions().range(r.start(), r.end())));
        }
        return out;
    }

    /**
     * Renames the name at {@code at}: a top-level name in every file that writes it ({@link CrossFile#rename}), a
     * body's or a signature's name where its declaration sees it. Refused, with the reason, when the new name is not
     * an identifier, is a keyword or a builtin function, or collides with a name in scope.
     */
    static WorkspaceEdit rename(Analysis a, Position at, String newName, Workspace ws) {
        Optional<Occurrences.Occurrence> o = occurrenceAt(a, at);
        if (o.isEmpty()) throw refused("there is no name here that this file declares or uses");
        Occurrences.Declaration d = o.get().declaration();
        if (newName == null || !IDENTIFIER.matcher(newName).matches()) {
            throw refused("`" + newName + "` is not a name: a letter or _, then letters, digits or _");
        }
        if (KEYWORDS.contains(newName)) throw refused("`" + newName + "` is a keyword of ncd");
        if (newName.equals(d.name())) return new WorkspaceEdit(Map.of());
        if (CrossFile.handles(d)) return CrossFile.rename(d, newName, ws);
        if (CrossFile.Namespace.of(d.kind()) == CrossFile.Namespace.VALUE && ncd.frontend.resolve.ModuleScope.BUILTIN_FUNCTIONS.contains(newName)) {
            throw refused("`" + newName + "` is a builtin function: a name of that spelling would hide it");
        }
        // a local name: what it could clash with is what its declaration (circuit, law) writes
        int[] within = {0, Integer.MAX_VALUE};
        if (a.scope().isPresent()) {
            for (ncd.frontend.ast.Decl top : a.scope().get().ast().decls()) {
                if (top.span().start() <= d.at().start() && d.at().start() < top.span().end()) within = new int[] {top.span().start(), top.span().end()};
            }
        }
        Workspace.File self = new Workspace.File(a.path().toUri().toString(), a);
        CrossFile.collision(self, CrossFile.Namespace.of(d.kind()), d.name(), newName, within).ifPresent(why -> { throw refused(why); });
        List<TextEdit> edits = new ArrayList<>();
        for (Occurrences.Occurrence r : a.names().of(d)) edits.add(new TextEdit(a.positions().range(r.start(), r.end()), newName));
        return new WorkspaceEdit(Map.of(a.path().toUri().toString(), edits));
    }

    private static Optional<Occurrences.Occurrence> occurrenceAt(Analysis a, Position at) {
        if (a.names() == null) return Optional.empty();
        return a.names().at(a.positions().offset(at));
    }

    private static ResponseErrorException refused(String why) { return CrossFile.refused(why); }
}
