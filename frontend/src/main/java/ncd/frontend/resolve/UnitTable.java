package ncd.frontend.resolve;

import ncd.diag.CloseNames;
import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.UnitExpr;
import ncd.ir.Unit;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates unit declarations to a scale and a dimension: {@code unit mV = 1e-3 V} with V = kg m^2 s^-3 A^-1
 * is (0.001, kg*m^2/(s^3*A)). Nothing about units is hard-coded: the table is whatever the stdlib and the user
 * declare.
 */
public final class UnitTable {
    /** A unit's factor to coherent base units and its dimension. */
    public record Resolved(double scale, Unit dimension) {}

    private final Map<Decl.UnitDef, Resolved> done = new HashMap<>();
    /** The first declared coherent unit (scale 1) of each dimension: how messages name a dimension. */
    private final Map<Unit, String> names = new java.util.LinkedHashMap<>();
    /** The quantity each dimension measures, for the dimensions whose coherent unit the prelude declares. */
    private final Map<Unit, String> quantities = new HashMap<>();
    private final Set<Decl.UnitDef> inProgress = new HashSet<>();

    /**
     * What the prelude's coherent units measure, by name. Only a unit that {@link Loader#PRELUDE} itself declares
     * gets its quantity (a user's own `unit V` says nothing about voltage); {@code UnitTableTest} checks that each
     * name here is a coherent unit of the prelude.
     */
    static final Map<String, String> PRELUDE_QUANTITIES = Map.ofEntries(
            Map.entry("s", "time"), Map.entry("m", "length"), Map.entry("kg", "mass"), Map.entry("A", "current"),
            Map.entry("K", "temperature"), Map.entry("mol", "amount of substance"), Map.entry("cd", "luminous intensity"),
            Map.entry("Hz", "frequency"), Map.entry("N", "force"), Map.entry("J", "energy"), Map.entry("W", "power"),
            Map.entry("C", "charge"), Map.entry("V", "voltage"), Map.entry("ohm", "resistance"), Map.entry("S", "conductance"),
            Map.entry("F", "capacitance"), Map.entry("mM", "concentration"));
    private final Diagnostics diags;

    public UnitTable(Diagnostics diags) { this.diags = diags; }

    /**
     * The unit named {@code n} as seen from {@code scope}; null when unknown, after reporting E0208 (unless an import
     * that failed might have declared it: that import's error is the one to fix).
     */
    public Resolved lookup(Name n, ModuleScope scope) {
        ModuleScope.Found<Decl.UnitDef> f = scope.unit(n.text());
        if (f == null) {
            if (scope.mayComeFromFailedImport(n.text())) return null;
            String close = CloseNames.didYouMean(n.text(), scope.visibleUnits());
            diags.error(n.span(), DiagCode.E0208, "unknown unit `" + n.text() + "`", close != null ? close
                    : "units are declared with `unit` (the prelude std.units declares SI units such as ms, mV, nA)");
            return null;
        }
        return resolve(f.decl(), f.module());
    }

    /**
     * The product of a written unit expression; null after an error, among them E0505 when an exponent of the
     * dimension leaves the int range or the scale leaves a double's (ms^400 would scale every value to 0).
     */
    public Resolved eval(UnitExpr e, ModuleScope scope) {
        double scale = 1;
        Unit dim = Unit.NONE;
        for (UnitExpr.Term t : e.terms()) {
            Resolved r = lookup(t.unit(), scope);
            if (r == null) return null;
            scale *= Math.pow(r.scale(), t.exponent());
            try {
                dim = dim.times(r.dimension().pow(t.exponent()));
            } catch (ArithmeticException x) {
                diags.error(e.span(), DiagCode.E0505, "an exponent of this unit, in base units, is out of range (beyond ±2147483647)", EXPONENT_HINT);
                return null;
            }
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            diags.error(e.span(), DiagCode.E0505, "the scale of this unit is out of range: it is " + (scale > 0 ? "too large" : "too small")
                    + " for a double", EXPONENT_HINT);
            return null;
        }
        return new Resolved(scale, dim);
    }

    private static final String EXPONENT_HINT = "write a smaller power, or declare a unit of the size you need";

    /** The first declared coherent unit of each dimension seen so far (V, s, A, ...). */
    public Map<Unit, String> coherentNames() { return java.util.Collections.unmodifiableMap(names); }

    /** What a dimension measures ("voltage", "current"), or null when the prelude names no quantity for it. */
    public String quantity(Unit u) { return quantities.get(u); }

    /** A dimension as people say it: "V" rather than kg*m^2/(A*s^3), "dimensionless" rather than 1. */
    public String display(Unit u) {
        if (u.isNone()) return "dimensionless";
        String n = names.get(u);
        return n != null ? n : u.toString();
    }

    /** Rewrites the dimensions in a type-rule message (written with {@link Unit#toString}) the way {@link #display} does. */
    public String displayIn(String message) {
        StringBuilder out = new StringBuilder();
        for (String tok : message.split(" ", -1)) {
            if (out.length() > 0) out.append(' ');
            String core = tok, tail = "";
            while (!core.isEmpty() && ",;:".indexOf(core.charAt(core.length() - 1)) >= 0) {
                tail = core.charAt(core.length() - 1) + tail;
                core = core.substring(0, core.length() - 1);
            }
            String named = null;
            if (core.equals("1")) named = "dimensionless";
            else for (Map.Entry<Unit, String> e : names.entrySet()) if (e.getKey().toString().equals(core)) named = e.getValue();
            out.append(named != null ? named + tail : tok);
        }
        return out.toString();
    }

    Resolved resolve(Decl.UnitDef d, ModuleScope scope) {
        Resolved r = done.get(d);
        if (r != null) return r;
        if (!inProgress.add(d)) {
            diags.error(d.name().span(), DiagCode.E0504, "unit `" + d.name().text() + "` is defined in terms of itself", null);
            return null;
        }
        try {
            if (d.isBase()) {
                r = new Resolved(1.0, Unit.base(d.name().text()));
            } else {
                Resolved body = eval(d.definition(), scope);
                if (body == null) return null;
                if (!(d.scale() > 0) || Double.isInfinite(d.scale())) {
                    diags.error(d.span(), DiagCode.E0504, "the scale of unit `" + d.name().text() + "` must be a positive number", null);
                    return null;
                }
                r = new Resolved(d.scale() * body.scale(), body.dimension());
            }
            done.put(d, r);
            if (r.scale() == 1.0 && !r.dimension().isNone()) {
                names.putIfAbsent(r.dimension(), d.name().text());
                String q = PRELUDE_QUANTITIES.get(d.name().text());
                if (q != null && scope.name().equals(Loader.PRELUDE)) quantities.putIfAbsent(r.dimension(), q);
            }
            return r;
        } finally {
            inProgress.remove(d);
        }
    }
}
