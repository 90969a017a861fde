package ncd.jvm;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.*;

/**
 * The generated class's side of the bool states kept bit-packed across steps ({@link Plan#packedStates},
 * {@link FusedBits}): the overrides of {@link Kernel#unpack(int)} and {@link Kernel#written(int)} that keep a state's
 * bool buffer and its packed words in agreement for readers and writers outside the generated code, and their part
 * of {@code advance()}.
 */
final class PackedStates {
    private PackedStates() {}

    /**
     * In {@code advance()} (the buffers in local {@code b}, a scratch local {@code tmp}): the packed words advance as
     * the bool slots do, and the state's bool buffer (its next value's, never written) is stale until read.
     */
    static void advance(MethodGen g, int b, int tmp, Plan plan) {
        MethodVisitor mv = g.mv;
        for (Plan.PackedState p : plan.packedStates) {
            ClassGen.swap(g, b, tmp, p.packed(), p.next());
            mv.visitVarInsn(ALOAD, b);
            g.iconst(p.flags());
            mv.visitInsn(AALOAD);
            mv.visitTypeInsn(CHECKCAST, "[Z");
            g.iconst(Bits.BOOLS);
            mv.visitInsn(ICONST_0);
            mv.visitInsn(BASTORE);
        }
    }

    /**
     * {@link Kernel#unpack(int)} and {@link Kernel#written(int)} for the states kept bit-packed across steps: for each
     * one whose bool slot is the argument (or for all: -1), a call of {@link Bits#unpackState} or {@link Bits#written}.
     */
    static void methods(ClassWriter cw, Plan plan) {
        if (plan.packedStates.isEmpty()) return;
        for (boolean unpack : new boolean[] {true, false}) {
            MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, unpack ? "unpack" : "written", "(I)V", null, null);
            mv.visitCode();
            MethodGen g = new MethodGen(mv, 2);
            for (Plan.PackedState p : plan.packedStates) {
                Label run = new Label(), skip = new Label();
                mv.visitVarInsn(ILOAD, 1);
                g.iconst(p.state());
                mv.visitJumpInsn(IF_ICMPEQ, run);
                mv.visitVarInsn(ILOAD, 1);
                mv.visitInsn(ICONST_M1);
                mv.visitJumpInsn(IF_ICMPNE, skip);
                mv.visitLabel(run);
                if (unpack) {
                    slot(mv, g, p.packed(), "[J");
                    slot(mv, g, p.state(), "[Z");
                    slot(mv, g, p.flags(), "[Z");
                    g.iconst(p.rows());
                    g.iconst(p.n());
                    g.iconst(p.halo());
                    mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bits", "unpackState", "([J[Z[ZIII)V", false);
                } else {
                    slot(mv, g, p.flags(), "[Z");
                    mv.visitMethodInsn(INVOKESTATIC, "ncd/jvm/Bits", "written", "([Z)V", false);
                }
                mv.visitLabel(skip);
            }
            mv.visitInsn(RETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
    }

    /** Pushes the array in slot {@code slot}, cast to {@code desc} (no local: the code around it branches). */
    private static void slot(MethodVisitor mv, MethodGen g, int slot, String desc) {
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, MethodGen.KERNEL, "b", "[Ljava/lang/Object;");
        g.iconst(slot);
        mv.visitInsn(AALOAD);
        mv.visitTypeInsn(CHECKCAST, desc);
    }
}
