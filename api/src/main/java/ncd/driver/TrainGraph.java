package ncd.driver;

import ncd.frontend.TrainSpec;
import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.NodeEmitter;
import ncd.ir.Op;
import ncd.ir.State;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.passes.autodiff.Autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One training step as one stateful circuit: a batch in, the loss and metrics out, and the trained parameters and
 * the optimiser's moments as its state, updated by {@code next}. Training is then what ncd already does for any
 * step function: every backend runs it, {@code reset} re-initialises it, and the same passes optimise it.
 *
 * <p>The graph is the gradient circuit of the batched objective ({@link Autodiff}) with each trained parameter
 * {@code P} read as the state {@code P} (its initial value is the parameter, so the seed and {@code --params} give
 * the starting weights), and the optimiser's update of std.optim written out per parameter tensor: SGD with
 * heavy-ball momentum, Adam, AdamW (decoupled weight decay), after optional clipping by the global gradient norm.
 * The moments are states initialised from zero parameters {@code train.m.P} and {@code train.v.P}, so that a
 * checkpoint restores them by {@code setParam} and {@code reset}. What changes between steps without changing the
 * graph comes in as scalar inputs: the learning rate {@code train.lr} (the schedule) and Adam's bias corrections
 * {@code train.c1 = 1 / (1 - beta1^t)}, {@code train.c2 = 1 / (1 - beta2^t)}. One extra output,
 * {@code train.grad_norm}, is the global gradient norm before clipping.
 *
 * <p>Units: a gradient has the unit loss / P; the update is made to have P's unit by the learning rate, whose unit
 * is whatever makes that so (for Adam, P's unit; for SGD, P^2 / loss). In numbers nothing is scaled.
 */
public final class TrainGraph {
    private TrainGraph() {}

    public static final String LR = "train.lr";
    public static final String C1 = "train.c1";
    public static final String C2 = "train.c2";
    public static final String GRAD_NORM = "train.grad_norm";

    /** The state of moment {@code which} ("m" or "v") of the parameter {@code name} (as the checkpoint names it). */
    public static String moment(String which, String name) { return "train." + which + "." + name; }

    /**
     * The training step of {@code forward} (stateless: a stateful objective is unrolled first), minimising output
     * {@code loss}, keeping the outputs {@code kept}, training {@code params} (instance paths of {@code forward}).
     * {@code names} maps each trained path to the name its state and moments get (the objective's own path).
     */
    public static Graph build(Graph forward, String loss, List<String> kept, List<String> params, Map<String, String> names,
                              TrainSpec.Optimizer opt, double clip) {
        Graph grad = Autodiff.gradient(forward, new Autodiff.Request(loss, params, List.of()));
        Graph.Builder b = Graph.builder(forward.name(), Graph.Kind.CIRCUIT, forward.span()).unitNames(forward.unitNames()).integrators(forward.integrators());
        Set<String> axisNames = new HashSet<>();
        for (Node n : grad.nodes()) axisNames.addAll(n.type().axisNames());
        NodeEmitter e = new NodeEmitter(b, axisNames);

        Set<String> trained = new HashSet<>(params);
        Map<Node, Node> m = new HashMap<>();
        Map<String, Node> initOf = new HashMap<>();
        Map<String, Node> readOf = new HashMap<>();
        for (Node n : grad.nodes()) {
            if (n.op() == Op.PARAM && trained.contains(((Attr.Param) n.attr()).name())) {
                String path = ((Attr.Param) n.attr()).name();
                Node init = readOf.containsKey(path) ? null : b.addChecked(Op.PARAM, n.attr(), List.of(), n.type(), n.span(), n.scope());
                if (init != null) {
                    initOf.put(path, init);
                    readOf.put(path, b.addChecked(Op.STATE_READ, new Attr.Named(names.get(path)), List.of(), n.type(), n.span(), n.scope()));
                }
                m.put(n, readOf.get(path));
            } else {
                m.put(n, b.addChecked(n.op(), n.attr(), n.inputs().stream().map(m::get).toList(), n.type(), n.span(), n.scope()));
            }
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (Graph.Output o : grad.outputs()) out.put(o.name(), m.get(o.node()));
        for (String k : kept) b.output(k, out.get(k));

        e.at(out.get(loss));
        Node lr = b.addChecked(Op.INPUT, new Attr.Named(LR), List.of(), TensorType.scalar(DType.F32), forward.span(), "train");
        Node c1 = opt.kind() == TrainSpec.Kind.SGD ? null
                : b.addChecked(Op.INPUT, new Attr.Named(C1), List.of(), TensorType.scalar(DType.F32), forward.span(), "train");
        Node c2 = opt.kind() == TrainSpec.Kind.SGD ? null
                : b.addChecked(Op.INPUT, new Attr.Named(C2), List.of(), TensorType.scalar(DType.F32), forward.span(), "train");

        // the global norm of the gradient, in f32 over every tensor (units differ between parameters: numbers only)
        Node sq = null;
        Map<String, Node> g = new LinkedHashMap<>();
        for (String p : params) {
            Node gp = out.get(Autodiff.gradName(p));
            e.at(gp);
            g.put(p, gp);
            Node s = e.cast(e.reduce(Attr.ReduceFn.SUM, e.mul(gp, gp), gp.type().axisNames()), DType.F32);
            s = unitless(e, s);
            sq = sq == null ? s : e.add(sq, s);
        }
        Node norm = e.unary(Attr.UnaryFn.SQRT, sq);
        b.output(GRAD_NORM, norm);
        Node scale = null;
        if (clip > 0) {
            Node c = e.scalar(clip, DType.F32, Unit.NONE);
            // min(1, clip / norm), and 1 for a zero gradient (no division by zero)
            scale = e.where(e.binary(Attr.BinaryFn.GT, norm, c), e.div(c, norm), e.scalar(1, DType.F32, Unit.NONE));
        }

        for (String p : params) {
            Node w = readOf.get(p);
            Node gp = g.get(p);
            e.at(gp);
            if (scale != null) gp = e.mul(gp, like(e, scale, gp));
            Node lrP = like(e, lr, w);
            String name = names.get(p);
            Node next;
            switch (opt.kind()) {
                case SGD -> {
                    Node step = gp;
                    if (opt.momentum() > 0) {
                        Node mom = moment(b, "m", name, gp, initOf.get(p));
                        Node mNext = e.add(e.mul(e.number(opt.momentum(), gp), mom), gp);
                        b.state(new State(moment("m", name), mNext.type(), momentInit(b, "m", name, gp, initOf.get(p)), mNext));
                        step = mNext;
                    }
                    next = e.sub(w, inUnitOf(e, e.mul(lrP, step), w));
                }
                case ADAM, ADAMW -> {
                    Node mom = moment(b, "m", name, gp, initOf.get(p));
                    Node g2 = e.mul(gp, gp);
                    Node vel = moment(b, "v", name, g2, initOf.get(p));
                    Node mNext = e.add(e.mul(e.number(opt.beta1(), gp), mom), e.mul(e.number(1 - opt.beta1(), gp), gp));
                    Node vNext = e.add(e.mul(e.number(opt.beta2(), g2), vel), e.mul(e.number(1 - opt.beta2(), g2), g2));
                    b.state(new State(moment("m", name), mNext.type(), momentInit(b, "m", name, gp, initOf.get(p)), mNext));
                    b.state(new State(moment("v", name), vNext.type(), momentInit(b, "v", name, g2, initOf.get(p)), vNext));
                    Node mHat = e.mul(mNext, like(e, c1, gp));
                    Node vHat = e.mul(vNext, like(e, c2, gp));
                    Node root = e.unary(Attr.UnaryFn.SQRT, vHat);
                    Node dir = e.div(mHat, e.add(root, e.scalarLike(opt.eps(), root)));
                    Node decayed = opt.kind() == TrainSpec.Kind.ADAMW && opt.weightDecay() > 0
                            ? e.mul(w, e.sub(e.number(1, w), e.mul(like(e, lr, w), e.number(opt.weightDecay(), w))))
                            : w;
                    next = e.sub(decayed, inUnitOf(e, e.mul(lrP, dir), w));
                }
                default -> throw new IllegalStateException();
            }
            b.state(new State(name, w.type(), initOf.get(p), next));
        }
        return b.build();
    }

    /** The state read of a moment of {@code like}'s type; its state is declared by the caller. */
    private static Node moment(Graph.Builder b, String which, String name, Node like, Node paramInit) {
        return b.addChecked(Op.STATE_READ, new Attr.Named(moment(which, name)), List.of(), like.type(), paramInit.span(), "train");
    }

    /** A moment's initial value: a zero parameter of its own, so that a checkpoint can set it. */
    private static Node momentInit(Graph.Builder b, String which, String name, Node like, Node paramInit) {
        return b.addChecked(Op.PARAM, new Attr.Param(moment(which, name), new Attr.Init(Attr.InitKind.ZEROS, List.of()), null),
                List.of(), like.type(), paramInit.span(), "train");
    }

    /** A dimensionless f32 scalar in {@code like}'s dtype. */
    private static Node like(NodeEmitter e, Node scalar, Node like) {
        return like.type().dtype() == scalar.type().dtype() ? scalar : e.cast(scalar, like.type().dtype());
    }

    /** {@code x} with its unit dropped (multiplied by 1 in the inverse unit). */
    private static Node unitless(NodeEmitter e, Node x) {
        Unit u = x.type().unit();
        return u.equals(Unit.NONE) ? x : e.mul(x, e.scalar(1, x.type().dtype(), u.inverse()));
    }

    /** {@code x} read in {@code w}'s unit: the learning rate's unit is what makes the update one of w. */
    private static Node inUnitOf(NodeEmitter e, Node x, Node w) {
        Unit have = x.type().unit();
        Unit want = w.type().unit();
        return have.equals(want) ? x : e.mul(x, e.scalar(1, x.type().dtype(), want.over(have)));
    }

    /** The trained parameters of {@code forward} for {@code spec}: all float ones, or those listed, less the frozen. */
    public static List<String> trainedParams(Graph forward, TrainSpec spec, Map<String, String> names) {
        List<String> out = new ArrayList<>();
        for (String p : Autodiff.floatParams(forward)) {
            String own = names.get(p);
            if (!spec.params().isEmpty() && !spec.params().contains(own)) continue;
            if (spec.frozen().contains(own)) continue;
            out.add(p);
        }
        return out;
    }
}
