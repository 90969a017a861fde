package ncd.interop;

import com.google.protobuf.ByteString;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Tensor;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An optimised, stateless circuit graph as an ONNX model (docs/interop.md). ncd matches axes by name, ONNX by
 * position: every IR value becomes an ONNX tensor whose dimensions are in the order of the node's type, and each op
 * first brings its operands into the order it needs (Transpose, Unsqueeze for broadcasting). Parameters are
 * initializers named by instance path; inputs and outputs keep their names, and the model's metadata records the
 * axis names of each ({@code ncd.axes.NAME}).
 */
public final class OnnxExport {
    /** The operator set the model imports: ReduceSum takes its axes as an input, the other reductions an attribute. */
    public static final int OPSET = 17;
    /** The IR version of opset 17 (ONNX 1.12). */
    public static final int IR_VERSION = 8;

    /** An IR value as an ONNX tensor: its name and its axes in dimension order. */
    private record Val(String name, List<String> axes) {}

    private final Graph graph;
    private final Map<String, Tensor> params;
    private final GraphProto.Builder g = GraphProto.newBuilder();
    private final Map<Node, Val> vals = new HashMap<>();
    private final Set<String> initializers = new HashSet<>();
    private final Map<String, List<String>> paramAxes = new HashMap<>();
    private int temp;

    private OnnxExport(Graph graph, Map<String, Tensor> params) {
        this.graph = graph;
        this.params = params;
    }

    /**
     * The model of {@code graph} with parameter values {@code params} (by instance path, each of its PARAM node's type).
     *
     * @throws Unsupported when the graph has state, random sources or an op ONNX cannot express as ncd defines it
     */
    public static ModelProto export(Graph graph, Map<String, Tensor> params) throws Unsupported {
        return new OnnxExport(graph, params).build();
    }

    private ModelProto build() throws Unsupported {
        if (!graph.states().isEmpty()) {
            throw new Unsupported(graph.span(), "circuit " + graph.name() + " has state (" + graph.states().get(0).name()
                    + "): ONNX models are feed-forward", "export the layers it calls, without the state; std.lif neurons driven by an input export as --format nir (docs/interop.md)");
        }
        g.setName(graph.name());
        for (Node n : graph.nodes()) vals.put(n, lower(n));
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("ncdc")
                .setDocString("circuit " + graph.name() + ", exported by ncdc export (docs/interop.md)")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        for (Node in : graph.inputs()) {
            String name = ((Attr.Named) in.attr()).name();
            g.addInput(valueInfo(name, in.type()));
            m.addMetadataProps(meta("ncd.axes." + name, String.join(",", in.type().axisNames())));
        }
        for (Graph.Output o : graph.outputs()) {
            Val v = vals.get(o.node());
            emitTo("Identity", List.of(permute(v, o.node().type().axisNames(), o.node()).name()), o.name(), List.of());
            g.addOutput(valueInfo(o.name(), o.node().type()));
            m.addMetadataProps(meta("ncd.axes." + o.name(), String.join(",", o.node().type().axisNames())));
        }
        return m.setGraph(g).build();
    }

    // ---- one node

