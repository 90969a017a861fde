package ncd.frontend.resolve;

import ncd.diag.CloseNames;
import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;
import ncd.frontend.CompilerBug;
import ncd.frontend.Phases;
import ncd.frontend.Program;
import ncd.frontend.TypeSink;
import ncd.frontend.ast.Module;
import ncd.frontend.ast.Name;
import ncd.frontend.elab.CheckedProgram;
import ncd.frontend.parse.Parser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds, parses and links the modules of a program. Module {@code a.b.c} is the file {@code a/b/c.ncd} under the
 * root file's module root (its directory, or the directory its module name says it lives under); modules not on
 * disk come from the stdlib on the class path ({@code ncd/stdlib/a/b/c.ncd}). {@code std.units}, the prelude, is
 * visible everywhere.
 */
public final class Loader {
    public static final String PRELUDE = "std.units";

    private final Diagnostics diags;
    private final Path moduleRoot;
    private final Map<String, ModuleScope> modules = new LinkedHashMap<>();

    private Loader(Path moduleRoot, Diagnostics diags) {
        this.moduleRoot = moduleRoot;
        this.diags = diags;
    }

    /**
     * Loads and checks {@code file}; {@code text} replaces the file's contents when non-null. {@code types} sees the
     * type of each tensor expression the checker elaborates ({@link TypeSink#NONE} for none).
     */
    public static Program load(Path file, String text, Diagnostics diags, TypeSink types) {
        return load(file, text, diags, types, Phases.NONE);
    }

