package ncd.lsp;

import ncd.frontend.ast.Decl;
import ncd.frontend.resolve.ModuleScope;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Find references and rename of a name a module declares at its top level (a circuit, law, train, constant, axis or
 * unit), across files: every open document, every .ncd file of the workspace folders, the declaring file wherever it
 * is, and for references the stdlib ({@link Workspace}). Each file's own check says what its names mean, so a file
 * counts a name only where it resolves to the same declaration (not a local of that name, not another module's).
 * Names declared in a body or a signature stay {@link Navigation}'s, in their one file.
 */
final class CrossFile {
    /**
     * A top-level declaration as every file's check sees it: kind, name and declaring file. Not its offset: another
     * file's check reads the declaring file from disk, while its open document may hold unsaved edits; a module cannot
     * declare one name twice in one namespace anyway.
     */
    record Key(Occurrences.Kind kind, String name, String file) {
        static Key of(Occurrences.Declaration d) { return new Key(d.kind(), d.name(), fileKey(d.at().path())); }
    }

    private CrossFile() {}

    static String fileKey(String path) {
        return path.startsWith(Workspace.STDLIB_PREFIX) ? path : Workspace.normal(path).toString();
    }

    /** Whether {@code d} is one this class answers for: declared at a module's top level, in a file. */
    static boolean handles(Occurrences.Declaration d) { return d.global() && d.at().isKnown(); }

    /** Every place a file writes the top-level name {@code d}, its declaration when asked. */
    static List<Location> references(Occurrences.Declaration d, boolean withDeclaration, Workspace ws) {
        List<Location> out = new ArrayList<>();
        for (Map.Entry<Workspace.File, List<Occurrences.Occurrence>> e : uses(d, ws, true, new ArrayList<>()).entrySet()) {
            Analysis an = e.getKey().analysis();
            for (Occurrences.Occurrence o : e.getValue()) {
                if (o.declares() && !withDeclaration) continue;
                out.add(new Location(e.getKey().uri(), an.positions().range(o.start(), o.end())));
            }
        }
        return out;
    }

    /**
     * Renames the top-level name {@code d} in every file that writes it, as one edit. Refused, with the reason, when
     * it is the stdlib's (read-only), when {@code newName} is a builtin function's name, or when it collides: in some
     * file that is changed, {@code newName} already names something in the same namespace (declared there, imported,
     * or from the prelude), so the renamed uses would mean something else or become ambiguous; or when an open
     * document that writes the name does not parse. A file on disk that does not parse is left as it is.
     */
    static WorkspaceEdit rename(Occurrences.Declaration d, String newName, Workspace ws) {
        if (d.at().path().startsWith(Workspace.STDLIB_PREFIX)) {
            throw refused("`" + d.name() + "` is declared in the stdlib (" + d.at().path().substring(Workspace.STDLIB_PREFIX.length())
                    + "), which is read-only: rename only names your files declare");
        }
        Namespace ns = Namespace.of(d.kind());
        if (ns == Namespace.VALUE && ModuleScope.BUILTIN_FUNCTIONS.contains(newName)) {
            throw refused("`" + newName + "` is a builtin function: a circuit or constant cannot take its name");
        }
        List<Workspace.File> unparsed = new ArrayList<>();
        Map<Workspace.File, List<Occurrences.Occurrence>> uses = uses(d, ws, false, unparsed);
        for (Workspace.File f : unparsed) {
            if (ws.isOpen(f)) {
                throw refused(f.analysis().path().getFileName() + " writes `" + d.name() + "` but does not parse, so what it means there is not known: fix its syntax errors first");
            }
        }
        for (Map.Entry<Workspace.File, List<Occurrences.Occurrence>> e : uses.entrySet()) {
            collision(e.getKey(), ns, d.name(), newName, null).ifPresent(why -> { throw refused(why); });
        }
        Map<String, List<TextEdit>> changes = new LinkedHashMap<>();
        for (Map.Entry<Workspace.File, List<Occurrences.Occurrence>> e : uses.entrySet()) {
            Analysis an = e.getKey().analysis();
            List<TextEdit> edits = changes.computeIfAbsent(e.getKey().uri(), k -> new ArrayList<>());
            for (Occurrences.Occurrence o : e.getValue()) edits.add(new TextEdit(an.positions().range(o.start(), o.end()), newName));
        }
        return new WorkspaceEdit(changes);
    }

    /**
     * Why renaming {@code oldName} to {@code newName} in {@code file} would change what a name means, if it would:
     * with {@code within} null (a top-level name), {@code newName} is in scope there in {@code ns} (declared, imported
     * or from the prelude) or the file declares it anywhere; with {@code within} the offsets of the declaration a
     * local name lies in, the file writes {@code newName} in {@code ns} somewhere there.
     */
    static Optional<String> collision(Workspace.File file, Namespace ns, String oldName, String newName, int[] within) {
        Analysis an = file.analysis();
        String where = an.path().toString().startsWith(Workspace.STDLIB_PREFIX) ? an.path().toString() : an.path().getFileName().toString();
        if (within == null && an.scope().isPresent()) {
            ModuleScope scope = an.scope().get();
            ModuleScope.Found<?> found = switch (ns) {
                case VALUE -> scope.value(newName);
                case AXIS -> scope.axis(newName);
                case UNIT -> scope.unit(newName);
            };
            if (found != null) {
                String from = found.module() == scope ? "declared in " + where : "imported from " + found.module().name();
                return Optional.of("`" + newName + "` is already " + what(found.decl()) + " in scope in " + where + " (" + from
                        + "), so renaming `" + oldName + "` to it would change what names mean there");
            }
        }
        if (an.names() == null) return Optional.empty();
        for (Occurrences.Occurrence o : an.names().all()) {
            Occurrences.Declaration other = o.declaration();
            if (!other.name().equals(newName) || Namespace.of(other.kind()) != ns) continue;
            // in the whole file, its own declarations; within a declaration, any name that means something else there
            if (within == null ? !o.declares() : o.start() < within[0] || o.start() >= within[1]) continue;
            return Optional.of("`" + newName + "` is already " + word(other.kind()) + " in " + where + " (line "
                    + (an.positions().position(o.start()).getLine() + 1) + "), so renaming `" + oldName + "` to it would change what names mean there");
        }
        return Optional.empty();
    }

    /** The three namespaces of names: values (circuits, constants, laws and a body's names), axes, units. */
    enum Namespace {
        VALUE, AXIS, UNIT;

        static Namespace of(Occurrences.Kind k) {
            return switch (k) {
                case AXIS -> AXIS;
                case UNIT -> UNIT;
                default -> VALUE;
            };
        }
    }

    /**
     * Each file that writes {@code d} (as its own check resolves it), with those occurrences; the declaring file
     * included. Files that write the word but do not parse go to {@code unparsed}.
     */
    private static Map<Workspace.File, List<Occurrences.Occurrence>> uses(Occurrences.Declaration d, Workspace ws, boolean withStdlib,
                                                                         List<Workspace.File> unparsed) {
        Key key = Key.of(d);
        List<Workspace.File> files = new ArrayList<>(ws.writing(d.name(), withStdlib));
        boolean declaringSeen = files.stream().anyMatch(f -> fileKey(f.analysis().path().toString()).equals(key.file()));
        if (!declaringSeen && !key.file().startsWith(Workspace.STDLIB_PREFIX)) {
            Workspace.File declaring = ws.file(key.file());
            if (declaring != null) files.add(declaring);
        }
        Map<Workspace.File, List<Occurrences.Occurrence>> out = new LinkedHashMap<>();
        for (Workspace.File f : files) {
            if (f.analysis().names() == null) {
                unparsed.add(f);
                continue;
            }
            List<Occurrences.Occurrence> mine = f.analysis().names().all().stream()
                    .filter(o -> o.declaration().global() && o.declaration().at().isKnown() && Key.of(o.declaration()).equals(key))
                    .toList();
            if (!mine.isEmpty()) out.put(f, mine);
        }
        return out;
    }

    private static String what(Object decl) {
        if (decl instanceof Decl.Circuit) return "a circuit";
        if (decl instanceof Decl.Law) return "a law";
        if (decl instanceof Decl.ConstDef) return "a constant";
        if (decl instanceof Decl.AxisDef) return "an axis";
        if (decl instanceof Decl.UnitDef) return "a unit";
        return "a name";
    }

    private static String word(Occurrences.Kind k) {
        return switch (k) {
            case CIRCUIT -> "a circuit";
            case LAW -> "a law";
            case TRAIN -> "a train";
            case CONST -> "a constant";
            case AXIS -> "an axis";
            case UNIT -> "a unit";
            case INPUT -> "an input";
            case OUTPUT -> "an output";
            case LET -> "a let";
            case PARAM -> "a parameter";
            case STATE -> "a state";
            case INDEX -> "a for variable";
        };
    }

    static ResponseErrorException refused(String why) {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidParams, why, null));
    }
}