    private Val lower(Node n) throws Unsupported {
        TensorType t = n.type();
        List<String> out = t.axisNames();
        String name = "n" + n.id();
        return switch (n.op()) {
            case INPUT -> new Val(((Attr.Named) n.attr()).name(), out);
            case PARAM -> param(n);
            case CONST -> {
                String s = scalar(t.dtype(), ((Attr.Scalar) n.attr()).value());
                if (t.rank() == 0) yield new Val(s, out);
                yield new Val(emitTo("Expand", List.of(s, shape(t.axes())), name, List.of()), out);
            }
            case IOTA -> new Val(iota(t, ((Attr.AxisRef) n.attr()).axis()), out);
            case RANDOM -> throw new Unsupported(n.span(), "random source in " + graph.name()
                    + ": ONNX's random ops do not draw ncd's numbers (ncd.runtime.Rng), so the model could not match the circuit",
                    "feed the noise to the circuit as an input instead of drawing it inside");
            case STATE_READ -> throw new Unsupported(n.span(), "state read in " + graph.name() + ": ONNX models are feed-forward");
            case UNARY -> new Val(unary(n, (Attr.Unary) n.attr(), val(n, 0).name(), name), out);
            case BINARY -> new Val(binary(n, (Attr.Binary) n.attr(), conform(val(n, 0), out), conform(val(n, 1), out), name), out);
            case WHERE -> new Val(emitTo("Where", List.of(conform(val(n, 0), out), conform(val(n, 1), out), conform(val(n, 2), out)), name, List.of()), out);
            case EXPAND -> new Val(emitTo("Expand", List.of(conform(val(n, 0), out), shape(t.axes())), name, List.of()), out);
            case CAST -> new Val(emitTo("Cast", List.of(val(n, 0).name()), name, List.of(intAttr("to", elemType(((Attr.Cast) n.attr()).to())))), out);
            case REDUCE -> reduce(n, (Attr.Reduce) n.attr());
            case ARG_REDUCE -> argReduce(n, (Attr.ArgReduce) n.attr());
            case CONTRACT -> contract(n);
            case RENAME -> {
                Val v = val(n, 0);
                Map<String, Axis> map = ((Attr.Rename) n.attr()).map();
                List<String> renamed = new ArrayList<>();
                for (String a : v.axes()) renamed.add(map.containsKey(a) ? map.get(a).name() : a);
                yield permute(new Val(v.name(), renamed), out, n);
            }
            case TRANSPOSE -> permute(val(n, 0), out, n);
            case SPLIT -> {
                Attr.Split s = (Attr.Split) n.attr();
                Val v = val(n, 0);
                List<String> axes = new ArrayList<>();
                for (String a : v.axes()) {
                    if (a.equals(s.axis())) s.parts().forEach(p -> axes.add(p.name()));
                    else axes.add(a);
                }
                String r = emit("Reshape", List.of(v.name(), shape(axesOf(axes, t))), List.of());
                yield permute(new Val(r, axes), out, n);
            }
            case MERGE -> {
                Attr.Merge mg = (Attr.Merge) n.attr();
                List<String> order = new ArrayList<>();
                for (String a : out) {
                    if (a.equals(mg.into().name())) order.addAll(mg.parts());
                    else order.add(a);
                }
                Val p = permute(val(n, 0), order, n);
                yield new Val(emitTo("Reshape", List.of(p.name(), shape(t.axes())), name, List.of()), out);
            }
            case SLICE -> {
                Attr.Slice s = (Attr.Slice) n.attr();
                Val v = val(n, 0);
                int i = v.axes().indexOf(s.axis());
                String r = emit("Slice", List.of(v.name(), i64(s.start()), i64(s.stop()), i64(i)), List.of());
                List<String> axes = new ArrayList<>(v.axes());
                axes.set(i, s.into().name());
                yield permute(new Val(r, axes), out, n);
            }
            case SELECT -> {
                Attr.Select s = (Attr.Select) n.attr();
                Val v = val(n, 0);
                int i = v.axes().indexOf(s.axis());
                String r = emit("Gather", List.of(v.name(), scalarI64(s.index())), List.of(intAttr("axis", i)));
                List<String> axes = new ArrayList<>(v.axes());
                axes.remove(i);
                yield permute(new Val(r, axes), out, n);
            }
            case ROLL -> shifted(n, ((Attr.Roll) n.attr()).axis(), ((Attr.Roll) n.attr()).shift(), null);
            case SHIFT -> shifted(n, ((Attr.Shift) n.attr()).axis(), ((Attr.Shift) n.attr()).shift(), ((Attr.Shift) n.attr()).fill());
            case WINDOW -> throw new Unsupported(n.span(), "window (" + graph.name() + "): ONNX export of windows is not implemented yet"
                    + " (no stdlib or example circuit uses one; a convolution would map to Conv or Pad+Slice)");
            case CONCAT -> {
                Attr.Concat c = (Attr.Concat) n.attr();
                List<String> ins = new ArrayList<>();
                for (int k = 0; k < n.inputs().size(); k++) {
                    Val v = val(n, k);
                    List<String> axes = new ArrayList<>(v.axes());
                    axes.set(axes.indexOf(c.parts().get(k)), c.into().name());
                    ins.add(permute(new Val(v.name(), axes), out, n).name());
                }
                yield new Val(emitTo("Concat", ins, name, List.of(intAttr("axis", out.indexOf(c.into().name())))), out);
            }
            case REPEAT -> throw new Unsupported(n.span(), "repeat (" + graph.name() + "): ONNX export of repeat is not implemented yet");
            case ONEHOT -> {
                Attr.OneHot oh = (Attr.OneHot) n.attr();
                Val v = val(n, 0);
                int[] idx = new int[oh.axis().size()];
                for (int i = 0; i < idx.length; i++) idx[i] = i;
                String range = initializer(fresh(), TensorProto.DataType.INT32_VALUE, new long[]{idx.length}, bytesOfInts(idx));
                String u = emit("Unsqueeze", List.of(v.name(), i64(v.axes().size())), List.of());
                String eq = emit("Equal", List.of(u, range), List.of());
                String f = emit("Cast", List.of(eq), List.of(intAttr("to", elemType(t.dtype()))));
                List<String> axes = new ArrayList<>(v.axes());
                axes.add(oh.axis().name());
                yield permute(new Val(f, axes), out, n);
            }
            case ARGSORT -> argsort(n, (Attr.ArgSort) n.attr());
            case SYNAPSES -> throw new Unsupported(n.span(), "synapses (" + graph.name() + "): connectivity drawn from a seeded rule has no "
                    + "ONNX operator; write the connection as a dense mask and a product (C @[pre] x) to export it");
            case DELAY -> throw new Unsupported(n.span(), "delay (" + graph.name() + "): a ring buffer is state, and an ONNX model is one "
                    + "step without state");
            case LINALG -> throw new Unsupported(n.span(), ((Attr.Linalg) n.attr()).fn().word() + " (" + graph.name()
                    + "): ONNX opset 17 has no linear-algebra operator (no solve, inverse, Cholesky or eigendecomposition)");
            case FFT -> throw new Unsupported(n.span(), ((Attr.Fft) n.attr()).kind().word() + " (" + graph.name()
                    + "): ONNX export of Fourier transforms is not implemented (ONNX's DFT operator is not targeted yet)");
            case GATHER -> {
                Val table = val(n, 0), index = val(n, 1);
                String axis = ((Attr.AxisRef) n.attr()).axis();
                if (index.axes().stream().anyMatch(table.axes()::contains)) yield gatherAlong(n, table, index, axis);
                int i = table.axes().indexOf(axis);
                String r = emit("Gather", List.of(table.name(), index.name()), List.of(intAttr("axis", i)));
                List<String> axes = new ArrayList<>(table.axes().subList(0, i));
                axes.addAll(index.axes());
                axes.addAll(table.axes().subList(i + 1, table.axes().size()));
                yield permute(new Val(r, axes), out, n);
            }
        };
    }

