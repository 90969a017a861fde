package ncd.api;

import ncd.diag.Diagnostics;
import ncd.frontend.Frontend;
import ncd.frontend.Program;

import java.nio.file.Path;

/**
 * Compiling ncd programs from Java.
 *
 * <pre>{@code
 * Compiled prog = Ncd.compile(Path.of("examples/life.ncd"));
 * Circuit glider = prog.circuit("Glider");
 * for (int i = 0; i < 4; i++) glider.step(Map.of());
 * Tensor board = glider.state().get("board");
 * }</pre>
 */
public final class Ncd {
    private Ncd() {}

    /** Parses and checks a file and what it imports. */
    public static Compiled compile(Path file) throws CompileException {
        Diagnostics diags = new Diagnostics();
        Program p = Frontend.load(file, diags);
        if (diags.hasErrors()) throw new CompileException(diags.sorted());
        return new Compiled(p);
    }

    /** Parses and checks source text; imports resolve from {@code path}'s directory. */
    public static Compiled compile(Path path, String source) throws CompileException {
        Diagnostics diags = new Diagnostics();
        Program p = Frontend.loadText(path, source, diags);
        if (diags.hasErrors()) throw new CompileException(diags.sorted());
        return new Compiled(p);
    }
}
