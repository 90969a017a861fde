package ncd.jvm;

import ncd.ir.Attr;
import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.TensorType;
import ncd.ir.Verifier;
import ncd.passes.FusePass;
import ncd.passes.PassContext;
import ncd.passes.PlanMemoryPass;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static ncd.jvm.Graphs.G;
import static ncd.jvm.Graphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Plan} on the memory plan: shared arrays, states swapping next to reused buffers, and schedules given with the graph. */
class PlanTest {
    private static final Axis R = new Axis("r", 3), C = new Axis("c", 5);

    /** A state advanced through transposes and a fused chain (neg in tanh's loop). */
    static Graph transposes() {
        G g = new G("transposes");
        TensorType rc = t(DType.F32, R, C), cr = t(DType.F32, C, R);
        Node s = g.stateRead("s", rc);
        Node a = g.add(Op.TRANSPOSE, new Attr.None(), cr, g.binary(Attr.BinaryFn.ADD, s, g.input("x", rc)));
        Node b = g.add(Op.TRANSPOSE, new Attr.None(), rc, a);
        Node c = g.add(Op.TRANSPOSE, new Attr.None(), cr, g.unary(Attr.UnaryFn.TANH, g.unary(Attr.UnaryFn.NEG, b)));
        Node next = g.add(Op.TRANSPOSE, new Attr.None(), rc, c);
        g.state("s", rc, g.constant(rc, 0.25), next);
        g.out(s);
        return g.build();
    }

    @Test void valuesWithDisjointLifetimesShareAnArrayButNeverWithWhatTheyRead() {
        Graph graph = transposes();
        Graphs.same(graph, 5);
        Plan plan = new Plan(Graphs.planned(graph, true), 0, JvmOptions.defaults());
        Set<Integer> shared = new HashSet<>();
        for (Node n : plan.stepNodes) {
            for (Node in : n.inputs()) if (plan.slotOf[in.id()] >= 0) assertNotEquals(plan.slot(in), plan.slot(n), n + " reads " + in);
            boolean pinned = n == graph.states().get(0).next();
            if (!pinned) shared.add(plan.slot(n));
        }
        assertEquals(5, plan.stepNodes.size() - 1, "add, three transposes and tanh besides the next value (neg is in tanh's loop)");
        assertEquals(2, shared.size(), "their values take two arrays");
        assertTrue(plan.states.get(0).pending() < 0, "the state swaps with its pinned next value");
        for (int slot : shared) assertEquals(15, ((float[]) plan.buffers.get(slot)).length);
    }

    @Test void aGraphsOwnScheduleIsFollowedAndOneThatFusesIsRefusedWithFusionOff() {
        Graph graph = transposes();
        Graph fused = new PlanMemoryPass().run(new FusePass().run(graph, PassContext.verifying()), PassContext.verifying());
        assertEquals(1, fused.schedule().fusion().roots().size(), "neg is computed in tanh's loop");
        assertSame(fused.schedule(), new Plan(fused, 0, JvmOptions.defaults()).schedule);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Plan(fused, 0, JvmOptions.defaults().withFusion(false)));
        assertTrue(e.getMessage().contains("fusion is off"), e.getMessage());
        Plan off = new Plan(Graphs.planned(graph, false), 0, JvmOptions.defaults().withFusion(false));
        assertTrue(off.schedule.fusion().isEmpty());
        assertTrue(off.fusion.inlined.isEmpty());
        Graphs.same(graph, 4, JvmOptions.defaults().withFusion(false));
        Graphs.same(graph, 4);
    }

    @Test void aGraphWithoutAMemoryPlanIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JvmBackend.compile(transposes(), 0, JvmOptions.defaults()));
        assertTrue(e.getMessage().contains("no memory plan"), e.getMessage());
    }

    @Test void aScheduleThatDoesNotFitIsAVerifierError() {
        Graph graph = transposes();
        Graph planned = new PlanMemoryPass().run(graph, PassContext.verifying());
        Schedule.Memory m = planned.schedule().memory();
        Map<Node, Integer> all = new HashMap<>(m.bufferOf());
        for (Node n : graph.nodes()) if (n.op() == Op.TRANSPOSE) all.put(n, 0);
        Graph bad = graph.withSchedule(planned.schedule().withMemory(new Schedule.Memory(all, m.buffers(), m.stateBuffers(), m.bytesBefore())));
        // the verifier catches it after the pipeline, before any backend sees the graph
        List<String> problems = Verifier.check(bad);
        assertFalse(problems.isEmpty(), "a transpose shares its input's buffer");
    }
}
