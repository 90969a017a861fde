package ncd.aot;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.ir.Unit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an ahead-of-time jar says about its circuit: the resource {@code META-INF/ncd/NAME.circuit} that
 * {@code ncdc build} writes and {@link Circuit#load} reads. UTF-8 text, one fact per line, fields separated by tabs:
 *
 * <pre>
 * ncd-aot	1
 * circuit	Glider
 * seed	0
 * class	ncd.jvm.Circuit_Glider	lanes=64        a generated class; lanes=N: needs the Vector API with N byte lanes
 * class	ncd.jvm.Circuit_Glider_scalar	lanes=0   lanes=0: runs on any JVM (the buffer file holds one slot list per class)
 * input	x	3	f32	h:8,w:8	-                  name, slot, dtype, axes (- for a scalar), unit (- for none, else s:1,m:-2)
 * output	y	9	f32	h:8,w:8	-
 * state	board	0	bool	h:8,w:8	-	5            ... and the slot of its initial value
 * param	mlp.w	2	f32	i:8,o:16	-
 * </pre>
 *
 * Slots index the buffer array that the generated class's constructor takes ({@link BufferFile}); every class of a
 * jar uses the same slots for inputs, outputs, states and parameters.
 */
public record Descriptor(String circuit, long seed, List<Variant> variants, List<Port> inputs, List<Port> outputs,
                         List<Port> states, List<Port> params) {
    /** The format's version, the second field of the first line. */
    public static final int VERSION = 1;

    /** A generated class; {@code lanes} is 0 when it runs on any JVM, else the Vector API byte-lane count it was generated for. */
    public record Variant(String className, int lanes) {}

    /** A named value: its slot, type and (for a state) the slot of its initial value, else -1. */
    public record Port(String name, int slot, TensorType type, int init) {}

    public Descriptor {
        variants = List.copyOf(variants);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        states = List.copyOf(states);
        params = List.copyOf(params);
    }

    /** The text of the resource. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("ncd-aot\t").append(VERSION).append('\n');
        sb.append("circuit\t").append(circuit).append('\n');
        sb.append("seed\t").append(seed).append('\n');
        for (Variant v : variants) sb.append("class\t").append(v.className()).append("\tlanes=").append(v.lanes()).append('\n');
        port(sb, "input", inputs);
        port(sb, "output", outputs);
        port(sb, "state", states);
        port(sb, "param", params);
        return sb.toString();
    }

    private static void port(StringBuilder sb, String kind, List<Port> ps) {
        for (Port p : ps) {
            sb.append(kind).append('\t').append(p.name()).append('\t').append(p.slot()).append('\t').append(p.type().dtype().word()).append('\t');
            List<Axis> axes = p.type().axes();
            if (axes.isEmpty()) sb.append('-');
            for (int i = 0; i < axes.size(); i++) sb.append(i == 0 ? "" : ",").append(axes.get(i).name()).append(':').append(axes.get(i).size());
            sb.append('\t');
            Map<String, Integer> unit = p.type().unit().exponents();
            if (unit.isEmpty()) sb.append('-');
            boolean first = true;
            for (Map.Entry<String, Integer> e : unit.entrySet()) {
                sb.append(first ? "" : ",").append(e.getKey()).append(':').append(e.getValue());
                first = false;
            }
            if (kind.equals("state")) sb.append('\t').append(p.init());
            sb.append('\n');
        }
    }

    /** Parses the resource; {@code source} names it in error messages. */
    public static Descriptor read(InputStream in, String source) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String circuit = null;
        long seed = 0;
        List<Variant> variants = new ArrayList<>();
        List<Port> inputs = new ArrayList<>(), outputs = new ArrayList<>(), states = new ArrayList<>(), params = new ArrayList<>();
        int lineNo = 0;
        String line;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            try {
                switch (f[0]) {
                    case "ncd-aot" -> {
                        if (Integer.parseInt(f[1]) != VERSION) {
                            throw new IOException(source + ": format version " + f[1] + ", but this runtime reads version " + VERSION);
                        }
                    }
                    case "circuit" -> circuit = f[1];
                    case "seed" -> seed = Long.parseLong(f[1]);
                    case "class" -> variants.add(new Variant(f[1], Integer.parseInt(f[2].substring("lanes=".length()))));
                    case "input" -> inputs.add(parsePort(f, false));
                    case "output" -> outputs.add(parsePort(f, false));
                    case "state" -> states.add(parsePort(f, true));
                    case "param" -> params.add(parsePort(f, false));
                    default -> throw new IOException(source + ":" + lineNo + ": unknown entry " + f[0]);
                }
            } catch (RuntimeException e) {
                throw new IOException(source + ":" + lineNo + ": malformed line: " + line, e);
            }
            if (lineNo == 1 && !f[0].equals("ncd-aot")) throw new IOException(source + ": not an ncd circuit descriptor");
        }
        if (circuit == null || variants.isEmpty()) throw new IOException(source + ": incomplete circuit descriptor");
        return new Descriptor(circuit, seed, variants, inputs, outputs, states, params);
    }

    private static Port parsePort(String[] f, boolean state) {
        List<Axis> axes = new ArrayList<>();
        if (!f[4].equals("-")) {
            for (String a : f[4].split(",")) {
                int c = a.lastIndexOf(':');
                axes.add(new Axis(a.substring(0, c), Integer.parseInt(a.substring(c + 1))));
            }
        }
        Map<String, Integer> unit = new TreeMap<>();
        if (!f[5].equals("-")) {
            for (String u : f[5].split(",")) {
                int c = u.lastIndexOf(':');
                unit.put(u.substring(0, c), Integer.parseInt(u.substring(c + 1)));
            }
        }
        TensorType t = new TensorType(DType.fromWord(f[3]), axes, Unit.of(unit));
        return new Port(f[1], Integer.parseInt(f[2]), t, state ? Integer.parseInt(f[6]) : -1);
    }
}
