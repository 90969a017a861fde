package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.runtime.Rng;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static ncd.jvm.MethodGen.Kind;
import static org.objectweb.asm.Opcodes.*;

/**
 * Lowers a {@link Plan} to the bytes of one class extending {@link Kernel}:
 *
 * <ol>
 *   <li>one private method {@code n<id>} per computed node, a loop nest over the node's buffer specialised on its
 *       sizes and strides (elementwise ops broadcast by strides of 0; reductions and contractions nest the summed
 *       axes inside the kept ones and accumulate in double; data movement is a few affine boxes, see {@link Moves});
 *       a node made of many boxes gets one method per box, so that every method stays small enough for C2;
 *   <li>{@code step()} and {@code init()}: calls of those methods in graph order;
 *   <li>{@code advance()}: copies into pending slots, then swaps slots, then {@code t++} (see {@link Plan});
 *   <li>{@code run(n)}: a loop of {@code step(); advance();};
 *   <li>where a state is kept bit-packed across steps ({@link Plan#packedStates}), {@code unpack(slot)} and
 *       {@code written(slot)} (see {@link Kernel#unpack}), and {@code advance()} swaps its packed words too
 *       ({@link PackedStates}).
 * </ol>
 */
final class ClassGen {
    private final Plan plan;
    private final String name;
    private final ClassWriter cw;
    private final List<Runnable> pending = new ArrayList<>();