    private Val val(Node n, int i) { return vals.get(n.input(i)); }

    private Val param(Node n) throws Unsupported {
        Attr.Param p = (Attr.Param) n.attr();
        List<String> axes = n.type().axisNames();
        if (!initializers.contains(p.name())) {
            Tensor v = params.get(p.name());
            if (v == null) throw new Unsupported(n.span(), "no value for parameter " + p.name());
            v = v.transposeTo(axes);
            initializer(p.name(), elemType(n.type().dtype()), dims(n.type().axes()), bytesOf(v));
            paramAxes.put(p.name(), axes);
            initializers.add(p.name());
            return new Val(p.name(), axes);
        }
        return permute(new Val(p.name(), paramAxes.get(p.name())), axes, n);
    }

    private String unary(Node n, Attr.Unary u, String x, String name) throws Unsupported {
        return switch (u.fn()) {
            case NEG -> emitTo("Neg", List.of(x), name, List.of());
            case ABS -> emitTo("Abs", List.of(x), name, List.of());
            case SIGN -> emitTo("Sign", List.of(x), name, List.of());
            case EXP -> emitTo("Exp", List.of(x), name, List.of());
            case LOG -> emitTo("Log", List.of(x), name, List.of());
            case SQRT -> emitTo("Sqrt", List.of(x), name, List.of());
            case TANH -> emitTo("Tanh", List.of(x), name, List.of());
            case SIGMOID -> emitTo("Sigmoid", List.of(x), name, List.of());
            case RELU -> emitTo("Relu", List.of(x), name, List.of());
            case SIN -> emitTo("Sin", List.of(x), name, List.of());
            case COS -> emitTo("Cos", List.of(x), name, List.of());
            case FLOOR -> emitTo("Floor", List.of(x), name, List.of());
            case CEIL -> emitTo("Ceil", List.of(x), name, List.of());
            // both round half to even (Math.rint)
            case ROUND -> emitTo("Round", List.of(x), name, List.of());
            case NOT -> emitTo("Not", List.of(x), name, List.of());
            case POW_CONST -> emitTo("Pow", List.of(x, scalar(n.type().dtype(), u.exponent())), name, List.of());
            case STOP_GRADIENT -> emitTo("Identity", List.of(x), name, List.of());
            case SPIKE -> {
                String gt = emit("Greater", List.of(x, scalar(n.type().dtype(), 0)), List.of());
                yield emitTo("Cast", List.of(gt), name, List.of(intAttr("to", elemType(n.type().dtype()))));
            }
        };
    }

