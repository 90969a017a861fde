package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.Program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --axis NAME=SIZE} values, shared by the commands that lower circuits. */
final class AxisSizes {
    private static final Pattern AXIS = Pattern.compile("([A-Za-z_][A-Za-z_0-9]*)=([0-9]+)");

    private AxisSizes() {}

    /** E0803 for anything that is not NAME=SIZE with a positive size, or a name sized twice. */
    static Map<String, Integer> parse(List<String> axes, Diagnostics diags) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String a : axes) {
            Matcher m = AXIS.matcher(a.trim());
            Integer size = null;
            if (m.matches()) {
                try {
                    size = Integer.parseInt(m.group(2));
                } catch (NumberFormatException e) {
                    size = null;
                }
            }
            if (size == null || size < 1) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "bad --axis value '" + a + "': expected NAME=SIZE with a positive integer SIZE",
                        "for example --axis seq=128");
                continue;
            }
            Integer prev = sizes.putIfAbsent(m.group(1), size);
            if (prev != null && !prev.equals(size)) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "axis " + m.group(1) + " given two sizes: " + prev + " and " + size, null);
            }
        }
        return sizes;
    }

    /** {@link #check(Map, Map, String, Diagnostics)} for a command that lowers one circuit or law. */
    static boolean check(Map<String, Integer> sizes, Program prog, String name, Diagnostics diags) {
        return check(sizes, Map.of(prog, List.of(name)), "circuits or laws", diags);
    }

    /**
     * E0803 for each size that would size nothing, so that no --axis is silently ignored: an axis the program
     * declares with a size (the diagnostic points at the declaration), or one that none of {@code lowered} (per
     * program, the circuits or laws the command lowers, {@code what} in the message) has as a generic or
     * sized-later axis. Over several names or programs, an axis that one of them takes is fine. A sized-later axis
     * of an imported module is let through: a circuit imported from there may need it. Names that are no circuit or
     * law of their program are left to lowering (E0801). Returns whether all is well.
     */
    static boolean check(Map<String, Integer> sizes, Map<Program, List<String>> lowered, String what, Diagnostics diags) {
        if (sizes.isEmpty()) return true;
        List<String> names = new ArrayList<>();
        List<String> takes = new ArrayList<>();
        int asked = 0;
        for (Map.Entry<Program, List<String>> e : lowered.entrySet()) {
            Program p = e.getKey();
            for (String n : e.getValue()) {
                asked++;
                if (!p.circuitNames().contains(n) && !p.lawNames().contains(n)) continue;
                names.add(n);
                for (String a : p.unsizedAxes(n)) if (!takes.contains(a)) takes.add(a);
            }
        }
        if (names.isEmpty() && asked > 0) return true;
        String who = names.size() == 1 ? names.get(0) : "none of the " + names.size() + " " + what;
        String hint = takes.isEmpty()
                ? (names.size() == 1 ? who + " needs no --axis: all its axes have sizes" : "none of them needs --axis: all their axes have sizes")
                : (names.size() == 1 ? who + " takes" : "they take") + " --axis for: " + String.join(", ", takes);
        boolean ok = true;
        for (Map.Entry<String, Integer> s : sizes.entrySet()) {
            String a = s.getKey();
            if (takes.contains(a)) continue;
            String given = "--axis " + a + "=" + s.getValue();
            Program.AxisDecl sized = null, ownLater = null;
            boolean imported = false;
            for (Program p : lowered.keySet()) {
                Optional<Program.AxisDecl> d = p.axisDeclaration(a);
                if (d.isEmpty()) continue;
                if (d.get().size() != null) {
                    if (sized == null) sized = d.get();
                } else if (d.get().module().equals(p.moduleName())) {
                    if (ownLater == null) ownLater = d.get();
                } else {
                    imported = true;
                }
            }
            if (sized == null && imported) continue;
            ok = false;
            if (sized != null) {
                diags.error(sized.span(), DiagCode.E0803, given + ": axis " + a + " already has a size, " + sized.size() + ", declared here",
                        "drop " + given + "; --axis sizes generic axes and axes declared without a size (`axis " + a + "`)");
            } else if (names.isEmpty()) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, given + " sizes nothing: there are no " + what, null);
            } else {
                String verb = names.size() == 1 ? " does not use axis " : " uses axis ";
                diags.error(SourceSpan.NONE, DiagCode.E0803, given + ": " + who + (ownLater != null
                        ? verb + a : (names.size() == 1 ? " has no axis " : " has an axis ") + a), hint);
            }
        }
        return ok;
    }
}
