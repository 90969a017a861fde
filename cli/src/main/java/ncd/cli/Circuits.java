package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.frontend.Program;
import ncd.runtime.Executable;
import ncd.runtime.RunException;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the commands that execute a circuit (run, bench, build, test) do the same way around the driver
 * ({@link ncd.driver.Compilation}): choose the circuit, say which exit code a failed compilation gets, and report a
 * step that fails on its data.
 */
final class Circuits {
    private Circuits() {}

    /**
     * The circuit named by --circuit, else the file's only circuit. Null, with an error in {@code diags}, when there is
     * none to choose: a file of several circuits without --circuit is a bad command line (E0803, exit code 2: the
     * command line must name one), a file without circuits an error of the program (E0801, exit code 1). Every command
     * that takes --circuit chooses here, and exits with {@link #failure}.
     */
    static String choose(Program prog, String requested, Path file, String verb, Diagnostics diags) {
        if (requested != null) return requested;
        List<String> cs = prog.circuitNames();
        if (cs.size() == 1) return cs.get(0);
        if (cs.isEmpty()) {
            diags.error(SourceSpan.NONE, DiagCode.E0801, file + " has no circuits to " + verb, "declare one: circuit NAME(...) -> ... { ... }");
        } else {
            diags.error(SourceSpan.NONE, DiagCode.E0803, file + " has " + cs.size() + " circuits; say which to " + verb + " with --circuit",
                    "its circuits: " + String.join(", ", cs) + "; for example --circuit " + cs.get(0));
        }
        return null;
    }

    /**
     * A step that failed on its data (a gather index out of range, ...): an error in the program, not in ncdc, so
     * E0806 naming the step it failed at; run and bench report it alike.
     */
    static void dataError(Executable exec, RunException e, Diagnostics diags) {
        diags.error(SourceSpan.NONE, DiagCode.E0806, "at step " + exec.steps() + ": " + e.getMessage(), null);
    }

    /** A checked program and the circuit of it a command acts on. */
    record Chosen(Program program, String name) {}

    /**
     * What run, bench and build do first: load and check {@code file}, choose the circuit ({@link #choose}) and check
     * that each {@code --axis} sizes one of its axes. Empty after errors in {@code diags}; {@link #failure} gives the
     * exit code (every one of these is the program's, except a bad {@code --circuit}/{@code --axis}: E0803).
     */
    static Optional<Chosen> load(Compilation c, Path file, String requested, Map<String, Integer> sizes, String verb, Diagnostics diags) {
        Optional<Program> prog = c.load(file);
        if (prog.isEmpty()) return Optional.empty();
        String name = choose(prog.get(), requested, file, verb, diags);
        if (name == null || !AxisSizes.check(sizes, prog.get(), name, diags)) return Optional.empty();
        return Optional.of(new Chosen(prog.get(), name));
    }

    /** The exit code for a failed compilation: a bad command line when any error is one (E0803), else the program's. */
    static int failure(Diagnostics diags) {
        return diags.all().stream().anyMatch(d -> d.isError() && d.code() == DiagCode.E0803) ? Main.USAGE : Main.USER_ERROR;
    }
}
