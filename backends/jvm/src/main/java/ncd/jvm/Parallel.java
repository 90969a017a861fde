package ncd.jvm;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two-thread matrix products: C is cut into a few chunks (at tile boundaries, into columns when A is the smaller
 * operand, else into rows: the operand every chunk reads is packed once into {@link SharedPack}, block by block, but
 * a thread that would wait for the other packs its own copy), and the calling
 * thread and one persistent daemon worker take chunks from a shared counter until none is left. On this shared
 * two-vCPU machine the worker is sometimes not scheduled for milliseconds; then the calling thread simply takes
 * every chunk itself, so a product is never much slower than on one thread (a fixed half-and-half split was: the
 * caller waited for a worker that did not run).
 *
 * <p>The hand-off allocates nothing: the task is a set of fields published by a volatile sequence number; the
 * worker parks between tasks (after spinning briefly, so that back-to-back products in one step do not pay a
 * wake-up each). If another thread is already using the worker, the product runs on the calling thread alone.
 *
 * <p>A chunk is claimed from one atomic ticket that holds both the chunk count and the next chunk, and a thread
 * reads the task's fields only after its claim succeeded. A successful claim means the product is still the
 * current one, and its fields cannot change before the chunk is counted finished, since the caller writes the next
 * product's fields only after every chunk of this one is. (A separate counter compared with the chunks field was
 * racy: a worker leaving the previous product's loop could compare its stale count with the next product's larger
 * chunk count while the caller was writing that product's fields, and compute a chunk from a mix of the two
 * products, or from the nulled operands of the finished one. ncdc train on examples/lifegpt.ncd failed with
 * "matrix product on the worker thread failed" after a few thousand steps, and runs from one seed differed.)
 */
final class Parallel {
    private Parallel() {}

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Worker WORKER = new Worker();
    private static final int CHUNKS = 8;
    /**
     * The most chunks of one product, each of at least {@link Gemm#PARALLEL_MIN_MACS} multiply-adds. More, smaller
     * chunks shorten the wait at the end when the other thread was descheduled holding a chunk (with load 18 on this
     * 2-vCPU VM, 2 threads took 103 ms for 1024^3 with 8 chunks against 74 ms on one); since the shared operand is
     * packed once ({@link SharedPack}), a chunk no longer repacks it, so small chunks cost little.
     */
    private static final int MAX_CHUNKS = 32;

