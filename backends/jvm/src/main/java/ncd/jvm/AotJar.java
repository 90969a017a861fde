package ncd.jvm;

import ncd.aot.BufferFile;
import ncd.aot.Circuit;
import ncd.aot.Descriptor;
import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Node;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A circuit compiled ahead of time ({@code ncdc build --target jvm}): the class(es) {@link ClassGen} generates for
 * it, exactly as {@link JvmExecutable} would define them, plus everything needed to run them without the compiler,
 * written as one runnable jar:
 *
 * <ul>
 *   <li>the generated class {@code ncd/jvm/Circuit_NAME} (and, when that one runs bool stencils on Vector API lanes,
 *       a second one, {@code Circuit_NAME_scalar}, generated as without the Vector API, for JVMs that lack it);
 *   <li>the runtime: the classes the generated code and {@link Circuit} reference, transitively, found by reading
 *       their constant pools and member descriptors ({@link #references}); only packages {@link #RUNTIME_PACKAGES}
 *       may appear, so the frontend, passes, ASM and picocli cannot leak in;
 *   <li>{@code META-INF/ncd/NAME.circuit} ({@link Descriptor}), {@code META-INF/ncd/NAME.buffers} ({@link BufferFile}:
 *       parameters drawn from the seed, constants, iotas, index maps) and {@code META-INF/ncd/circuits};
 *   <li>a manifest with {@code Main-Class: ncd.aot.Main} that seals package {@code ncd.jvm} to the jar (the generated
 *       class reaches package-private parts of its runtime, so both must come from the same jar).
 * </ul>
 *
 * Entries have a fixed timestamp and a fixed order: the same graph, seed and options give the same bytes.
 */
public final class AotJar {
    /** The packages (internal names) whose classes a jar may carry. */
    public static final Set<String> RUNTIME_PACKAGES = Set.of("ncd/jvm", "ncd/aot", "ncd/runtime", "ncd/ir");
    /** Where the runtime starts: the embedding API and the jar's main class (the generated classes are the other roots). */
    static final List<String> RUNTIME_ROOTS = List.of("ncd/aot/Circuit", "ncd/aot/Main");
    private static final String SCALAR_SUFFIX = "_scalar";
    private static final LocalDateTime TIMESTAMP = LocalDateTime.of(2000, 1, 1, 0, 0);

    private final Descriptor descriptor;
    private final Map<String, byte[]> generated;
    private final SortedMap<String, byte[]> runtime;
    private final byte[] buffers;

    private AotJar(Descriptor descriptor, Map<String, byte[]> generated, SortedMap<String, byte[]> runtime, byte[] buffers) {
        this.descriptor = descriptor;
        this.generated = generated;
        this.runtime = runtime;
        this.buffers = buffers;
    }

    /** Compiles {@code graph} with parameters drawn from {@code seed}. */
    public static AotJar build(Graph graph, long seed, JvmOptions options) {
        Plan plan = new Plan(graph, seed, options);
        int base = plan.buffers.size();
        String name = ClassGen.className(graph.name());
        byte[] main = new ClassGen(plan, name).generate();

        Map<String, byte[]> classes = new LinkedHashMap<>();
        List<List<Object>> slotLists = new ArrayList<>();
        List<Descriptor.Variant> variants = new ArrayList<>();
        classes.put(name, main);
        slotLists.add(List.copyOf(plan.buffers));
        if (usesVectors(main)) {
            variants.add(new Descriptor.Variant(name.replace('/', '.'), AotSupport.vectorLanes()));
            String scalarName = name + SCALAR_SUFFIX;
            Object[] s = scalarVariant(graph, seed, options, scalarName);
            byte[] scalar = (byte[]) s[0];
            List<Object> scalarBuffers = Arrays.asList((Object[]) s[1]);
            if (usesVectors(scalar)) {
                throw new IllegalStateException("the class generated without the Vector API still calls ncd.jvm.Vec or VecBits");
            }
            if ((int) s[2] != base || !sameBuffers(plan.buffers.subList(0, base), scalarBuffers.subList(0, base))) {
                throw new IllegalStateException("the two generated classes of " + graph.name() + " do not share their named slots");
            }
            classes.put(scalarName, scalar);
            slotLists.add(scalarBuffers);
            variants.add(new Descriptor.Variant(scalarName.replace('/', '.'), 0));
        } else {
            variants.add(new Descriptor.Variant(name.replace('/', '.'), 0));
        }

        List<Descriptor.Port> inputs = new ArrayList<>(), outputs = new ArrayList<>(), states = new ArrayList<>(), params = new ArrayList<>();
        for (Node in : graph.inputs()) {
            String n = ((Attr.Named) in.attr()).name();
            inputs.add(new Descriptor.Port(n, plan.inputSlots.get(n), in.type(), -1));
        }
        for (Graph.Output o : graph.outputs()) outputs.add(new Descriptor.Port(o.name(), plan.slot(o.node()), o.node().type(), -1));
        for (Plan.StatePlan s : plan.states) states.add(new Descriptor.Port(s.state().name(), s.slot(), s.state().type(), s.init()));
        for (Map.Entry<String, Integer> p : plan.paramSlots.entrySet()) {
            params.add(new Descriptor.Port(p.getKey(), p.getValue(), plan.paramTypes.get(p.getKey()), -1));
        }
        Descriptor d = new Descriptor(graph.name(), seed, variants, inputs, outputs, states, params);
        return new AotJar(d, classes, closure(classes), BufferFile.write(slotLists));
    }

    public Descriptor descriptor() { return descriptor; }

    /** The generated classes by internal name, the one {@link JvmExecutable} would define for this JVM first. */
    public Map<String, byte[]> generatedClasses() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        generated.forEach((k, v) -> m.put(k, v.clone()));
        return Collections.unmodifiableMap(m);
    }

    /** The runtime classes the jar carries, by internal name. */
    public SortedMap<String, byte[]> runtimeClasses() { return Collections.unmodifiableSortedMap(runtime); }

    /** The buffer file ({@link BufferFile}). */
    public byte[] bufferFile() { return buffers.clone(); }

    /** Every entry name, in the order {@link #write} writes them. */
    public List<String> entryNames() {
        List<String> names = new ArrayList<>();
        names.add("META-INF/MANIFEST.MF");
        String base = Circuit.DIR + Circuit.fileName(descriptor.circuit());
        names.add(Circuit.DIR + "circuits");
        names.add(base + ".circuit");
        names.add(base + ".buffers");
        for (String c : generated.keySet()) names.add(c + ".class");
        for (String c : runtime.keySet()) names.add(c + ".class");
        return names;
    }

    /** Writes the jar. */
    public void write(OutputStream out) throws IOException {
        Manifest man = new Manifest();
        Attributes main = man.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(Attributes.Name.MAIN_CLASS, "ncd.aot.Main");
        main.put(new Attributes.Name("Created-By"), "ncdc build --target jvm");
        main.put(new Attributes.Name("Ncd-Circuit"), descriptor.circuit());
        Attributes sealed = new Attributes();
        sealed.put(Attributes.Name.SEALED, "true");
        man.getEntries().put("ncd/jvm/", sealed);
        String base = Circuit.DIR + Circuit.fileName(descriptor.circuit());
        JarOutputStream jar = new JarOutputStream(out);
        ByteArrayOutputStream mf = new ByteArrayOutputStream();
        man.write(mf);
        entry(jar, "META-INF/MANIFEST.MF", mf.toByteArray());
        entry(jar, Circuit.DIR + "circuits", (descriptor.circuit() + "\n").getBytes(StandardCharsets.UTF_8));
        entry(jar, base + ".circuit", descriptor.text().getBytes(StandardCharsets.UTF_8));
        entry(jar, base + ".buffers", buffers);
        for (Map.Entry<String, byte[]> c : generated.entrySet()) entry(jar, c.getKey() + ".class", c.getValue());
        for (Map.Entry<String, byte[]> c : runtime.entrySet()) entry(jar, c.getKey() + ".class", c.getValue());
        jar.finish();
    }

    private static void entry(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setTimeLocal(TIMESTAMP);
        jar.putNextEntry(e);
        jar.write(bytes);
        jar.closeEntry();
    }

    // ------------------------------------------------------------------------------------------------ the runtime

    /**
     * The runtime classes the generated classes need, transitively, with {@link #RUNTIME_ROOTS}: every class named
     * in a constant pool (class entries, and the descriptors of member references and method types) or in a field
     * or method descriptor, outside the platform ({@code java/}, {@code javax/}, {@code jdk/}, {@code sun/}).
     *
     * @throws IllegalStateException when one lies outside {@link #RUNTIME_PACKAGES} or cannot be read
     */
    static SortedMap<String, byte[]> closure(Map<String, byte[]> generated) {
        ClassLoader loader = AotJar.class.getClassLoader();
        SortedMap<String, byte[]> out = new TreeMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        Deque<String> work = new ArrayDeque<>();
        for (Map.Entry<String, byte[]> g : generated.entrySet()) {
            for (String r : references(g.getValue())) if (from.putIfAbsent(r, g.getKey()) == null) work.add(r);
        }
        for (String r : RUNTIME_ROOTS) if (from.putIfAbsent(r, "the jar's API") == null) work.add(r);
        while (!work.isEmpty()) {
            String c = work.poll();
            if (platform(c) || generated.containsKey(c)) continue;
            int slash = c.lastIndexOf('/');
            if (slash < 0 || !RUNTIME_PACKAGES.contains(c.substring(0, slash))) {
                throw new IllegalStateException("the ahead-of-time runtime would need " + c.replace('/', '.') + " (used by "
                        + from.get(c).replace('/', '.') + "), which is outside its packages " + RUNTIME_PACKAGES);
            }
            byte[] bytes;
            try (InputStream in = loader.getResourceAsStream(c + ".class")) {
                if (in == null) throw new IllegalStateException("cannot find class " + c.replace('/', '.') + " (used by " + from.get(c).replace('/', '.') + ")");
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read class " + c + ": " + e.getMessage(), e);
            }
            out.put(c, bytes);
            for (String r : references(bytes)) if (from.putIfAbsent(r, c) == null) work.add(r);
        }
        return out;
    }

    private static boolean platform(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/");
    }

    /** The classes (internal names) a class file refers to, itself excluded. */
    static Set<String> references(byte[] classFile) {
        ClassReader cr = new ClassReader(classFile);
        Set<String> out = new TreeSet<>();
        char[] buf = new char[cr.getMaxStringLength()];
        for (int i = 1; i < cr.getItemCount(); i++) {
            int at = cr.getItem(i);
            if (at == 0) continue;   // the unusable second slot of a long or double
            switch (cr.readByte(at - 1)) {
                case 7 -> type(out, cr.readUTF8(at, buf));            // CONSTANT_Class
                case 12 -> descriptor(out, cr.readUTF8(at + 2, buf)); // CONSTANT_NameAndType
                case 16 -> descriptor(out, cr.readUTF8(at, buf));     // CONSTANT_MethodType
                default -> { }
            }
        }
        cr.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                descriptor(out, desc);
                return null;
            }

            @Override public FieldVisitor visitField(int access, String name, String desc, String signature, Object value) {
                descriptor(out, desc);
                return null;
            }

            @Override public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
                descriptor(out, desc);
                if (exceptions != null) for (String e : exceptions) type(out, e);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        out.remove(cr.getClassName());
        return out;
    }

    private static void type(Set<String> out, String internalNameOrArray) {
        if (internalNameOrArray.startsWith("[")) descriptor(out, internalNameOrArray);
        else out.add(internalNameOrArray);
    }

    private static void descriptor(Set<String> out, String desc) {
        if (desc.startsWith("(")) {
            for (Type t : Type.getArgumentTypes(desc)) add(out, t);
            add(out, Type.getReturnType(desc));
        } else {
            add(out, Type.getType(desc));
        }
    }

    private static void add(Set<String> out, Type t) {
        if (t.getSort() == Type.ARRAY) t = t.getElementType();
        if (t.getSort() == Type.OBJECT) out.add(t.getInternalName());
    }

    // ------------------------------------------------------------------------------------------------ two classes

    /**
     * The class generated as if this JVM had no Vector API: {@link FusedBytes} decides on byte-lane loops from
     * {@link Gemm.VectorProbe#PRESENT}, which is fixed per class loader, so the backend is loaded a second time in
     * a private loader whose probe read {@code -Dncd.jvm.vector=false}. Returns {class bytes, buffers, slots the plan
     * made before generating}.
     */
    private static Object[] scalarVariant(Graph graph, long seed, JvmOptions o, String className) {
        ClassLoader parent = AotJar.class.getClassLoader();
        ClassLoader isolated = new ClassLoader("ncd-aot-scalar", parent) {
            @Override protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith("ncd.jvm.")) return super.loadClass(name, resolve);
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        try (InputStream in = parent.getResourceAsStream(name.replace('.', '/') + ".class")) {
                            if (in == null) throw new ClassNotFoundException(name);
                            byte[] b = in.readAllBytes();
                            c = defineClass(name, b, 0, b.length);
                        } catch (IOException e) {
                            throw new ClassNotFoundException(name, e);
                        }
                    }
                    if (resolve) resolveClass(c);
                    return c;
                }
            }
        };
        Gemm.vectorized();   // this loader's probe is initialised: the property set below reaches only the private one
        try {
            synchronized (AotJar.class) {
                String old = System.getProperty("ncd.jvm.vector");
                System.setProperty("ncd.jvm.vector", "false");
                try {
                    Class.forName("ncd.jvm.Gemm$VectorProbe", true, isolated);
                } finally {
                    if (old == null) System.clearProperty("ncd.jvm.vector"); else System.setProperty("ncd.jvm.vector", old);
                }
            }
            if ((boolean) Class.forName("ncd.jvm.Gemm", true, isolated).getMethod("vectorized").invoke(null)) {
                throw new IllegalStateException("cannot load the JVM backend without the Vector API");
            }
            return (Object[]) Class.forName(AotJar.class.getName(), true, isolated)
                    .getMethod("generateVariant", Graph.class, long.class, long.class, int.class, boolean.class, boolean.class, String.class, String.class)
                    .invoke(null, graph, seed, o.gemmMinMacs(), o.threads(), o.fuse(), o.bf16Weights(), o.bits().name(), className);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot generate the class without the Vector API: " + e, e);
        }
    }

    /** One generated class and its buffers (called in {@link #scalarVariant}'s loader; public for reflection only). */
    public static Object[] generateVariant(Graph graph, long seed, long gemmMinMacs, int threads, boolean fuse, boolean bf16Weights,
                                           String bits, String className) {
        Plan plan = new Plan(graph, seed, new JvmOptions(gemmMinMacs, threads, fuse, false, false, bf16Weights, JvmOptions.BitSliced.valueOf(bits)));
        int base = plan.buffers.size();
        byte[] bytes = new ClassGen(plan, className).generate();
        return new Object[] {bytes, plan.buffers.toArray(), base};
    }

    /** Whether a generated class calls the Vector API helpers (byte lanes, {@link Vec}, or bit planes, {@link VecBits}). */
    private static boolean usesVectors(byte[] classFile) {
        Set<String> refs = references(classFile);
        return refs.contains("ncd/jvm/Vec") || refs.contains("ncd/jvm/VecBits");
    }

        private static boolean sameBuffers(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).getClass() != b.get(i).getClass() || !Arrays.deepEquals(new Object[] {a.get(i)}, new Object[] {b.get(i)})) return false;
        }
        return true;
    }
}
