package ncd.jvm;

/**
 * The superclass of every generated circuit class. A generated class (one per compiled graph, defined as a hidden
 * class in this package) has one private method per node, each a loop nest specialised on the node's sizes over the
 * preallocated arrays in {@link #b}, and implements:
 *
 * <ul>
 *   <li>{@link #step()}: evaluates every node that the outputs and the states' next values need, in graph order;
 *   <li>{@link #advance()}: makes each state's next value its current value (by swapping array references where it
 *       can, by copying otherwise) and increments {@link #t};
 *   <li>{@link #init()}: evaluates the nodes that the states' initial values need (with {@code t = -1});
 *   <li>{@link #run(long)}: {@code n} times {@code step(); advance();} in one generated loop;
 *   <li>where a bool state is kept bit-packed from step to step ({@link FusedBits}), {@link #unpack(int)} and
 *       {@link #written(int)}, which keep its bool buffer and its packed words in agreement for readers and writers
 *       outside the generated code.
 * </ul>
 *
 * None of these allocates: steady-state steps allocate nothing.
 */
public abstract class Kernel {
    /** The buffers, by slot: {@code float[]}, {@code double[]}, {@code int[]} or {@code boolean[]}. */
    protected final Object[] b;
    /** The step number: the random sources' stream (-1 while the state is initialised). */
    protected long t;
    /** With profiling on ({@link JvmOptions#profile()}): nanoseconds spent in each node of {@code step()}, by position. */
    protected long[] prof = new long[0];

    protected Kernel(Object[] buffers) { this.b = buffers; }

    /** Evaluates the nodes the outputs and the next values need. */
    public abstract void step();

    /** Makes each state's next value current; {@code t++}. */
    public abstract void advance();

    /** Evaluates the nodes the states' initial values need. */
    public abstract void init();

    /** {@code n} steps without returning: {@code step(); advance();} n times. */
    public abstract void run(long n);

    /**
     * Makes the bool buffer of the state in slot {@code slot} (every state's: -1) hold the state's value before it is
     * read from outside the generated code (a state, an output, a checkpoint). A state kept bit-packed across steps
     * ({@link FusedBits}) is unpacked there when its buffer is stale; for any other slot this does nothing.
     */
    public void unpack(int slot) {}

    /**
     * Says that the bool buffer of the state in slot {@code slot} (every state's: -1) was written from outside the
     * generated code (reset, a state set): the next step packs it again instead of stepping on stale packed words.
     */
    public void written(int slot) {}

    /** The buffer in slot {@code i}; slots move between steps when states swap buffers. */
    public final Object buffer(int i) { return b[i]; }

    public final long t() { return t; }

    final void setT(long v) { t = v; }
}
