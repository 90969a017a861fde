package ncd.runtime;

import ncd.ir.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static ncd.runtime.NpyTest.filled;
import static ncd.runtime.NpyTest.le;
import static ncd.runtime.NpyTest.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way a .safetensors file can be malformed is one {@link NpyException} whose message names the file (and the
 * tensor, as {@code file[NAME]}) and says what is wrong, found before the tensors are allocated. The files are made
 * here byte by byte.
 */
class SafeTensorsMalformedTest {
    @TempDir Path dir;

    /** Writes the 8-byte length of {@code json}, {@code json} and {@code data} to {@code p}. */
    static Path file(Path p, String json, byte[] data) throws Exception {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bb = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(h.length).put(h).put(data);
        Files.write(p, bb.array());
        return p;
    }

    /** The message of reading {@code json} and {@code data} as a file; it must begin with the file's name. */
    private String fails(String json, byte[] data) throws Exception {
        return fails(file(dir.resolve("bad.safetensors"), json, data));
    }

    private static String fails(Path p) {
        NpyException e = assertThrows(NpyException.class, () -> SafeTensors.read(p));
        assertTrue(e.getMessage().startsWith(p.toString()), "the message names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("Exception") && !e.getMessage().contains("\tat "), e.getMessage());
        return e.getMessage().substring(p.toString().length());
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    // ---------------------------------------------------------------------------------------------- the frame

    @Test void emptyFile() throws Exception {
        Path p = Files.write(dir.resolve("e.safetensors"), new byte[0]);
        assertEquals(": empty file; a safetensors file begins with an 8-byte header length", fails(p));
    }

    @Test void shorterThanTheHeaderLength() throws Exception {
        Path p = Files.write(dir.resolve("s.safetensors"), new byte[] {5, 0, 0, 0, 0});
        assertEquals(": truncated: the header length needs 8 bytes but only 5 are present", fails(p));
    }

    @Test void headerLengthPastTheEndOfTheFile() throws Exception {
        byte[] b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array();
        Path p = Files.write(dir.resolve("h.safetensors"), b);
        assertEquals(": the header length 1000 is more than the 12 bytes after it: the file is truncated or not a"
                + " safetensors file", fails(p));
        // a length that is negative as a signed long: no allocation, no exception from it
        byte[] neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array();
        assertTrue(fails(Files.write(dir.resolve("n.safetensors"), neg)).startsWith(": the header length 18446744073709551608"));
    }

    @Test void aNpzIsNoSafetensorsFile() throws Exception {
        Path p = dir.resolve("a.npz");
        Npz.write(p, Map.of("w", filled(type(DType.F32, NpyTest.A3))));
        assertTrue(fails(p).contains("the file is truncated or not a safetensors file"));
    }

    @Test void headerNotUtf8() throws Exception {
        byte[] b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4).put(new byte[] {'{', (byte) 0xff, '}', ' '}).array();
        assertEquals(": the header is not UTF-8 text; this is not a safetensors file",
                fails(Files.write(dir.resolve("u.safetensors"), b)));
    }

    @Test void malformedJson() throws Exception {
        assertEquals(": the header is not valid JSON (expected ',' or '}' at character 7): {\"w\":1 2}", fails("{\"w\":1 2}", new byte[0]));
        assertTrue(fails("{\"w\":{\"dtype\":\"F32\",", new byte[0]).startsWith(": the header is not valid JSON (unexpected end"));
        assertEquals(": the header is not a JSON object: [1, 2]", fails("[1, 2]", new byte[0]));
        assertTrue(fails("", new byte[0]).startsWith(": the header is not valid JSON (unexpected end at character 0)"));
    }

    @Test void deepNestingIsAMessageNotAStackOverflow() throws Exception {
        String deep = "{\"__metadata__\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertTrue(fails(deep, new byte[0]).contains("nested deeper than " + Json.MAX_DEPTH));
    }

    @Test void duplicateNames() throws Exception {
        String json = "{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 4, 8) + "}";
        String m = fails(json, le(1, 2));
        assertTrue(m.startsWith(": the header is not valid JSON (duplicate key \"w\" at character 54)"), m);
    }

    // ---------------------------------------------------------------------------------------------- one entry

    @Test void unknownDtype() throws Exception {
        assertEquals("[w]: unsupported dtype \"C64\" (ncd reads F32, F64, I32 and BOOL, and F16, BF16 as f32, I64 and U8"
                + " as i32)", fails("{" + entry("w", "C64", "[1]", 0, 8) + "}", new byte[8]));
        assertTrue(fails("{\"w\":{\"dtype\":7,\"shape\":[],\"data_offsets\":[0,4]}}", new byte[4])
                .equals("[w]: dtype is 7, not a string"));
    }

    @Test void entryFields() throws Exception {
        assertEquals("[w]: the header entry is a list of 0, not an object", fails("{\"w\":[]}", new byte[0]));
        assertEquals("[w]: the header entry has no \"data_offsets\"", fails("{\"w\":{\"dtype\":\"F32\",\"shape\":[]}}", new byte[0]));
        assertEquals("[w]: shape is \"2\", not a list of integers",
                fails("{\"w\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", new byte[8]));
        assertEquals("[w]: shape [2, -1] holds -1, not a non-negative integer below 2^62",
                fails("{" + entry("w", "F32", "[2,-1]", 0, 8) + "}", new byte[8]));
        assertEquals("[w]: shape [2.5] holds 2.5, not a non-negative integer below 2^62",
                fails("{" + entry("w", "F32", "[2.5]", 0, 8) + "}", new byte[8]));
        assertEquals("[w]: data_offsets is a list of 3, not a list of 2 integers",
                fails("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", new byte[8]));
        assertEquals("[w]: data_offsets [8, 4] end before they begin", fails("{" + entry("w", "F32", "[1]", 8, 4) + "}", new byte[8]));
    }

