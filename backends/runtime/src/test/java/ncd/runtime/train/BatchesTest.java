package ncd.runtime.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shuffle is the documented function of (seed, epoch), so a resumed run draws what an unbroken one would. */
class BatchesTest {
    @Test void goldenPermutations() {
        // from an independent Python implementation of the algorithm in Batches' class comment
        assertArrayEquals(new int[] {7, 5, 6, 3, 1, 9, 2, 8, 4, 0}, new Batches(10, 3, 42, false).permutation(0));
        assertArrayEquals(new int[] {4, 0, 7, 2, 5, 9, 3, 8, 1, 6}, new Batches(10, 3, 42, false).permutation(1));
        assertArrayEquals(new int[] {9, 1, 7, 8, 5, 0, 4, 6, 3, 2}, new Batches(10, 3, 7, false).permutation(0));
    }

    @Test void aResumedRunDrawsWhatAnUnbrokenOneDraws() {
        Batches unbroken = new Batches(1000, 32, 5, true);
        StringBuilder a = new StringBuilder(), b = new StringBuilder();
        for (int e = 0; e < 3; e++) {
            for (int k = 0; k < unbroken.batchesPerEpoch(); k++) a.append(Arrays.toString(unbroken.indices(e, k)));
        }
        for (int e = 0; e < 3; e++) {
            for (int k = 0; k < unbroken.batchesPerEpoch(); k++) {
                // a fresh object at each batch: nothing carried over but (seed, epoch, batch)
                b.append(Arrays.toString(new Batches(1000, 32, 5, true).indices(e, k)));
            }
        }
        assertEquals(a.toString(), b.toString());
    }

    @Test void anEpochIsAPermutationAndEpochsDiffer() {
        Batches bs = new Batches(100, 7, 1, false);
        assertEquals(15, bs.batchesPerEpoch());
        int[] all = IntStream.range(0, bs.batchesPerEpoch()).flatMap(k -> Arrays.stream(bs.indices(0, k))).toArray();
        assertEquals(2, bs.indices(0, 14).length);
        assertArrayEquals(IntStream.range(0, 100).toArray(), Arrays.stream(all).sorted().toArray());
        assertFalse(Arrays.equals(bs.permutation(0), bs.permutation(1)));
        assertFalse(Arrays.equals(bs.permutation(0), new Batches(100, 7, 2, false).permutation(0)));
    }

    @Test void dropLastKeepsOnlyFullBatches() {
        Batches bs = new Batches(100, 7, 1, true);
        assertEquals(14, bs.batchesPerEpoch());
        assertEquals(7, bs.indices(3, 13).length);
        assertThrows(IllegalArgumentException.class, () -> bs.indices(3, 14));
        assertThrows(IllegalArgumentException.class, () -> new Batches(5, 8, 0, true));
        assertEquals(1, new Batches(5, 8, 0, false).batchesPerEpoch());
    }

    @Test void sequentialCoversEverySampleInOrder() {
        List<int[]> b = Batches.sequential(7, 3);
        assertEquals(3, b.size());
        assertArrayEquals(new int[] {0, 1, 2}, b.get(0));
        assertArrayEquals(new int[] {6}, b.get(2));
        assertEquals(1, Batches.sequential(3, 10).size());
    }
}
