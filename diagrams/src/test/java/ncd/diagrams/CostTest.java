package ncd.diagrams;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CostTest {
    @Test void countsContractionsTwicePerSummedElementAndElementwiseOnce() {
        // W[o:4, i:3] @[i] x[batch:2, i:3] -> [o:4, batch:2]: 8 outputs x 3 summed x 2 = 48;
        // + b, relu, and the state update s + y: 8 each.
        Cost c = Cost.of(DotWriterTest.layer());
        assertEquals(48 + 8 + 8 + 8, c.flops());
        assertEquals(4 * 3 + 4, c.params());
        assertEquals((4 * 3 + 4) * 4, c.paramBytes());
        assertEquals(8 * 4, c.stateBytes());
        // every op reads its operands and writes its result: contract (48 + 24 + 32), add (32 + 16 + 32),
        // relu (32 + 32), state add (32 + 32 + 32)
        assertEquals(104 + 80 + 64 + 96, c.bytes());
    }

    @Test void humanNumbers() {
        assertEquals("512", Cost.human(512));
        assertEquals("1.23 M", Cost.human(1_234_567));
        assertEquals("33.5 k", Cost.human(33_472));
        assertEquals("4.0 KiB", Cost.humanBytes(4096));
        assertEquals("1.73205", Labels.compact(Math.sqrt(3)));
        assertEquals("1e-9", Labels.compact(1e-9));
        assertEquals("0.065", Labels.compact(0.065));
        assertEquals("1e7", Labels.compact(1e7));
    }
}