    @Test void offsetsThatDoNotMatchTheShape() throws Exception {
        assertEquals("[w]: shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] hold 20",
                fails("{" + entry("w", "F32", "[2,3]", 0, 20) + "}", new byte[20]));
        // a shape whose byte size overflows a long must not wrap around to a match
        assertEquals("[w]: shape [4611686018427387903, 4611686018427387903, 4] of F32 needs 340282366920938463315800654842091798544"
                + " bytes but data_offsets [0, 4] hold 4",
                fails("{" + entry("w", "F32", "[4611686018427387903,4611686018427387903,4]", 0, 4) + "}", new byte[4]));
    }

    @Test void offsetsPastTheEndAreCheckedBeforeAllocating() throws Exception {
        // 10^9 doubles would be 8 GB: the file's 16 bytes say no before any array is made
        assertEquals("[w]: data_offsets [0, 8000000000] reach past the end of the data: the file holds 16 data bytes"
                + " after the header (truncated?)", fails("{" + entry("w", "F64", "[1000000000]", 0, 8_000_000_000L) + "}", new byte[16]));
    }

    @Test void truncatedFile() throws Exception {
        Path p = dir.resolve("t.safetensors");
        SafeTensors.write(p, Map.of("w", filled(type(DType.F64, NpyTest.A2, NpyTest.A3))), Map.of());
        byte[] b = Files.readAllBytes(p);
        Files.write(p, Arrays.copyOf(b, b.length - 5));
        assertEquals("[w]: data_offsets [0, 48] reach past the end of the data: the file holds 43 data bytes after the"
                + " header (truncated?)", fails(p));
        Files.write(p, Arrays.copyOf(b, 30));
        assertTrue(fails(p).startsWith(": the header length "), "cut inside the header");
    }

    @Test void emptyAxesAreRefusedByName() throws Exception {
        assertEquals("[w]: shape [0, 3] has an empty axis; an ncd tensor has at least one element along each axis",
                fails("{" + entry("w", "F32", "[0,3]", 0, 0) + "}", new byte[0]));
    }

    @Test void tooManyElementsForOneArray() throws Exception {
        // 2^31 bools: as many bytes as the file would need, so only the element count is wrong; a sparse file
        Path p = dir.resolve("huge.safetensors");
        String json = "{" + entry("w", "BOOL", "[65536,32768]", 0, 1L << 31) + "}";
        file(p, json, new byte[0]);
        try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0}), 8 + json.length() + (1L << 31) - 1);
        }
        assertEquals("[w]: shape [65536, 32768] has 2147483648 elements; at most " + Npy.MAX_ELEMENTS
                + " fit in one array", fails(p));
    }

    // ---------------------------------------------------------------------------------------------- the packing

    @Test void overlappingTensors() throws Exception {
        String json = "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}";
        assertEquals(": tensors \"a\" [0, 8] and \"b\" [4, 12] overlap", fails(json, new byte[12]));
    }

    @Test void gapsBetweenBeforeAndAfterTensors() throws Exception {
        String between = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}";
        assertEquals(": a gap of 4 bytes no tensor uses between tensor \"a\" (ending at 4) and tensor \"b\" (beginning at 8)",
                fails(between, new byte[12]));
        assertEquals(": a gap of 4 bytes no tensor uses between the start of the data (ending at 0) and tensor \"a\""
                + " (beginning at 4)", fails("{" + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]));
        assertEquals(": the last 3 of the 7 data bytes belong to no tensor (the last, \"a\", ends at 4)",
                fails("{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[7]));
        assertEquals(": the last 4 of the 4 data bytes belong to no tensor (there are no tensors)", fails("{}", new byte[4]));
    }

    @Test void tensorsInAnyHeaderOrderTileTheData() throws Exception {
        String json = "{" + entry("late", "F32", "[1]", 4, 8) + "," + entry("early", "F32", "[1]", 0, 4) + "}";
        Path p = file(dir.resolve("o.safetensors"), json, le(1, 2));
        var t = SafeTensors.read(p);
        assertEquals(java.util.List.of("late", "early"), java.util.List.copyOf(t.keySet()), "header order");
        assertEquals(2f, t.get("late").floats()[0]);
    }

    // ---------------------------------------------------------------------------------------------- metadata

    @Test void metadataMustBeStrings() throws Exception {
        assertEquals(": __metadata__ is a list of 0, not an object of strings", fails("{\"__metadata__\":[]}", new byte[0]));
        assertEquals(": __metadata__ value \"step\" is 12, not a string", fails("{\"__metadata__\":{\"step\":12}}", new byte[0]));
    }

    @Test void ncdAxisNamesMustFitTheirTensor() throws Exception {
        String w = entry("w", "F32", "[2,3]", 0, 24);
        assertEquals("[w]: axis names \"row\" in __metadata__ do not name each of its 2 axes (shape [2, 3]) once",
                fails("{\"__metadata__\":{\"ncd.axes.w\":\"row\"}," + w + "}", new byte[24]));
        assertEquals("[w]: axis names \"a,a\" in __metadata__ do not name each of its 2 axes (shape [2, 3]) once",
                fails("{\"__metadata__\":{\"ncd.axes.w\":\"a,a\"}," + w + "}", new byte[24]));
        assertEquals(": __metadata__ key \"ncd.axes.v\" gives axis names to a tensor the file does not hold",
                fails("{\"__metadata__\":{\"ncd.axes.v\":\"a,b\"}," + w + "}", new byte[24]));
    }

    @Test void noSuchFile() {
        Path p = dir.resolve("missing.safetensors");
        assertEquals(": no such file", fails(p));
    }
}