    ClassGen(Plan plan, String name) {
        this.plan = plan;
        this.name = name;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override protected String getCommonSuperClass(String a, String b) { return "java/lang/Object"; }
        };
    }

    /** An internal class name in this package for a graph name. */
    static String className(String graphName) {
        StringBuilder sb = new StringBuilder("ncd/jvm/Circuit_");
        for (char c : graphName.toCharArray()) sb.append(Character.isJavaIdentifierPart(c) ? c : '_');
        return sb.toString();
    }

    byte[] generate() {
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, MethodGen.KERNEL, null);
        cw.visitSource(plan.graph.name() + ".ncd", null);
        MethodVisitor init = cw.visitMethod(ACC_PUBLIC, "<init>", "([Ljava/lang/Object;)V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitVarInsn(ALOAD, 1);
        init.visitMethodInsn(INVOKESPECIAL, MethodGen.KERNEL, "<init>", "([Ljava/lang/Object;)V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        Set<Node> all = new LinkedHashSet<>();
        for (Node n : plan.graph.nodes()) if (plan.stepNodes.contains(n) || plan.initNodes.contains(n)) all.add(n);
        for (Node n : all) nodeMethod(n);
        while (!pending.isEmpty()) pending.remove(0).run();

        calls("step", plan.stepNodes);
        calls("init", plan.initNodes);
        advance();
        run();
        PackedStates.methods(cw, plan);
        cw.visitEnd();
        return cw.toByteArray();
    }

    private void calls(String method, List<Node> nodes) {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, method, "()V", null, null);
        mv.visitCode();
        boolean profile = plan.options.profile() && method.equals("step");
        MethodGen g = new MethodGen(mv, 3);   // locals: this, then the start time (a long)
        if (method.equals("init")) {
            for (Consumer<MethodGen> part : plan.initParts) part.accept(new MethodGen(mv, 3));
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (profile) {
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
                mv.visitVarInsn(LSTORE, 1);
            }
            mv.visitVarInsn(ALOAD, 0);
            mv.visitMethodInsn(INVOKESPECIAL, name, "n" + nodes.get(i).id(), "()V", false);
            if (profile) {
                // prof[i] += System.nanoTime() - start
                mv.visitVarInsn(ALOAD, 0);
                mv.visitFieldInsn(GETFIELD, MethodGen.KERNEL, "prof", "[J");
                g.iconst(i);
                mv.visitInsn(DUP2);
                mv.visitInsn(LALOAD);
                mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
                mv.visitVarInsn(LLOAD, 1);
                mv.visitInsn(LSUB);
                mv.visitInsn(LADD);
                mv.visitInsn(LASTORE);
            }
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private void advance() {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "advance", "()V", null, null);
        mv.visitCode();
        MethodGen g = new MethodGen(mv, 1);
        int b = g.local(1), tmp = g.local(1);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, MethodGen.KERNEL, "b", "[Ljava/lang/Object;");
        mv.visitVarInsn(ASTORE, b);
        for (Plan.StatePlan s : plan.states) {
            if (s.pending() < 0) continue;
            mv.visitVarInsn(ALOAD, b);
            g.iconst(s.next());
            mv.visitInsn(AALOAD);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ALOAD, b);
            g.iconst(s.pending());
            mv.visitInsn(AALOAD);
            mv.visitInsn(ICONST_0);
            g.iconst(s.length());
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", false);
        }
        for (Plan.StatePlan s : plan.states) swap(g, b, tmp, s.slot(), s.pending() >= 0 ? s.pending() : s.next());
        PackedStates.advance(g, b, tmp, plan);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInsn(DUP);
        mv.visitFieldInsn(GETFIELD, MethodGen.KERNEL, "t", "J");
        mv.visitInsn(LCONST_1);
        mv.visitInsn(LADD);
        mv.visitFieldInsn(PUTFIELD, MethodGen.KERNEL, "t", "J");
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Swaps the arrays in slots {@code x} and {@code y} of the buffers in local {@code b} (through local {@code tmp}). */
    static void swap(MethodGen g, int b, int tmp, int x, int y) {
        MethodVisitor mv = g.mv;
        mv.visitVarInsn(ALOAD, b);
        g.iconst(x);
        mv.visitInsn(AALOAD);
        mv.visitVarInsn(ASTORE, tmp);
        mv.visitVarInsn(ALOAD, b);
        g.iconst(x);
        mv.visitVarInsn(ALOAD, b);
        g.iconst(y);
        mv.visitInsn(AALOAD);
        mv.visitInsn(AASTORE);
        mv.visitVarInsn(ALOAD, b);
        g.iconst(y);
        mv.visitVarInsn(ALOAD, tmp);
        mv.visitInsn(AASTORE);
    }

    private void run() {
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "run", "(J)V", null, null);
        mv.visitCode();
        Label top = new Label(), test = new Label();
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LSTORE, 3);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, name, "step", "()V", false);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, name, "advance", "()V", false);
        mv.visitVarInsn(LLOAD, 3);
        mv.visitInsn(LCONST_1);
        mv.visitInsn(LADD);
        mv.visitVarInsn(LSTORE, 3);
        mv.visitLabel(test);
        mv.visitVarInsn(LLOAD, 3);
        mv.visitVarInsn(LLOAD, 1);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFLT, top);
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    // ------------------------------------------------------------------------------------------------ nodes

    private void nodeMethod(Node n) {
        List<Consumer<MethodGen>> parts = parts(n);
        if (parts.size() <= 4) {
            method("n" + n.id(), g -> parts.forEach(p -> p.accept(g)));
            return;
        }
        method("n" + n.id(), g -> {
            for (int i = 0; i < parts.size(); i++) {
                g.mv.visitVarInsn(ALOAD, 0);
                g.mv.visitMethodInsn(INVOKESPECIAL, name, "n" + n.id() + "_" + i, "()V", false);
            }
        });
        for (int i = 0; i < parts.size(); i++) {
            int k = i;
            pending.add(() -> method("n" + n.id() + "_" + k, parts.get(k)));
        }
    }

    /** A private method generated after the node methods (for {@link Fused}). */
    private void extraMethod(String mname, String desc, int firstLocal, Consumer<MethodGen> body) {
        pending.add(() -> {
            MethodVisitor mv = cw.visitMethod(ACC_PRIVATE, mname, desc, null, null);
            mv.visitCode();
            body.accept(new MethodGen(mv, firstLocal));
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        });
    }

    private void method(String mname, Consumer<MethodGen> body) {
        MethodVisitor mv = cw.visitMethod(ACC_PRIVATE, mname, "()V", null, null);
        mv.visitCode();
        body.accept(new MethodGen(mv, 1));
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private List<Consumer<MethodGen>> parts(Node n) {
        return switch (n.op()) {
            case INPUT, PARAM, STATE_READ, CONST, IOTA, RENAME, SPLIT ->
                    throw new IllegalStateException(n.op() + " has no code: its buffer is filled otherwise");
            case RANDOM, UNARY, BINARY, WHERE, CAST, EXPAND ->
                    List.of(g -> { if (plan.options.fuse()) Fused.emit(plan, g, n, name, this::extraMethod); else elementwise(g, n); });
            case REDUCE -> List.of(g -> { if (plan.fusion.stencils.containsKey(n)) Fused.emit(plan, g, n, name, this::extraMethod); else reduce(g, n); });
            case ARG_REDUCE -> List.of(g -> argReduce(g, n));
            case CONTRACT -> Contraction.parts(plan, n);
            case TRANSPOSE, MERGE, SLICE, SELECT, ROLL, SHIFT, WINDOW, CONCAT, REPEAT -> moves(n);
            case ONEHOT -> List.of(g -> {
                int idx = g.buffer(plan.slot(n.input(0)), DType.I32), out = g.buffer(plan.slot(n), DType.F32);
                g.mv.visitVarInsn(ALOAD, idx);
                g.mv.visitVarInsn(ALOAD, out);
                g.iconst(((Attr.OneHot) n.attr()).axis().size());
                g.rt("onehot", "([I[FI)V");
            });
            case GATHER -> List.of(g -> gather(g, n));
            case ARGSORT -> List.of(g -> {
                Attr.ArgSort a = (Attr.ArgSort) n.attr();
                TensorType it = n.input(0).type();
                int[] b = ncd.runtime.ArgSort.block(Shapes.sizes(it), it.indexOf(a.axis()));
                int in = g.buffer(plan.slot(n.input(0)), it.dtype()), out = g.buffer(plan.slot(n), DType.I32);
                g.mv.visitVarInsn(ALOAD, in);
                g.mv.visitVarInsn(ALOAD, out);
                g.iconst(b[0]);
                g.iconst(b[1]);
                g.iconst(b[2]);
                g.iconst(a.descending() ? 1 : 0);
                g.rt("argsort", "(" + MethodGen.arrayDesc(it.dtype()) + "[IIIIZ)V");
            });
            case LINALG -> List.of(g -> {
                // ncd.runtime.Linalg, the interpreter's own code: the plan travels as a string constant
                TensorType at = n.input(0).type();
                String arr = MethodGen.arrayDesc(at.dtype());
                int a = g.buffer(plan.slot(n.input(0)), at.dtype()), out = g.buffer(plan.slot(n), n.type().dtype());
                g.mv.visitVarInsn(ALOAD, a);
                if (n.inputs().size() > 1) g.mv.visitVarInsn(ALOAD, g.buffer(plan.slot(n.input(1)), at.dtype()));
                else g.mv.visitInsn(org.objectweb.asm.Opcodes.ACONST_NULL);
                g.mv.visitVarInsn(ALOAD, out);
                g.mv.visitLdcInsn(ncd.runtime.LinalgPlans.plan(n, plan.graph.name()).encode());
                g.rt("linalg", "(" + arr + arr + arr + "Ljava/lang/String;)V");
            });
            case SYNAPSES -> synapses(n);
            case DELAY -> List.of(g -> {
                // ncd.runtime.Delays, in place on the ring: the plan shares the ring's array with the state it advances
                // (Plan, "in place"); otherwise the ring is copied into the result first
                Attr.Delay d = (Attr.Delay) n.attr();
                TensorType rt = n.type(), xt = n.input(2).type();
                int ring = g.buffer(plan.slot(n.input(0)), rt.dtype()), out = g.buffer(plan.slot(n), rt.dtype());
                if (plan.slot(n.input(0)) != plan.slot(n)) {
                    g.mv.visitVarInsn(ALOAD, ring);
                    g.mv.visitInsn(ICONST_0);
                    g.mv.visitVarInsn(ALOAD, out);
                    g.mv.visitInsn(ICONST_0);
                    g.iconst(rt.arrayLength());
                    g.mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", false);
                }
                g.mv.visitVarInsn(ALOAD, out);
                g.mv.visitVarInsn(ALOAD, g.buffer(plan.slot(n.input(1)), DType.I32));
                g.mv.visitVarInsn(ALOAD, g.buffer(plan.slot(n.input(2)), xt.dtype()));
                int rowLen = rt.arrayLength() / d.lag().size();
                int nIn = xt.axes().stream().mapToInt(ncd.ir.Axis::size).reduce(1, (a, b) -> a * b);
                g.mv.visitLdcInsn(ncd.runtime.Delays.plan(d, n.scope(), xt.dtype(), nIn, rowLen).encode());
                if (d.syn() == null) g.rt("delayLine", "(Ljava/lang/Object;[ILjava/lang/Object;Ljava/lang/String;)V");
                else g.rt("delay", "(" + MethodGen.arrayDesc(rt.dtype()) + "[I" + MethodGen.arrayDesc(xt.dtype()) + "Ljava/lang/String;)V");
            });
            case FFT -> List.of(g -> {
                // ncd.runtime.Fft on each line: the block's numbers travel as constants
                ncd.runtime.Fft.Block b = ncd.runtime.FftBlocks.of(n);
                g.mv.visitVarInsn(ALOAD, g.buffer(plan.slot(n.input(0)), DType.F32));
                g.mv.visitVarInsn(ALOAD, g.buffer(plan.slot(n), DType.F32));
                g.iconst(b.kind().ordinal());
                g.iconst(b.outer());
                g.iconst(b.len());
                g.iconst(b.outLen());
                g.iconst(b.inner());
                g.rt("fft", "([F[FIIIII)V");
            });
        };
    }

    /** Loaders for node inputs inside a nest: operand {@code 1 + i} is input {@code i}. */
    private interface Loader { Kind load(int input); }

    private void elementwise(MethodGen g, Node n) {
        TensorType t = n.type();
        int k = n.inputs().size();
        int out = g.buffer(plan.slot(n), t.dtype());
        int[] ins = new int[k];
        int[][] strides = new int[1 + k][];
        strides[0] = Shapes.strides(t);
        for (int i = 0; i < k; i++) {
            ins[i] = g.buffer(plan.slot(n.input(i)), n.input(i).type().dtype());
            strides[1 + i] = Shapes.broadcastStrides(n.input(i).type(), t);
        }
        int stream = n.op() == ncd.ir.Op.RANDOM ? g.stepLocal() : -1;
        int zero = g.intLocal(0);
        int[] base = new int[1 + k];
        java.util.Arrays.fill(base, zero);
        MethodVisitor mv = g.mv;
        g.nest(MethodGen.Nest.of(Shapes.sizes(t), strides), base, (idx, c) -> {
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            Loader ld = i -> {
                mv.visitVarInsn(ALOAD, ins[i]);
                idx.push(1 + i);
                return g.aload(n.input(i).type().dtype());
            };
            Kind r = Elementwise.value(g, n, ld::load, () -> {
                g.lconst(Rng.seedOf(n.scope(), ((Attr.Random) n.attr()).seed()));
                mv.visitVarInsn(LLOAD, stream);
                idx.push(0);
            });
            g.toStore(r, t.dtype());
            g.astore(t.dtype());
        });
    }

    /**
     * An f32 sum, mean, max or min over contiguous elements (the reduced axes are innermost in the input) with at least
     * a vector's worth of them: one {@link VecF} call per output element. Max and min are exact; sums accumulate in
     * double lanes (equal to the interpreter's sequential double sum up to double rounding).
     */
    private boolean rowReduce(MethodGen g, Node n, Attr.Reduce r, TensorType it, TensorType t, MethodGen.Nest outer,
                              MethodGen.Nest inner, int out, int in, long count) {
        if (!Gemm.VectorProbe.PRESENT || it.dtype() != DType.F32 || t.dtype() != DType.F32) return false;
        if (inner.rank() != 1 || inner.strides()[0][0] != 1 || inner.sizes()[0] < VecF.LANES) return false;
        String helper = Reduction.floatRow(r.fn());
        if (helper == null) return false;
        MethodVisitor mv = g.mv;
        int zero = g.intLocal(0), len = inner.sizes()[0];
        g.nest(outer, new int[] {zero, zero}, (idx, c) -> {
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            mv.visitVarInsn(ALOAD, in);
            idx.push(1);
            g.iconst(len);
            boolean sum = helper.equals("sum");
            mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/VecF", helper, "([FII)" + (sum ? "D" : "F"), false);
            if (r.fn() == Attr.ReduceFn.MEAN) {
                g.dconst(count);
                mv.visitInsn(DDIV);
            }
            g.toStore(sum ? Kind.D : Kind.F, DType.F32);
            g.astore(DType.F32);
        });
        return true;
    }

    /**
     * An f32 sum or mean over the leading axes of its input, the result keeping the trailing ones in order (a bias's
     * gradient, {@code reduce.sum [sample, seq]} of {@code [sample, seq, d_ff]}): {@link Rt#colSums}, which adds the
     * same numbers in the same order as the generic loop but walks the rows, not one strided column at a time.
     */
    private static boolean columnReduce(MethodGen g, Attr.Reduce r, TensorType it, TensorType t, List<Integer> red, int out, int in, long count) {
        if (r.fn() != Attr.ReduceFn.SUM && r.fn() != Attr.ReduceFn.MEAN) return false;
        if (it.dtype() != DType.F32 || t.dtype() != DType.F32 || red.isEmpty() || t.rank() == 0) return false;
        for (int i = 0; i < red.size(); i++) if (red.get(i) != i) return false;
        if (!t.axes().equals(it.axes().subList(red.size(), it.rank()))) return false;
        long cols = 1;
        for (var a : t.axes()) cols *= a.size();
        if (cols < 16 || count < 2) return false;
        MethodVisitor mv = g.mv;
        mv.visitVarInsn(ALOAD, in);
        g.iconst((int) count);
        g.iconst((int) cols);
        mv.visitVarInsn(ALOAD, out);
        g.dconst(r.fn() == Attr.ReduceFn.MEAN ? count : 1);
        g.rt("colSums", "([FII[FD)V");
        return true;
    }

    private void reduce(MethodGen g, Node n) {
        Attr.Reduce r = (Attr.Reduce) n.attr();
        TensorType it = n.input(0).type(), t = n.type();
        int out = g.buffer(plan.slot(n), t.dtype()), in = g.buffer(plan.slot(n.input(0)), it.dtype());
        int[] outStrides = new int[t.rank()];
        for (int d = 0; d < t.rank(); d++) outStrides[d] = Shapes.stride(it, t.axes().get(d).name());
        MethodGen.Nest outer = MethodGen.Nest.of(Shapes.sizes(t), new int[][] {Shapes.strides(t), outStrides});
        List<Integer> red = new ArrayList<>();
        for (int d = 0; d < it.rank(); d++) if (r.axes().contains(it.axes().get(d).name())) red.add(d);
        int[] rs = new int[red.size()], rst = new int[red.size()];
        int[] its = Shapes.strides(it);
        long count = 1;
        for (int i = 0; i < red.size(); i++) {
            rs[i] = it.axes().get(red.get(i)).size();
            rst[i] = its[red.get(i)];
            count *= rs[i];
        }
        MethodGen.Nest inner = MethodGen.Nest.of(rs, new int[][] {rst});
        if (rowReduce(g, n, r, it, t, outer, inner, out, in, count)) return;
        if (columnReduce(g, r, it, t, red, out, in, count)) return;
        MethodVisitor mv = g.mv;
        int zero = g.intLocal(0);
        long total = count;
        g.nest(outer, new int[] {zero, zero}, (idx, c) -> {
            int ib = g.local(1);
            idx.push(1);
            mv.visitVarInsn(ISTORE, ib);
            Reduction acc = Reduction.start(g, r.fn(), it.dtype());
            g.nest(inner, new int[] {ib}, (j, c2) -> {
                mv.visitVarInsn(ALOAD, in);
                j.push(0);
                acc.add(g.aload(it.dtype()));
            });
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            acc.finish(t.dtype(), total);
            g.astore(t.dtype());
        });
    }

    private void argReduce(MethodGen g, Node n) {
        Attr.ArgReduce r = (Attr.ArgReduce) n.attr();
        TensorType it = n.input(0).type(), t = n.type();
        int out = g.buffer(plan.slot(n), DType.I32), in = g.buffer(plan.slot(n.input(0)), it.dtype());
        int[] outStrides = new int[t.rank()];
        for (int d = 0; d < t.rank(); d++) outStrides[d] = Shapes.stride(it, t.axes().get(d).name());
        MethodGen.Nest outer = MethodGen.Nest.of(Shapes.sizes(t), new int[][] {Shapes.strides(t), outStrides});
        int size = it.axis(r.axis()).size();
        MethodGen.Nest inner = new MethodGen.Nest(new int[] {size}, new int[][] {{Shapes.stride(it, r.axis())}});
        MethodVisitor mv = g.mv;
        int zero = g.intLocal(0);
        boolean max = switch (r.fn()) {
            case ARGMAX -> true;
            case ARGMIN -> false;
            case SUM, MEAN, MAX, MIN, PROD, ANY, ALL -> throw new IllegalStateException("not an arg_reduce: " + r.fn());
        };
        g.nest(outer, new int[] {zero, zero}, (idx, c) -> {
            int ib = g.local(1), best = g.local(2), v = g.local(2), bi = g.local(1);
            idx.push(1);
            mv.visitVarInsn(ISTORE, ib);
            g.dconst(0);
            mv.visitVarInsn(DSTORE, best);
            g.iconst(0);
            mv.visitVarInsn(ISTORE, bi);
            g.nest(inner, new int[] {ib}, (j, counter) -> {
                Label take = new Label(), skip = new Label();
                mv.visitVarInsn(ALOAD, in);
                j.push(0);
                g.toD(g.aload(it.dtype()));
                mv.visitVarInsn(DSTORE, v);
                mv.visitVarInsn(ILOAD, counter);
                mv.visitJumpInsn(IFEQ, take);
                mv.visitVarInsn(DLOAD, best);
                mv.visitVarInsn(DLOAD, v);
                g.iconst(max ? 1 : 0);
                g.rt("argBetter", "(DDZ)Z");
                mv.visitJumpInsn(IFEQ, skip);
                mv.visitLabel(take);
                mv.visitVarInsn(DLOAD, v);
                mv.visitVarInsn(DSTORE, best);
                mv.visitVarInsn(ILOAD, counter);
                mv.visitVarInsn(ISTORE, bi);
                mv.visitLabel(skip);
            });
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            mv.visitVarInsn(ILOAD, bi);
            mv.visitInsn(IASTORE);
        });
    }

    private void gather(MethodGen g, Node n) {
        String axis = ((Attr.AxisRef) n.attr()).axis();
        TensorType tt = n.input(0).type(), it = n.input(1).type(), t = n.type();
        int out = g.buffer(plan.slot(n), t.dtype());
        int table = g.buffer(plan.slot(n.input(0)), tt.dtype());
        int idx = g.buffer(plan.slot(n.input(1)), DType.I32);
        int[] ts = new int[t.rank()];
        for (int d = 0; d < t.rank(); d++) {
            String a = t.axes().get(d).name();
            // the table's own axes (batch axes shared with the indices included) step through it; the gathered axis
            // comes from the index and the indices' other axes do not move in the table
            ts[d] = a.equals(axis) || !tt.hasAxis(a) ? 0 : Shapes.stride(tt, a);
        }
        int len = tt.axis(axis).size(), sv = Shapes.stride(tt, axis);
        MethodGen.Nest nest = MethodGen.Nest.of(Shapes.sizes(t), new int[][] {Shapes.strides(t), Shapes.broadcastStrides(it, t), ts});
        int zero = g.intLocal(0);
        MethodVisitor mv = g.mv;
        g.nest(nest, new int[] {zero, zero, zero}, (ix, c) -> {
            mv.visitVarInsn(ALOAD, out);
            ix.push(0);
            mv.visitVarInsn(ALOAD, table);
            ix.push(2);
            mv.visitVarInsn(ALOAD, idx);
            ix.push(1);
            mv.visitInsn(IALOAD);
            g.iconst(len);
            mv.visitLdcInsn(axis);
            g.rt("checkIndex", "(IILjava/lang/String;)I");
            g.iconst(sv);
            mv.visitInsn(IMUL);
            mv.visitInsn(IADD);
            g.aload(tt.dtype());
            g.astore(t.dtype());
        });
    }

    /**
     * SYNAPSES: ncd.runtime.Synapses, the interpreter's own code: the plan (rule, sizes, storage, order) as a string;
     * a list of pairs travels as two int buffers of its own (as index maps do), which the plan's digest checks.
     */
    private List<Consumer<MethodGen>> synapses(Node n) {
        TensorType xt = n.input(0).type();
        ncd.runtime.Synapses.Plan sp = ncd.runtime.Synapses.plan((Attr.Synapses) n.attr(), n.scope(), xt.dtype(), xt.axes().get(0).size());
        int[] lists = sp.data() instanceof ncd.ir.SynapseData.Pairs pairs ? new int[] {plan.addBuffer(pairs.pre()), plan.addBuffer(pairs.post())} : null;
        return List.of(g -> {
            g.mv.visitVarInsn(ALOAD, g.buffer(plan.slot(n.input(0)), xt.dtype()));
            g.mv.visitVarInsn(ALOAD, g.buffer(plan.slot(n), n.type().dtype()));
            g.mv.visitLdcInsn(sp.encode());
            String desc = "(" + MethodGen.arrayDesc(xt.dtype()) + MethodGen.arrayDesc(n.type().dtype()) + "Ljava/lang/String;";
            if (lists == null) {
                g.rt("synapses", desc + ")V");
                return;
            }
            g.mv.visitVarInsn(ALOAD, g.buffer(lists[0], DType.I32));
            g.mv.visitVarInsn(ALOAD, g.buffer(lists[1], DType.I32));
            g.rt("synapses", desc + "[I[I)V");
        });
    }

    private List<Consumer<MethodGen>> moves(Node n) {
        List<Piece> pieces = Moves.pieces(n);
        TensorType t = n.type();
        if (pieces == null) {
            int map = plan.addBuffer(Moves.indexMap((Attr.Window) n.attr(), t, n.input(0).type()));
            return List.of(g -> indexMapped(g, n, map));
        }
        List<Consumer<MethodGen>> parts = new ArrayList<>();
        for (Piece p : pieces) parts.add(g -> piece(g, n, p));
        return parts;
    }

    private void piece(MethodGen g, Node n, Piece p) {
        DType d = n.type().dtype();
        MethodVisitor mv = g.mv;
        int out = g.buffer(plan.slot(n), d);
        MethodGen.Nest nest = p.nest();
        int ob = g.intLocal(p.outBase);
        if (p.input < 0) {
            g.nest(nest, new int[] {ob}, (idx, c) -> {
                mv.visitVarInsn(ALOAD, out);
                idx.push(0);
                g.constant(d, p.fill);
                g.astore(d);
            });
            return;
        }
        int in = g.buffer(plan.slot(n.input(p.input)), d);
        int ib = g.intLocal(p.inBase);
        g.nest(nest, new int[] {ob, ib}, (idx, c) -> {
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            mv.visitVarInsn(ALOAD, in);
            idx.push(1);
            g.aload(d);
            g.astore(d);
        });
    }

    private void indexMapped(MethodGen g, Node n, int mapSlot) {
        DType d = n.type().dtype();
        MethodVisitor mv = g.mv;
        int out = g.buffer(plan.slot(n), d), in = g.buffer(plan.slot(n.input(0)), d), map = g.buffer(mapSlot, DType.I32);
        int m = g.local(1), zero = g.intLocal(0);
        int total = n.type().arrayLength();
        g.nest(MethodGen.Nest.of(new int[] {total}, new int[][] {{1}, {1}}), new int[] {zero, zero}, (idx, c) -> {
            Label fill = new Label(), done = new Label();
            mv.visitVarInsn(ALOAD, map);
            idx.push(1);
            mv.visitInsn(IALOAD);
            mv.visitVarInsn(ISTORE, m);
            mv.visitVarInsn(ILOAD, m);
            mv.visitJumpInsn(IFLT, fill);
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            mv.visitVarInsn(ALOAD, in);
            mv.visitVarInsn(ILOAD, m);
            g.aload(d);
            g.astore(d);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(fill);
            mv.visitVarInsn(ALOAD, out);
            idx.push(0);
            g.constant(d, 0);
            g.astore(d);
            mv.visitLabel(done);
        });
    }
}
