package ncd.diagrams.site;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which documented circuit a name in a module's source means, and who calls whom. A name is in scope in a module
 * as the language puts it there (docs/language.md, "Modules and imports"): the module's own circuits, the names
 * listed by {@code import a.b.{X, Y}}, and every name of a module imported whole ({@code import a.b}). Only
 * circuits of the site resolve: a builtin or a module outside the site links nowhere.
 */
public final class CallGraph {
    /** A circuit or law of the site and its page, relative to the root. */
    public record Ref(String module, String name, String href) {}

    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+([\\w.]+?)(?:\\.\\{([^}]*)})?\\s*;?\\s*(?://.*)?$");

    private final Map<String, Map<String, String>> circuits;
    private final Map<String, Map<String, Ref>> scopes = new LinkedHashMap<>();
    private final Map<String, List<Ref>> callees = new LinkedHashMap<>();
    private final Map<String, List<Ref>> callers = new LinkedHashMap<>();

    /** {@code circuits}: module → circuit name → page, for every module of the site. */
    public CallGraph(Map<String, Map<String, String>> circuits) {
        this.circuits = circuits;
    }

    /** Records what {@code name} (a circuit or law of {@code module} on page {@code href}, declared as {@code declaration}) calls. */
    public void add(String module, String source, String name, String href, String declaration) {
        Map<String, Ref> scope = scope(module, source);
        List<Ref> out = new ArrayList<>();
        for (String used : Highlighter.names(declaration)) {
            Ref r = scope.get(used);
            if (r == null || r.module().equals(module) && r.name().equals(name) || out.contains(r)) continue;
            out.add(r);
            callers.computeIfAbsent(key(r.module(), r.name()), k -> new ArrayList<>()).add(new Ref(module, name, href));
        }
        callees.put(key(module, name), out);
    }

    /** The documented circuits {@code name} uses, in the order it first uses them. */
    public List<Ref> callees(String module, String name) {
        return callees.getOrDefault(key(module, name), List.of());
    }

    /** The circuits and laws that use {@code name}, in the site's order. */
    public List<Ref> callers(String module, String name) {
        return callers.getOrDefault(key(module, name), List.of());
    }

    /** The page of the circuit {@code name} means in {@code module}, or null. */
    public String resolve(String module, String name) {
        Map<String, Ref> s = scopes.get(module);
        Ref r = s == null ? null : s.get(name);
        return r == null ? null : r.href();
    }

    private Map<String, Ref> scope(String module, String source) {
        Map<String, Ref> s = scopes.get(module);
        if (s != null) return s;
        s = new LinkedHashMap<>();
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
            Map<String, String> of = circuits.get(m.group(1));
            if (of == null) continue;
            if (m.group(2) == null) {
                for (Map.Entry<String, String> e : of.entrySet()) s.put(e.getKey(), new Ref(m.group(1), e.getKey(), e.getValue()));
            } else {
                for (String n : m.group(2).split(",")) {
                    String t = n.strip();
                    if (of.containsKey(t)) s.put(t, new Ref(m.group(1), t, of.get(t)));
                }
            }
        }
        for (Map.Entry<String, String> e : circuits.getOrDefault(module, Map.of()).entrySet()) {
            s.put(e.getKey(), new Ref(module, e.getKey(), e.getValue()));    // a module's own names come first
        }
        scopes.put(module, s);
        return s;
    }

    private static String key(String module, String name) { return module + "\u0000" + name; }
}
