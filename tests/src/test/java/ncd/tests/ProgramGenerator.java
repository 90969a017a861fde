package ncd.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Random well-typed ncd programs from a seed: one circuit {@code P} over axes a=3, b=4, c=5 (plus their aliases
 * and the axes that window, slice, concat, repeat and merge introduce), with f32, i32 and bool inputs, parameters
 * (one bounded), random sources, sometimes states, and 8 to 16 lets, each one op applied to earlier values:
 * elementwise math in f32/f64/i32/bool, comparisons and logic, where, casts, reductions, argmax/argmin, argsort, sort,
 * contractions (and outer products), renames, roll, shift, windows, slice, select, expand, concat, repeat, merge,
 * split, onehot and gather. Its outputs are the lets that no other let uses.
 */
final class ProgramGenerator {
    private static final Map<String, Integer> SIZE = Map.ofEntries(Map.entry("a", 3), Map.entry("b", 4), Map.entry("c", 5),
            Map.entry("a2", 3), Map.entry("b2", 4), Map.entry("c2", 5), Map.entry("w2", 2), Map.entry("w3", 3), Map.entry("s2", 2),
            Map.entry("ac", 6), Map.entry("ar", 6), Map.entry("ab", 12));
    private static final List<String> BASE = List.of("a", "b", "c", "a2", "b2", "c2");

    private record V(String name, String dtype, List<String> axes) {
        boolean isFloat() { return dtype.equals("f32") || dtype.equals("f64"); }
        boolean numeric() { return !dtype.equals("bool"); }
        boolean has(String a) { return axes.contains(a); }
        String type() { return dtype + "[" + String.join(", ", axes) + "]"; }
    }

    private final java.util.SplittableRandom r;
    private final List<V> pool = new ArrayList<>();
    private final StringBuilder body = new StringBuilder();
    private int lets;

