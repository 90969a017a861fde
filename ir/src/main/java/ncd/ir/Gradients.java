package ncd.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ncd.ir.Attr.BinaryFn;
import static ncd.ir.Attr.ReduceFn;
import static ncd.ir.Attr.UnaryFn;

/**
 * Reverse mode, op by op: for every op, how the cotangent {@code g} of its result (the loss's derivative in it)
 * becomes cotangents of its inputs — a vector-Jacobian product written with IR ops, so the gradient of a graph is a
 * graph — or why none flows. Exhaustive switches over {@link Op}, {@link UnaryFn}, {@link BinaryFn} and
 * {@link ReduceFn}: an op or function without a rule does not compile. docs/autodiff.md says each rule in words.
 *
 * <p>A cotangent has its node's dtype and axes, in the node's order, and the unit {@code loss / node}: the rules are
 * ordinary typed IR, so {@code g * b} for {@code a * b} comes out in the unit the loss over {@code a} has. Only
 * float values carry cotangents: a rule is asked for the float inputs that lead to what is differentiated.
 */
public final class Gradients {
    private Gradients() {}

    /** What reverse mode does at an op or function. */
    public sealed interface Rule permits Leaf, Stops, Refused, ByFunction, Vjp {}

    /** No inputs: the cotangent ends here (it is the gradient, when the node is differentiated). */
    public record Leaf() implements Rule {}

    /**
     * No cotangent flows to the inputs, rightly: the derivative is zero wherever it exists (floor, sign, a
     * comparison), or the result or inputs are integers or bools.
     */
    public record Stops(String why) implements Rule {}

    /** A derivative exists but is not taken; a gradient that needs it is refused with {@code why}. */
    public record Refused(String why) implements Rule {}

    /** The op's rule is its function's ({@link #of(UnaryFn)}, {@link #of(BinaryFn)}, {@link #of(ReduceFn)}). */
    public record ByFunction() implements Rule {}

    /** The vector-Jacobian product. */
    public record Vjp(Adjoint adjoint) implements Rule {}

    /** A vector-Jacobian product. */
    @FunctionalInterface
    public interface Adjoint {
        /**
         * The cotangent of each input of {@code y} given {@code g}, that of {@code y}; null where {@code need} is false
         * (an input that leads to nothing differentiated, or that is not a float) or where it is zero. Each has its
         * input's type but for the unit ({@code loss / input}). {@code e} is positioned at {@code y}.
         */
        Node[] apply(Node y, Node g, boolean[] need, NodeEmitter e);
    }

    /** The rule of a node: its op's, or its function's. */
    public static Rule of(Node n) {
        if (n.attr() instanceof Attr.Unary u) return of(u.fn());
        if (n.attr() instanceof Attr.Binary b) return of(b.fn());
        if (n.attr() instanceof Attr.Reduce r) return of(r.fn());
        if (n.attr() instanceof Attr.Window w && repeatsAnAxis(w)) {
            return new Refused("a window that names one axis twice bounds-checks each partial offset; its adjoint is not written");
        }
        if (n.attr() instanceof Attr.Linalg l && l.fn() != Attr.LinalgFn.SOLVE && l.fn() != Attr.LinalgFn.INVERSE) {
            return new Refused(switch (l.fn()) {
                case CHOLESKY -> "cholesky's adjoint (a triangular solve on both sides) is not written";
                case EIGH_VALUES, EIGH_VECTORS -> "eigh's adjoint is not written (its vectors' is undefined where eigenvalues repeat)";
                case SPECTRAL_RADIUS, SPECTRAL_NORM -> l.fn().word() + " is a limit of an iteration whose adjoint is not written;"
                        + " wrap the scale in stop_gradient(...) to treat it as a constant";
                case SOLVE, INVERSE -> throw new AssertionError();
            });
        }
        return of(n.op());
    }

