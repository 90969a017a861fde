package ncd.lsp;

import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Go to definition, find references and rename, read off the {@link Occurrences} of the current analysis. */
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

    /** Every place this file writes the name at {@code at}, with its declaration when asked and in this file. */
    static List<Location> references(Analysis a, Position at, boolean withDeclaration) {
        Optional<Occurrences.Occurrence> o = occurrenceAt(a, at);
        if (o.isEmpty()) return List.of();
        String uri = a.path().toUri().toString();
        List<Location> out = new ArrayList<>();
        for (Occurrences.Occurrence r : a.names().of(o.get().declaration())) {
            if (r.declares() && !withDeclaration) continue;
            out.add(new Location(uri, a.positions().range(r.start(), r.end())));
        }
        if (withDeclaration && !a.inThisFile(o.get().declaration().at())) {
            Location decl = Locations.of(o.get().declaration().at(), a, Analysis.newCache());
            if (decl != null) out.add(0, decl);
        }
        return out;
    }

    /**
     * Renames the name at {@code at}, declared in this file, everywhere this file writes it. A name declared in another
     * module is refused (its other users are not open here), as is a new name that is not an identifier or is a keyword.
     * Other files that import a renamed top-level name are not changed: the check then reports them.
     */
    static WorkspaceEdit rename(Analysis a, Position at, String newName) {
        Optional<Occurrences.Occurrence> o = occurrenceAt(a, at);
        if (o.isEmpty()) throw refused("there is no name here that this file declares or uses");
        Occurrences.Declaration d = o.get().declaration();
        if (!a.inThisFile(d.at())) {
            throw refused("`" + d.name() + "` is declared in " + d.at().path() + ", not in this file: rename it there");
        }
        if (newName == null || !IDENTIFIER.matcher(newName).matches()) {
            throw refused("`" + newName + "` is not a name: a letter or _, then letters, digits or _");
        }
        if (KEYWORDS.contains(newName)) throw refused("`" + newName + "` is a keyword of ncd");
        List<TextEdit> edits = new ArrayList<>();
        for (Occurrences.Occurrence r : a.names().of(d)) edits.add(new TextEdit(a.positions().range(r.start(), r.end()), newName));
        return new WorkspaceEdit(Map.of(a.path().toUri().toString(), edits));
    }

    private static Optional<Occurrences.Occurrence> occurrenceAt(Analysis a, Position at) {
        if (a.names() == null) return Optional.empty();
        return a.names().at(a.positions().offset(at));
    }

    private static ResponseErrorException refused(String why) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams, why, null));
    }
}