    private String binary(Node n, Attr.Binary b, String x, String y, String name) throws Unsupported {
        DType operand = n.input(0).type().dtype();
        return switch (b.fn()) {
            case ADD -> emitTo("Add", List.of(x, y), name, List.of());
            case SUB -> emitTo("Sub", List.of(x, y), name, List.of());
            case MUL -> emitTo("Mul", List.of(x, y), name, List.of());
            case DIV -> {
                if (!operand.isFloat()) throw new Unsupported(n.span(), "i32 division in " + graph.name()
                        + ": ncd defines x / 0 as 0, ONNX leaves it undefined");
                yield emitTo("Div", List.of(x, y), name, List.of());
            }
            case MOD -> {
                if (!operand.isFloat()) {
                    // ncd's i32 mod is floored (Math.floorMod) as ONNX's Mod with fmod=0 is, except by 0, which ONNX
                    // leaves undefined: only a constant divisor other than 0 maps
                    Node d = n.input(1);
                    if (d.op() == Op.CONST && ((Attr.Scalar) d.attr()).value() != 0) yield emitTo("Mod", List.of(x, y), name, List.of(intAttr("fmod", 0)));
                    throw new Unsupported(n.span(), "i32 mod by a value that is not a constant in " + graph.name()
                            + ": ncd defines x mod 0 as 0, ONNX leaves it undefined");
                }
                // ncd's mod is floored (x - floor(x / y) * y); ONNX's float Mod is C's fmod
                String q = emit("Floor", List.of(emit("Div", List.of(x, y), List.of())), List.of());
                yield emitTo("Sub", List.of(x, emit("Mul", List.of(q, y), List.of())), name, List.of());
            }
            case POW -> emitTo("Pow", List.of(x, y), name, List.of());
            case MAX -> emitTo("Max", List.of(x, y), name, List.of());
            case MIN -> emitTo("Min", List.of(x, y), name, List.of());
            case EQ -> emitTo("Equal", List.of(x, y), name, List.of());
            case NE -> emitTo("Not", List.of(emit("Equal", List.of(x, y), List.of())), name, List.of());
            case LT -> emitTo("Less", List.of(x, y), name, List.of());
            case LE -> emitTo("LessOrEqual", List.of(x, y), name, List.of());
            case GT -> emitTo("Greater", List.of(x, y), name, List.of());
            case GE -> emitTo("GreaterOrEqual", List.of(x, y), name, List.of());
            case AND -> emitTo("And", List.of(x, y), name, List.of());
            case OR -> emitTo("Or", List.of(x, y), name, List.of());
            case XOR -> emitTo("Xor", List.of(x, y), name, List.of());
            case ATAN2 -> throw new Unsupported(n.span(), "atan2 (" + graph.name() + "): ONNX opset 17 has no two-argument arctangent");
        };
    }