    /** {@link #load(Path, String, Diagnostics, TypeSink)}, telling {@code phases} how long parse, resolve and check took. */
    public static Program load(Path file, String text, Diagnostics diags, TypeSink types, Phases phases) {
        String display = file.toString();
        if (text == null) {
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot read " + display + ": " + FileErrors.reason(e),
                        "check the path; ncdc takes .ncd files or directories");
                return CheckedProgram.empty(stem(file));
            }
        }
        SourceFile source = new SourceFile(display, text);
        Module root;
        long t0 = System.nanoTime();
        try {
            root = Parser.parse(source, diags);
        } catch (RuntimeException e) {
            throw new CompilerBug("parse", e);
        }
        long t1 = System.nanoTime();
        phases.took("parse", t1 - t0);
        if (root == null) return CheckedProgram.empty(stem(file));
        String rootName = root.name() == null ? stem(file) : joined(root.name());
        Path dir = file.toAbsolutePath().getParent();
        Loader loader = new Loader(moduleRootOf(dir, root.name()), diags);
        ModuleScope rootScope;
        try {
            rootScope = loader.link(rootName, root);
        } catch (RuntimeException e) {
            throw new CompilerBug("resolve", e);
        }
        long t2 = System.nanoTime();
        phases.took("resolve", t2 - t1);
        try {
            return CheckedProgram.check(rootScope, new ArrayList<>(loader.modules.values()), diags, types);
        } catch (CompilerBug e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new CompilerBug("check", e);
        } finally {
            phases.took("check", System.nanoTime() - t2);
        }
    }

    private static String stem(Path file) {
        String n = file.getFileName() == null ? "main" : file.getFileName().toString();
        return n.endsWith(".ncd") ? n.substring(0, n.length() - 4) : n;
    }

    private static String joined(List<Name> names) { return String.join(".", names.stream().map(Name::text).toList()); }

    /** The directory that module paths are relative to: std/nn.ncd declaring `module std.nn` has the parent of std/. */
    private static Path moduleRootOf(Path dir, List<Name> declared) {
        if (declared == null || declared.size() < 2 || dir == null) return dir;
        Path p = dir;
        for (int i = declared.size() - 2; i >= 0; i--) {
            if (p == null || p.getFileName() == null || !p.getFileName().toString().equals(declared.get(i).text())) return dir;
            p = p.getParent();
        }
        return p;
    }

    private ModuleScope link(String rootName, Module root) {
        ModuleScope rootScope = new ModuleScope(rootName, root);
        modules.put(rootName, rootScope);
        rootScope.declare(diags);
        Deque<ModuleScope> work = new ArrayDeque<>();
        work.add(rootScope);
        ModuleScope prelude = PRELUDE.equals(rootName) ? rootScope : find(PRELUDE, null);
        if (prelude != null && prelude != rootScope) work.add(prelude);
        while (!work.isEmpty()) {
            ModuleScope m = work.poll();
            if (prelude != null && m != prelude) m.openImports.add(prelude);
            for (Module.Import imp : m.ast().imports()) {
                ModuleScope target = modules.get(imp.moduleName());
                if (target == null) {
                    target = find(imp.moduleName(), imp);
                    if (target == null) {
                        // its error is reported; the names it would have given are not reported again where used
                        if (imp.names() == null) m.failedOpenImport = true;
                        else imp.names().forEach(n -> m.failedNamedImports.add(n.text()));
                        continue;
                    }
                    work.add(target);
                }
                if (imp.names() == null) {
                    m.openImports.add(target);
                } else {
                    for (Name n : imp.names()) {
                        String s = n.text();
                        boolean exists = target.value(s) != null && target.value(s).module() == target
                                || target.axes.containsKey(s) || target.units.containsKey(s);
                        if (!exists) {
                            List<String> declared = declaredNames(target);
                            String close = CloseNames.closest(s, declared);
                            diags.error(n.span(), DiagCode.E0205, "module " + target.name() + " has no `" + s + "`",
                                    (close == null ? "it declares: " : "did you mean `" + close + "`? It declares: ") + String.join(", ", declared));
                            m.failedNamedImports.add(s);
                        } else {
                            m.namedImports.put(s, target);
                        }
                    }
                }
            }
        }
        return rootScope;
    }

    /**
     * Modules an import of {@code name} could have meant: the stdlib's, and those in the folder on disk where
     * {@code name} would be (for {@code a.b.c}, the files {@code a/b/*.ncd} under the module root).
     */
    private List<String> modulesLike(String name) {
        List<String> out = new ArrayList<>(Stdlib.modules());
        if (moduleRoot == null) return out;
        int dot = name.lastIndexOf('.');
        String prefix = dot < 0 ? "" : name.substring(0, dot + 1);
        try (Stream<Path> files = Files.list(moduleRoot.resolve(prefix.replace('.', '/')))) {
            files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".ncd"))
                    .forEach(f -> out.add(prefix + f.substring(0, f.length() - ".ncd".length())));
        } catch (IOException | RuntimeException e) {
            // no such folder (or it cannot be listed): it offers no names
        }
        return out;
    }

    private static List<String> declaredNames(ModuleScope m) {
        List<String> out = new ArrayList<>();
        out.addAll(m.circuits.keySet());
        out.addAll(m.consts.keySet());
        out.addAll(m.axes.keySet());
        return out.isEmpty() ? List.of("(nothing)") : out;
    }

    /** Loads module {@code name} from disk or the class path; reports E0204 (at {@code from}) when absent. */
    private ModuleScope find(String name, Module.Import from) {
        ModuleScope known = modules.get(name);
        if (known != null) return known;
        String rel = name.replace('.', '/') + ".ncd";
        String text = null;
        String display = null;
        if (moduleRoot != null) {
            Path p = moduleRoot.resolve(rel);
            if (Files.isRegularFile(p)) {
                try {
                    text = Files.readString(p, StandardCharsets.UTF_8);
                    display = p.toString();
                } catch (IOException | RuntimeException e) {
                    diags.error(from == null ? SourceSpan.NONE : from.span(), DiagCode.E0802, "cannot read " + p + ": " + FileErrors.reason(e), null);
                    return null;
                }
            }
        }
        if (text == null) {
            text = Stdlib.read(rel);
            display = "<stdlib>/" + rel;
        }
        if (text == null) {
            if (from != null) {
                String close = CloseNames.closest(name, modulesLike(name));
                diags.error(from.span(), DiagCode.E0204, "no module " + name + " (looked for " + rel + " under "
                        + (moduleRoot == null ? "." : moduleRoot) + " and in the stdlib)",
                        close != null ? "did you mean `" + close + "`?" : "module a.b lives in a/b.ncd");
            }
            return null;
        }
        Module ast = Parser.parse(new SourceFile(display, text), diags);
        if (ast == null) return null;
        ModuleScope scope = new ModuleScope(name, ast);
        modules.put(name, scope);
        scope.declare(diags);
        return scope;
    }
}
