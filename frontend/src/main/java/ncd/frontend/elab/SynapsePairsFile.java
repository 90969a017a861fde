package ncd.frontend.elab;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.frontend.ast.OpArg;
import ncd.ir.ArrayFiles;
import ncd.ir.SynapseData;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The list of {@code synapses[pre -> post, pairs = "conn.npy"]}, read when the circuit is compiled (docs/language.md,
 * "Sparse synapses"): a .npy array of int32 or int64 of shape (n, 2), one row (pre, post) per synapse, at a path
 * relative to the .ncd file that names it. An empty list (shape (0, 2)) is no synapses; a repeated row is one more
 * synapse. What cannot be read, or is not such a list, is E0725; an index outside its axis is E0726, naming the row.
 * Every error points at the quoted file name. The compiled circuit holds the list: the file is not read again. The
 * reader is the runtime's ({@link ArrayFiles}, found through ServiceLoader).
 */
final class SynapsePairsFile {
    private SynapsePairsFile() {}

    private static final String SHAPE_HINT = "save one row (pre, post) per synapse: np.save(\"conn.npy\", np.stack([i, j], axis=1).astype(np.int32))";

    /**
     * The pairs of {@code t}'s file, sorted; null after an error. {@code nPre}, {@code nPost}: the axes' sizes, or -1
     * when not known yet (the type rule checks the ranges again once they are).
     */
    static SynapseData.Pairs read(Diagnostics diags, OpArg.Text t, String pre, int nPre, String post, int nPost) {
        String name = t.value();
        Path file;
        try {
            Path dir = t.valueSpan().isKnown() ? Path.of(t.valueSpan().path()).getParent() : null;
            file = dir == null ? Path.of(name) : dir.resolve(name);
        } catch (InvalidPathException e) {
            diags.error(t.valueSpan(), DiagCode.E0725, "\"" + name + "\" is not a file name here: " + e.getReason(), null);
            return null;
        }
        ArrayFiles reader = ArrayFiles.find();
        if (reader == null) {
            diags.error(t.valueSpan(), DiagCode.E0725, "cannot read the list of pairs " + file + ": no .npy reader on the class path",
                    "compile with ncd's runtime (ncd-runtime) on the class path, as ncdc and ncd-api.jar have it");
            return null;
        }
        ArrayFiles.Array a;
        try {
            a = reader.read(file);
        } catch (IOException e) {
            diags.error(t.valueSpan(), DiagCode.E0725, "cannot read the list of pairs: " + e.getMessage(),
                    "the path is relative to the .ncd file that names it; the file is a .npy array of shape (n, 2)");
            return null;
        }
        String dtype = a.dtype();
        if (!(dtype.equals("int32") || dtype.equals("int64"))) {
            diags.error(t.valueSpan(), DiagCode.E0725, file + " holds " + dtype + "; a list of pairs is int32 or int64", SHAPE_HINT);
            return null;
        }
        int[] shape = a.shape();
        if (shape.length != 2 || shape[1] != 2) {
            diags.error(t.valueSpan(), DiagCode.E0725, file + " has shape " + shapeText(shape) + "; a list of pairs has shape (n, 2)", SHAPE_HINT);
            return null;
        }
        int n = shape[0];
        int[] from = new int[n], to = new int[n];
        int firstBad = -1, bad = 0;
        long badValue = 0;
        boolean badPre = false;
        for (int r = 0; r < n; r++) {
            long j = element(a, 2 * r), i = element(a, 2 * r + 1);
            boolean outPre = j < 0 || j > Integer.MAX_VALUE || (nPre >= 0 && j >= nPre);
            boolean outPost = i < 0 || i > Integer.MAX_VALUE || (nPost >= 0 && i >= nPost);
            if (outPre || outPost) {
                if (bad++ == 0) {
                    firstBad = r;
                    badPre = outPre;
                    badValue = outPre ? j : i;
                }
                continue;
            }
            from[r] = (int) j;
            to[r] = (int) i;
        }
        if (bad > 0) {
            String axis = badPre ? pre : post;
            int size = badPre ? nPre : nPost;
            diags.error(t.valueSpan(), DiagCode.E0726, file + " row " + firstBad + ": " + (badPre ? "presynaptic" : "postsynaptic") + " index "
                    + badValue + " is outside " + axis + (size >= 0 ? " (" + size + " elements)" : "")
                    + (bad > 1 ? "; " + (bad - 1) + " more " + (bad == 2 ? "row is" : "rows are") + " out of range" : ""),
                    "indices count from 0 and stay below the axis size (column 0: " + pre + ", column 1: " + post + ")");
            return null;
        }
        return SynapseData.Pairs.of(name, from, to);
    }

    private static long element(ArrayFiles.Array a, int at) {
        return a.data() instanceof int[] v ? v[at] : ((long[]) a.data())[at];
    }

    /** As Python writes a shape: {@code (3,)}, {@code (2, 3)}. */
    private static String shapeText(int[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
