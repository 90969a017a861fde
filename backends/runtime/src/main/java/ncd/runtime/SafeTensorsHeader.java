package ncd.runtime;

import ncd.ir.DType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a .safetensors file, checked against the size of the data that follows it before anything is
 * allocated for the tensors: every dtype known, every shape's byte size equal to its {@code data_offsets} span, and
 * the spans packed end to end from 0 to the end of the file, without gaps or overlaps (as the safetensors library
 * itself requires). Also the ncd axis names in {@code __metadata__}. Messages name the file, and the tensor as
 * {@code file[NAME]}.
 */
final class SafeTensorsHeader {
    /** The key of the string-to-string map that is no tensor. */
    static final String METADATA = "__metadata__";
    /** Metadata keys {@code ncd.axes.NAME} hold tensor NAME's axis names, comma-separated. */
    static final String AXES = "ncd.axes.";

    /** A safetensors dtype that ncd reads, the ncd dtype it becomes, and the bytes of one element in the file. */
    enum Stored {
        F32(DType.F32, 4), F64(DType.F64, 8), I32(DType.I32, 4), BOOL(DType.BOOL, 1),
        // read into the nearest ncd dtype, exactly: every f16 and bf16 is a float, every u8 an i32; an i64 must fit
        F16(DType.F32, 2), BF16(DType.F32, 2), I64(DType.I32, 8), U8(DType.I32, 1);

        final DType ncd;
        final int bytes;

        Stored(DType ncd, int bytes) { this.ncd = ncd; this.bytes = bytes; }

        static Stored of(DType d) { return valueOf(d.name()); }
    }

    /** One tensor as the header describes it: its span is {@code [begin, end)} of the data section. */
    record Entry(String name, Stored dtype, int[] shape, long begin, long end, List<String> axes) {}

    final List<Entry> entries;
    /** {@code __metadata__} without the {@link #AXES} keys, which {@link Entry#axes()} holds. */
    final Map<String, String> metadata;

    private SafeTensorsHeader(List<Entry> entries, Map<String, String> metadata) {
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Checks {@code json}, the header of {@code file}, against {@code dataBytes}, the bytes that follow it. */
    static SafeTensorsHeader parse(String json, String file, long dataBytes) throws NpyException {
        Object v;
        try {
            v = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new NpyException(file + ": the header is not valid JSON (" + e.getMessage() + "): " + Npy.abbreviate(json.strip()));
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new NpyException(file + ": the header is not a JSON object: " + Npy.abbreviate(json.strip()));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Raw> raws = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) metadata = metadata(e.getValue(), file);
            else raws.put(name, raw(name, e.getValue(), file));
        }
        checkPacked(raws.values(), file, dataBytes);
        Map<String, List<String>> axes = axisNames(metadata, raws, file);
        List<Entry> entries = new ArrayList<>();
        for (Raw r : raws.values()) entries.add(r.entry(file, axes.get(r.name)));
        return new SafeTensorsHeader(entries, metadata);
    }

