package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.TensorType;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.M;
import static ncd.jvm.Graphs.N;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Steady-state steps allocate nothing; the backend is found by name; inputs are checked as the interpreter checks them. */
class AllocationAndApiTest {
    /** A stateful graph: a windowed neighbour sum, a reduction, a comparison and random noise. */
    private static Graph graph() {
        TensorType f = t(DType.F32, N, M);
        G g = new G("alloc");
        Node x = g.input("x", f);
        Node s = g.stateRead("s", f);
        Node win = g.add(Op.WINDOW, new Attr.Window(List.of(new Attr.WindowDim("m", new ncd.ir.Axis("w", 3))), Attr.Boundary.WRAP), s);
        Node sum = g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.SUM, List.of("w")), win);
        Node noise = g.add(Op.RANDOM, new Attr.Random(Attr.Dist.NORMAL, 1), f, g.constant(t(DType.F32), 0), g.constant(t(DType.F32), 0.1));
        Node next = g.unary(Attr.UnaryFn.TANH, g.binary(Attr.BinaryFn.ADD, g.binary(Attr.BinaryFn.ADD, sum, x), noise));
        g.state("s", f, g.constant(f, 0.5), next);
        g.out(g.add(Op.REDUCE, new Attr.Reduce(Attr.ReduceFn.MAX, List.of("n")), next));
        return g.build();
    }

    /**
     * Windows of 500 steps (half through {@code stepInPlace}, half through the generated {@code run} loop) after a
     * warm-up: at least one must allocate exactly 0 bytes, which is impossible if any step allocated. (Not every
     * window: C2 compilations now and then charge a few hundred bytes to the thread; the interpreter and C1 show 0.)
     */
    @Test void steadyStateStepsAllocateNothing() {
        JvmExecutable jvm = Graphs.compile(graph(), 0, JvmOptions.defaults());
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 2000; i++) jvm.stepInPlace();
        long least = Long.MAX_VALUE;
        for (int w = 0; w < 10; w++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 250; i++) jvm.stepInPlace();
            jvm.run(250);
            least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, least, "bytes allocated by 500 steps");
        assertEquals(7000, jvm.steps());
    }

    @Test void theBackendIsFoundByName() {
        assertTrue(Backends.named("jvm").isPresent());
        assertTrue(Backends.named("jvm").get().isAvailable());
        assertTrue(Backends.named("jvm").get().compile(Graphs.scheduled(graph(), true), ncd.runtime.BackendOptions.defaults(), new ncd.diag.Diagnostics()).orElseThrow() instanceof JvmExecutable);
    }

    @Test void inputsAreMatchedByNameAndChecked() {
        JvmExecutable jvm = Graphs.compile(graph(), 0, JvmOptions.defaults());
        assertEquals(List.of("x"), jvm.inputNames());
        Tensor transposed = Tensor.zeros(t(DType.F32, M, N));
        assertEquals(1, jvm.step(Map.of("x", transposed)).size());
        // bad data is the user's error, reported as the runtime's RunException by every backend
        assertThrows(ncd.runtime.RunException.class, () -> jvm.step(Map.of()));
        assertThrows(ncd.runtime.RunException.class, () -> jvm.step(Map.of("x", transposed, "y", transposed)));
        assertThrows(ncd.runtime.RunException.class, () -> jvm.step(Map.of("x", Tensor.zeros(t(DType.F64, M, N)))));
        assertThrows(ncd.runtime.RunException.class, () -> jvm.step(Map.of("x", Tensor.zeros(t(DType.F32, N)))));
    }

    @Test void theClassTextNamesTheNodeMethods() {
        JvmExecutable jvm = Graphs.compile(graph(), 0, JvmOptions.defaults());
        String text = jvm.asmText();
        assertTrue(text.contains("extends ncd/jvm/Kernel"), text);
        assertTrue(text.contains("public final step()V") && text.contains("public final run(J)V"), text);
        Graphs.verify(jvm);
    }
}
