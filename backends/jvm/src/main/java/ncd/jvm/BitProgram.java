package ncd.jvm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bit-sliced arithmetic for {@link FusedBits}: a straight-line program over bit planes (a plane is a long, one bit per
 * cell, 64 cells), built with constant planes folded and equal operations shared. A bool is one plane; a small int is
 * a few planes in two's complement, lowest first, as wide as its range needs, so that every operation is exact:
 * ripple adders for {@code +} and {@code -}, an or of xors for {@code ==}, the sign plane of the difference for
 * {@code <}, a blend for {@code where}, and counts of many planes as a carry-save tree of full and half adders.
 */
class BitProgram {
    /** Widest small int (in bits, sign included) a value may need. */
    private static final int MAX_WIDTH = 24;

    /** Plane references: an instruction's index, or one of these constants. */
    static final int ZERO = -1, ONES = -2;

    /** An instruction of the bit program: op is 'L' (load {@code array} at word {@code i + offset}), '&', '|', '^' or '~'. */
    record Ins(char op, int a, int b, int array, int offset) {}

    /**
     * A value: a bool (one plane) or a small int in two's complement planes, lowest first, with its range; for a
     * stencil's count, also the planes it counts ({@code terms}, else null).
     */
    record Val(int[] p, long lo, long hi, boolean bool, List<Integer> terms) {
        Val(int[] p, long lo, long hi, boolean bool) { this(p, lo, hi, bool, null); }
    }

    /** A value or operation the bit program has no exact form for: the group keeps another loop mode. */
    static final class NoFit extends Exception {
        NoFit() { super(null, null, false, false); }
    }

    final List<Ins> prog = new ArrayList<>();
    private final Map<Ins, Integer> cse = new HashMap<>();

    // ---- the program -------------------------------------------------------------------------------------------

    int ins(char op, int a, int b, int array, int offset) {
        Ins i = new Ins(op, a, b, array, offset);
        Integer at = cse.get(i);
        if (at != null) return at;
        prog.add(i);
        cse.put(i, prog.size() - 1);
        return prog.size() - 1;
    }

    int and(int a, int b) {
        if (a == ZERO || b == ZERO) return ZERO;
        if (a == ONES || a == b) return b;
        if (b == ONES) return a;
        return ins('&', Math.min(a, b), Math.max(a, b), 0, 0);
    }

    int or(int a, int b) {
        if (a == ONES || b == ONES) return ONES;
        if (a == ZERO || a == b) return b;
        if (b == ZERO) return a;
        return ins('|', Math.min(a, b), Math.max(a, b), 0, 0);
    }

    int xor(int a, int b) {
        if (a == ZERO) return b;
        if (b == ZERO) return a;
        if (a == ONES) return not(b);
        if (b == ONES) return not(a);
        if (a == b) return ZERO;
        return ins('^', Math.min(a, b), Math.max(a, b), 0, 0);
    }

    int not(int a) {
        if (a == ZERO) return ONES;
        if (a == ONES) return ZERO;
        if (prog.get(a).op() == '~') return prog.get(a).a();
        return ins('~', a, 0, 0, 0);
    }

    int load(int array, int offset) { return ins('L', 0, 0, array, offset); }

    // ---- values ----------------------------------------------------------------------------------------------------

    static int width(long lo, long hi) throws NoFit {
        for (int w = 1; w <= MAX_WIDTH; w++) {
            if (lo >= -(1L << (w - 1)) && hi <= (1L << (w - 1)) - 1) return w;
        }
        throw new NoFit();
    }

    /** {@code v}'s planes at width {@code w}: the low ones, sign-extended (exact modulo 2^w). */
    static int[] ext(Val v, int w) {
        int[] p = new int[w];
        for (int i = 0; i < w; i++) p[i] = v.p()[Math.min(i, v.p().length - 1)];
        return p;
    }

    static Val constant(long c) throws NoFit {
        int[] p = new int[width(c, c)];
        for (int i = 0; i < p.length; i++) p[i] = (c >> i & 1) != 0 ? ONES : ZERO;
        return new Val(p, c, c, false);
    }

