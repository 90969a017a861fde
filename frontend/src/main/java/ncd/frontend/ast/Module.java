package ncd.frontend.ast;

import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;

import java.util.List;

/** One parsed file. {@code name} is null when the file declares no module (then it is named by its path). */
public record Module(SourceFile file, List<Name> name, List<Import> imports, List<Decl> decls) {
    public Module { name = name == null ? null : List.copyOf(name); imports = List.copyOf(imports); decls = List.copyOf(decls); }

    /** {@code import std.nn} (everything) or {@code import std.nn.{Linear, relu}} ({@code names} non-null). */
    public record Import(SourceSpan span, List<Name> module, List<Name> names) {
        public String moduleName() { return String.join(".", module.stream().map(Name::text).toList()); }
    }
}
