package ncd.jvm;

import ncd.ir.DType;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.*;

/**
 * Emits one method's code: locals, constants, typed array access, and loop nests specialised on constant sizes and
 * strides. Locals are never reused (C2 does its own register allocation).
 */
final class MethodGen {
    static final String KERNEL = "ncd/jvm/Kernel";
    static final String RT = "ncd/jvm/Rt";

    /** How a value sits on the operand stack: int (also bool as 0/1), float or double. */
    enum Kind { I, F, D }

    /** Pushes the element index of operand {@code op} at the current point of a loop nest. */
    interface Index { void push(int op); }

    /** The body of a loop nest; {@code counter} is the innermost loop's counter local (-1 for a rank-0 nest). */
    interface Body { void emit(Index idx, int counter); }

    final MethodVisitor mv;
    private int next;
    private int bufs = -1;

    MethodGen(MethodVisitor mv, int firstLocal) {
        this.mv = mv;
        this.next = firstLocal;
    }

    int local(int size) {
        int l = next;
        next += size;
        return l;
    }

    /** An int local holding {@code v}. */
    int intLocal(int v) {
        int l = local(1);
        iconst(v);
        mv.visitVarInsn(ISTORE, l);
        return l;
    }

    void iconst(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }

    void lconst(long v) {
        if (v == 0 || v == 1) mv.visitInsn(LCONST_0 + (int) v);
        else mv.visitLdcInsn(v);
    }

    void fconst(float v) {
        if (Float.floatToRawIntBits(v) == 0) mv.visitInsn(FCONST_0);
        else if (v == 1f) mv.visitInsn(FCONST_1);
        else if (v == 2f) mv.visitInsn(FCONST_2);
        else mv.visitLdcInsn(v);
    }

    void dconst(double v) {
        if (Double.doubleToRawLongBits(v) == 0) mv.visitInsn(DCONST_0);
        else if (v == 1.0) mv.visitInsn(DCONST_1);
        else mv.visitLdcInsn(v);
    }

    /** Pushes a constant of the dtype, converted from a double as the interpreter rounds it. */
    Kind constant(DType d, double v) {
        switch (d) {
            case F32 -> { fconst((float) v); return Kind.F; }
            case F64 -> { dconst(v); return Kind.D; }
            case I32 -> { iconst(Rt.toI32(v)); return Kind.I; }
            case BOOL -> { iconst(v != 0 ? 1 : 0); return Kind.I; }
        }
        throw new AssertionError(d);
    }