    /** The rule of each op; {@link ByFunction} for the three whose rule depends on their function. */
    public static Rule of(Op op) {
        return switch (op) {
            case INPUT, PARAM, STATE_READ, CONST, IOTA -> new Leaf();
            case RANDOM -> new Refused("a sample's derivative in its distribution's parameters (reparameterisation) is not"
                    + " taken: the noise drawn is not a value of the graph");
            case UNARY, BINARY, REDUCE -> new ByFunction();
            case WHERE -> new Vjp(Gradients::where);
            case EXPAND -> new Vjp((y, g, need, e) -> new Node[] {e.sumTo(g, y.input(0).type())});
            case CAST -> new Vjp((y, g, need, e) -> new Node[] {e.cast(g, y.input(0).type().dtype())});
            case ARG_REDUCE -> new Stops("an index: an i32 result, constant between ties");
            case CONTRACT -> new Vjp(Gradients::contract);
            case RENAME -> new Vjp(Gradients::rename);
            case TRANSPOSE -> new Vjp((y, g, need, e) -> new Node[] {e.transpose(g, y.input(0).type().axisNames())});
            case SPLIT -> new Vjp(Gradients::split);
            case MERGE -> new Vjp(Gradients::merge);
            case SLICE -> new Vjp(Gradients::slice);
            case SELECT -> new Vjp(Gradients::select);
            case ROLL -> new Vjp((y, g, need, e) -> {
                Attr.Roll r = (Attr.Roll) y.attr();
                return new Node[] {e.roll(g, r.axis(), -r.shift())};
            });
            case SHIFT -> new Vjp((y, g, need, e) -> {
                Attr.Shift s = (Attr.Shift) y.attr();
                return new Node[] {e.shift(g, s.axis(), -s.shift(), 0)};
            });
            case WINDOW -> new Vjp(Gradients::window);
            case CONCAT -> new Vjp(Gradients::concat);
            case REPEAT -> new Vjp(Gradients::repeat);
            case ONEHOT -> new Stops("its input is i32 indices");
            case GATHER -> new Vjp(Gradients::gather);
            case ARGSORT -> new Stops("a permutation: an i32 result, constant between ties");
            case LINALG -> new Vjp(Gradients::linalg);
            case SYNAPSES -> new Refused("event-driven synapses have no adjoint yet (it would be the same connectivity read by "
                    + "column); for a gradient write the connection as a dense matrix product: C @[pre] x");
            case DELAY -> new Refused("a delay's ring buffer has no adjoint yet (it would send the gradient back through the ring, "
                    + "the same delays in reverse); for a gradient write the delay as a shift register: shift[slot, 1] of a state");
            case FFT -> new Vjp(FftGradients::vjp);
        };
    }

    public static Rule of(UnaryFn f) {
        return switch (f) {
            case NEG -> unary((x, y, g, e) -> e.neg(g));
            case ABS -> unary((x, y, g, e) -> e.mul(g, e.unary(UnaryFn.SIGN, x)));
            case SIGN, FLOOR, CEIL, ROUND -> new Stops("piecewise constant: the derivative is 0 wherever it exists");
            case NOT -> new Stops("bool");
            case STOP_GRADIENT -> new Stops("stop_gradient: no gradient flows through it, by definition");
            case EXP -> unary((x, y, g, e) -> e.mul(g, y));
            case LOG -> unary((x, y, g, e) -> e.div(g, x));
            case SQRT -> unary((x, y, g, e) -> e.div(e.mul(g, e.number(0.5, g)), y));
            case TANH -> unary((x, y, g, e) -> e.mul(g, e.sub(e.number(1, y), e.mul(y, y))));
            case SIGMOID -> unary((x, y, g, e) -> e.mul(g, e.mul(y, e.sub(e.number(1, y), y))));
            case RELU -> unary((x, y, g, e) -> e.maskOrZero(e.binary(BinaryFn.GT, x, e.scalarLike(0, x)), g));
            case SIN -> unary((x, y, g, e) -> e.mul(g, e.unary(UnaryFn.COS, x)));
            case COS -> unary((x, y, g, e) -> e.neg(e.mul(g, e.unary(UnaryFn.SIN, x))));
            // not the derivative (0 wherever it exists) but a surrogate: the reason a spiking net trains at all
            case SPIKE -> new Vjp((y, g, need, e) -> new Node[] {e.mul(g, surrogate(((Attr.Unary) y.attr()).surrogate(), y.input(0), e))});
            case POW_CONST -> new Vjp((y, g, need, e) -> {
                double p = ((Attr.Unary) y.attr()).exponent();
                Node x = y.input(0);
                // d x^p = p x^(p-1); at p = 0 it is 0 (and 0 * x^-1 would be NaN at x = 0). At p = 2 (every square:
                // variances, mse) x^1 is x itself, bit for bit (Math.pow(x, 1) == x): no pow node for a backend to run
                return new Node[] {p == 0 ? null : e.mul(g, e.mul(e.number(p, x), p == 2 ? x : e.pow(x, p - 1)))};
            });
        };
    }

