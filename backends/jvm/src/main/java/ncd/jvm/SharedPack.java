package ncd.jvm;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The packed blocks of the operand that both threads of a two-thread product read ({@link Parallel}): A when C is
 * cut into column chunks (every chunk multiplies all of A), B when into row chunks. Each block is packed once, by
 * the first thread that needs it, into one buffer that the other reads; before, every chunk packed the whole shared
 * operand again (8 chunks of a 256^3 product packed A 8 times: about as many copies as the product has vector
 * multiply-adds).
 *
 * <p>Nobody waits: a thread that finds a block being packed by the other (which the scheduler may have stopped on
 * this shared machine) packs its own private copy instead, as before. A block's state goes from free to being packed
 * (claimed with a compare-and-set) to packed (a volatile write after the packing, so a reader that sees it packed sees
 * the packed values). The caller resets the states, holding {@link Parallel}'s lock, before it publishes the product.
 */
final class SharedPack {
    /** What {@link #claim} found: pack the block into {@link #buf} (then call {@link #packed}), read it there, or pack a private copy. */
    static final int MINE = 1, PACKED = 2, BUSY = 3;
    /** The most floats the buffer may hold (32 MB); larger products pack per chunk, as before. */
    static final long MAX_FLOATS = Long.getLong("ncd.jvm.sharedPackFloats", 1L << 23);

    float[] buf = new float[0];
    private AtomicIntegerArray states = new AtomicIntegerArray(0);
    /** Whether the blocks are A's (else B's), and the floats reserved per block. */
    boolean ofA;
    int blockLen;

    /** Makes room for {@code slots} free blocks of {@code blockLen} floats; false (nothing shared) if too many. */
    boolean reset(boolean ofA, int slots, int blockLen) {
        long size = (long) slots * blockLen;
        if (size > MAX_FLOATS || slots <= 0) return false;
        if (buf.length < size) buf = new float[(int) size];
        if (states.length() < slots) states = new AtomicIntegerArray(slots);
        else for (int i = 0; i < slots; i++) states.set(i, 0);
        this.ofA = ofA;
        this.blockLen = blockLen;
        return true;
    }

    int claim(int slot) {
        int s = states.get(slot);
        if (s == PACKED) return PACKED;
        return s == 0 && states.compareAndSet(slot, 0, MINE) ? MINE : BUSY;
    }

    void packed(int slot) { states.set(slot, PACKED); }
}
