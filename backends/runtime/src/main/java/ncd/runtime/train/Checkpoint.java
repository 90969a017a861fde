package ncd.runtime.train;

import ncd.runtime.NpyException;
import ncd.runtime.SafeTensors;
import ncd.runtime.Tensor;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A training checkpoint: named tensors (parameters, optimizer state) and string metadata (step, epoch, whatever the
 * trainer records), stored as one safetensors file ({@link SafeTensors}: ncd's axis names go in its metadata).
 * The maps are kept as given, not copied; tensors are written in their iteration order.
 *
 * <p>{@link #write} replaces the file whole or not at all ({@code AtomicFile}): a failure or a kill mid-write
 * leaves the previous checkpoint intact. {@link #renamed} and {@link #parseNameMap} bring a PyTorch state dict's
 * names ({@code layers.0.weight}) to a circuit's parameter paths.
 */
public record Checkpoint(Map<String, Tensor> tensors, Map<String, String> metadata) {
    /** What a name map's right-hand side says to drop a tensor (a buffer such as {@code num_batches_tracked}). */
    public static final String DROP = "-";

    /**
     * Writes {@code c} to {@code file} atomically. The exception's reason is for {@code FileErrors.reason}.
     *
     * @throws IllegalArgumentException for a metadata key beginning {@code ncd.axes.} (ncd's own, see {@link SafeTensors#write})
     */
    public static void write(Path file, Checkpoint c) throws IOException {
        SafeTensors.write(file, c.tensors(), c.metadata());
    }

    /**
     * The checkpoint in {@code file}, tensors in file order. A file not written by ncd (PyTorch's) reads with
     * positional axis names; {@link SafeTensors#toType} matches those to a parameter's type.
     */
    public static Checkpoint read(Path file) throws NpyException {
        SafeTensors.Contents c = SafeTensors.readFile(file);
        return new Checkpoint(c.tensors(), c.metadata());
    }

    /**
     * {@code stateDict} with its names mapped through {@code torchToNcd}: a mapped name takes its new name, one
     * mapped to {@link #DROP} is left out, and one not in the map keeps its own name (so a map lists only the names
     * that differ). Order is the state dict's.
     *
     * @throws NpyException when the map names a tensor the state dict lacks (a typo, or a map for another model),
     *     or when two tensors would end up with the same name
     */
    public static Map<String, Tensor> renamed(Map<String, Tensor> stateDict, Map<String, String> torchToNcd)
            throws NpyException {
        for (String torch : torchToNcd.keySet()) {
            if (!stateDict.containsKey(torch)) {
                throw new NpyException("the name map maps " + torch + ", which the checkpoint lacks (it has: "
                        + abbreviate(new TreeSet<>(stateDict.keySet())) + ")");
            }
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, String> from = new HashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict.entrySet()) {
            String to = torchToNcd.getOrDefault(e.getKey(), e.getKey());
            if (to.equals(DROP)) continue;
            String before = from.putIfAbsent(to, e.getKey());
            if (before != null) {
                throw new NpyException("the name map gives two tensors the name " + to + ": " + before + " and "
                        + e.getKey() + " (a name not in the map keeps its own)");
            }
            out.put(to, e.getValue());
        }
        return out;
    }

    /**
     * Reads a name map: one {@code torch.name = ncd.path} per line ({@code = -} drops the tensor), blank lines and
     * {@code #} comments (whole-line or trailing) ignored. Messages are {@code FILE:LINE: what is wrong}.
     */
    public static Map<String, String> parseNameMap(Path file) throws NpyException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new NpyException(file + ": no such file");
        } catch (MalformedInputException e) {
            throw new NpyException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new NpyException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parseNameMap(text, file.toString());
    }

    /** {@link #parseNameMap(Path)} on {@code text}; {@code source} names it in messages. */
    public static Map<String, String> parseNameMap(String text, String source) throws NpyException {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = source + ":" + (i + 1) + ": ";
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            int eq = line.indexOf('=');
            if (eq < 0 || line.indexOf('=', eq + 1) >= 0) {
                throw new NpyException(where + "expected 'torch.name = ncd.path', found '" + line + "'");
            }
            String torch = line.substring(0, eq).strip(), ncd = line.substring(eq + 1).strip();
            if (torch.isEmpty() || ncd.isEmpty()) {
                throw new NpyException(where + "the " + (torch.isEmpty() ? "PyTorch name (left of =)" : "ncd path (right of =)")
                        + " is missing in '" + line + "'");
            }
            if (torch.chars().anyMatch(Character::isWhitespace) || ncd.chars().anyMatch(Character::isWhitespace)) {
                throw new NpyException(where + "a name holds a space in '" + line + "'; names have none");
            }
            Integer first = lineOf.putIfAbsent(torch, i + 1);
            if (first != null) throw new NpyException(where + torch + " is mapped already on line " + first);
            out.put(torch, ncd);
        }
        return out;
    }

    private static String abbreviate(TreeSet<String> names) {
        List<String> shown = new ArrayList<>(names);
        if (shown.size() <= 20) return String.join(", ", shown);
        return String.join(", ", shown.subList(0, 20)) + ", ... (" + shown.size() + " in all)";
    }
}