    public static Rule of(BinaryFn f) {
        return switch (f) {
            case ADD -> binary((a, b, y, g, e) -> g, (a, b, y, g, e) -> g);
            case SUB -> binary((a, b, y, g, e) -> g, (a, b, y, g, e) -> e.neg(g));
            case MUL -> binary((a, b, y, g, e) -> e.mul(g, b), (a, b, y, g, e) -> e.mul(g, a));
            case DIV -> binary((a, b, y, g, e) -> e.div(g, b), (a, b, y, g, e) -> e.neg(e.div(e.mul(g, y), b)));
            // a mod b = a - floor(a / b) b
            case MOD -> binary((a, b, y, g, e) -> g,
                    (a, b, y, g, e) -> e.neg(e.mul(g, e.unary(UnaryFn.FLOOR, e.div(a, b)))));
            // as JAX: d/da is 0 where b = 0 (not 0 * a^-1), d/db reads log 1 where a = 0 (not 0 * -inf)
            case POW -> binary((a, b, y, g, e) -> {
                Node slope = e.mul(b, e.binary(BinaryFn.POW, a, e.sub(b, e.number(1, b))));
                return e.mul(g, e.where(e.binary(BinaryFn.EQ, b, e.number(0, b)), e.number(0, b), slope));
            }, (a, b, y, g, e) -> {
                Node safeA = e.where(e.binary(BinaryFn.EQ, a, e.number(0, a)), e.number(1, a), a);
                return e.mul(g, e.mul(y, e.unary(UnaryFn.LOG, safeA)));
            });
            // at a tie each operand gets half, as the central difference there says
            case MAX -> binary((a, b, y, g, e) -> e.mul(g, share(a, b, BinaryFn.GT, e)), (a, b, y, g, e) -> e.mul(g, share(b, a, BinaryFn.GT, e)));
            case MIN -> binary((a, b, y, g, e) -> e.mul(g, share(a, b, BinaryFn.LT, e)), (a, b, y, g, e) -> e.mul(g, share(b, a, BinaryFn.LT, e)));
            case EQ, NE, LT, LE, GT, GE -> new Stops("a comparison: a bool result");
            case AND, OR, XOR -> new Stops("logic on bools");
            // d atan2(a, b) = (b da - a db) / (a² + b²); 0 at the origin, where it has none (as JAX's where-guarded form)
            case ATAN2 -> binary((a, b, y, g, e) -> e.mul(g, e.div(b, safeSquares(a, b, e))),
                    (a, b, y, g, e) -> e.neg(e.mul(g, e.div(a, safeSquares(a, b, e)))));
        };
    }