    static void sgemm(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB,
                      float[] c, int cOff) {
        int tileM = Gemm.vectorized() ? VectorGemm.MR : 1, tileN = Gemm.vectorized() ? VectorGemm.NR : 1;
        // every chunk packs its own copy of the operand that it shares with the other chunks (A when C is cut into
        // columns, B when into rows): cut so that the smaller one is repacked, A (m x k) or B (k x n)
        boolean byCols = m <= n ? n / tileN >= 2 : m / tileM < 2;
        int tiles = byCols ? (n + tileN - 1) / tileN : (m + tileM - 1) / tileM;
        int chunks = (int) Math.min(Math.min(MAX_CHUNKS, tiles), Math.max(CHUNKS, (long) m * n * k / Gemm.PARALLEL_MIN_MACS));
        if (chunks < 2 || !LOCK.tryLock()) {
            Gemm.range(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, 0, m, 0, n);
            return;
        }
        try {
            Worker w = WORKER;
            w.operands(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff);
            w.byCols = byCols;
            // the operand every chunk reads is packed once, block by block, by whichever thread needs a block first
            w.shared = Gemm.vectorized() && VectorGemm.prepareShared(w.pack, byCols, m, n, k) ? w.pack : null;
            w.tiles = tiles;
            w.tile = byCols ? tileN : tileM;
            w.batch = 0;
            run(w, chunks);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * A batch of products, each too small to split (attention's per-head products, 64 x 64 x 32): the threads take
     * whole products, a few at a time. Cutting each small product into chunks instead paid a hand-off per product
     * (128 per contraction) for a few microseconds of work each.
     */
    static void sgemmBatch(int batch, int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff,
                           boolean transB, float[] c, int cOff) {
        int chunks = Math.min(CHUNKS, batch);
        if (chunks < 2 || !LOCK.tryLock()) {
            for (int i = 0; i < batch; i++) {
                Gemm.range(m, n, k, a, aOff + i * m * k, transA, b, bOff + i * k * n, transB, c, cOff + i * m * n, 0, m, 0, n);
            }
            return;
        }
        try {
            Worker w = WORKER;
            w.operands(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff);
            w.batch = batch;
            run(w, chunks);
        } finally {
            LOCK.unlock();
        }
    }

    /** Publishes the task in {@code w}'s fields (set by the caller, which holds the lock) and works on it until done. */
    private static void run(Worker w, int chunks) {
        // finished before the ticket: a worker may take a chunk of this product as soon as the ticket is set,
        // and its count must not be wiped out by a later reset (the caller then waited forever)
        w.finished.set(0);
        w.ticket.set((long) chunks << 32);
        long seq = w.seq + 1;
        w.seq = seq;
        LockSupport.unpark(w.thread);
        w.work();
        int spins = 0;
        while (w.finished.get() != chunks) {
            if (++spins < 1 << 14) Thread.onSpinWait(); else Thread.yield();
        }
        w.a = null; w.b = null; w.c = null;
        Throwable err = w.error;
        if (err != null) {
            w.error = null;
            throw new IllegalStateException("matrix product on the worker thread failed", err);
        }
    }

    private static final class Worker implements Runnable {
        final Thread thread;
        /** The current product's chunk count (high 32 bits) and its next unclaimed chunk (low 32 bits). */
        final AtomicLong ticket = new AtomicLong();
        final AtomicInteger finished = new AtomicInteger();
        volatile long seq;
        volatile Throwable error;
        /** Above 0, a batch of products of that many, chunked by whole products ({@link #sgemmBatch}). */
        int m, n, k, aOff, bOff, cOff, tiles, tile, batch;
        float[] a, b, c;
        boolean transA, transB, byCols;
        /** The shared packed blocks of this product ({@link #pack}), or null. */
        SharedPack shared;
        final SharedPack pack = new SharedPack();

        /** The product (or each product of a batch) the task is about; the caller holds the lock. */
        void operands(int m, int n, int k, float[] a, int aOff, boolean transA, float[] b, int bOff, boolean transB, float[] c, int cOff) {
            this.m = m; this.n = n; this.k = k; this.a = a; this.aOff = aOff; this.transA = transA; this.b = b; this.bOff = bOff;
            this.transB = transB; this.c = c; this.cOff = cOff;
        }

        Worker() {
            thread = new Thread(this, "ncd-gemm-worker");
            thread.setDaemon(true);
            thread.start();
        }

        /** Takes chunks until none is left (run by both threads). */
        void work() {
            while (true) {
                long t = ticket.get();
                int i = (int) t, chunks = (int) (t >>> 32);
                if (i >= chunks) return;
                if (!ticket.compareAndSet(t, t + 1)) continue;
                // claimed: the fields are this product's until the chunk is counted in finished
                if (batch > 0) {
                    try {
                        for (int p = (int) ((long) batch * i / chunks), end = (int) ((long) batch * (i + 1) / chunks); p < end; p++) {
                            Gemm.range(m, n, k, a, aOff + p * m * k, transA, b, bOff + p * k * n, transB, c, cOff + p * m * n, 0, m, 0, n);
                        }
                    } catch (Throwable e) {
                        error = e;
                    } finally {
                        finished.incrementAndGet();
                    }
                    continue;
                }
                int lo = (int) ((long) tiles * i / chunks) * tile, hi = Math.min((int) ((long) tiles * (i + 1) / chunks) * tile, byCols ? n : m);
                try {
                    if (byCols) Gemm.range(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, 0, m, lo, hi, shared);
                    else Gemm.range(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff, lo, hi, 0, n, shared);
                } catch (Throwable e) {
                    error = e;
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        @Override public void run() {
            long seen = 0;
            while (true) {
                int spins = 0;
                while (seq == seen) {
                    if (++spins < 20_000) Thread.onSpinWait(); else LockSupport.park(this);
                }
                seen = seq;
                work();
            }
        }
    }
}
