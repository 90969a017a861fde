package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.ir.Verifier;
import ncd.runtime.Backend;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.RunException;
import ncd.runtime.Footprint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the commands that execute a circuit (run, bench, build, test) do the same way: choose the circuit and the
 * backend, lower it for running, and report a step that fails on its data.
 */
final class Circuits {
    private Circuits() {}

    /** The circuit named by --circuit, else the file's only circuit; null after E0801 when the choice is unclear. */
    static String choose(Program prog, String requested, Path file, String verb, Diagnostics diags) {
        if (requested != null) return requested;
        List<String> cs = prog.circuitNames();
        if (cs.size() == 1) return cs.get(0);
        diags.error(SourceSpan.NONE, DiagCode.E0801, file + " has " + (cs.isEmpty() ? "no circuits" : cs.size() + " circuits")
                + "; say which to " + verb + " with --circuit", cs.isEmpty() ? null : "its circuits: " + String.join(", ", cs));
        return null;
    }

    /**
     * The graph of {@code name} with {@code sizes}, verified, and checked to fit in this JVM as a backend holds it
     * ({@code layout}) before anything is allocated ({@link Footprint}, E0807), with the outputs of {@code keptSteps} steps kept beside it (ncdc run --out;
     * 0 for none); empty after errors in {@code diags}.
     */
    static Optional<Graph> lower(Program prog, String name, Map<String, Integer> sizes, long keptSteps, Footprint.Layout layout,
                                 Diagnostics diags) {
        Optional<Graph> g = prog.lower(name, sizes, diags);
        if (g.isEmpty() || diags.hasErrors()) return Optional.empty();
        Verifier.verify(g.get());
        return Footprint.check(g.get(), keptSteps, Footprint.budget(), layout, diags) ? g : Optional.empty();
    }

    /** {@link #lower(Program, String, Map, long, Footprint.Layout, Diagnostics)} for a command that keeps no outputs. */
    static Optional<Graph> lower(Program prog, String name, Map<String, Integer> sizes, Footprint.Layout layout, Diagnostics diags) {
        return lower(prog, name, sizes, 0, layout, diags);
    }

    /** How the installed backend {@code name} holds a step's values, for commands that run on a fixed one. */
    static Footprint.Layout layout(String name) {
        return Backends.named(name).map(Backend::layout).orElseThrow(() -> new IllegalStateException("no backend " + name + " installed"));
    }

    /**
     * A step that failed on its data (a gather index out of range, ...): an error in the program, not in ncdc, so
     * E0806 naming the step it failed at; run and bench report it alike.
     */
    static void dataError(Executable exec, RunException e, Diagnostics diags) {
        diags.error(SourceSpan.NONE, DiagCode.E0806, "at step " + exec.steps() + ": " + e.getMessage(), null);
    }

    /** The backend called {@code name}; empty after E0803 when there is none or it cannot run here. */
    static Optional<Backend> backend(String name, Diagnostics diags) {
        Optional<Backend> be = Backends.named(name);
        if (be.isEmpty() || !be.get().isAvailable()) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, be.isEmpty() ? "no backend `" + name + "`" : "backend " + name + " cannot run on this machine",
                    "backends here: " + Backends.all().stream().filter(Backend::isAvailable).map(Backend::name).toList());
            return Optional.empty();
        }
        return be;
    }
}