    public static Rule of(ReduceFn f) {
        return switch (f) {
            case SUM -> new Vjp((y, g, need, e) -> new Node[] {spread(g, y.input(0), e)});
            case MEAN -> new Vjp((y, g, need, e) -> {
                Node x = y.input(0);
                double n = 1;
                for (String a : ((Attr.Reduce) y.attr()).axes()) n *= x.type().axis(a).size();
                return new Node[] {spread(e.div(g, e.number(n, g)), x, e)};
            });
            case MAX, MIN -> new Vjp(Gradients::extreme);
            case PROD -> new Vjp(Gradients::product);
            case ANY, ALL -> new Stops("logic on bools");
            case ARGMAX, ARGMIN -> new Stops("an index (arg_reduce): an i32 result");
        };
    }

    // ---- elementwise

    /** The derivative part of a unary function's rule: {@code g} times the derivative at x (with y = f(x)). */
    @FunctionalInterface
    private interface UnaryPart {
        Node apply(Node x, Node y, Node g, NodeEmitter e);
    }

    /** One operand's part of a binary function's rule, at the result's axes; broadcasting is undone after. */
    @FunctionalInterface
    private interface BinaryPart {
        Node apply(Node a, Node b, Node y, Node g, NodeEmitter e);
    }

    /**
     * The surrogate derivative of a spike at {@code x}, in the unit {@code 1 / x} (docs/autodiff.md, "Surrogate
     * gradients"): the slope k is a constant in that unit, so {@code k|x|} is dimensionless. The fast sigmoid's peak
     * is 1 per unit of x whatever k is, as in SuperSpike and snnTorch.
     */
    public static Node surrogate(Attr.Surrogate s, Node x, NodeEmitter e) {
        DType d = x.type().dtype();
        Unit perX = x.type().unit().inverse();
        Node k = e.scalar(s.slope(), d, perX);
        Node one = e.number(1, x);
        return switch (s.kind()) {
            case FAST_SIGMOID -> e.mul(e.scalar(1, d, perX), e.pow(e.add(one, e.mul(k, e.unary(UnaryFn.ABS, x))), -2));
            case SIGMOID -> {
                Node sg = e.unary(UnaryFn.SIGMOID, e.mul(k, x));
                yield e.mul(k, e.mul(sg, e.sub(one, sg)));
            }
            case TRIANGLE -> e.mul(k, e.binary(BinaryFn.MAX, e.number(0, x), e.sub(one, e.mul(k, e.unary(UnaryFn.ABS, x)))));
        };
    }

    private static Rule unary(UnaryPart part) {
        return new Vjp((y, g, need, e) -> new Node[] {part.apply(y.input(0), y, g, e)});
    }

    /** Each operand's part, summed over the axes it was broadcast along. */
    private static Rule binary(BinaryPart left, BinaryPart right) {
        return new Vjp((y, g, need, e) -> {
            Node a = y.input(0), b = y.input(1);
            return new Node[] {
                    need[0] ? e.sumTo(left.apply(a, b, y, g, e), a.type()) : null,
                    need[1] ? e.sumTo(right.apply(a, b, y, g, e), b.type()) : null};
        });
    }

    /** {@code a² + b²}, with 1 where it is 0 (atan2 has no derivative at the origin; its cotangent is 0 there). */
    private static Node safeSquares(Node a, Node b, NodeEmitter e) {
        Node s = e.add(e.mul(a, a), e.mul(b, b));
        return e.where(e.binary(BinaryFn.EQ, s, e.scalarLike(0, s)), e.scalarLike(1, s), s);
    }

    /** How much of max(a, b) (min with {@code LT}) is a's: 1 where a wins, 1/2 at a tie, else 0. */
    private static Node share(Node a, Node b, BinaryFn wins, NodeEmitter e) {
        Node tie = e.where(e.binary(BinaryFn.EQ, a, b), e.number(0.5, a), e.number(0, a));
        return e.where(e.binary(wins, a, b), e.number(1, a), tie);
    }

