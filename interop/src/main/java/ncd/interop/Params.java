package ncd.interop;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.runtime.ParamInit;
import ncd.runtime.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of a graph as every backend draws them from a seed ({@link ParamInit}), by instance path. */
public final class Params {
    private Params() {}

    public static Map<String, Tensor> drawn(Graph g, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (n.op() != Op.PARAM) continue;
            Attr.Param p = (Attr.Param) n.attr();
            if (out.containsKey(p.name())) continue;
            double[] v = ParamInit.values(p, n.type(), seed);
            Tensor t = Tensor.zeros(n.type());
            for (int i = 0; i < v.length; i++) t.set(i, v[i]);
            out.put(p.name(), t);
        }
        return out;
    }
}
