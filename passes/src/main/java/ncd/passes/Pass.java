package ncd.passes;

import ncd.ir.Graph;

/**
 * One IR-to-IR transformation. A pass never mutates its input: it returns a new graph that computes the same
 * outputs and state updates, keeps the graph's states (by name and order), outputs, law tolerance and steps, unit
 * names, and the span and scope of every node it keeps. docs/passes.md says what each pass does.
 */
public interface Pass {
    /** The pass's name in kebab-case, as `ncdc ir --after=NAME` and golden file names use it. */
    String name();

    /** The transformed graph; {@code g} is left as it was. */
    Graph run(Graph g, PassContext ctx);
}