    private static Node[] where(Node y, Node g, boolean[] need, NodeEmitter e) {
        Node c = y.input(0);
        return new Node[] {null,
                need[1] ? e.sumTo(e.maskOrZero(c, g), y.input(1).type()) : null,
                need[2] ? e.sumTo(e.where(c, e.scalarLike(0, g), g), y.input(2).type()) : null};
    }

    // ---- reductions and contraction

    /** {@code g} (with some of x's axes) broadcast to x's axes, in x's order: the adjoint of a sum. */
    private static Node spread(Node g, Node x, NodeEmitter e) {
        return e.transpose(e.expand(g, x.type().axes()), x.type().axisNames());
    }

    /** max/min: the cotangent goes to the elements equal to the extreme, shared equally between ties. */
    private static Node[] extreme(Node y, Node g, boolean[] need, NodeEmitter e) {
        Node x = y.input(0);
        List<String> axes = ((Attr.Reduce) y.attr()).axes();
        Node hit = e.binary(BinaryFn.EQ, x, y);
        Node ties = e.reduce(ReduceFn.SUM, e.cast(hit, g.type().dtype()), axes);
        return new Node[] {e.transpose(e.maskOrZero(hit, e.div(g, ties)), x.type().axisNames())};
    }

    /**
     * prod: each element's cotangent is g times the product of the others: y / x where x is not 0; where it is, the
     * product of the nonzero others if it is the only zero, else 0 (no division by zero anywhere).
     */
    private static Node[] product(Node y, Node g, boolean[] need, NodeEmitter e) {
        Node x = y.input(0);
        List<String> axes = ((Attr.Reduce) y.attr()).axes();
        Node zero = e.binary(BinaryFn.EQ, x, e.number(0, x));
        Node others = e.reduce(ReduceFn.PROD, e.where(zero, e.number(1, x), x), axes);
        Node zeros = e.reduce(ReduceFn.SUM, e.cast(zero, x.type().dtype()), axes);
        Node atZero = e.maskOrZero(e.binary(BinaryFn.EQ, zeros, e.number(1, x)), others);
        Node rest = e.where(zero, atZero, e.div(y, x));
        return new Node[] {e.transpose(e.mul(g, rest), x.type().axisNames())};
    }

    /**
     * {@code y = a @[K] b}: a's cotangent is g contracted with b over b's own axes (those a lacks), which leaves a's
     * axes; and the other way round.
     */
    private static Node[] contract(Node y, Node g, boolean[] need, NodeEmitter e) {
        Node a = y.input(0), b = y.input(1);
        return new Node[] {
                need[0] ? e.transpose(e.contract(g, b, only(b, a)), a.type().axisNames()) : null,
                need[1] ? e.transpose(e.contract(g, a, only(a, b)), b.type().axisNames()) : null};
    }

    /** The axes of {@code x} that {@code other} lacks, in x's order. */
    private static List<String> only(Node x, Node other) {
        return x.type().axisNames().stream().filter(n -> !other.type().hasAxis(n)).toList();
    }

    // ---- moving data: each adjoint moves the cotangent back

    private static Node[] rename(Node y, Node g, boolean[] need, NodeEmitter e) {
        Map<String, Axis> m = ((Attr.Rename) y.attr()).map();
        Map<String, Axis> back = new java.util.HashMap<>();
        TensorType x = y.input(0).type();
        for (Map.Entry<String, Axis> en : m.entrySet()) {
            if (!en.getKey().equals(en.getValue().name())) back.put(en.getValue().name(), x.axis(en.getKey()));
        }
        return new Node[] {back.isEmpty() ? g : e.rename(g, back)};
    }

    private static Node[] split(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Split s = (Attr.Split) y.attr();
        TensorType x = y.input(0).type();
        Node merged = e.merge(g, s.parts().stream().map(Axis::name).toList(), x.axis(s.axis()));
        return new Node[] {e.transpose(merged, x.axisNames())};
    }