    int bool(Val v) throws NoFit {
        if (!v.bool()) throw new NoFit();
        return v.p()[0];
    }

    Val ofBool(int plane) { return new Val(new int[] {plane}, 0, 1, true); }

    Val integer(Val v) throws NoFit {
        if (v.bool()) throw new NoFit();
        return v;
    }

    /** {@code a + b} (or {@code a - b}: {@code negate}), whose value lies in {@code [lo, hi]}: a ripple-carry adder. */
    Val add(Val a, Val b, boolean negate, long lo, long hi) throws NoFit {
        int w = width(lo, hi);
        int[] x = ext(a, w), y = ext(b, w), s = new int[w];
        int c = negate ? ONES : ZERO;
        for (int i = 0; i < w; i++) {
            int yi = negate ? not(y[i]) : y[i], h = xor(x[i], yi);
            s[i] = xor(h, c);
            if (i < w - 1) c = or(and(x[i], yi), and(c, h));
        }
        return new Val(s, lo, hi, false);
    }

    Val sub(Val a, Val b) throws NoFit {
        // a count less one of the cells it counts (a window that holds the cell itself, less the cell): count the
        // other cells instead of subtracting; the full count's adders are then dead code
        if (a.terms() != null && !b.bool() && b.lo() == 0 && b.hi() == 1 && b.p().length == 2 && b.p()[1] == ZERO
                && a.terms().contains(b.p()[0])) {
            List<Integer> rest = new ArrayList<>(a.terms());
            rest.remove(Integer.valueOf(b.p()[0]));
            return count(rest);
        }
        return add(a, b, true, a.lo() - b.hi(), a.hi() - b.lo());
    }

    int equal(Val a, Val b) {
        int w = Math.max(a.p().length, b.p().length), d = ZERO;
        int[] x = ext(a, w), y = ext(b, w);
        for (int i = 0; i < w; i++) d = or(d, xor(x[i], y[i]));
        return not(d);
    }

    /** {@code a < b}: the sign of {@code a - b}, computed wide enough to be exact. */
    int less(Val a, Val b) throws NoFit {
        Val d = sub(a, b);
        return d.p()[d.p().length - 1];
    }

    Val select(int c, Val a, Val b) throws NoFit {
        if (a.bool() != b.bool()) throw new NoFit();
        if (a.bool()) return ofBool(xor(b.p()[0], and(xor(a.p()[0], b.p()[0]), c)));
        long lo = Math.min(a.lo(), b.lo()), hi = Math.max(a.hi(), b.hi());
        int w = width(lo, hi);
        int[] x = ext(a, w), y = ext(b, w), s = new int[w];
        for (int i = 0; i < w; i++) s[i] = xor(y[i], and(xor(x[i], y[i]), c));
        return new Val(s, lo, hi, false);
    }

    /** The number of set planes among {@code terms}: columns of equal weight compressed by full and half adders. */
    Val count(List<Integer> terms) throws NoFit {
        List<List<Integer>> cols = new ArrayList<>();
        cols.add(new ArrayList<>(terms));
        for (int i = 0; i < cols.size(); i++) {
            List<Integer> c = cols.get(i);
            while (c.size() > 1) {
                if (cols.size() == i + 1) cols.add(new ArrayList<>());
                int a = c.remove(0), b = c.remove(0), h = xor(a, b);
                if (!c.isEmpty()) {
                    int d = c.remove(0);
                    c.add(xor(h, d));
                    cols.get(i + 1).add(or(and(a, b), and(h, d)));
                } else {
                    c.add(h);
                    cols.get(i + 1).add(and(a, b));
                }
            }
        }
        long k = terms.size();
        int w = Math.max(width(0, k), cols.size() + 1);
        int[] p = new int[w];
        for (int i = 0; i < w; i++) p[i] = i < cols.size() && !cols.get(i).isEmpty() ? cols.get(i).get(0) : ZERO;
        return new Val(p, 0, k, false, List.copyOf(terms));
    }
}
