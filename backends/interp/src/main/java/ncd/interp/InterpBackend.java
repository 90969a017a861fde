package ncd.interp;

import ncd.diag.Diagnostics;
import ncd.ir.Graph;
import ncd.ir.IrPrinter;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;
import ncd.runtime.Footprint;

import java.util.Optional;

/**
 * The reference interpreter as a backend: always available, defines what every op means. It runs the IR node by
 * node as it is (a schedule changes nothing it computes, so it ignores it), always in double, one thread: the
 * precision, thread and fusion options do not apply.
 */
public final class InterpBackend implements Backend {
    @Override public String name() { return "interp"; }
    @Override public String description() { return "the reference interpreter: every op as docs/semantics.md defines it, node by node, in double"; }
    @Override public boolean isAvailable() { return true; }
    @Override public Footprint.Layout layout() { return Footprint.Layout.ALL_DOUBLES; }

    @Override public Optional<Executable> compile(Graph graph, BackendOptions options, Diagnostics diags) {
        return Optional.of(new Interpreter(graph, options.seed()));
    }

    @Override public String emit(Graph graph, BackendOptions options) { return IrPrinter.print(graph); }
}
