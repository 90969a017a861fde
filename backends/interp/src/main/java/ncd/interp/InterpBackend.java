package ncd.interp;

import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.Executable;
import ncd.runtime.Footprint;

/** The reference interpreter as a backend: always available, defines what every op means. */
public final class InterpBackend implements Backend {
    @Override public String name() { return "interp"; }
    @Override public boolean isAvailable() { return true; }
    @Override public Footprint.Layout layout() { return Footprint.Layout.ALL_DOUBLES; }
    @Override public Executable compile(Graph graph, long seed) { return new Interpreter(graph, seed); }
}
