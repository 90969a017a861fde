package ncd.interop;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;

import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NIR file read back, in the layout {@code nir.serialization.write} gives it (and {@link NirExport} writes): a
 * string dataset {@code version}, a group {@code node} with {@code type} = {@code NIRGraph}, a group {@code nodes}
 * with one group per node ({@code type} and one dataset per parameter), {@code edges} (n x 2 node names) and an
 * optional {@code metadata} group, whose {@code dt} gives the time step the graph was exported for.
 */
public final class NirRead {
    private NirRead() {}

    /** A numeric dataset: its values, row-major, and its shape ({} for a scalar). */
    public record Arr(double[] data, int[] shape) {
        public int rank() { return shape.length; }

        public boolean uniform() {
            for (double d : data) if (Double.compare(d, data[0]) != 0) return false;
            return data.length > 0;
        }
    }

    /** One node: its type and its numeric parameters by name (string datasets other than type are left out). */
    public record NirNode(String name, String type, Map<String, Arr> params) {}

    /** The graph: nodes in file order, edges in file order, the metadata's dt (null when absent). */
    public record NirGraph(String version, Map<String, NirNode> nodes, List<String[]> edges, Double dt) {}

    /** Why a file is not a NIR graph this reader understands. */
    public static final class Malformed extends Exception {
        public Malformed(String message) { super(message); }
    }

    /** Reads {@code path}; IOException when the file cannot be read as HDF5 at all. */
    public static NirGraph read(Path path) throws IOException, Malformed {
        HdfFile f;
        try {
            f = new HdfFile(path);
        } catch (RuntimeException e) {           // jhdf's HdfException: not an HDF5 file, truncated
            throw new IOException("not an HDF5 file (" + e.getMessage() + ")", e);
        }
        try (f) {
            String version = f.getChildren().get("version") instanceof Dataset d ? string(d, "version") : "(none)";
            if (!(f.getChildren().get("node") instanceof Group node)) throw new Malformed("no group `node` at the top (NIR files hold their graph there)");
            String type = node.getChild("type") instanceof Dataset d ? string(d, "node/type") : null;
            if (!"NIRGraph".equals(type)) throw new Malformed("`node/type` is " + (type == null ? "missing" : "`" + type + "`") + ", expected NIRGraph");
            if (!(node.getChild("nodes") instanceof Group nodes)) throw new Malformed("no group `node/nodes`");
            Map<String, NirNode> out = new LinkedHashMap<>();
            for (Map.Entry<String, Node> e : nodes.getChildren().entrySet()) {
                if (!(e.getValue() instanceof Group g)) throw new Malformed("`node/nodes/" + e.getKey() + "` is not a group");
                String t = g.getChild("type") instanceof Dataset d ? string(d, "node/nodes/" + e.getKey() + "/type") : null;
                if (t == null) throw new Malformed("node `" + e.getKey() + "` has no `type`");
                Map<String, Arr> params = new LinkedHashMap<>();
                for (Map.Entry<String, Node> p : g.getChildren().entrySet()) {
                    if (p.getKey().equals("type")) continue;
                    if (p.getValue() instanceof Dataset d && !String.class.equals(d.getJavaType())) params.put(p.getKey(), numbers(d, e.getKey() + "." + p.getKey()));
                    else if (p.getValue() instanceof Group sub && (p.getKey().equals("input_type") || p.getKey().equals("output_type"))) {
                        // newer NIR writes an Input's shape as input_type/input, an Output's as output_type/output
                        for (Node s : sub.getChildren().values()) if (s instanceof Dataset d) params.putIfAbsent("shape", numbers(d, e.getKey() + ".shape"));
                    }
                }
                out.put(e.getKey(), new NirNode(e.getKey(), t, params));
            }
            List<String[]> edges = new ArrayList<>();
            if (node.getChild("edges") instanceof Dataset d && !d.isEmpty()) {
                Object flat = d.getDataFlat();
                if (!(flat instanceof String[] s) || s.length % 2 != 0) throw new Malformed("`node/edges` is not an n x 2 array of node names");
                for (int i = 0; i < s.length; i += 2) edges.add(new String[]{s[i], s[i + 1]});
            }
            Double dt = null;
            if (node.getChild("metadata") instanceof Group meta && meta.getChild("dt") instanceof Dataset d) {
                Arr a = numbers(d, "metadata.dt");
                if (a.data().length != 1) throw new Malformed("`node/metadata/dt` is not one number");
                dt = a.data()[0];
            }
            return new NirGraph(version, out, edges, dt);
        } catch (RuntimeException e) {
            throw new IOException("cannot read the HDF5 file (" + e.getMessage() + ")", e);
        }
    }

    private static String string(Dataset d, String what) throws Malformed {
        Object v = d.isScalar() ? d.getData() : d.getDataFlat();
        if (v instanceof String s) return s;
        if (v instanceof String[] s && s.length == 1) return s[0];
        throw new Malformed("`" + what + "` is not a string");
    }

    private static Arr numbers(Dataset d, String what) throws Malformed {
        Object v = d.isScalar() ? d.getData() : d.getDataFlat();
        int[] shape = d.isScalar() ? new int[0] : d.getDimensions();
        if (v instanceof Number n) return new Arr(new double[]{n.doubleValue()}, shape);
        if (v == null || !v.getClass().isArray()) throw new Malformed("`" + what + "` is not numeric");
        int len = Array.getLength(v);
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            Object x = Array.get(v, i);
            if (x instanceof Number n) out[i] = n.doubleValue();
            else if (x instanceof Boolean b) out[i] = b ? 1 : 0;
            else throw new Malformed("`" + what + "` is not numeric");
        }
        return new Arr(out, shape);
    }
}
