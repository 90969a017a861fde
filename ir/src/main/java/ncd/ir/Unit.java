package ncd.ir;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A physical dimension: integer exponents over base units (s, m, kg, A, ... as declared by the stdlib's
 * {@code unit} declarations). Values are stored in coherent base units, so a dimension is all a type needs;
 * scale prefixes (mV, ms) are applied to literals and to inputs and outputs by the frontend. Exponents are ints:
 * {@link #times}, {@link #pow} and {@link #over} throw {@link ArithmeticException} when one would leave that range
 * (wrapped, an exponent would name a wrong dimension, or none); the checker reports it (E0505).
 */
public final class Unit {
    public static final Unit NONE = new Unit(new TreeMap<>());

    private final TreeMap<String, Integer> exps;

    private Unit(TreeMap<String, Integer> exps) { this.exps = exps; }

    public static Unit base(String name) {
        TreeMap<String, Integer> m = new TreeMap<>();
        m.put(name, 1);
        return new Unit(m);
    }

    public static Unit of(Map<String, Integer> exps) {
        TreeMap<String, Integer> m = new TreeMap<>();
        exps.forEach((k, v) -> { if (v != 0) m.put(k, v); });
        return m.isEmpty() ? NONE : new Unit(m);
    }

    public Map<String, Integer> exponents() { return Collections.unmodifiableMap(exps); }
    public boolean isNone() { return exps.isEmpty(); }

    public Unit times(Unit o) {
        TreeMap<String, Integer> m = new TreeMap<>(exps);
        o.exps.forEach((k, v) -> m.merge(k, v, Math::addExact));
        return of(m);
    }

    public Unit pow(int p) {
        TreeMap<String, Integer> m = new TreeMap<>();
        exps.forEach((k, v) -> m.put(k, Math.multiplyExact(v, p)));
        return of(m);
    }

    public Unit inverse() { return pow(-1); }
    public Unit over(Unit o) { return times(o.inverse()); }

    /** The p-th root, or null when an exponent is not divisible by p (sqrt of a volt, say). */
    public Unit root(int p) {
        TreeMap<String, Integer> m = new TreeMap<>();
        for (Map.Entry<String, Integer> e : exps.entrySet()) {
            if (e.getValue() % p != 0) return null;
            m.put(e.getKey(), e.getValue() / p);
        }
        return of(m);
    }

    @Override public boolean equals(Object o) { return o instanceof Unit u && u.exps.equals(exps); }
    @Override public int hashCode() { return exps.hashCode(); }

    /** {@code kg*m^2/(s^3*A)}-style text; {@code 1} for dimensionless. */
    @Override public String toString() {
        if (exps.isEmpty()) return "1";
        StringBuilder num = new StringBuilder(), den = new StringBuilder();
        int nd = 0;
        for (Map.Entry<String, Integer> e : exps.entrySet()) {
            int v = e.getValue();
            StringBuilder sb = v > 0 ? num : den;
            if (sb.length() > 0) sb.append('*');
            sb.append(e.getKey());
            if (Math.abs(v) != 1) sb.append('^').append(Math.abs((long) v));  // long: -2147483648 has no int magnitude
            if (v < 0) nd++;
        }
        if (den.length() == 0) return num.toString();
        String n = num.length() == 0 ? "1" : num.toString();
        return n + "/" + (nd > 1 ? "(" + den + ")" : den.toString());
    }
}
