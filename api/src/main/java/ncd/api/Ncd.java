package ncd.api;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.frontend.Program;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Compiling ncd programs from Java (the api jar, {@code api/target/ncd-api.jar}, holds everything it needs).
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
        Optional<Program> p = new Compilation(diags).load(file);
        if (p.isEmpty()) throw new CompileException(diags.sorted());
        return new Compiled(p.get());
    }

    /** Parses and checks source text; imports resolve from {@code path}'s directory. */
    public static Compiled compile(Path path, String source) throws CompileException {
        Diagnostics diags = new Diagnostics();
        Optional<Program> p = new Compilation(diags).load(path, source);
        if (p.isEmpty()) throw new CompileException(diags.sorted());
        return new Compiled(p.get());
    }
}
