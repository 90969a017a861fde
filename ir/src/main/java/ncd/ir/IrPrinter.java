package ncd.ir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The deterministic text form of a graph, used by `ncdc ir` and golden tests: nodes numbered %0.. in graph
 * order, attributes in a fixed order, numbers in a fixed format, never hash order. A {@link Schedule}, when one is
 * attached, adds to each node line {@code [stencil over A, B]} (a fused window reduction), {@code [in %R]} (computed
 * in %R's loop) and {@code @bN} (its buffer), {@code @bN} to each state line, and a closing {@code buffers:} line.
 */
public final class IrPrinter {
    private IrPrinter() {}

    public static String print(Graph g) {
        Map<Node, Integer> num = new HashMap<>();
        for (Node n : g.nodes()) num.put(n, num.size());
        StringBuilder sb = new StringBuilder();
        sb.append(g.kind() == Graph.Kind.LAW ? "law " : "circuit ").append(g.name());
        if (g.kind() == Graph.Kind.LAW) sb.append(" within ").append(number(g.tolerance()));
        if (g.steps() > 0) sb.append(" after ").append(g.steps()).append(" steps");
        sb.append(" {\n");
        for (Node n : g.nodes()) {
            sb.append("  %").append(num.get(n)).append(" = ").append(opText(n));
            String a = attrText(n);
            if (!a.isEmpty()) sb.append(' ').append(a);
            if (!n.inputs().isEmpty()) {
                sb.append(' ').append(n.inputs().stream().map(i -> "%" + num.get(i)).collect(Collectors.joining(", ")));
            }
            sb.append(" : ").append(g.typeText(n.type()));
            if (g.schedule() != null) sb.append(scheduleText(g.schedule(), n, num));
            if (!n.scope().isEmpty()) sb.append("  # ").append(n.scope());
            sb.append('\n');
        }
        for (State s : g.states()) {
            sb.append("  state ").append(s.name()).append(" : ").append(g.typeText(s.type()))
              .append(" init %").append(num.get(s.init())).append(" next %").append(num.get(s.next()));
            Schedule.Memory m = g.schedule() == null ? null : g.schedule().memory();
            if (m != null && m.stateBuffers().containsKey(s.name())) sb.append(" @b").append(m.stateBuffers().get(s.name()));
            sb.append('\n');
        }
        for (Graph.Output o : g.outputs()) {
            sb.append("  output ").append(o.name()).append(" = %").append(num.get(o.node())).append('\n');
        }
        if (g.schedule() != null && g.schedule().memory() != null) sb.append(buffersText(g.schedule().memory()));
        return sb.append("}\n").toString();
    }

    private static String scheduleText(Schedule s, Node n, Map<Node, Integer> num) {
        StringBuilder sb = new StringBuilder();
        if (s.hoisted().contains(n)) sb.append(" [once]");
        Schedule.Stencil st = s.fusion().stencils().get(n);
        if (st != null) sb.append(" [stencil over ").append(String.join(", ", st.offsets())).append(']');
        Node root = s.fusion().roots().get(n);
        if (root != null) sb.append(" [in %").append(num.get(root)).append(']');
        Integer b = s.memory() == null ? null : s.memory().bufferOf().get(n);
        if (b != null) sb.append(" @b").append(b);
        return sb.isEmpty() ? "" : " " + sb;
    }

    /** {@code buffers: N (pinned b0-b3 b7), X B before reuse, Y B after}: pinned numbers as ranges. */
    private static String buffersText(Schedule.Memory m) {
        List<Schedule.Buffer> bs = m.buffers();
        StringBuilder pinned = new StringBuilder();
        for (int i = 0; i < bs.size(); i++) {
            if (!bs.get(i).pinned()) continue;
            int j = i;
            while (j + 1 < bs.size() && bs.get(j + 1).pinned()) j++;
            pinned.append(pinned.isEmpty() ? "" : " ").append('b').append(i);
            if (j > i) pinned.append('-').append('b').append(j);
            i = j;
        }
        return "  buffers: " + bs.size() + " (pinned " + (pinned.isEmpty() ? "none" : pinned) + "), "
                + m.bytesBefore() + " B before reuse, " + m.bytesAfter() + " B after\n";
    }

    /** The op's name as printed: {@code contract}, {@code exp}, {@code reduce.sum}, {@code random.normal}. */
    public static String opText(Node n) {
        Attr a = n.attr();
        return switch (n.op()) {
            case UNARY -> ((Attr.Unary) a).fn().word();
            case BINARY -> ((Attr.Binary) a).fn().word();
            case REDUCE -> "reduce." + ((Attr.Reduce) a).fn().word();
            case ARG_REDUCE -> ((Attr.ArgReduce) a).fn().word();
            case RANDOM -> "random." + lower(((Attr.Random) a).dist().name());
            case INPUT, PARAM, CONST, IOTA, STATE_READ, WHERE, EXPAND, CAST, CONTRACT, RENAME, TRANSPOSE, SPLIT, MERGE, SLICE,
                 SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT, ONEHOT, GATHER, ARGSORT, LINALG, SYNAPSES, DELAY -> lower(n.op().name());
            case FFT -> ((Attr.Fft) a).kind().word();
        };
    }

    public static String attrText(Node n) {
        Attr a = n.attr();
        return switch (n.op()) {
            case WHERE, EXPAND, TRANSPOSE, BINARY -> "";
            case INPUT, STATE_READ -> quote(((Attr.Named) a).name());
            case PARAM -> {
                Attr.Param x = (Attr.Param) a;
                yield quote(x.name()) + " ~ " + lower(x.init().kind().name())
                        + (x.init().args().isEmpty() ? "" : "(" + x.init().args().stream().map(IrPrinter::number).collect(Collectors.joining(", ")) + ")")
                        + (x.bound() == null ? "" : (x.bound().lower() ? " >= " : " <= ") + number(x.bound().value()));
            }
            case CONST -> number(((Attr.Scalar) a).value());
            case IOTA, GATHER -> "[" + ((Attr.AxisRef) a).axis() + "]";
            case RANDOM -> "seed=" + ((Attr.Random) a).seed();
            case UNARY -> {
                Attr.Unary x = (Attr.Unary) a;
                yield x.fn() == Attr.UnaryFn.POW_CONST ? number(x.exponent())
                        : x.fn() == Attr.UnaryFn.SPIKE ? "surrogate=" + x.surrogate().kind().word() + " " + number(x.surrogate().slope()) : "";
            }
            case CAST -> "to " + ((Attr.Cast) a).to().word();
            case REDUCE -> ((Attr.Reduce) a).axes().toString();
            case ARG_REDUCE -> "[" + ((Attr.ArgReduce) a).axis() + "]";
            case CONTRACT -> "@" + ((Attr.Contract) a).axes();
            case RENAME -> "{" + ((Attr.Rename) a).map().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " -> " + e.getValue().name()).collect(Collectors.joining(", ")) + "}";
            case SPLIT -> {
                Attr.Split x = (Attr.Split) a;
                yield "[" + x.axis() + " -> (" + names(x.parts()) + ")]";
            }
            case MERGE -> {
                Attr.Merge x = (Attr.Merge) a;
                yield "[(" + String.join(", ", x.parts()) + ") -> " + x.into().name() + "]";
            }
            case SLICE -> {
                Attr.Slice x = (Attr.Slice) a;
                yield "[" + x.axis() + ": " + x.start() + ".." + x.stop() + " -> " + x.into().name() + "]";
            }
            case SELECT -> {
                Attr.Select x = (Attr.Select) a;
                yield "[" + x.axis() + " = " + x.index() + "]";
            }
            case ROLL -> {
                Attr.Roll x = (Attr.Roll) a;
                yield "[" + x.axis() + ", " + x.shift() + "]";
            }
            case SHIFT -> {
                Attr.Shift x = (Attr.Shift) a;
                yield "[" + x.axis() + ", " + x.shift() + ", fill=" + number(x.fill()) + "]";
            }
            case WINDOW -> {
                Attr.Window x = (Attr.Window) a;
                yield "[" + x.dims().stream().map(d -> d.axis() + " by " + d.offset().size() + " -> " + d.offset().name())
                        .collect(Collectors.joining(", ")) + ", " + lower(x.boundary().name()) + "]";
            }
            case CONCAT -> {
                Attr.Concat x = (Attr.Concat) a;
                yield "[(" + String.join(", ", x.parts()) + ") -> " + x.into().name() + "]";
            }
            case REPEAT -> {
                Attr.Repeat x = (Attr.Repeat) a;
                yield "[" + x.axis() + " -> " + x.into().name() + "]";
            }
            case ONEHOT -> "[" + ((Attr.OneHot) a).axis().name() + "]";
            case ARGSORT -> {
                Attr.ArgSort x = (Attr.ArgSort) a;
                yield "[" + x.axis() + (x.descending() ? ", descending" : "") + "]";
            }
            case SYNAPSES -> {
                Attr.Synapses x = (Attr.Synapses) a;
                long nPre = n.input(0).type().axes().isEmpty() ? 0 : n.input(0).type().axes().get(0).size();
                yield "[" + x.pre() + " -> " + x.post().name() + ", " + SynapseChoice.ruleText(x) + (x.rule() == Attr.SynRule.PAIRS ? "" : ", seed = " + x.seed()) + ", "
                        + SynapseChoice.storage(x, nPre, x.post().size()).word()
                        + (x.storage() == Attr.SynStorage.AUTO ? " (chosen)" : "") + ", "
                        + SynapseChoice.order(x, n.input(0).type().dtype(), nPre, x.post().size()).word() + "]";
            }
            case DELAY -> {
                // a synaptic delay names its connectivity as SYNAPSES prints it
                Attr.Delay x = (Attr.Delay) a;
                String syn = "";
                if (x.syn() != null) {
                    Attr.Synapses y = x.syn();
                    long nPre = n.input(2).type().axes().isEmpty() ? 0 : n.input(2).type().axes().get(0).size();
                    syn = ", synapses [" + y.pre() + " -> " + y.post().name() + ", " + SynapseChoice.ruleText(y) + ", seed = " + y.seed() + ", "
                            + SynapseChoice.storage(y, nPre, y.post().size()).word() + (y.storage() == Attr.SynStorage.AUTO ? " (chosen)" : "") + "]";
                }
                yield "[" + x.lag().name() + ", " + DelaySpec.delayText(x) + syn + "]";
            }
            case LINALG -> {
                Attr.Linalg x = (Attr.Linalg) a;
                yield "[" + lower(x.fn().name()) + ", " + x.row() + ", " + x.col() + (x.into() == null ? "" : " -> " + x.into().name()) + "]";
            }
            case FFT -> {
                Attr.Fft x = (Attr.Fft) a;
                yield "[" + x.axis() + (x.into() == null ? "" : " -> " + x.into().name() + (x.kind() == Attr.FftKind.IRFFT ? ", n = " + x.into().size() : "")) + "]";
            }
        };
    }

    private static String lower(String s) { return s.toLowerCase(java.util.Locale.ROOT); }

    static String names(List<Axis> axes) { return axes.stream().map(Axis::name).collect(Collectors.joining(", ")); }

    static String quote(String s) { return "\"" + s + "\""; }

    /** Integers without a fraction, everything else in Java's shortest round-trip form. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return Double.toString(v).replace('E', 'e');
    }
}