    /** A local holding the buffer in {@code slot}, cast to its array type. */
    int buffer(int slot, DType d) {
        if (bufs < 0) {
            bufs = local(1);
            mv.visitVarInsn(ALOAD, 0);
            mv.visitFieldInsn(GETFIELD, KERNEL, "b", "[Ljava/lang/Object;");
            mv.visitVarInsn(ASTORE, bufs);
        }
        int l = local(1);
        mv.visitVarInsn(ALOAD, bufs);
        iconst(slot);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, arrayDesc(d));
        mv.visitVarInsn(ASTORE, l);
        return l;
    }

    /** A long local holding {@code this.t}. */
    int stepLocal() {
        int l = local(2);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, KERNEL, "t", "J");
        mv.visitVarInsn(LSTORE, l);
        return l;
    }

    static String arrayDesc(DType d) {
        return switch (d) { case F32 -> "[F"; case F64 -> "[D"; case I32 -> "[I"; case BOOL -> "[Z"; };
    }

    static Kind kindOf(DType d) {
        return switch (d) { case F32 -> Kind.F; case F64 -> Kind.D; case I32, BOOL -> Kind.I; };
    }

    static String desc(Kind k) {
        return switch (k) { case I -> "I"; case F -> "F"; case D -> "D"; };
    }

    /** Loads an element: expects array and index on the stack. */
    Kind aload(DType d) {
        mv.visitInsn(switch (d) { case F32 -> FALOAD; case F64 -> DALOAD; case I32 -> IALOAD; case BOOL -> BALOAD; });
        return kindOf(d);
    }

    void astore(DType d) {
        mv.visitInsn(switch (d) { case F32 -> FASTORE; case F64 -> DASTORE; case I32 -> IASTORE; case BOOL -> BASTORE; });
    }

    /** Converts the value on the stack to a double. */
    void toD(Kind k) {
        switch (k) {
            case I -> mv.visitInsn(I2D);
            case F -> mv.visitInsn(F2D);
            case D -> { }
        }
    }

    /**
     * Converts an op's result to what a buffer of dtype {@code d} stores, as the interpreter rounds: f32 rounds to
     * nearest, an i32 result computed in double wraps or saturates ({@link Rt#toI32}), bool results are already 0/1.
     */
    void toStore(Kind k, DType d) {
        switch (d) {
            case F32 -> { if (k == Kind.D) mv.visitInsn(D2F); else if (k == Kind.I) mv.visitInsn(I2F); }
            case F64 -> toD(k);
            case I32 -> {
                if (k == Kind.F) mv.visitInsn(F2D);
                if (k != Kind.I) rt("toI32", "(D)I");
            }
            case BOOL -> {
                if (k != Kind.I) throw new IllegalStateException("a bool result computed as " + k);
            }
        }
    }

    void rt(String name, String desc) { mv.visitMethodInsn(INVOKESTATIC, RT, name, desc, false); }

    void math(String name, String desc) { mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", name, desc, false); }

    // ------------------------------------------------------------------------------------------------ loop nests

    /** A loop nest: sizes per dimension (outermost first) and, per operand, a stride per dimension. */
    record Nest(int[] sizes, int[][] strides) {
        /**
         * The same iteration space with size-1 dimensions dropped and adjacent dimensions merged where every operand
         * walks them contiguously (stride of the outer = stride of the inner * size of the inner).
         */
        static Nest of(int[] sizes, int[][] strides) {
            int ops = strides.length;
            java.util.ArrayList<Integer> keep = new java.util.ArrayList<>();
            for (int d = 0; d < sizes.length; d++) if (sizes[d] != 1) keep.add(d);
            // build from the innermost dimension outwards
            java.util.ArrayList<int[]> dims = new java.util.ArrayList<>(); // {size, strides...}
            for (int i = keep.size() - 1; i >= 0; i--) {
                int d = keep.get(i);
                if (!dims.isEmpty()) {
                    int[] inner = dims.get(dims.size() - 1);
                    boolean merge = true;
                    for (int op = 0; op < ops && merge; op++) {
                        merge = (long) strides[op][d] == (long) inner[1 + op] * inner[0];
                    }
                    if (merge) {
                        inner[0] *= sizes[d];
                        continue;
                    }
                }
                int[] dim = new int[1 + ops];
                dim[0] = sizes[d];
                for (int op = 0; op < ops; op++) dim[1 + op] = strides[op][d];
                dims.add(dim);
            }
            int rank = dims.size();
            int[] s = new int[rank];
            int[][] st = new int[ops][rank];
            for (int i = 0; i < rank; i++) {
                int[] dim = dims.get(rank - 1 - i);
                s[i] = dim[0];
                for (int op = 0; op < ops; op++) st[op][i] = dim[1 + op];
            }
            return new Nest(s, st);
        }

        int rank() { return sizes.length; }
    }

    /**
     * Emits {@code nest}: operand {@code op} starts at the int in local {@code base[op]}. Outer loops advance one
     * offset local per operand; the innermost loop indexes {@code base + i * stride} with a single counter, the form
     * C2 unrolls and vectorises best.
     */
    void nest(Nest nest, int[] base, Body body) {
        if (nest.rank() == 0) {
            body.emit(op -> mv.visitVarInsn(ILOAD, base[op]), -1);
            return;
        }
        level(nest, 0, base, body, null, 1);
    }

    /**
     * Like {@link #nest}, but the innermost loop first runs {@code vector} every {@code lanes} elements (the index it
     * sees is the first of the lanes) while {@code lanes} more fit, then {@code body} for the remaining elements.
     */
    void vectorNest(Nest nest, int[] base, int lanes, Body vector, Body body) {
        if (nest.rank() == 0) throw new IllegalArgumentException("a vector loop needs a dimension");
        level(nest, 0, base, body, vector, lanes);
    }

    /**
     * The index of operand {@code op} at counter {@code i} of dimension {@code d}: {@code cur[op] + i * strides[op][d]}
     * (the counter is left out where the operand does not move along {@code d}).
     */
    Index stepped(int[] cur, int[][] strides, int d, int i) {
        return op -> {
            mv.visitVarInsn(ILOAD, cur[op]);
            int s = strides[op][d];
            if (s != 0) {
                mv.visitVarInsn(ILOAD, i);
                if (s != 1) {
                    iconst(s);
                    mv.visitInsn(IMUL);
                }
                mv.visitInsn(IADD);
            }
        };
    }

    private void level(Nest nest, int d, int[] cur, Body body, Body vector, int lanes) {
        int ops = cur.length;
        Label top = new Label(), test = new Label();
        if (d == nest.rank() - 1) {
            int i = intLocal(0), n = nest.sizes()[d];
            if (vector != null && n >= lanes) {
                Label vtop = new Label(), vtest = new Label();
                mv.visitJumpInsn(GOTO, vtest);
                mv.visitLabel(vtop);
                vector.emit(stepped(cur, nest.strides(), d, i), i);
                mv.visitIincInsn(i, lanes);
                mv.visitLabel(vtest);
                mv.visitVarInsn(ILOAD, i);
                iconst(n - lanes);
                mv.visitJumpInsn(IF_ICMPLE, vtop);
                if (n % lanes == 0) return;
            }
            mv.visitJumpInsn(GOTO, test);
            mv.visitLabel(top);
            body.emit(stepped(cur, nest.strides(), d, i), i);
            mv.visitIincInsn(i, 1);
            mv.visitLabel(test);
            mv.visitVarInsn(ILOAD, i);
            iconst(n);
            mv.visitJumpInsn(IF_ICMPLT, top);
            return;
        }
        int[] nl = new int[ops];
        for (int op = 0; op < ops; op++) {
            nl[op] = local(1);
            mv.visitVarInsn(ILOAD, cur[op]);
            mv.visitVarInsn(ISTORE, nl[op]);
        }
        int c = intLocal(0);
        mv.visitJumpInsn(GOTO, test);
        mv.visitLabel(top);
        level(nest, d + 1, nl, body, vector, lanes);
        for (int op = 0; op < ops; op++) {
            int s = nest.strides()[op][d];
            if (s == 0) continue;
            if (s >= Short.MIN_VALUE && s <= Short.MAX_VALUE) {
                mv.visitIincInsn(nl[op], s);
            } else {
                mv.visitVarInsn(ILOAD, nl[op]);
                iconst(s);
                mv.visitInsn(IADD);
                mv.visitVarInsn(ISTORE, nl[op]);
            }
        }
        mv.visitIincInsn(c, 1);
        mv.visitLabel(test);
        mv.visitVarInsn(ILOAD, c);
        iconst(nest.sizes()[d]);
        mv.visitJumpInsn(IF_ICMPLT, top);
    }
}