    private Val reduce(Node n, Attr.Reduce r) throws Unsupported {
        Val v = val(n, 0);
        List<Long> idx = new ArrayList<>();
        for (String a : r.axes()) idx.add((long) v.axes().indexOf(a));
        List<String> rest = new ArrayList<>(v.axes());
        rest.removeAll(r.axes());
        if (idx.isEmpty()) return permute(v, n.type().axisNames(), n);
        AttributeProto keep = intAttr("keepdims", 0);
        AttributeProto axes = AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS).addAllInts(idx).build();
        String res = switch (r.fn()) {
            case SUM -> emit("ReduceSum", List.of(v.name(), i64s(idx)), List.of(keep));
            case MEAN -> emit("ReduceMean", List.of(v.name()), List.of(axes, keep));
            case MAX -> emit("ReduceMax", List.of(v.name()), List.of(axes, keep));
            case MIN -> emit("ReduceMin", List.of(v.name()), List.of(axes, keep));
            case PROD -> emit("ReduceProd", List.of(v.name()), List.of(axes, keep));
            case ANY, ALL -> {
                String i = emit("Cast", List.of(v.name()), List.of(intAttr("to", TensorProto.DataType.INT32_VALUE)));
                String m = emit(r.fn() == Attr.ReduceFn.ANY ? "ReduceMax" : "ReduceMin", List.of(i), List.of(axes, keep));
                yield emit("Cast", List.of(m), List.of(intAttr("to", TensorProto.DataType.BOOL_VALUE)));
            }
            case ARGMAX, ARGMIN -> throw new Unsupported(n.span(), "reduce." + r.fn().word() + " is an arg_reduce in the IR");
        };
        return permute(new Val(res, rest), n.type().axisNames(), n);
    }

    private Val argReduce(Node n, Attr.ArgReduce r) throws Unsupported {
        Val v = val(n, 0);
        int i = v.axes().indexOf(r.axis());
        String op = switch (r.fn()) {
            case ARGMAX, MAX -> "ArgMax";
            case ARGMIN, MIN -> "ArgMin";
            default -> throw new Unsupported(n.span(), "arg_reduce " + r.fn().word());
        };
        // the first index among equal extremes, as ncd's interpreter picks it
        String a = emit(op, List.of(v.name()), List.of(intAttr("axis", i), intAttr("keepdims", 0), intAttr("select_last_index", 0)));
        String c = emit("Cast", List.of(a), List.of(intAttr("to", TensorProto.DataType.INT32_VALUE)));
        List<String> rest = new ArrayList<>(v.axes());
        rest.remove(i);
        return permute(new Val(c, rest), n.type().axisNames(), n);
    }

    /**
     * argsort is a TopK over the whole axis, which orders equal values by lower index first as ncd does (ONNX TopK,
     * "the element with the lower index will appear first"); its int64 indices are cast to i32.
     */
    private Val argsort(Node n, Attr.ArgSort a) {
        Val v = val(n, 0);
        int i = v.axes().indexOf(a.axis());
        int len = n.input(0).type().axis(a.axis()).size();
        String values = fresh(), indices = fresh();
        g.addNode(NodeProto.newBuilder().setOpType("TopK").setName(indices).addAllInput(List.of(v.name(), i64(len)))
                .addOutput(values).addOutput(indices)
                .addAllAttribute(List.of(intAttr("axis", i), intAttr("largest", a.descending() ? 1 : 0), intAttr("sorted", 1))));
        String c = emit("Cast", List.of(indices), List.of(intAttr("to", TensorProto.DataType.INT32_VALUE)));
        return permute(new Val(c, v.axes()), n.type().axisNames(), n);
    }

    /**
     * A gather with batch axes (axes in both the table and the indices) is a GatherElements: the table as
     * [batch, axis, rest], the indices as [batch, own, rest] (broadcast over the rest), gathered along the axis slot.
     * The indices may have one axis of their own only (the gathered axis itself, as sort has, or a new one, as topk has).
     */
    private Val gatherAlong(Node n, Val table, Val index, String axis) throws Unsupported {
        List<String> batch = new ArrayList<>(), own = new ArrayList<>(), rest = new ArrayList<>();
        for (String a : index.axes()) (table.axes().contains(a) && !a.equals(axis) ? batch : own).add(a);
        for (String a : table.axes()) if (!a.equals(axis) && !batch.contains(a)) rest.add(a);
        if (own.size() != 1) {
            throw new Unsupported(n.span(), "gather with batch axes in " + graph.name() + " whose indices have " + own.size()
                    + " axes of their own: ONNX export handles one (merge them first: merge[(a, b) -> ab](idx))");
        }
        TensorType tt = n.input(0).type(), it = n.input(1).type();
        List<String> dataOrder = new ArrayList<>(batch);
        dataOrder.add(axis);
        dataOrder.addAll(rest);
        Val data = permute(table, dataOrder, n);
        List<String> idxOrder = new ArrayList<>(batch);
        idxOrder.addAll(own);
        Val idx = permute(index, idxOrder, n);
        List<Axis> idxAxes = new ArrayList<>(), fullAxes = new ArrayList<>();
        for (String a : idxOrder) {
            idxAxes.add(it.axis(a));
            fullAxes.add(it.axis(a));
        }
        for (String a : rest) {
            idxAxes.add(new Axis(a, 1));
            fullAxes.add(tt.axis(a));
        }
        String shaped = rest.isEmpty() ? idx.name() : emit("Expand", List.of(emit("Reshape", List.of(idx.name(), shape(idxAxes)), List.of()), shape(fullAxes)), List.of());
        String r = emit("GatherElements", List.of(data.name(), shaped), List.of(intAttr("axis", batch.size())));
        List<String> outAxes = new ArrayList<>(idxOrder);
        outAxes.addAll(rest);
        return permute(new Val(r, outAxes), n.type().axisNames(), n);
    }

    /** A named contraction is an Einsum whose letters are the axis names: kept axes in the node's order. */
    private Val contract(Node n) throws Unsupported {
        Map<String, Character> letter = new LinkedHashMap<>();
        StringBuilder eq = new StringBuilder();
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < n.inputs().size(); k++) {
            Val v = val(n, k);
            if (k > 0) eq.append(',');
            for (String a : v.axes()) eq.append(letter(letter, a, n));
            ins.add(v.name());
        }
        eq.append("->");
        for (String a : n.type().axisNames()) eq.append(letter(letter, a, n));
        AttributeProto equation = AttributeProto.newBuilder().setName("equation").setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(eq.toString())).build();
        return new Val(emitTo("Einsum", ins, "n" + n.id(), List.of(equation)), n.type().axisNames());
    }

    private static char letter(Map<String, Character> letters, String axis, Node n) throws Unsupported {
        Character c = letters.get(axis);
        if (c != null) return c;
        int k = letters.size();
        if (k >= 52) throw new Unsupported(n.span(), "contraction over more than 52 axes");
        c = (char) (k < 26 ? 'a' + k : 'A' + k - 26);
        letters.put(axis, c);
        return c;
    }

    /** roll (fill null: cyclic) or shift (with fill) by {@code k} along {@code axis}: two pieces concatenated. */
    private Val shifted(Node n, String axis, int k, Double fill) {
        Val v = val(n, 0);
        int i = v.axes().indexOf(axis);
        int size = n.input(0).type().axes().get(n.input(0).type().indexOf(axis)).size();
        List<String> out = n.type().axisNames();
        String res;
        if (fill == null) {
            int s = Math.floorMod(k, size);
            if (s == 0) return permute(v, out, n);
            String tail = emit("Slice", List.of(v.name(), i64(size - s), i64(size), i64(i)), List.of());
            String head = emit("Slice", List.of(v.name(), i64(0), i64(size - s), i64(i)), List.of());
            res = emit("Concat", List.of(tail, head), List.of(intAttr("axis", i)));
        } else {
            if (k == 0) return permute(v, out, n);
            int m = Math.min(Math.abs(k), size);
            List<Axis> fillAxes = new ArrayList<>();
            for (String a : v.axes()) fillAxes.add(a.equals(axis) ? new Axis(a, m) : n.input(0).type().axis(a));
            String block = emit("Expand", List.of(scalar(n.type().dtype(), fill), shape(fillAxes)), List.of());
            if (m == size) res = block;
            else if (k > 0) {
                String kept = emit("Slice", List.of(v.name(), i64(0), i64(size - m), i64(i)), List.of());
                res = emit("Concat", List.of(block, kept), List.of(intAttr("axis", i)));
            } else {
                String kept = emit("Slice", List.of(v.name(), i64(m), i64(size), i64(i)), List.of());
                res = emit("Concat", List.of(kept, block), List.of(intAttr("axis", i)));
            }
        }
        return permute(new Val(res, v.axes()), out, n);
    }

    // ---- axis order

    /** {@code v} with its axes reordered to {@code order} (a permutation of them); no op when already so. */
    private Val permute(Val v, List<String> order, Node at) {
        if (v.axes().equals(order)) return v;
        if (v.axes().size() != order.size() || !v.axes().containsAll(order)) {
            throw new IllegalStateException("cannot permute " + v.axes() + " to " + order + " at " + at);
        }
        List<Long> perm = new ArrayList<>();
        for (String a : order) perm.add((long) v.axes().indexOf(a));
        AttributeProto p = AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS).addAllInts(perm).build();
        return new Val(emit("Transpose", List.of(v.name()), List.of(p)), order);
    }

    /**
     * {@code v} made ready to broadcast against a tensor with axes {@code target} (which include v's): its axes in
     * target's relative order, then dimensions of size 1 where it lacks one.
     */
    private String conform(Val v, List<String> target) {
        List<String> order = new ArrayList<>();
        for (String a : target) if (v.axes().contains(a)) order.add(a);
        if (order.size() != v.axes().size()) throw new IllegalStateException("axes " + v.axes() + " not within " + target);
        Val p = permute(v, order, null);
        if (order.size() == target.size() || order.isEmpty()) return p.name();
        List<Long> missing = new ArrayList<>();
        for (int i = 0; i < target.size(); i++) if (!v.axes().contains(target.get(i))) missing.add((long) i);
        return emit("Unsqueeze", List.of(p.name(), i64s(missing)), List.of());
    }

    private static List<Axis> axesOf(List<String> names, TensorType hint) {
        List<Axis> out = new ArrayList<>();
        for (String a : names) out.add(hint.axis(a));
        return out;
    }

    // ---- building the proto

    private String fresh() { return "t" + temp++; }

    private String emit(String op, List<String> ins, List<AttributeProto> attrs) { return emitTo(op, ins, fresh(), attrs); }

    private String emitTo(String op, List<String> ins, String out, List<AttributeProto> attrs) {
        g.addNode(NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(ins).addOutput(out).addAllAttribute(attrs));
        return out;
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static StringStringEntryProto meta(String k, String v) { return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build(); }

    private String initializer(String name, int dataType, long[] dims, byte[] raw) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType).setRawData(ByteString.copyFrom(raw));
        for (long d : dims) t.addDims(d);
        g.addInitializer(t);
        return name;
    }

    private String scalar(DType d, double v) {
        Tensor t = Tensor.zeros(TensorType.scalar(d));
        t.set(0, v);
        return initializer(fresh(), elemType(d), new long[0], bytesOf(t));
    }

    private String scalarI64(long v) {
        return initializer(fresh(), TensorProto.DataType.INT64_VALUE, new long[0], ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    private String i64(long v) { return i64s(List.of(v)); }

    private String i64s(List<Long> vs) {
        ByteBuffer b = ByteBuffer.allocate(8 * vs.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : vs) b.putLong(v);
        return initializer(fresh(), TensorProto.DataType.INT64_VALUE, new long[]{vs.size()}, b.array());
    }

    private String shape(List<Axis> axes) {
        List<Long> s = new ArrayList<>();
        for (Axis a : axes) s.add((long) a.size());
        return i64s(s);
    }

    private String iota(TensorType t, String axis) {
        Tensor v = Tensor.zeros(t);
        int[] strides = new int[t.rank()];
        int stride = 1;
        for (int i = t.rank() - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= t.axes().get(i).size();
        }
        int k = t.indexOf(axis);
        int size = t.axes().get(k).size();
        for (int i = 0; i < v.size(); i++) v.set(i, (i / strides[k]) % size);
        return initializer(fresh(), elemType(t.dtype()), dims(t.axes()), bytesOf(v));
    }

    private static long[] dims(List<Axis> axes) {
        long[] d = new long[axes.size()];
        for (int i = 0; i < d.length; i++) d[i] = axes.get(i).size();
        return d;
    }

    private static ValueInfoProto valueInfo(String name, TensorType t) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Axis a : t.axes()) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(a.size()));
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType(t.dtype())).setShape(s)))
                .build();
    }

    /** ONNX's TensorProto.DataType of a dtype. */
    public static int elemType(DType d) {
        return switch (d) {
            case F32 -> TensorProto.DataType.FLOAT_VALUE;
            case F64 -> TensorProto.DataType.DOUBLE_VALUE;
            case I32 -> TensorProto.DataType.INT32_VALUE;
            case BOOL -> TensorProto.DataType.BOOL_VALUE;
        };
    }

    /** The tensor's elements, row-major, little-endian as ONNX's raw_data holds them. */
    static byte[] bytesOf(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.size() * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> { for (float f : t.floats()) b.putFloat(f); }
            case F64 -> { for (double d : t.doubles()) b.putDouble(d); }
            case I32 -> { for (int i : t.ints()) b.putInt(i); }
            case BOOL -> { for (boolean z : t.bools()) b.put((byte) (z ? 1 : 0)); }
        }
        return b.array();
    }

    private static byte[] bytesOfInts(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) b.putInt(i);
        return b.array();
    }
}
