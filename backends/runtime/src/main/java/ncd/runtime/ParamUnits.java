package ncd.runtime;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The units of parameter files. A circuit computes in coherent SI base units, but a file of parameters (an .npz, a
 * PyTorch state dict saved as safetensors) holds each parameter in its declared unit, as {@code --input} arrays do:
 * a {@code param tau: f32[n] in ms} of 20 ms is stored as 20. The one exception is ncd's own checkpoint, which holds
 * SI values (its metadata says {@code units: si}) so that a resumed run continues bit for bit: converting to ms and
 * back would round.
 */
public final class ParamUnits {
    private ParamUnits() {}

    /** The metadata key, and its value, of a checkpoint whose tensors are in SI base units. */
    public static final String KEY = "units", SI = "si";

    /** Whether a file with {@code metadata} holds SI values: ncd's checkpoints, also those written before the key. */
    public static boolean storedInSi(Map<String, String> metadata) {
        return SI.equals(metadata.get(KEY)) || metadata.getOrDefault("format", "").startsWith("ncd-train");
    }

    /** The parameters of {@code g} declared in a unit other than a coherent one, by path: their SI scale. */
    public static Map<String, Attr.Param> scaled(Graph g) {
        Map<String, Attr.Param> out = new LinkedHashMap<>();
        for (Node n : g.params()) {
            Attr.Param p = (Attr.Param) n.attr();
            if (p.scale() != 1) out.put(p.name(), p);
        }
        return out;
    }

    /** {@code t}, read in the declared unit of {@code p}, in SI base units (each value rounded once to its dtype). */
    public static Tensor toSi(Tensor t, Attr.Param p) {
        if (p.scale() == 1) return t;
        Tensor out = t.copy();
        for (int i = 0; i < out.size(); i++) out.set(i, t.get(i) * p.scale());
        return out;
    }

    /** {@code t}, in SI base units, in the declared unit of {@code p} (each value rounded once to its dtype). */
    public static Tensor toDeclared(Tensor t, Attr.Param p) {
        if (p.scale() == 1) return t;
        Tensor out = t.copy();
        for (int i = 0; i < out.size(); i++) out.set(i, t.get(i) / p.scale());
        return out;
    }

    /** {@code v}, in SI base units, in the declared unit of {@code p} (for messages). */
    public static double declared(double v, Attr.Param p) { return v / p.scale(); }
}
