package ncd.cuda;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A large f32 contraction as a batched matrix product tiled in shared memory: the result's axes split into batch
 * axes (in both operands), M axes (in the first only) and N axes (in the second only); the summed axes are K. A block
 * of 256 threads computes a {@value #BM} x {@value #BN} tile, 4 x 4 per thread, stepping through K {@value #BK} at a
 * time through two shared tiles (padded against bank conflicts). Operands are read through {@link Expr}, so any
 * layout and any axis order work; the fast case is the one where consecutive threads read consecutive K of the first
 * operand and consecutive N of the second. It accumulates in f32 with fused multiply-adds, within the op table's
 * bound for a contraction (2k ulps of the terms).
 */
final class Tiled {
    static final int BM = 64, BN = 64, BK = 16;
    /** Below these the element-per-thread loop is as good. */
    static final long MIN_K = 32, MIN_MN = 4096;

    private final KernelWriter w;
    private final Node n;
    private final String name;
    private final List<Axis> batch = new ArrayList<>(), ms = new ArrayList<>(), ns = new ArrayList<>(), ks = new ArrayList<>();

    Tiled(KernelWriter w, Node n, String name) {
        this.w = w;
        this.n = n;
        this.name = name;
        TensorType a = n.input(0).type(), b = n.input(1).type();
        for (Axis x : n.type().axes()) {
            boolean inA = a.hasAxis(x.name()), inB = b.hasAxis(x.name());
            (inA && inB ? batch : inA ? ms : ns).add(x);
        }
        List<String> summed = ((Attr.Contract) n.attr()).axes();
        for (Axis x : a.axes()) if (summed.contains(x.name())) ks.add(x);
    }

    static boolean applies(Node n) {
        if (n.type().dtype() != DType.F32 || n.input(0).type().dtype() != DType.F32 || n.input(1).type().dtype() != DType.F32) return false;
        Tiled t = new Tiled(null, n, "");
        long m = product(t.ms), nn = product(t.ns), k = product(t.ks), bt = product(t.batch);
        // grid y and z are at most 65535 blocks
        return !t.ms.isEmpty() && !t.ns.isEmpty() && k >= MIN_K && m * nn >= MIN_MN && bt <= 65535 && (m + BM - 1) / BM <= 65535;
    }

    private static long product(List<Axis> axes) {
        long p = 1;
        for (Axis a : axes) p *= a.size();
        return p;
    }

    KernelWriter.Written write(String what) {
        long m = product(ms), nn = product(ns), k = product(ks), bt = product(batch);
        Expr e = new Expr(w);
        Expr.Scope top = e.root("    ");
        Map<String, String> c = new LinkedHashMap<>();
        put(c, batch, "(long long)blockIdx.z", top);

        // the tile loads: A as [k][m], B as [k][n]
        Expr.Scope loadA = top.child("                ");
        Map<String, String> ca = new LinkedHashMap<>(c);
        put(ca, ms, "gm", loadA);
        put(ca, ks, "gk", loadA);
        String va = e.value(n.input(0), ca, loadA);
        Expr.Scope loadB = top.child("                ");
        Map<String, String> cb = new LinkedHashMap<>(c);
        put(cb, ks, "hk", loadB);
        put(cb, ns, "hn", loadB);
        String vb = e.value(n.input(1), cb, loadB);
        String out = e.pointer(n);
        Expr.Scope storeC = top.child("                ");
        Map<String, String> cc = new LinkedHashMap<>(c);
        put(cc, ms, "sm", storeC);
        put(cc, ns, "sn", storeC);

        StringBuilder sb = new StringBuilder();
        sb.append("// ").append(what).append(": tiled ").append(BM).append("x").append(BN).append("x").append(BK)
                .append(" in shared memory (M ").append(m).append(", N ").append(nn).append(", K ").append(k).append(", batch ").append(bt).append(")\n");
        sb.append("extern \"C\" __global__ void ").append(name).append("(char* base, long long step) {\n");
        sb.append("    (void)step;\n");
        e.declarePointers(sb, "    ");
        sb.append("    __shared__ float As[").append(BK).append("][").append(BM + 1).append("];\n");
        sb.append("    __shared__ float Bs[").append(BK).append("][").append(BN + 1).append("];\n");
        sb.append("    const int m0 = blockIdx.y * ").append(BM).append(", n0 = blockIdx.x * ").append(BN).append(";\n");
        sb.append(top.text());
        sb.append("    NCD_PER_THREAD(float, acc, [4][4]);\n");
        sb.append("    NCD_THREADS { for (int i = 0; i < 4; ++i) for (int j = 0; j < 4; ++j) NCD_MINE(acc)[i][j] = 0.0f; }\n");
        sb.append("    for (int k0 = 0; k0 < ").append(k).append("; k0 += ").append(BK).append(") {\n");
        // consecutive threads read consecutive elements of an operand's innermost axis: K, or M (N) when that is innermost
        boolean aKFast = kInnermost(n.input(0).type()), bKFast = kInnermost(n.input(1).type());
        sb.append("        NCD_THREADS for (int l = threadIdx.x; l < ").append(BM * BK).append("; l += blockDim.x) {\n");
        sb.append("            int am = ").append(aKFast ? "l / " + BK : "l % " + BM).append(", ak = ").append(aKFast ? "l % " + BK : "l / " + BM).append(";\n");
        sb.append("            int gm = m0 + am, gk = k0 + ak;\n");
        sb.append("            float v = 0.0f;\n");
        sb.append("            if (gm < ").append(m).append(" && gk < ").append(k).append(") {\n");
        sb.append(loadA.text());
        sb.append("                v = ").append(va).append(";\n");
        sb.append("            }\n");
        sb.append("            As[ak][am] = v;\n");
        sb.append("            int bk = ").append(bKFast ? "l % " + BK : "l / " + BN).append(", bn = ").append(bKFast ? "l / " + BK : "l % " + BN).append(";\n");
        sb.append("            int hk = k0 + bk, hn = n0 + bn;\n");
        sb.append("            v = 0.0f;\n");
        sb.append("            if (hk < ").append(k).append(" && hn < ").append(nn).append(") {\n");
        sb.append(loadB.text());
        sb.append("                v = ").append(vb).append(";\n");
        sb.append("            }\n");
        sb.append("            Bs[bk][bn] = v;\n");
        sb.append("        }\n");
        sb.append("        NCD_SYNC\n");
        sb.append("        NCD_THREADS {\n");
        sb.append("            const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;\n");
        sb.append("            for (int kk = 0; kk < ").append(BK).append("; ++kk) {\n");
        sb.append("                float ar[4], br[4];\n");
        sb.append("                for (int i = 0; i < 4; ++i) { ar[i] = As[kk][ty + 16 * i]; br[i] = Bs[kk][tx + 16 * i]; }\n");
        sb.append("                for (int i = 0; i < 4; ++i) for (int j = 0; j < 4; ++j) NCD_MINE(acc)[i][j] = fmaf(ar[i], br[j], NCD_MINE(acc)[i][j]);\n");
        sb.append("            }\n");
        sb.append("        }\n");
        sb.append("        NCD_SYNC\n");
        sb.append("    }\n");
        sb.append("    NCD_THREADS for (int i = 0; i < 4; ++i) for (int j = 0; j < 4; ++j) {\n");
        sb.append("        const int tx = threadIdx.x % 16, ty = threadIdx.x / 16;\n");
        sb.append("        int sm = m0 + ty + 16 * i, sn = n0 + tx + 16 * j;\n");
        sb.append("        if (sm < ").append(m).append(" && sn < ").append(nn).append(") {\n");
        sb.append(storeC.text());
        sb.append("            ").append(out).append("[").append(Expr.flat(n.type(), cc)).append("] = NCD_MINE(acc)[i][j];\n");
        sb.append("        }\n");
        sb.append("    }\n}\n");
        int gx = (int) ((nn + BN - 1) / BN), gy = (int) ((m + BM - 1) / BM);
        return new KernelWriter.Written(sb.toString(), new CudaProgram.Launch(name, gx, gy, (int) bt, 256, true), what);
    }

    /** Whether {@code t}'s innermost (contiguous) axis is one of the summed axes. */
    private boolean kInnermost(TensorType t) {
        String last = t.axes().get(t.rank() - 1).name();
        return ks.stream().anyMatch(a -> a.name().equals(last));
    }

    /** Declares the coordinates of the axes {@code axes} from the flat index {@code flat} over them (row-major). */
    private static void put(Map<String, String> c, List<Axis> axes, String flat, Expr.Scope s) {
        long stride = product(axes);
        for (Axis a : axes) {
            stride /= a.size();
            c.put(a.name(), s.declare("int", "(int)((" + flat + " / " + stride + "LL) % " + a.size() + ")"));
        }
    }
}
