package ncd.diagrams;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Sizes;
import ncd.ir.State;

/**
 * What one call (one step) of a graph costs, estimated from the IR alone, before any optimisation
 * (docs/diagrams.md states the rules):
 * <ul>
 *   <li>FLOPs: a contraction is 2 per (output element × summed element) (a multiply and an add); an elementwise
 *       op (unary, binary, where, cast, random) is 1 per output element, transcendental functions included; a
 *       reduction is 1 per input element; leaves and axis operations (rename, transpose, expand, split, merge,
 *       slice, select, roll, shift, window, concat, repeat, onehot, gather) move data and count 0.</li>
 *   <li>Bytes: unfused memory traffic, as if every op read each operand and wrote its result once (elements ×
 *       dtype size: f32 and i32 4, f64 8, bool 1); leaves are counted where they are read.</li>
 *   <li>Parameters and state: their element counts and bytes.</li>
 * </ul>
 * Counts saturate at {@code Long.MAX_VALUE} ({@link Sizes}) rather than wrap, for circuits sized past any machine.
 */
public record Cost(long flops, long bytes, long params, long paramBytes, long stateBytes) {

    public static Cost of(Graph g) {
        long flops = 0, bytes = 0, params = 0, paramBytes = 0, stateBytes = 0;
        for (Node n : g.nodes()) {
            long out = n.type().elementCount();
            switch (n.op()) {
                case INPUT: case CONST: case IOTA: case STATE_READ:
                    break;
                case PARAM:
                    params = Sizes.plus(params, out);
                    paramBytes = Sizes.plus(paramBytes, n.type().bytes());
                    break;
                case CONTRACT: {
                    long summed = 1;
                    for (String a : ((Attr.Contract) n.attr()).axes()) summed = Sizes.times(summed, n.input(0).type().axis(a).size());
                    flops = Sizes.plus(flops, Sizes.times(2, Sizes.times(out, summed)));
                    break;
                }
                case UNARY: case BINARY: case WHERE: case CAST: case RANDOM:
                    flops = Sizes.plus(flops, out);
                    break;
                case REDUCE: case ARG_REDUCE:
                    flops = Sizes.plus(flops, n.input(0).type().elementCount());
                    break;
                default:
                    break;
            }
            if (!n.inputs().isEmpty() || n.op() == ncd.ir.Op.RANDOM) {
                bytes = Sizes.plus(bytes, n.type().bytes());
                for (Node i : n.inputs()) bytes = Sizes.plus(bytes, i.type().bytes());
            }
        }
        for (State s : g.states()) stateBytes = Sizes.plus(stateBytes, s.type().bytes());
        return new Cost(flops, bytes, params, paramBytes, stateBytes);
    }

    /** 1234567 as "1.23 M", 512 as "512". */
    public static String human(long v) {
        if (v < 10_000) return String.valueOf(v);
        String[] units = {"k", "M", "G", "T", "P"};
        double x = v;
        int u = -1;
        while (x >= 1000 && u < units.length - 1) {
            x /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, x >= 100 ? "%.0f %s" : x >= 10 ? "%.1f %s" : "%.2f %s", x, units[u]);
    }

    /** Bytes as "12.3 KiB" ({@link Sizes#humanBytes}). */
    public static String humanBytes(long b) { return Sizes.humanBytes(b); }
}
