package ncd.jvm;

import ncd.aot.BufferFile;
import ncd.aot.Circuit;
import ncd.aot.Descriptor;
import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.ir.Unit;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.M;
import static ncd.jvm.Graphs.N;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What {@link AotJar} puts in a jar: the classes the JIT path generates, verified; a runtime closed under references
 * and free of the compiler; the buffers and descriptor, read back exactly. (Running the jars in their own JVM is
 * tests/AotBuildTest.)
 */
class AotJarTest {
    private static final JvmOptions GEMM = JvmOptions.defaults().withGemmMinMacs(1);

    /** Parameters, a matrix product on the sgemm kernel, random noise, a window and a state: most kinds of slot. */
    static Graph mixed() {
        Axis k = new Axis("k", 6);
        TensorType f = t(DType.F32, N, M);
        G g = new G("mixed");
        Node x = g.input("x", f);
        Node w = g.param("layer.w", t(DType.F32, M, k), Attr.InitKind.GLOROT);
        Node y = g.add(Op.CONTRACT, new Attr.Contract(List.of("m")), x, w);
        Node s = g.stateRead("s", f);
        Node win = g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("m", new Axis("dm", 3))), Attr.Boundary.WRAP), s);
        Node sum = g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("dm")), win);
        Node noise = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.NORMAL, 1), f, g.constant(t(DType.F32), 0), g.constant(t(DType.F32), 0.1));
        g.state("s", f, g.constant(f, 0.25), g.unary(Attr.UnaryFn.TANH, g.binary(Attr.BinaryFn.ADD, g.binary(Attr.BinaryFn.ADD, sum, x), noise)));
        g.out(y).out(g.add(Op.IOTA, new Attr.AxisRef("n"), t(DType.I32, N)));
        return g.build();
    }

    /** Life on a board wider than any vector: its stencil runs on byte lanes when the Vector API is present. */
    static Graph wideLife() {
        Axis r = new Axis("r", 5), c = new Axis("c", 150), dr = new Axis("dr", 3), dc = new Axis("dc", 3);
        G g = new G("wide life");
        TensorType bt = t(DType.BOOL, r, c);
        Node x = g.stateRead("board", bt);
        Node hood = g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("r", dr), new Attr.WindowDim("c", dc)), Attr.Boundary.WRAP), x);
        Node n = g.binary(Attr.BinaryFn.SUB, g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("dr", "dc")),
                g.add(Op.CAST, new Attr.Cast(DType.I32), hood)), g.add(Op.CAST, new Attr.Cast(DType.I32), x));
        Node next = g.binary(Attr.BinaryFn.OR, g.binary(Attr.BinaryFn.EQ, n, g.constant(t(DType.I32), 3)),
                g.binary(Attr.BinaryFn.AND, x, g.binary(Attr.BinaryFn.EQ, n, g.constant(t(DType.I32), 2))));
        g.state("board", bt, g.add(Op.RANDOM, new Attr.Random(Attr.Dist.BERNOULLI, 1), bt, g.constant(t(DType.F32), 0.35)), next);
        g.out(x);
        return g.build();
    }

    @Test void theFirstClassIsWhatTheJitPathDefines() {
        for (Graph g : List.of(mixed(), wideLife())) {
            Graph planned = Graphs.planned(g, true);
            AotJar jar = AotJar.build(planned, 3, GEMM);
            JvmExecutable jit = JvmBackend.compile(planned, 3, GEMM);
            Map.Entry<String, byte[]> first = jar.generatedClasses().entrySet().iterator().next();
            assertEquals(ClassGen.className(g.name()), first.getKey());
            assertArrayEquals(jit.classBytes(), first.getValue(), g.name());
        }
    }

    @Test void everyGeneratedClassVerifies() {
        for (Graph g : List.of(mixed(), wideLife())) {
            for (Map.Entry<String, byte[]> c : AotJar.build(Graphs.planned(g, true), 3, GEMM).generatedClasses().entrySet()) {
                StringWriter sw = new StringWriter();
                CheckClassAdapter.verify(new ClassReader(c.getValue()), AotJarTest.class.getClassLoader(), false, new PrintWriter(sw));
                if (!sw.toString().isEmpty()) fail(c.getKey() + " does not verify:\n" + sw);
            }
        }
    }

    /**
     * With the Vector API the byte-lane class comes first, for this JVM's lane count, and a class without it second
     * (the byte lanes asked for: by default this board is kept bit-packed, below).
     */
    @Test void aVectorStencilGetsAScalarTwin() {
        AotJar jar = AotJar.build(Graphs.planned(wideLife(), true), 3, GEMM.withBits(JvmOptions.BitSliced.NEVER));
        List<Descriptor.Variant> vs = jar.descriptor().variants();
        List<byte[]> bytes = new ArrayList<>(jar.generatedClasses().values());
        if (!Gemm.vectorized()) {
            assertEquals(List.of(new Descriptor.Variant("ncd.jvm.Circuit_wide_life", 0)), vs);
            return;
        }
        assertEquals(List.of(new Descriptor.Variant("ncd.jvm.Circuit_wide_life", Vec.LANES), new Descriptor.Variant("ncd.jvm.Circuit_wide_life_scalar", 0)), vs);
        assertTrue(AotJar.references(bytes.get(0)).contains("ncd/jvm/Vec"));
        Set<String> scalar = AotJar.references(bytes.get(1));
        assertFalse(scalar.contains("ncd/jvm/Vec"), scalar::toString);
        assertFalse(scalar.stream().anyMatch(c -> c.startsWith("jdk/incubator/")), scalar::toString);
        // without a vector stencil there is one class, and it runs anywhere
        assertEquals(1, AotJar.build(Graphs.planned(mixed(), true), 3, GEMM).descriptor().variants().size());
        assertEquals(0, AotJar.build(Graphs.planned(mixed(), true), 3, GEMM).descriptor().variants().get(0).lanes());
    }

    /** A bit-sliced stencil (FusedBits on LongVector lanes) gets a scalar twin too, which calls no VecBits. */
    @Test void aBitSlicedStencilGetsAScalarTwin() {
        AotJar jar = AotJar.build(Graphs.planned(wideLife(), true), 3, GEMM.withBits(JvmOptions.BitSliced.ALWAYS));
        List<byte[]> bytes = new ArrayList<>(jar.generatedClasses().values());
        if (!Gemm.vectorized()) {
            assertEquals(1, jar.descriptor().variants().size());
            return;
        }
        assertEquals(2, jar.descriptor().variants().size(), jar.descriptor().variants().toString());
        assertTrue(AotJar.references(bytes.get(0)).contains("ncd/jvm/VecBits"));
        Set<String> scalar = AotJar.references(bytes.get(1));
        assertTrue(scalar.contains("ncd/jvm/Bits"), scalar::toString);
        assertFalse(scalar.contains("ncd/jvm/VecBits") || scalar.stream().anyMatch(c -> c.startsWith("jdk/incubator/")), scalar::toString);
    }

    @Test void theRuntimeIsClosedAndHoldsNoCompiler() {
        AotJar jar = AotJar.build(Graphs.planned(mixed(), true), 3, GEMM);
        Set<String> runtime = jar.runtimeClasses().keySet();
        for (String c : List.of("ncd/jvm/Kernel", "ncd/jvm/Rt", "ncd/jvm/Gemm", "ncd/jvm/VectorGemm", "ncd/jvm/Parallel",
                "ncd/jvm/AotSupport", "ncd/aot/Circuit", "ncd/aot/Main", "ncd/runtime/Rng", "ncd/runtime/Npy", "ncd/ir/TensorType")) {
            assertTrue(runtime.contains(c), c + " missing from " + runtime);
        }
        for (String c : List.of("ncd/jvm/AotJar", "ncd/jvm/ClassGen", "ncd/jvm/Plan", "ncd/jvm/MethodGen", "ncd/jvm/Fused",
                "ncd/jvm/JvmExecutable", "ncd/jvm/JvmBackend", "ncd/runtime/ParamInit", "ncd/ir/Graph", "ncd/ir/Node")) {
            assertFalse(runtime.contains(c), c + " is in the runtime");
        }
        for (String c : runtime) assertTrue(AotJar.RUNTIME_PACKAGES.contains(c.substring(0, c.lastIndexOf('/'))), c);
        List<byte[]> all = new ArrayList<>(jar.generatedClasses().values());
        all.addAll(jar.runtimeClasses().values());
        for (byte[] b : all) {
            for (String r : AotJar.references(b)) {
                boolean platform = r.startsWith("java/") || r.startsWith("jdk/") || r.startsWith("javax/") || r.startsWith("sun/");
                assertTrue(platform || runtime.contains(r) || jar.generatedClasses().containsKey(r), r + " is referenced but not in the jar");
            }
        }
    }

    /** A class that needs something outside the runtime packages is refused, naming both. */
    @Test void aReferenceOutsideTheRuntimeIsRefused() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "ncd/jvm/Circuit_bad", null, "java/lang/Object", null);
        cw.visitField(Opcodes.ACC_PRIVATE, "r", "Lorg/objectweb/asm/ClassReader;", null, null).visitEnd();
        cw.visitEnd();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> AotJar.closure(Map.of("ncd/jvm/Circuit_bad", cw.toByteArray())));
        assertTrue(e.getMessage().contains("org.objectweb.asm.ClassReader") && e.getMessage().contains("ncd.jvm.Circuit_bad"), e.getMessage());
    }

    /** Types that appear only in member descriptors count too. */
    @Test void descriptorOnlyTypesAreReferences() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "a/B", null, "java/lang/Object", null);
        cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "f", "([[Lncd/runtime/Tensor;I)Lncd/ir/DType;", null, new String[] {"ncd/runtime/RunException"}).visitEnd();
        cw.visitEnd();
        assertEquals(Set.of("java/lang/Object", "ncd/runtime/Tensor", "ncd/ir/DType", "ncd/runtime/RunException"), AotJar.references(cw.toByteArray()));
    }

    @Test void buffersReadBackBitForBitIntoFreshArrays() throws IOException {
        float[] f = {0f, -0f, Float.NaN, 1.5f, Float.NEGATIVE_INFINITY};
        List<Object> a = List.of(f, new double[] {Math.PI, -0.0}, new int[] {Integer.MIN_VALUE, 7}, new boolean[] {true, false, true},
                new byte[] {-128, 5}, new float[1000], new float[1000]);
        List<Object> b = List.of(f.clone(), new int[3]);
        byte[] file = BufferFile.write(List.of(a, b));
        Object[] ra = BufferFile.slots(file, 0, "t"), rb = BufferFile.slots(file, 1, "t");
        assertEquals(a.size(), ra.length);
        for (int i = 0; i < a.size(); i++) {
            assertTrue(Arrays.deepEquals(new Object[] {a.get(i)}, new Object[] {ra[i]}), "slot " + i);
            assertEquals(a.get(i).getClass(), ra[i].getClass());
        }
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(((float[]) ra[0])[1]));
        assertNotSame(ra[5], ra[6]);
        assertNotSame(ra[0], rb[0]);
        assertArrayEquals(f, (float[]) rb[0]);
        assertArrayEquals(new int[3], (int[]) rb[1]);
        assertThrows(IOException.class, () -> BufferFile.slots(file, 2, "t"));
        assertThrows(IOException.class, () -> BufferFile.slots(Arrays.copyOf(file, 40), 0, "t"));
        // the zero buffers cost their length only
        assertTrue(file.length < 200, "file of " + file.length + " bytes");
    }

    /**
     * A list of synapse pairs reaches the jar as two int buffers (not as a string constant) and the runtime that reads
     * it (the plan's digest check) is in the jar; the arrays read back are the list.
     */
    @Test void aListOfPairsTravelsInTheBufferFile() throws IOException {
        int n = 5000;
        int[] from = new int[n], to = new int[n];
        for (int t = 0; t < n; t++) {
            from[t] = (t * 7) % 40;
            to[t] = (t * 13) % 30;
        }
        ncd.ir.SynapseData.Pairs pairs = ncd.ir.SynapseData.Pairs.of("conn.npy", from, to);
        G g = new G("listed");
        Node x = g.input("x", t(DType.F32, new Axis("pre", 40)));
        g.out(g.add(Op.SYNAPSES, new Attr.Synapses("pre", new Axis("post", 30), Attr.SynRule.PAIRS, 0, 0, 0, Attr.SynStorage.AUTO, pairs), x));
        AotJar jar = AotJar.build(Graphs.planned(g.build(), true), 3, GEMM);
        Object[] slots = BufferFile.slots(jar.bufferFile(), 0, "t");
        assertTrue(Arrays.stream(slots).anyMatch(o -> o instanceof int[] a && Arrays.equals(a, pairs.pre())), "the pre column is a buffer");
        assertTrue(Arrays.stream(slots).anyMatch(o -> o instanceof int[] a && Arrays.equals(a, pairs.post())), "the post column is a buffer");
        byte[] main = jar.generatedClasses().values().iterator().next();
        assertTrue(main.length < 20_000, "the generated class holds no list: " + main.length + " bytes");
        assertTrue(jar.runtimeClasses().containsKey("ncd/ir/SynapseData$Pairs"), "the digest check travels with the jar");
    }

    @Test void theDescriptorReadsBack() throws IOException {
        Descriptor d = AotJar.build(Graphs.planned(mixed(), true), 3, GEMM).descriptor();
        assertEquals(d, Descriptor.read(new ByteArrayInputStream(d.text().getBytes(StandardCharsets.UTF_8)), "t"));
        assertEquals(List.of("x"), d.inputs().stream().map(Descriptor.Port::name).toList());
        assertEquals(List.of("layer.w"), d.params().stream().map(Descriptor.Port::name).toList());
        assertEquals(1, d.states().size());
        TensorType withUnit = new TensorType(DType.F64, List.of(N, M), Unit.base("A").over(Unit.base("s")));
        Descriptor u = new Descriptor("c d", -4, List.of(new Descriptor.Variant("ncd.jvm.Circuit_c_d", 0)),
                List.of(new Descriptor.Port("i", 1, withUnit, -1)), List.of(new Descriptor.Port("o", 2, TensorType.scalar(DType.BOOL), -1)),
                List.of(), List.of());
        assertEquals(u, Descriptor.read(new ByteArrayInputStream(u.text().getBytes(StandardCharsets.UTF_8)), "t"));
        IOException e = assertThrows(IOException.class, () -> Descriptor.read(new ByteArrayInputStream("ncd-aot\t9\n".getBytes(StandardCharsets.UTF_8)), "x.circuit"));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test void theJarIsRunnableSealedAndReproducible() throws IOException {
        AotJar jar = AotJar.build(Graphs.planned(mixed(), true), 3, GEMM);
        ByteArrayOutputStream one = new ByteArrayOutputStream(), two = new ByteArrayOutputStream();
        jar.write(one);
        AotJar.build(Graphs.planned(mixed(), true), 3, GEMM).write(two);
        assertArrayEquals(one.toByteArray(), two.toByteArray(), "the same graph, seed and options give the same jar");
        List<String> names = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(one.toByteArray()))) {
            Attributes main = in.getManifest().getMainAttributes();
            assertEquals("ncd.aot.Main", main.getValue(Attributes.Name.MAIN_CLASS));
            assertEquals("true", in.getManifest().getAttributes("ncd/jvm/").getValue(Attributes.Name.SEALED));
            names.add("META-INF/MANIFEST.MF");
            for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                names.add(e.getName());
                if (e.getName().equals(Circuit.DIR + "mixed.circuit")) assertEquals(jar.descriptor().text(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (e.getName().equals(Circuit.DIR + "mixed.buffers")) assertArrayEquals(jar.bufferFile(), in.readAllBytes());
            }
        }
        assertEquals(jar.entryNames(), names);
    }
}