    private static Node[] merge(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Merge m = (Attr.Merge) y.attr();
        TensorType x = y.input(0).type();
        Node split = e.split(g, m.into().name(), m.parts().stream().map(x::axis).toList());
        return new Node[] {e.transpose(split, x.axisNames())};
    }

    /** The cotangent of the slice, with zeros before and after it along the sliced axis. */
    private static Node[] slice(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Slice s = (Attr.Slice) y.attr();
        TensorType x = y.input(0).type();
        Axis whole = x.axis(s.axis());
        List<Node> parts = new ArrayList<>();
        List<String> partAxes = new ArrayList<>();
        if (s.start() > 0) zeros(g, s.into().name(), e.freshAxis(whole.name(), s.start()), parts, partAxes, e);
        parts.add(g);
        partAxes.add(s.into().name());
        if (s.stop() < whole.size()) zeros(g, s.into().name(), e.freshAxis(whole.name(), whole.size() - s.stop()), parts, partAxes, e);
        return new Node[] {e.transpose(e.concat(parts, partAxes, whole), x.axisNames())};
    }

    /** Zeros shaped like {@code g} with {@code along} replaced by {@code as}, appended to a concatenation's parts. */
    private static void zeros(Node g, String along, Axis as, List<Node> parts, List<String> partAxes, NodeEmitter e) {
        List<Axis> axes = new ArrayList<>();
        for (Axis a : g.type().axes()) axes.add(a.name().equals(along) ? as : a);
        parts.add(e.constant(0, g.type().withAxes(axes)));
        partAxes.add(as.name());
    }

    /** The cotangent where the axis has the selected index, 0 elsewhere. */
    private static Node[] select(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Select s = (Attr.Select) y.attr();
        TensorType x = y.input(0).type();
        Axis axis = x.axis(s.axis());
        Node at = e.binary(BinaryFn.EQ, e.iota(axis), e.scalar(s.index(), DType.I32, Unit.NONE));
        return new Node[] {e.transpose(e.maskOrZero(at, e.expand(g, List.of(axis))), x.axisNames())};
    }

    /**
     * {@code y[a = i, d = j] = x[a = i + j - size/2]}: x's cotangent sums, over each offset j, the slice of g at
     * {@code d = j} shifted back by {@code j - size/2} (rolled for a wrapping window, shifted in zeros otherwise).
     */
    private static Node[] window(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Window w = (Attr.Window) y.attr();
        Node acc = g;
        for (Attr.WindowDim d : w.dims()) {
            int size = d.offset().size();
            Node sum = null;
            for (int j = 0; j < size; j++) {
                Node at = e.select(acc, d.offset().name(), j);
                int k = j - size / 2;
                Node moved = k == 0 ? at : w.boundary() == Attr.Boundary.WRAP ? e.roll(at, d.axis(), k) : e.shift(at, d.axis(), k, 0);
                sum = sum == null ? moved : e.add(sum, moved);
            }
            acc = sum;
        }
        return new Node[] {e.transpose(acc, y.input(0).type().axisNames())};
    }

    private static boolean repeatsAnAxis(Attr.Window w) {
        Set<String> seen = new HashSet<>();
        for (Attr.WindowDim d : w.dims()) if (!seen.add(d.axis())) return true;
        return false;
    }

