package ncd.diagrams;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the doc site and the diagrams write numbers. */
class NumbersTest {
    @Test void humanNumbers() {
        assertEquals("512", DocSite.human(512));
        assertEquals("3584", DocSite.human(3584));
        assertEquals("1.23 M", DocSite.human(1_234_567));
        assertEquals("33.5 k", DocSite.human(33_472));
        assertEquals("1.73205", Labels.compact(Math.sqrt(3)));
        assertEquals("1e-9", Labels.compact(1e-9));
        assertEquals("0.065", Labels.compact(0.065));
        assertEquals("1e7", Labels.compact(1e7));
    }
}
