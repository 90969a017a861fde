package ncd.ir;

import ncd.diag.SourceSpan;

import java.util.List;

/**
 * One operation in a graph: immutable, created only by {@link Graph.Builder#add}, which checks it against its
 * {@link OpSpec}. {@code scope} is the instance path of the circuit call it came from ("" at the top, "block.attn"
 * inside), so diagrams can draw sub-circuits as nested clusters although the graph itself is flat.
 */
public final class Node {
    private final int id;
    private final Op op;
    private final TensorType type;
    private final List<Node> inputs;
    private final Attr attr;
    private final SourceSpan span;
    private final String scope;

    Node(int id, Op op, TensorType type, List<Node> inputs, Attr attr, SourceSpan span, String scope) {
        this.id = id;
        this.op = op;
        this.type = type;
        this.inputs = List.copyOf(inputs);
        this.attr = attr;
        this.span = span == null ? SourceSpan.NONE : span;
        this.scope = scope == null ? "" : scope;
    }

    /** Position in creation order within its graph; printers renumber, so ids never reach golden files. */
    public int id() { return id; }
    public Op op() { return op; }
    public TensorType type() { return type; }
    public List<Node> inputs() { return inputs; }
    public Node input(int i) { return inputs.get(i); }
    public Attr attr() { return attr; }
    public SourceSpan span() { return span; }
    public String scope() { return scope; }

    @Override public String toString() { return "%" + id + " " + op + " " + type; }
}
