package ncd.frontend.resolve;

import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.frontend.CompilerBug;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Module;
import ncd.frontend.parse.Parser;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The standard library as the loader sees it: the {@code .ncd} files under {@value #RESOURCE_ROOT} on the class path
 * (a folder in a build, entries of the jar otherwise). Diagnostics ask it which module declares a name the user did
 * not import, and which modules exist; it reads and parses every module once, on the first question.
 */
public final class Stdlib {
    static final String RESOURCE_ROOT = "ncd/stdlib/";

    private Stdlib() {}

    /** The stdlib's module names ("std.act", "std.nn", ...), sorted. */
    public static List<String> modules() { return Catalog.INSTANCE.modules; }

    /**
     * The stdlib modules that declare {@code name} as a {@code kind} ({@link Decl.Circuit}, {@link Decl.Law},
     * {@link Decl.ConstDef}, {@link Decl.AxisDef} or {@link Decl.UnitDef}), sorted; empty if none.
     */
    public static List<String> declaring(String name, Class<?> kind) {
        return Catalog.INSTANCE.declaring.getOrDefault(name, List.of()).stream()
                .filter(d -> kind.isInstance(d.decl())).map(Declared::module).distinct().sorted().toList();
    }

    /** The names the stdlib declares as a {@code kind} (see {@link #declaring}), sorted. */
    public static List<String> names(Class<?> kind) {
        return Catalog.INSTANCE.declaring.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(d -> kind.isInstance(d.decl())))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** A declaration of a stdlib module. */
    private record Declared(String module, Object decl) {}

    /** The text of stdlib module file {@code rel} ("std/act.ncd"), or null when there is none. */
    static String read(String rel) {
        try (InputStream in = Stdlib.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + rel)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CompilerBug("resolve", e);
        }
    }

    /** Read once, when first needed (class initialisation is lazy and thread-safe). */
    private static final class Catalog {
        static final Catalog INSTANCE = new Catalog();

        final List<String> modules;
        /** By name, every declaration of that name in some module. */
        final Map<String, List<Declared>> declaring;

        private Catalog() {
            Map<String, List<Declared>> byName = new TreeMap<>();
            List<String> names = new ArrayList<>();
            for (String rel : files()) {
                String module = rel.substring(0, rel.length() - ".ncd".length()).replace('/', '.');
                names.add(module);
                String text = read(rel);
                // a stdlib module that does not parse is reported when it is imported; here it declares nothing
                Module ast = text == null ? null : Parser.parse(new SourceFile("<stdlib>/" + rel, text), new Diagnostics());
                if (ast == null) continue;
                for (Decl d : ast.decls()) {
                    if (d instanceof Decl.Circuit c) add(byName, c.name().text(), module, c);
                    else if (d instanceof Decl.Law l) add(byName, l.name().text(), module, l);
                    else if (d instanceof Decl.UnitDef u) add(byName, u.name().text(), module, u);
                    else if (d instanceof Decl.Consts c) c.defs().forEach(def -> add(byName, def.name().text(), module, def));
                    else if (d instanceof Decl.Axes a) a.defs().forEach(def -> add(byName, def.name().text(), module, def));
                }
            }
            Collections.sort(names);
            Map<String, List<Declared>> frozen = new LinkedHashMap<>();
            byName.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
            this.modules = List.copyOf(names);
            this.declaring = Collections.unmodifiableMap(frozen);
        }

        private static void add(Map<String, List<Declared>> byName, String name, String module, Object decl) {
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(new Declared(module, decl));
        }

        /** The stdlib's files relative to {@link #RESOURCE_ROOT}, found from the prelude's own location. */
        private static List<String> files() {
            String prelude = Loader.PRELUDE.replace('.', '/') + ".ncd";
            URL url = Stdlib.class.getClassLoader().getResource(RESOURCE_ROOT + prelude);
            if (url == null) throw new CompilerBug("resolve", new IllegalStateException("the stdlib is not on the class path"));
            List<String> out = new ArrayList<>();
            try {
                URLConnection conn = url.openConnection();
                if (conn instanceof JarURLConnection jar) {
                    jar.setUseCaches(false);
                    try (JarFile f = jar.getJarFile()) {
                        for (Enumeration<JarEntry> e = f.entries(); e.hasMoreElements(); ) {
                            String n = e.nextElement().getName();
                            if (n.startsWith(RESOURCE_ROOT) && n.endsWith(".ncd")) out.add(n.substring(RESOURCE_ROOT.length()));
                        }
                    }
                } else {
                    Path file = Path.of(url.toURI());
                    Path root = file;
                    for (int i = 0; i < prelude.split("/").length; i++) root = root.getParent();
                    try (Stream<Path> s = Files.walk(root)) {
                        Path r = root;
                        s.filter(p -> p.toString().endsWith(".ncd") && Files.isRegularFile(p))
                                .forEach(p -> out.add(r.relativize(p).toString().replace('\\', '/')));
                    }
                }
            } catch (IOException | URISyntaxException | RuntimeException e) {
                throw new CompilerBug("resolve", e);
            }
            Collections.sort(out);
            return out;
        }
    }
}
