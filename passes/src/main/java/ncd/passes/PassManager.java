package ncd.passes;

import ncd.ir.Graph;
import ncd.ir.IrInvariantError;
import ncd.ir.Verifier;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A flat list of passes run in order. {@link #standard()} is the pipeline the driver ({@code ncd.driver.Compilation})
 * runs; {@link #upTo} cuts it after a named pass (for `ncdc ir --after=PASS`), {@link #without} leaves one out (the
 * fuse pass when fusion is off). With {@link PassContext#verify()} the IR verifier runs after every pass; the graph
 * coming in is the caller's to have verified. A failure names the pass that broke the graph.
 */
public final class PassManager {
    /** The name that stands for the whole pipeline in {@link #upTo}. */
    public static final String ALL = "all";

    private final List<Pass> passes;

    public PassManager(List<Pass> passes) { this.passes = List.copyOf(passes); }

    /**
     * The standard pipeline: fold constants first (it makes the identities simplify looks for visible), then
     * simplify, then merge what became equal, then drop what nothing reads any more; then decide what runs once per
     * instance (hoist), decide fusion and plan memory, which attach a schedule to the final nodes (a pass that rebuilds
     * the graph would drop it, so they come last).
     */
    public static PassManager standard() {
        return new PassManager(List.of(
                new FoldPass(),
                new SimplifyPass(),
                new CsePass(),
                new DcePass(),
                new HoistPass(),
                new FusePass(),
                new PlanMemoryPass()));
    }

    public List<Pass> passes() { return passes; }

    /** The pass names, in order. */
    public List<String> names() { return passes.stream().map(Pass::name).toList(); }

    /**
     * This pipeline up to and including the pass named {@code name} ({@value #ALL}: all of it).
     *
     * @throws IllegalArgumentException naming the known passes when there is no such pass
     */
    public PassManager upTo(String name) {
        if (ALL.equals(name)) return this;
        List<Pass> out = new ArrayList<>();
        for (Pass p : passes) {
            out.add(p);
            if (p.name().equals(name)) return new PassManager(out);
        }
        throw new IllegalArgumentException("unknown pass '" + name + "'; the passes are " + String.join(", ", names()) + " (or " + ALL + ")");
    }

    /** This pipeline without the pass named {@code name} (unchanged when it has none). */
    public PassManager without(String name) {
        return new PassManager(passes.stream().filter(p -> !p.name().equals(name)).toList());
    }

    /** Runs every pass in order. */
    public Graph run(Graph g, PassContext ctx) { return run(g, ctx, (p, out) -> { }); }

    /**
     * Runs every pass in order and hands each pass's result to {@code after} (to print or count it).
     *
     * @throws IrInvariantError naming the pass, when a pass failed or (verifying) produced an ill-formed graph: a
     *                          compiler bug
     */
    public Graph run(Graph g, PassContext ctx, BiConsumer<Pass, Graph> after) {
        for (Pass p : passes) {
            try {
                g = p.run(g, ctx);
            } catch (RuntimeException e) {
                throw new IrInvariantError("pass " + p.name() + " failed on " + g.name() + ": " + e, e);
            }
            if (ctx.verify()) verify(g, "after pass " + p.name());
            after.accept(p, g);
        }
        return g;
    }

    private static void verify(Graph g, String when) {
        List<String> problems = Verifier.check(g);
        if (!problems.isEmpty()) {
            throw new IrInvariantError("IR verification failed " + when + " for " + g.name() + ":\n  " + String.join("\n  ", problems));
        }
    }
}
