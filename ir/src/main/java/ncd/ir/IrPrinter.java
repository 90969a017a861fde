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
            String a = attrText(n.attr());
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

    static String opText(Node n) {
        String base = n.op().name().toLowerCase(java.util.Locale.ROOT);
        Attr a = n.attr();
        if (a instanceof Attr.Unary u) return u.fn().word();
        if (a instanceof Attr.Binary b) return b.fn().word();
        if (a instanceof Attr.Reduce r) return "reduce." + r.fn().word();
        if (a instanceof Attr.ArgReduce r) return r.fn().word();
        if (a instanceof Attr.Random r) return "random." + r.dist().name().toLowerCase(java.util.Locale.ROOT);
        return base;
    }

    static String attrText(Attr a) {
        if (a instanceof Attr.None x) return "";
        if (a instanceof Attr.Named x) return quote(x.name());
        if (a instanceof Attr.Param x) return quote(x.name()) + " ~ " + x.init().kind().name().toLowerCase(java.util.Locale.ROOT)
                    + (x.init().args().isEmpty() ? "" : "(" + x.init().args().stream().map(IrPrinter::number).collect(Collectors.joining(", ")) + ")")
                    + (x.bound() == null ? "" : (x.bound().lower() ? " >= " : " <= ") + number(x.bound().value()));
        if (a instanceof Attr.Scalar x) return number(x.value());
        if (a instanceof Attr.AxisRef x) return "[" + x.axis() + "]";
        if (a instanceof Attr.Random x) return "seed=" + x.seed();
        if (a instanceof Attr.Unary x) return x.fn() == Attr.UnaryFn.POW_CONST ? number(x.exponent()) : "";
        if (a instanceof Attr.Binary x) return "";
        if (a instanceof Attr.Cast x) return "to " + x.to().word();
        if (a instanceof Attr.Reduce x) return x.axes().toString();
        if (a instanceof Attr.ArgReduce x) return "[" + x.axis() + "]";
        if (a instanceof Attr.Contract x) return "@" + x.axes();
        if (a instanceof Attr.Rename x) return "{" + x.map().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " -> " + e.getValue().name()).collect(Collectors.joining(", ")) + "}";
        if (a instanceof Attr.Split x) return "[" + x.axis() + " -> (" + names(x.parts()) + ")]";
        if (a instanceof Attr.Merge x) return "[(" + String.join(", ", x.parts()) + ") -> " + x.into().name() + "]";
        if (a instanceof Attr.Slice x) return "[" + x.axis() + ": " + x.start() + ".." + x.stop() + " -> " + x.into().name() + "]";
        if (a instanceof Attr.Select x) return "[" + x.axis() + " = " + x.index() + "]";
        if (a instanceof Attr.Roll x) return "[" + x.axis() + ", " + x.shift() + "]";
        if (a instanceof Attr.Shift x) return "[" + x.axis() + ", " + x.shift() + ", fill=" + number(x.fill()) + "]";
        if (a instanceof Attr.Window x) return "[" + x.dims().stream().map(d -> d.axis() + " by " + d.offset().size() + " -> " + d.offset().name())
                    .collect(Collectors.joining(", ")) + ", " + x.boundary().name().toLowerCase(java.util.Locale.ROOT) + "]";
        if (a instanceof Attr.Concat x) return "[(" + String.join(", ", x.parts()) + ") -> " + x.into().name() + "]";
        if (a instanceof Attr.Repeat x) return "[" + x.axis() + " -> " + x.into().name() + "]";
        if (a instanceof Attr.OneHot x) return "[" + x.axis().name() + "]";
        throw new AssertionError(a);
    }

    static String names(List<Axis> axes) { return axes.stream().map(Axis::name).collect(Collectors.joining(", ")); }

    static String quote(String s) { return "\"" + s + "\""; }

    /** Integers without a fraction, everything else in Java's shortest round-trip form. */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.valueOf((long) v);
        return Double.toString(v).replace('E', 'e');
    }
}