    ProgramGenerator(long seed) { r = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1); }

    String program() {
        StringBuilder head = new StringBuilder("axis a = 3, b = 4, c = 5, a2 = 3, b2 = 4, c2 = 5, w2 = 2, w3 = 3, s2 = 2, ac = 6, ar = 6, ab = 12\n\n");
        pool.add(new V("x", "f32", List.of("a", "b")));
        pool.add(new V("y", "f32", List.of("b", "c")));
        pool.add(new V("z", "f32", List.of("c")));
        pool.add(new V("k", "i32", List.of("a", "b")));
        pool.add(new V("m", "bool", List.of("b", "c")));
        body.append("  param W: f32[c, b] ~ glorot\n  param u: f32[a] ~ normal(0, 1)\n  param q: f32[b] >= 0 ~ uniform(-1, 1)\n");
        pool.add(new V("W", "f32", List.of("c", "b")));
        pool.add(new V("u", "f32", List.of("a")));
        pool.add(new V("q", "f32", List.of("b")));
        let("uniform[a, c, seed = 3](-1, 1)", "f32", List.of("a", "c"));
        if (r.nextBoolean()) let("normal[c, seed = 2](0, 1)", "f32", List.of("c"));
        if (r.nextBoolean()) let("bernoulli[b, seed = 5](0.4)", "bool", List.of("b"));
        if (r.nextInt(4) == 0) let("iota[c]()", "i32", List.of("c"));
        boolean stateful = r.nextInt(3) == 0;
        if (stateful) {
            body.append("  state s: f32[a, b] = normal[a, b, seed = 4](0, 0.5)\n  state n: i32 = 0\n  state f: bool[c] = bernoulli[c, seed = 9](0.5)\n");
            pool.add(new V("s", "f32", List.of("a", "b")));
            pool.add(new V("n", "i32", List.of()));
            pool.add(new V("f", "bool", List.of("c")));
        }
        int count = 8 + r.nextInt(9);
        int guard = 0;
        while (lets < count + 4 && guard++ < 10_000) step();
        if (stateful) {
            V e = pick(v -> v.dtype.equals("f32") && List.of("a", "b").containsAll(v.axes));
            body.append("  next s = tanh(s * 0.5 + ").append(e == null ? "x" : e.name).append(")\n");
            body.append("  next n = n + 1\n  next f = not f\n");
        }
        // the outputs: every let that no later let uses, so that every let is computed and compared
        List<V> outs = new ArrayList<>();
        String text = body.toString();
        for (V v : pool) {
            if (v.name.startsWith("v") && !java.util.regex.Pattern.compile("\\b" + v.name + "\\b").matcher(
                    text.substring(text.indexOf("let " + v.name + " =") + 4 + v.name.length())).find()) {
                outs.add(v);
            }
        }
        head.append("circuit P(x: f32[a, b], y: f32[b, c], z: f32[c], k: i32[a, b], m: bool[b, c]) -> (");
        for (int i = 0; i < outs.size(); i++) head.append(i > 0 ? ", " : "").append("o").append(i).append(": ").append(outs.get(i).type());
        head.append(") {\n").append(body).append("  return (");
        for (int i = 0; i < outs.size(); i++) head.append(i > 0 ? ", " : "").append(outs.get(i).name);
        return head.append(")\n}\n").toString();
    }

    private void let(String expr, String dtype, List<String> axes) {
        String name = "v" + lets++;
        body.append("  let ").append(name).append(" = ").append(expr).append('\n');
        pool.add(new V(name, dtype, List.copyOf(axes)));
    }

    /** A value satisfying {@code p}, more often a recent one (so that chains grow deep). */
    private V pick(java.util.function.Predicate<V> p) {
        List<V> c = pool.stream().filter(p).toList();
        if (c.isEmpty()) return null;
        if (r.nextInt(10) < 6) return c.get(c.size() - 1 - r.nextInt(Math.min(4, c.size())));
        return c.get(r.nextInt(c.size()));
    }

    private <T> T one(List<T> xs) { return xs.get(r.nextInt(xs.size())); }

    private static boolean compatible(V x, V y) { return x.axes.containsAll(y.axes) || y.axes.containsAll(x.axes); }

    private static List<String> larger(V x, V y) { return x.axes.containsAll(y.axes) ? x.axes : y.axes; }

    private String f(String form, V... vs) {
        Object[] names = new Object[vs.length];
        for (int i = 0; i < vs.length; i++) names[i] = vs[i].name;
        return String.format(java.util.Locale.ROOT, form, names);
    }

    /** One let from a random op; does nothing when the op finds no suitable operands. */
    private void step() {
        switch (r.nextInt(24)) {
            case 0, 1, 2 -> {
                V x = pick(V::isFloat);
                if (x == null) return;
                let(f(one(List.of("-%s", "exp(tanh(%s))", "log(abs(%s) + 1)", "sqrt(abs(%s))", "tanh(%s)", "sigmoid(%s)", "relu(%s)",
                        "abs(%s)", "sign(%s)", "sin(%s)", "cos(%s)", "floor(%s * 3)", "ceil(%s * 3)", "round(%s * 3)", "tanh(%s) ^ 2",
                        "tanh(%s) ^ 3", "%s ^ 2", "clip(%s, -0.5, 0.5)", "%s * 0.5 + 1", "2 - %s")), x), x.dtype, x.axes);
            }
            case 3, 4, 5 -> {
                V x = pick(V::isFloat);
                V y = x == null ? null : pick(v -> v.dtype.equals(x.dtype) && compatible(x, v));
                if (y == null) return;
                let(f(one(List.of("%s + %s", "%s - %s", "%s * %s", "%s / (abs(%s) + 1)", "max(%s, %s)", "min(%s, %s)",
                        "%s %% (abs(%s) + 0.5)", "pow(abs(%s) + 0.5, tanh(%s))")), x, y), x.dtype, larger(x, y));
            }
            case 6 -> {
                V x = pick(v -> v.dtype.equals("i32"));
                V y = x == null ? null : pick(v -> v.dtype.equals("i32") && compatible(x, v));
                if (y == null) return;
                if (r.nextBoolean()) {
                    let(f(one(List.of("%s + %s", "%s - %s", "%s * %s", "%s / %s", "%s %% %s", "max(%s, %s)", "min(%s, %s)",
                            "pow(%s %% 4, %s %% 3)")), x, y), "i32", larger(x, y));
                } else {
                    let(f(one(List.of("-%s", "abs(%s)", "relu(%s - 3)", "sign(%s - 4)", "%s * 3 - 7", "%s %% 4", "%s / 2")), x), "i32", x.axes);
                }
            }
            case 7, 8 -> {
                V x = pick(V::numeric);
                V y = x == null ? null : pick(v -> v.dtype.equals(x.dtype) && compatible(x, v));
                if (y == null) return;
                let(f("%s " + one(List.of("<", "<=", ">", ">=", "==", "!=")) + " %s", x, y), "bool", larger(x, y));
            }
            case 9 -> {
                V x = pick(v -> v.dtype.equals("bool"));
                V y = x == null ? null : pick(v -> v.dtype.equals("bool") && compatible(x, v));
                if (y == null) return;
                let(f(one(List.of("%s and %s", "%s or %s", "not %s or %s", "%s == %s", "%s != %s")), x, y), "bool", larger(x, y));
            }
            case 10 -> {
                V x = pick(v -> true);
                V y = pick(v -> v.dtype.equals(x.dtype) && compatible(x, v));
                List<String> xy = larger(x, y);
                V c = pick(v -> v.dtype.equals("bool") && (xy.containsAll(v.axes) || v.axes.containsAll(xy)));
                if (c == null) return;
                let(f("where(%s, %s, %s)", c, x, y), x.dtype, c.axes.containsAll(xy) ? c.axes : xy);
            }
            case 11 -> {
                V x = pick(v -> true);
                String to = switch (x.dtype) {
                    case "f32" -> one(List.of("i32", "f64", "bool"));
                    case "f64" -> "f32";
                    case "i32" -> one(List.of("f32", "bool"));
                    default -> one(List.of("i32", "f32"));
                };
                let(to + "(" + x.name + (x.isFloat() && to.equals("i32") ? " * 4" : "") + ")", to, x.axes);
            }
            case 12, 13 -> {
                V x = pick(v -> !v.axes.isEmpty());
                if (x == null) return;
                List<String> ax = new ArrayList<>(List.of(one(x.axes)));
                if (x.axes.size() > 1 && r.nextBoolean()) {
                    String b = one(x.axes);
                    if (!ax.contains(b)) ax.add(b);
                }
                List<String> rest = new ArrayList<>(x.axes);
                rest.removeAll(ax);
                String fn = x.dtype.equals("bool") ? one(List.of("any", "all"))
                        : x.isFloat() ? one(List.of("sum", "mean", "max", "min", "prod")) : one(List.of("sum", "max", "min", "prod"));
                String arg = fn.equals("prod") && x.isFloat() ? "tanh(" + x.name + ")" : x.name;
                if (r.nextInt(4) == 0 && x.numeric()) {
                    String arg0 = one(List.of("argmax", "argmin", "argsort", "sort", "sort_desc"));
                    switch (arg0) {
                        case "argsort" -> let("argsort[" + ax.get(0) + "](" + x.name + ")", "i32", x.axes);
                        case "sort" -> let("sort[" + ax.get(0) + "](" + x.name + ")", x.dtype, x.axes);
                        case "sort_desc" -> let("sort[" + ax.get(0) + ", descending](" + x.name + ")", x.dtype, x.axes);
                        default -> let(arg0 + "[" + ax.get(0) + "](" + x.name + ")", "i32", without(x.axes, ax.get(0)));
                    }
                } else {
                    let(fn + "[" + String.join(", ", ax) + "](" + arg + ")", x.dtype, rest);
                }
            }
            case 14, 15 -> {
                V x = pick(v -> v.numeric() && !v.axes.isEmpty());
                if (x == null) return;
                V y = pick(v -> v.dtype.equals(x.dtype) && v != x && v.axes.stream().anyMatch(x.axes::contains));
                if (y == null) {
                    V z = pick(v -> v.dtype.equals(x.dtype) && v.axes.stream().noneMatch(x.axes::contains) && v.axes.size() + x.axes.size() <= 3);
                    if (z == null) return;
                    List<String> out = new ArrayList<>(x.axes);
                    out.addAll(z.axes);
                    let(f("%s @[] %s", x, z), x.dtype, out);
                    return;
                }
                List<String> shared = x.axes.stream().filter(y.axes::contains).toList();
                List<String> k = new ArrayList<>();
                for (String a : shared) if (k.isEmpty() || r.nextBoolean()) k.add(a);
                List<String> out = new ArrayList<>();
                for (String a : x.axes) if (!k.contains(a)) out.add(a);
                for (String a : y.axes) if (!k.contains(a) && !x.axes.contains(a)) out.add(a);
                String yx = x.dtype.equals("i32") ? y.name + " % 3" : y.name;
                let(x.name + " @[" + String.join(", ", k) + "] " + (x.dtype.equals("i32") ? "(" + yx + ")" : yx), x.dtype, out);
            }
            case 16 -> {
                V x = pick(v -> v.axes.stream().anyMatch(a -> List.of("a", "b", "c").contains(a) && !v.has(a + "2")));
                if (x == null) return;
                String a = one(x.axes.stream().filter(n -> List.of("a", "b", "c").contains(n) && !x.has(n + "2")).toList());
                List<String> out = new ArrayList<>(x.axes);
                out.set(out.indexOf(a), a + "2");
                let(x.name + "{" + a + " -> " + a + "2}", x.dtype, out);
            }
            case 17 -> {
                V x = pick(v -> !v.axes.isEmpty());
                if (x == null) return;
                String a = one(x.axes);
                int amount = r.nextInt(11) - 5;
                if (r.nextBoolean()) let("roll[" + a + ", " + amount + "](" + x.name + ")", x.dtype, x.axes);
                else if (x.isFloat() && r.nextBoolean()) let("shift[" + a + ", " + amount + ", fill = 0.5](" + x.name + ")", x.dtype, x.axes);
                else let("shift[" + a + ", " + amount + "](" + x.name + ")", x.dtype, x.axes);
            }
            case 18 -> {
                V x = pick(v -> v.axes.stream().anyMatch(a -> SIZE.get(a) >= 3) && !v.has("w3") && v.axes.size() <= 3);
                if (x == null) return;
                List<String> big = x.axes.stream().filter(a -> SIZE.get(a) >= 3 && !a.equals("w3")).toList();
                if (big.isEmpty()) return;
                String a = one(big), bound = r.nextBoolean() ? "wrap" : "zero";
                List<String> out = new ArrayList<>(x.axes);
                String second = big.size() > 1 && !x.has("w2") && r.nextBoolean() ? one(big) : null;
                if (second != null && !second.equals(a)) {
                    out.add("w3");
                    out.add("w2");
                    let("window[" + a + " by 3 -> w3, " + second + " by 2 -> w2, " + bound + "](" + x.name + ")", x.dtype, out);
                } else {
                    out.add("w3");
                    let("window[" + a + " by 3 -> w3, " + bound + "](" + x.name + ")", x.dtype, out);
                }
            }
            case 19 -> {
                V x = pick(v -> !v.axes.isEmpty());
                if (x == null) return;
                String a = one(x.axes);
                int size = SIZE.get(a);
                if (r.nextBoolean() && size >= 3 && !x.has("s2")) {
                    int s0 = r.nextInt(size - 1);
                    List<String> out = new ArrayList<>(x.axes);
                    out.set(out.indexOf(a), "s2");
                    let("slice[" + a + ": " + s0 + ".." + (s0 + 2) + " -> s2](" + x.name + ")", x.dtype, out);
                } else {
                    let(x.name + "[" + a + " = " + r.nextInt(size) + "]", x.dtype, without(x.axes, a));
                }
            }
            case 20 -> {
                V x = pick(v -> v.axes.size() < 3);
                if (x == null) return;
                List<String> free = BASE.stream().filter(a -> !x.has(a)).toList();
                String a = one(free);
                List<String> out = new ArrayList<>(x.axes);
                out.add(a);
                let("expand[" + a + "](" + x.name + ")", x.dtype, out);
            }
            case 21 -> {
                V x = pick(v -> v.has("a") && !v.has("a2") && !v.has("ac") && !v.has("ar"));
                if (x == null) return;
                List<String> out = new ArrayList<>(x.axes);
                if (r.nextBoolean()) {
                    out.set(out.indexOf("a"), "ac");
                    String other = x.isFloat() ? x.name + "{a -> a2} * 2" : x.name + "{a -> a2}";
                    let("concat[(a, a2) -> ac](" + x.name + ", " + other + ")", x.dtype, out);
                } else {
                    out.set(out.indexOf("a"), "ar");
                    let("repeat[a -> ar](" + x.name + ")", x.dtype, out);
                }
            }
            case 22 -> {
                V x = pick(v -> (v.has("a") && v.has("b") && !v.has("ab")) || (v.has("ab") && !v.has("a") && !v.has("b")));
                if (x == null) return;
                List<String> out = new ArrayList<>(x.axes);
                if (x.has("ab")) {
                    int i = out.indexOf("ab");
                    out.set(i, "b");
                    out.add(i, "a");
                    let("split[ab -> (a, b)](" + x.name + ")", x.dtype, out);
                } else {
                    out.remove("b");
                    out.set(out.indexOf("a"), "ab");
                    let("merge[(a, b) -> ab](" + x.name + ")", x.dtype, out);
                }
            }
            case 23 -> {
                V i = pick(v -> v.dtype.equals("i32") && !v.has("c") && v.axes.size() < 3);
                if (i == null) return;
                V table = pick(v -> v.has("c") && v.axes.stream().noneMatch(a -> !a.equals("c") && i.has(a)) && v.axes.size() + i.axes.size() <= 4);
                if (table == null || r.nextBoolean()) {
                    List<String> out = new ArrayList<>(i.axes);
                    out.add("c");
                    let("onehot[c](" + i.name + ")", "f32", out);
                    return;
                }
                List<String> out = new ArrayList<>(i.axes);
                for (String a : table.axes) if (!a.equals("c")) out.add(a);
                String idx = r.nextInt(20) == 0 ? i.name : "(" + i.name + " % 5)";
                let("gather[c](" + table.name + ", " + idx + ")", table.dtype, out);
            }
            default -> throw new AssertionError();
        }
    }

    private static List<String> without(List<String> axes, String a) {
        List<String> out = new ArrayList<>(axes);
        out.remove(a);
        return out;
    }
}
