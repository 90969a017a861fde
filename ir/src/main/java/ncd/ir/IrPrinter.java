package ncd.ir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The deterministic text form of a graph, used by `ncdc ir` and golden tests: nodes numbered %0.. in graph
 * order, attributes in a fixed order, numbers in a fixed format, never hash order.
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
            if (!n.scope().isEmpty()) sb.append("  # ").append(n.scope());
            sb.append('\n');
        }
        for (State s : g.states()) {
            sb.append("  state ").append(s.name()).append(" : ").append(g.typeText(s.type()))
              .append(" init %").append(num.get(s.init())).append(" next %").append(num.get(s.next())).append('\n');
        }
        for (Graph.Output o : g.outputs()) {
            sb.append("  output ").append(o.name()).append(" = %").append(num.get(o.node())).append('\n');
        }
        return sb.append("}\n").toString();
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
