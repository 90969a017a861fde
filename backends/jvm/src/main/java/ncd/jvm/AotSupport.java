package ncd.jvm;

/**
 * What {@link ncd.aot.Circuit} needs from this package at run time, in an ahead-of-time jar: the generated class
 * instantiated, the step counter set (package-private in {@link Kernel}), and which Vector API byte width (if any)
 * this JVM runs. Part of the jar's runtime; nothing here generates code.
 */
public final class AotSupport {
    private AotSupport() {}

    /** An instance of the generated class {@code className} (in this package, from this class's loader) over {@code buffers}. */
    public static Kernel instantiate(String className, Object[] buffers) throws ReflectiveOperationException {
        Class<?> c = Class.forName(className, true, AotSupport.class.getClassLoader());
        return (Kernel) c.getConstructor(Object[].class).newInstance((Object) buffers);
    }

    /**
     * Puts every state at its initial value and the step counter at 0, as {@link JvmExecutable#reset} does:
     * {@code init()} runs with {@code t = -1} (it computes the initial values and the hoisted nodes), then each
     * initial value is copied into its state's slot.
     */
    public static void reset(Kernel k, int[] stateSlots, int[] initSlots, int[] lengths) {
        k.setT(-1);
        k.init();
        for (int i = 0; i < stateSlots.length; i++) System.arraycopy(k.buffer(initSlots[i]), 0, k.buffer(stateSlots[i]), 0, lengths[i]);
        k.written(-1);   // states kept bit-packed across steps are packed again from their initial values
        k.setT(0);
    }

    /**
     * Recomputes what {@code init()} computes (the hoisted nodes, which read parameters) after a parameter was set,
     * leaving the state and the step counter as they are.
     */
    public static void prepare(Kernel k) {
        long t = k.t();
        k.setT(-1);
        k.init();
        k.setT(t);
    }

    /**
     * The byte-lane count of this JVM's preferred Vector API species when generated code may use the Vector API
     * (the module is in the boot layer and {@code -Dncd.jvm.vector=false} is not set), else 0. A class generated
     * with vector loops steps by the lane count of the machine that generated it, so it may run only where the
     * count is the same.
     */
    public static int vectorLanes() { return Gemm.vectorized() ? Vec.LANES : 0; }

    /** Whether matrix products use the Vector API kernel here. */
    public static boolean vectorized() { return Gemm.vectorized(); }
}
