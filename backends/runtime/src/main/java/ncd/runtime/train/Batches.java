package ncd.runtime.train;

import ncd.runtime.Rng;

import java.util.ArrayList;
import java.util.List;

/**
 * Shuffled minibatches whose order is a pure function of {@code (seed, epoch)}: training resumed at epoch e, batch
 * b draws exactly the samples an uninterrupted run would have, with no generator state to save.
 *
 * <p>The order of epoch {@code e} is a Fisher–Yates shuffle of {@code 0..n-1} drawn from the counter-based
 * {@link Rng} (documented there bit for bit, so another implementation can reproduce it):
 *
 * <pre>{@code
 * key = Rng.seedOf("ncd.train.shuffle", seed)     // apart from the circuit's own random sources
 * p = [0, 1, ..., n-1]
 * for i = n-1 down to 1:
 *     j = floor(Rng.uniform(key, e, i) * (i + 1))  // stream = the epoch, index = i
 *     swap p[i], p[j]
 * }</pre>
 *
 * Batch {@code b} of the epoch is {@code p[b*size .. (b+1)*size)}. The bias of {@code floor(u * (i+1))} with
 * {@code u} a multiple of 2<sup>-53</sup> is below {@code n / 2^53}, nothing a training run can see.
 * With {@code dropLast} an epoch ends before a short last batch (every step then has the same batch size, which a
 * compiled circuit's fixed batch axis needs); without it the last batch holds what is left.
 */
public final class Batches {
    private final int samples;
    private final int batchSize;
    private final long key;
    private final boolean dropLast;
    /** The last epoch's permutation: a trainer asks for the batches of one epoch in turn. */
    private volatile Epoch cached;

    private record Epoch(long epoch, int[] order) {}

    /**
     * @throws IllegalArgumentException when {@code samples} or {@code batchSize} is below 1, or when
     *     {@code dropLast} leaves no batch ({@code batchSize > samples})
     */
    public Batches(int samples, int batchSize, long seed, boolean dropLast) {
        if (samples < 1) throw new IllegalArgumentException("no samples to batch");
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + " is below 1");
        if (dropLast && batchSize > samples) {
            throw new IllegalArgumentException("batch size " + batchSize + " is more than the " + samples
                    + " samples, so a full batch is never drawn; use a batch size of at most " + samples);
        }
        this.samples = samples;
        this.batchSize = batchSize;
        this.key = Rng.seedOf("ncd.train.shuffle", seed);
        this.dropLast = dropLast;
    }

    public int batchesPerEpoch() {
        return dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize;
    }

    /** The sample indices of batch {@code batchInEpoch} of epoch {@code epoch} (a new array). */
    public int[] indices(long epoch, int batchInEpoch) {
        if (batchInEpoch < 0 || batchInEpoch >= batchesPerEpoch()) {
            throw new IllegalArgumentException("batch " + batchInEpoch + " is outside [0, " + batchesPerEpoch() + ")");
        }
        int[] order = order(epoch);
        int from = batchInEpoch * batchSize;
        int to = Math.min(samples, from + batchSize);
        int[] out = new int[to - from];
        System.arraycopy(order, from, out, 0, out.length);
        return out;
    }

    /** The whole permutation of epoch {@code epoch} (a new array). */
    public int[] permutation(long epoch) { return order(epoch).clone(); }

    private int[] order(long epoch) {
        Epoch c = cached;
        if (c != null && c.epoch == epoch) return c.order;
        int[] p = new int[samples];
        for (int i = 0; i < samples; i++) p[i] = i;
        for (int i = samples - 1; i > 0; i--) {
            int j = (int) (Rng.uniform(key, epoch, i) * (i + 1));
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        cached = new Epoch(epoch, p);
        return p;
    }

    /** Batches of {@code 0..samples-1} in order, for validation: every sample once, the last batch maybe smaller. */
    public static List<int[]> sequential(int samples, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size " + batchSize + " is below 1");
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < samples; from += batchSize) {
            int[] b = new int[Math.min(batchSize, samples - from)];
            for (int k = 0; k < b.length; k++) b[k] = from + k;
            out.add(b);
        }
        return out;
    }
}
