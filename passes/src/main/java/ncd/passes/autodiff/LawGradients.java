package ncd.passes.autodiff;

import ncd.diag.SourceSpan;
import ncd.ir.Graph;
import ncd.ir.IrInvariantError;
import ncd.ir.Node;
import ncd.ir.Verifier;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gradients a law states ({@code grad[x](e)}), computed. The frontend lowers each one as an input that stands for
 * the gradient and an extra scalar output {@code e} ({@link Graph.PendingGradient}); here, one at a time in the order
 * the law lists them (inner before outer), the law is differentiated in that output with respect to that input
 * ({@link Autodiff}) and the gradient takes the stand-in input's place. The result is a law without pending gradients
 * whose outputs are its own ({@code lhs}, {@code rhs}): what every backend runs and {@code ncdc test} checks.
 *
 * <p>Parameters of the circuits the law calls are held fixed (a law's gradient is in its inputs). A gradient of a
 * gradient is one more reverse pass over the first one's graph.
 */
public final class LawGradients {
    private LawGradients() {}

    /** A gradient the law states that cannot be taken: the message says why, {@code span} is its {@code grad[x](e)}. */
    public static final class Failure extends RuntimeException {
        private final transient SourceSpan span;
        private final String hint;

        Failure(SourceSpan span, String message, String hint) {
            super(message);
            this.span = span;
            this.hint = hint;
        }

        public SourceSpan span() { return span; }

        /** What to do instead, or null. */
        public String hint() { return hint; }
    }

    /**
     * {@code law} with every pending gradient computed and in place, verified; {@code law} itself when it has none.
     *
     * @throws Failure when a gradient cannot be taken (the law calls a circuit with state, or the path from the input to
     *                 the expression runs through an op whose derivative is not taken)
     */
    public static Graph resolve(Graph law) {
        Graph g = law;
        while (!g.gradients().isEmpty()) g = resolveFirst(g);
        return g;
    }

    private static Graph resolveFirst(Graph law) {
        Graph.PendingGradient pg = law.gradients().get(0);
        if (!law.states().isEmpty()) {
            throw new Failure(pg.span(), "grad[" + pg.wrt() + "] in a law whose circuits have state (" + law.states().get(0).name()
                    + "): a law's gradient is taken through stateless circuits",
                    "write the step as a circuit without state that takes the state as an input, and state the gradient of that");
        }
        // differentiate a circuit copy of the law (Autodiff takes circuits) in the pending gradient's loss
        Graph circuit = rebuild(law, Graph.Kind.CIRCUIT, null, null, Set.of(), List.of());
        Graph withGrad;
        try {
            withGrad = Autodiff.gradient(circuit, new Autodiff.Request(pg.loss(), List.of(), List.of(pg.wrt())));
        } catch (GradientException e) {
            throw new Failure(pg.span(), e.getMessage(), "draw the noise with fixed parameters and shift or scale it (x + normal[...](0, 1)), or take it as an input of the law");
        }
        Node grad = output(withGrad, Autodiff.gradName(pg.wrt()));
        Node stand = null;
        for (Node n : withGrad.inputs()) if (((ncd.ir.Attr.Named) n.attr()).name().equals(pg.value())) stand = n;
        if (stand == null || !stand.type().equals(grad.type())) {
            throw new IrInvariantError("the stand-in of " + pg.value() + " is " + (stand == null ? "missing" : stand.type())
                    + ", its gradient " + grad.type());
        }
        Graph out = rebuild(withGrad, Graph.Kind.LAW, stand, grad, Set.of(pg.loss(), Autodiff.gradName(pg.wrt())),
                law.gradients().subList(1, law.gradients().size()));
        Verifier.verify(out);
        return out;
    }

    private static Node output(Graph g, String name) {
        for (Graph.Output o : g.outputs()) if (o.name().equals(name)) return o.node();
        throw new IrInvariantError(g.name() + " has no output " + name);
    }

    /**
     * A copy of {@code g} as a graph of {@code kind}, with node {@code stand} replaced by {@code by} (none when null),
     * without the outputs named in {@code drop}, declaring {@code pending}. The nodes are put back in an order where
     * inputs come first: {@code by} may come after the users of {@code stand}.
     */
    private static Graph rebuild(Graph g, Graph.Kind kind, Node stand, Node by, Set<String> drop, List<Graph.PendingGradient> pending) {
        Graph.Builder b = Graph.builder(g.name(), kind, g.span()).tolerance(g.tolerance()).steps(g.steps()).unitNames(g.unitNames()).integrators(g.integrators());
        Map<Node, Node> copy = new HashMap<>();
        for (Node root : g.nodes()) {
            if (root == stand) continue;
            // depth first, without recursion: a node is copied once its inputs are
            Deque<Node> work = new ArrayDeque<>();
            work.push(root);
            while (!work.isEmpty()) {
                Node n = work.peek();
                if (copy.containsKey(n)) { work.pop(); continue; }
                Node src = n == stand ? by : n;
                boolean ready = true;
                for (Node in : src.inputs()) {
                    Node s = in == stand ? by : in;
                    if (!copy.containsKey(s)) { work.push(s); ready = false; }
                }
                if (!ready) continue;
                work.pop();
                Node made = copy.get(src);
                if (made == null) {
                    List<Node> ins = src.inputs().stream().map(in -> copy.get(in == stand ? by : in)).toList();
                    made = b.addChecked(src.op(), src.attr(), ins, src.type(), src.span(), src.scope());
                    copy.put(src, made);
                }
                copy.put(n, made);
            }
        }
        if (stand != null) copy.put(stand, copy.get(by));
        for (Graph.Output o : g.outputs()) if (!drop.contains(o.name())) b.output(o.name(), copy.get(o.node()));
        for (Graph.PendingGradient p : pending) b.gradient(p);
        return b.build();
    }
}
