package ncd.runtime;

import ncd.ir.Axis;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import ncd.runtime.SafeTensorsHeader.Entry;
import ncd.runtime.SafeTensorsHeader.Stored;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's safetensors format (https://github.com/huggingface/safetensors), the checkpoint format of ncd.
 *
 * <p>A file is an 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each tensor's name to
 * {@code {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}} (offsets into the data section) plus an
 * optional {@code "__metadata__"} object of strings, and then the data section: each tensor's elements, row-major
 * and little-endian, packed without gaps.
 *
 * <p>Safetensors has shapes but no axis names; ncd writes each tensor's axis names into the metadata as
 * {@code ncd.axes.NAME = "row,col"}, so its own files read back with their names. A tensor without that key (a file
 * from PyTorch) reads with positional axis names {@code "0"}, {@code "1"}, ... ({@link #positionalAxis}), which no
 * ncd axis can have; {@link #toType} matches those by position and named ones by name.
 *
 * <p>Read: F32, F64, I32 and BOOL as themselves; F16 and BF16 as f32 and U8 as i32, which lose nothing; I64 as i32
 * when every value fits, else an error naming the tensor. Units are not stored: a tensor reads without one, and
 * {@link #toType} gives it the circuit's. Every malformed file is an {@link NpyException} naming the file and the
 * tensor, found from the header and the file's size before the tensors are allocated.
 *
 * <p>Write: through {@link AtomicFile}, so a checkpoint is replaced whole or not at all; the header is padded with
 * spaces so that the data begins at a multiple of 8 bytes, as the safetensors library does.
 */
public final class SafeTensors {
    private SafeTensors() {}

    /** Headers longer than this are refused as corrupt (the safetensors library's own limit). */
    static final long MAX_HEADER = 100_000_000;
    private static final int CHUNK = 1 << 16;

    /** The tensors of a file in header order, and its metadata without the {@code ncd.axes.} keys. */
    public record Contents(LinkedHashMap<String, Tensor> tensors, Map<String, String> metadata) {}

    /** The name that a tensor read without ncd axis names has for its axis {@code i}: {@code "0"}, {@code "1"}... */
    public static String positionalAxis(int i) { return Integer.toString(i); }

    // ---------------------------------------------------------------------------------------------- reading

    /** The tensors of {@code path} by name, in the order of its header. */
    public static LinkedHashMap<String, Tensor> read(Path path) throws NpyException { return readFile(path).tensors(); }

    /** The tensors and metadata of {@code path}; messages name it as given. */
    public static Contents readFile(Path path) throws NpyException {
        String file = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) throw new NpyException(file + ": empty file; a safetensors file begins with an 8-byte header length");
            if (size < 8) {
                throw new NpyException(file + ": truncated: the header length needs 8 bytes but only " + size + " are present");
            }
            long headerLen = read(ch, 0, 8, file).getLong();
            if (headerLen < 0 || headerLen > size - 8) {
                throw new NpyException(file + ": the header length " + Long.toUnsignedString(headerLen) + " is more than"
                        + " the " + (size - 8) + " bytes after it: the file is truncated or not a safetensors file");
            }
            if (headerLen > MAX_HEADER) {
                throw new NpyException(file + ": the header length " + headerLen + " bytes is absurd (at most "
                        + MAX_HEADER + "); the file is corrupt");
            }
            String json;
            try {
                json = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(read(ch, 8, (int) headerLen, file)).toString();
            } catch (CharacterCodingException e) {
                throw new NpyException(file + ": the header is not UTF-8 text; this is not a safetensors file");
            }
            long dataStart = 8 + headerLen;
            SafeTensorsHeader h = SafeTensorsHeader.parse(json, file, size - dataStart);
            LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : h.entries) {
                Tensor t = Tensor.zeros(type(e));
                readData(ch, dataStart, e, t.data(), file);
                tensors.put(e.name(), t);
            }
            return new Contents(tensors, h.metadata);
        } catch (NoSuchFileException e) {
            throw new NpyException(file + ": no such file");
        } catch (IOException e) {
            throw new NpyException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** {@code n} bytes at {@code pos}, little-endian; the file must still hold them. */
    private static ByteBuffer read(FileChannel ch, long pos, int n, String file) throws IOException, NpyException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new NpyException(file + ": truncated while reading: byte " + (pos + b.position())
                        + " is gone (did another process shorten the file?)");
            }
        }
        return b.flip();
    }

    /** The ncd type {@code e} reads as: its ncd dtype, its axis names and sizes, no unit. */
    private static TensorType type(Entry e) {
        List<Axis> axes = new ArrayList<>();
        for (int i = 0; i < e.shape().length; i++) axes.add(new Axis(e.axes().get(i), e.shape()[i]));
        return new TensorType(e.dtype().ncd, axes, Unit.NONE);
    }

    /** Reads the elements of {@code e} into {@code out}, the array of its ncd dtype, a chunk at a time. */
    private static void readData(FileChannel ch, long dataStart, Entry e, Object out, String file)
            throws IOException, NpyException {
        Stored k = e.dtype();
        long total = e.end() - e.begin();
        int elem = 0;
        for (long done = 0; done < total; ) {
            int want = (int) Math.min(CHUNK, total - done); // CHUNK is a multiple of every element size
            ByteBuffer bb = read(ch, dataStart + e.begin() + done, want, file);
            int m = want / k.bytes;
            switch (k) {
                case F32 -> bb.asFloatBuffer().get((float[]) out, elem, m);
                case F64 -> bb.asDoubleBuffer().get((double[]) out, elem, m);
                case I32 -> bb.asIntBuffer().get((int[]) out, elem, m);
                case BOOL -> { for (int i = 0; i < m; i++) ((boolean[]) out)[elem + i] = bb.get(i) != 0; }
                case F16 -> { for (int i = 0; i < m; i++) ((float[]) out)[elem + i] = halfToFloat(bb.getShort(2 * i)); }
                case BF16 -> {
                    for (int i = 0; i < m; i++) ((float[]) out)[elem + i] = Float.intBitsToFloat((bb.getShort(2 * i) & 0xffff) << 16);
                }
                case U8 -> { for (int i = 0; i < m; i++) ((int[]) out)[elem + i] = bb.get(i) & 0xff; }
                case I64 -> {
                    for (int i = 0; i < m; i++) {
                        long v = bb.getLong(8 * i);
                        if (v != (int) v) {
                            throw new NpyException(file + "[" + e.name() + "]: I64 value " + v + " at flat index "
                                    + (elem + i) + " is outside the i32 range, which ncd reads I64 into");
                        }
                        ((int[]) out)[elem + i] = (int) v;
                    }
                }
            }
            elem += m;
            done += want;
        }
    }

    /** IEEE 754 binary16 to float: exact, since every half is a float. */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = bits >>> 10 & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | mant << 13); // infinity, NaN (payload kept)
        if (exp == 0) {
            float sub = mant * 0x1p-24f; // subnormal (or zero): mant * 2^-24, exact in float
            return sign != 0 ? -sub : sub;
        }
        return Float.intBitsToFloat(sign | (exp + 127 - 15) << 23 | mant << 13);
    }

    // ---------------------------------------------------------------------------------------------- to a parameter

    /**
     * {@code stored} (a tensor of {@link #read}) as a value of type {@code expected}, whose unit it takes. Its dtype
     * must be the expected one. Positional axes ({@link #positionalAxis}: a file from elsewhere) match the expected
     * axes in order, by size, as a .npy array does ({@link Npy#toTensor}); named axes (a file ncd wrote) match by name
     * and are transposed into the expected order. {@code what} names the value ({@code "parameter l1.W"}),
     * {@code source} the tensor ({@code "w.safetensors[l1.W]"}).
     */
    public static Tensor toType(Tensor stored, TensorType expected, String what, String source) throws NpyException {
        if (stored.dtype() != expected.dtype()) {
            throw new NpyException(what + " is " + expected.dtype().word() + " but " + source + " holds "
                    + stored.dtype().word() + "; save it as " + Stored.of(expected.dtype()));
        }
        List<String> names = stored.type().axisNames();
        boolean positional = true;
        for (int i = 0; i < names.size(); i++) positional &= names.get(i).equals(positionalAxis(i));
        if (!positional && !names.equals(expected.axisNames())) {
            if (!stored.type().axisNameSet().equals(expected.axisNameSet()) || names.size() != expected.rank()) {
                throw new NpyException(what + " has axes " + expected.axesText() + " but " + source + " has "
                        + stored.type().axes() + "; it was saved from a circuit whose axes differ");
            }
            stored = stored.transposeTo(expected.axisNames());
        }
        int[] shape = new int[stored.type().rank()];
        for (int i = 0; i < shape.length; i++) shape[i] = stored.type().axes().get(i).size();
        return Npy.toTensor(new NpyArray(Npy.descrOf(stored.dtype()), shape, stored.data(), source), expected, what);
    }

    // ---------------------------------------------------------------------------------------------- writing

    /**
     * Writes {@code tensors} (in map order) and {@code metadata} to {@code path}, atomically ({@link AtomicFile}),
     * with each tensor's axis names in the metadata. The exception's reason is for {@code FileErrors.reason}; the
     * file is unchanged when one is thrown.
     *
     * @throws IllegalArgumentException when a tensor is called {@code __metadata__}, a metadata key begins with
     *     {@code ncd.axes.} (those are ncd's), or an axis name holds a comma
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        byte[] header = header(tensors, metadata);
        AtomicFile.write(path, out -> writeTo(out, header, tensors));
    }

    /** The length and JSON header, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().startsWith(SafeTensorsHeader.AXES)) {
                throw new IllegalArgumentException("metadata key " + e.getKey() + ": keys beginning "
                        + SafeTensorsHeader.AXES + " hold ncd's axis names");
            }
            meta.put(e.getKey(), e.getValue());
        }
        StringBuilder entries = new StringBuilder();
        long at = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            TensorType t = e.getValue().type();
            if (name.equals(SafeTensorsHeader.METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be called " + SafeTensorsHeader.METADATA);
            }
            List<String> axes = t.axisNames();
            if (axes.stream().anyMatch(a -> a.contains(","))) {
                throw new IllegalArgumentException("tensor " + name + ": axis names " + axes + " cannot hold a comma");
            }
            if (!axes.isEmpty()) meta.put(SafeTensorsHeader.AXES + name, String.join(",", axes));
            long end = at + (long) e.getValue().size() * t.dtype().bytes();
            StringBuilder shape = new StringBuilder();
            for (Axis a : t.axes()) shape.append(shape.length() == 0 ? "" : ",").append(a.size());
            entries.append(',').append(Json.quote(name)).append(":{\"dtype\":\"").append(Stored.of(t.dtype()))
                    .append("\",\"shape\":[").append(shape).append("],\"data_offsets\":[").append(at).append(',')
                    .append(end).append("]}");
            at = end;
        }
        StringBuilder json = new StringBuilder("{");
        if (!meta.isEmpty()) {
            json.append(Json.quote(SafeTensorsHeader.METADATA)).append(":{");
            String sep = "";
            for (Map.Entry<String, String> e : meta.entrySet()) {
                json.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
                sep = ",";
            }
            json.append('}');
        } else if (entries.length() > 0) {
            entries.deleteCharAt(0);
        }
        json.append(entries).append('}');
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        ByteBuffer bb = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(padded).put(text);
        while (bb.hasRemaining()) bb.put((byte) ' ');
        return bb.array();
    }

    /** Writes {@code header} and the tensors' data to {@code out} (not closed): the file {@link #write} makes. */
    static void writeTo(OutputStream out, byte[] header, Map<String, Tensor> tensors) throws IOException {
        out.write(header);
        for (Tensor t : tensors.values()) Npy.writeData(out, t.data());
    }
}
