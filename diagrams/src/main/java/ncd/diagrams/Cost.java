package ncd.diagrams;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.State;
import ncd.ir.TensorType;

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
                    params += out;
                    paramBytes += bytes(n.type());
                    break;
                case CONTRACT: {
                    long summed = 1;
                    for (String a : ((Attr.Contract) n.attr()).axes()) summed *= n.input(0).type().axis(a).size();
                    flops += 2 * out * summed;
                    break;
                }
                case UNARY: case BINARY: case WHERE: case CAST: case RANDOM:
                    flops += out;
                    break;
                case REDUCE: case ARG_REDUCE:
                    flops += n.input(0).type().elementCount();
                    break;
                default:
                    break;
            }
            if (!n.inputs().isEmpty() || n.op() == ncd.ir.Op.RANDOM) {
                bytes += bytes(n.type());
                for (Node i : n.inputs()) bytes += bytes(i.type());
            }
        }
        for (State s : g.states()) stateBytes += bytes(s.type());
        return new Cost(flops, bytes, params, paramBytes, stateBytes);
    }

    static long bytes(TensorType t) {
        return t.elementCount() * (t.dtype() == DType.F64 ? 8 : t.dtype() == DType.BOOL ? 1 : 4);
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

    /** Bytes as "12.3 KiB". */
    public static String humanBytes(long b) {
        if (b < 1024) return b + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double x = b;
        int u = -1;
        while (x >= 1024 && u < units.length - 1) {
            x /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, x >= 100 ? "%.0f %s" : "%.1f %s", x, units[u]);
    }
}
