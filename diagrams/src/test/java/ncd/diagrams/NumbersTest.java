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

    /** Constants are drawn in the program's unit names with the SI prefix that gives a mantissa in [1, 1000). */
    @Test void constantsInUnits() {
        ncd.ir.Unit s = ncd.ir.Unit.base("s"), a = ncd.ir.Unit.base("A"), kg = ncd.ir.Unit.base("kg");
        ncd.ir.Unit volt = kg.times(ncd.ir.Unit.base("m").pow(2)).over(s.pow(3).times(a));
        ncd.ir.Unit ohm = volt.over(a);
        java.util.Map<ncd.ir.Unit, String> names = java.util.Map.of(s, "s", a, "A", volt, "V", ohm, "ohm", kg, "kg");
        assertEquals("10 Mohm", Labels.constText(1e7, ohm, names));
        assertEquals("1 nA", Labels.constText(1e-9, a, names));
        assertEquals("−65 mV", Labels.constText(-0.065, volt, names));
        assertEquals("20 ms", Labels.constText(0.02, s, names));
        assertEquals("100 µs", Labels.constText(1e-4, s, names));
        assertEquals("1 V", Labels.constText(0.9999999999, volt, names));
        assertEquals("0 V", Labels.constText(0, volt, names));
        assertEquals("3 kg", Labels.constText(3, kg, names));
        assertEquals("−4", Labels.constText(-4, ncd.ir.Unit.NONE, names));
        assertEquals("2 s^2", Labels.constText(2, s.pow(2), names));
    }
}