    /** An entry as written, its shape not yet checked against what an ncd tensor can be. */
    private record Raw(String name, Stored dtype, long[] shape, long begin, long end) {
        Entry entry(String file, List<String> names) throws NpyException {
            String src = file + "[" + name + "]";
            long count = 1;
            int[] dims = new int[shape.length];
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 0) {
                    throw new NpyException(src + ": shape " + Arrays.toString(shape) + " has an empty axis; an ncd"
                            + " tensor has at least one element along each axis");
                }
                dims[i] = (int) shape[i];
                count *= shape[i];
            }
            if (count > Npy.MAX_ELEMENTS) {
                throw new NpyException(src + ": shape " + Arrays.toString(shape) + " has " + count
                        + " elements; at most " + Npy.MAX_ELEMENTS + " fit in one array");
            }
            if (names == null) {
                names = new ArrayList<>();
                for (int i = 0; i < shape.length; i++) names.add(SafeTensors.positionalAxis(i));
            }
            return new Entry(name, dtype, dims, begin, end, List.copyOf(names));
        }
    }

    private static Map<String, String> metadata(Object v, String file) throws NpyException {
        if (!(v instanceof Map<?, ?> m)) {
            throw new NpyException(file + ": " + METADATA + " is " + describe(v) + ", not an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new NpyException(file + ": " + METADATA + " value " + Json.quote((String) e.getKey()) + " is "
                        + describe(e.getValue()) + ", not a string");
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Raw raw(String name, Object v, String file) throws NpyException {
        String src = file + "[" + name + "]";
        if (!(v instanceof Map<?, ?> m)) throw new NpyException(src + ": the header entry is " + describe(v) + ", not an object");
        for (String key : List.of("dtype", "shape", "data_offsets")) {
            if (!m.containsKey(key)) throw new NpyException(src + ": the header entry has no \"" + key + "\"");
        }
        if (!(m.get("dtype") instanceof String d)) {
            throw new NpyException(src + ": dtype is " + describe(m.get("dtype")) + ", not a string");
        }
        Stored dtype;
        try {
            dtype = Stored.valueOf(d);
        } catch (IllegalArgumentException unknown) {
            throw new NpyException(src + ": unsupported dtype " + Json.quote(d) + " (ncd reads F32, F64, I32 and BOOL,"
                    + " and F16, BF16 as f32, I64 and U8 as i32)");
        }
        long[] shape = integers(m.get("shape"), -1, src, "shape");
        long[] offsets = integers(m.get("data_offsets"), 2, src, "data_offsets");
        if (offsets[0] > offsets[1]) {
            throw new NpyException(src + ": data_offsets " + Arrays.toString(offsets) + " end before they begin");
        }
        // the byte size in BigInteger: a lying shape must not overflow into a match
        BigInteger need = BigInteger.valueOf(dtype.bytes);
        for (long s : shape) need = need.multiply(BigInteger.valueOf(s));
        long span = offsets[1] - offsets[0];
        if (!need.equals(BigInteger.valueOf(span))) {
            throw new NpyException(src + ": shape " + Arrays.toString(shape) + " of " + d + " needs " + need
                    + " bytes but data_offsets " + Arrays.toString(offsets) + " hold " + span);
        }
        return new Raw(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers that fit a long; exactly {@code length} of them unless it is -1. */
    private static long[] integers(Object v, int length, String src, String what) throws NpyException {
        if (!(v instanceof List<?> l) || length >= 0 && l.size() != length) {
            String want = length >= 0 ? "a list of " + length + " integers" : "a list of integers";
            throw new NpyException(src + ": " + what + " is " + describe(v) + ", not " + want);
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof BigInteger b) || b.signum() < 0 || b.bitLength() > 62) {
                throw new NpyException(src + ": " + what + " " + l + " holds " + describe(l.get(i))
                        + ", not a non-negative integer below 2^62");
            }
            out[i] = b.longValue();
        }
        return out;
    }

    /** The spans, sorted, must tile {@code [0, dataBytes)}: what the safetensors library checks too. */
    private static void checkPacked(java.util.Collection<Raw> raws, String file, long dataBytes) throws NpyException {
        for (Raw r : raws) {
            if (r.end > dataBytes) {
                throw new NpyException(file + "[" + r.name + "]: data_offsets [" + r.begin + ", " + r.end + "] reach"
                        + " past the end of the data: the file holds " + dataBytes + " data bytes after the header"
                        + " (truncated?)");
            }
        }
        List<Raw> sorted = new ArrayList<>(raws);
        sorted.sort(Comparator.comparingLong(Raw::begin).thenComparingLong(Raw::end));
        long at = 0;
        Raw prev = null;
        for (Raw r : sorted) {
            if (r.begin < at) {
                throw new NpyException(file + ": tensors " + Json.quote(prev.name) + " [" + prev.begin + ", "
                        + prev.end + "] and " + Json.quote(r.name) + " [" + r.begin + ", " + r.end + "] overlap");
            }
            if (r.begin > at) {
                String before = prev == null ? "the start of the data" : "tensor " + Json.quote(prev.name);
                throw new NpyException(file + ": a gap of " + (r.begin - at) + " bytes no tensor uses between "
                        + before + " (ending at " + at + ") and tensor " + Json.quote(r.name) + " (beginning at "
                        + r.begin + ")");
            }
            at = r.end;
            prev = r;
        }
        if (at != dataBytes) {
            throw new NpyException(file + ": the last " + (dataBytes - at) + " of the " + dataBytes + " data bytes"
                    + " belong to no tensor (" + (prev == null ? "there are no tensors" : "the last, "
                    + Json.quote(prev.name) + ", ends at " + at) + ")");
        }
    }

    /** The {@link #AXES} keys of {@code metadata}, taken out of it, by tensor name. */
    private static Map<String, List<String>> axisNames(Map<String, String> metadata, Map<String, Raw> raws, String file)
            throws NpyException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (var it = metadata.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            if (!e.getKey().startsWith(AXES)) continue;
            it.remove();
            String name = e.getKey().substring(AXES.length());
            Raw r = raws.get(name);
            if (r == null) {
                throw new NpyException(file + ": " + METADATA + " key " + Json.quote(e.getKey())
                        + " gives axis names to a tensor the file does not hold");
            }
            List<String> names = e.getValue().isEmpty() ? List.of() : Arrays.asList(e.getValue().split(",", -1));
            if (names.size() != r.shape.length || names.contains("") || names.stream().distinct().count() != names.size()) {
                throw new NpyException(file + "[" + name + "]: axis names " + Json.quote(e.getValue()) + " in "
                        + METADATA + " do not name each of its " + r.shape.length + " axes (shape "
                        + Arrays.toString(r.shape) + ") once");
            }
            out.put(name, names);
        }
        return out;
    }

    private static String describe(Object v) {
        if (v == null) return "null";
        if (v instanceof String s) return Json.quote(s);
        if (v instanceof Map<?, ?>) return "an object";
        if (v instanceof List<?> l) return "a list of " + l.size();
        return String.valueOf(v);
    }
}
