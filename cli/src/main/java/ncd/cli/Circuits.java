package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.Program;
import ncd.runtime.Backend;
import ncd.runtime.Backends;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the commands that execute a circuit (run, bench) choose the same way: which circuit, and which backend. */
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