    /** Each input's cotangent is its stretch of the concatenated axis. */
    private static Node[] concat(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Concat c = (Attr.Concat) y.attr();
        Node[] out = new Node[y.inputs().size()];
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            TensorType x = y.input(i).type();
            Axis part = x.axis(c.parts().get(i));
            if (need[i]) out[i] = e.transpose(e.slice(g, c.into().name(), start, start + part.size(), part), x.axisNames());
            start += part.size();
        }
        return out;
    }

    /** Each element was copied {@code |into| / |axis|} times in a row: its cotangent is the sum over those copies. */
    private static Node[] repeat(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Repeat r = (Attr.Repeat) y.attr();
        TensorType x = y.input(0).type();
        Axis axis = x.axis(r.axis());
        Axis copies = e.freshAxis(axis.name(), r.into().size() / axis.size());
        Node split = e.split(g, r.into().name(), List.of(axis, copies));
        return new Node[] {e.transpose(e.reduce(ReduceFn.SUM, split, List.of(copies.name())), x.axisNames())};
    }

    /** The table's cotangent adds each row of g into the row its index picked: one-hot indices contracted with g. */
    private static Node[] gather(Node y, Node g, boolean[] need, NodeEmitter e) {
        // the scatter-add of g into the table's shape: onehot(idx) summed over the indices' own axes; axes the indices
        // share with the table are batch axes and stay. When the indices have the gathered axis itself (sort's
        // take-along), that axis of idx and g is renamed first so the one-hot axis is free.
        Node table = y.input(0), idx = y.input(1);
        TensorType t = table.type();
        Axis along = t.axis(((Attr.AxisRef) y.attr()).axis());
        if (idx.type().hasAxis(along.name())) {
            Map<String, Axis> away = Map.of(along.name(), e.freshAxis(along.name(), idx.type().axis(along.name()).size()));
            idx = e.rename(idx, away);
            g = e.rename(g, away);
        }
        Node hot = e.onehot(idx, along);
        if (hot.type().dtype() != t.dtype()) hot = e.cast(hot, t.dtype());
        List<String> summed = new ArrayList<>();
        for (String a : idx.type().axisNames()) if (!t.hasAxis(a)) summed.add(a);
        return new Node[] {e.transpose(e.contract(hot, g, summed), t.axisNames()), null};
    }

    /**
     * solve and inverse (cholesky, eigh and the spectral radius and norm are refused in {@link #of(Node)}).
     * Y = A^-1 on [i, j]: dA = -Y^T G Y^T, i.e. dA[i=r, j=c] = -sum over p, q of Y[p, r] G[p, q] Y[c, q].
     * x = solve[i, j](A, b): db = A^-T g, which is solve[j, i](A, g) (the roles of the axes swapped), summed over
     * A's batch axes that b lacks; dA = -db x^T, summed over b's batch axes that A lacks.
     */
    private static Node[] linalg(Node y, Node g, boolean[] need, NodeEmitter e) {
        Attr.Linalg l = (Attr.Linalg) y.attr();
        Node a = y.input(0);
        TensorType at = a.type();
        Axis row = at.axis(l.row()), col = at.axis(l.col());
        if (l.fn() == Attr.LinalgFn.INVERSE) {
            Axis t = e.freshAxis(col.name(), col.size()), u = e.freshAxis(row.name(), row.size());
            Node t1 = e.contract(y, e.rename(g, Map.of(col.name(), t)), List.of(row.name()));
            Node y2 = e.rename(y, Map.of(row.name(), u, col.name(), t));
            Node t2 = e.contract(t1, y2, List.of(t.name()));
            Node da = e.rename(t2, Map.of(col.name(), row, u.name(), col));
            return new Node[] {e.neg(e.transpose(da, at.axisNames()))};
        }
        if (l.fn() != Attr.LinalgFn.SOLVE) throw new IllegalStateException(l.fn() + " has no adjoint");
        Node b = y.input(1);
        Node dbFull = e.add(Op.LINALG, new Attr.Linalg(Attr.LinalgFn.SOLVE, l.col(), l.row(), null), null, a, g);
        Node db = need[1] ? e.sumTo(dbFull, b.type()) : null;
        Node da = null;
        if (need[0]) {
            List<String> summed = new ArrayList<>();
            for (String ax : dbFull.type().axisNames()) if (!at.hasAxis(ax) && y.type().hasAxis(ax)) summed.add(ax);
            da = e.neg(e.transpose(e.contract(dbFull, y, summed), at.axisNames()));
        }
        return new Node[] {da, db};
    }
}
