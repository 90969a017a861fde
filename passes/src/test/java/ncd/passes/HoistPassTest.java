package ncd.passes;

import ncd.ir.Attr;
import ncd.ir.Graph;
import ncd.ir.Liveness;
import ncd.ir.Node;
import ncd.ir.Op;
import ncd.ir.Schedule;
import ncd.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static ncd.passes.G.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HoistPassTest {
    @Test void whatReadsOnlyParametersAndConstantsIsComputedOnce() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Node w = t.param("w", f32(N));
        Node scaled = t.mul(w, t.c(2, f32()));
        Node decay = t.un(Attr.UnaryFn.EXP, scaled);
        Node y = t.mul(x, decay);
        t.out("y", y);
        Graph g = new HoistPass().run(t.build(), PassContext.verifying());
        assertEquals(Set.of(scaled, decay), g.schedule().hoisted());
        assertTrue(Verifier.check(g).isEmpty(), Verifier.check(g).toString());
        // the step computes only the product with the input; the hoisted values are pinned, like parameters
        Liveness live = Liveness.of(g, Schedule.Fusion.NONE, g.schedule().hoisted());
        assertEquals(List.of(y), live.stepOrder());
        assertTrue(live.valueOf(decay).pinned());
    }

    @Test void inputsRandomSourcesAndWhatReadsThemStayInTheStep() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Node noise = t.random(f32(N), "", t.c(0, f32()), t.c(1, f32()));
        Node a = t.un(Attr.UnaryFn.EXP, x);
        Node b = t.un(Attr.UnaryFn.EXP, noise);
        t.out("y", t.add(a, b));
        assertTrue(HoistPass.hoisted(t.build()).isEmpty());
    }

    @Test void aBroadcastReadOnlyByTheStepStaysInTheStepButItsInputIsHoisted() {
        G t = new G();
        Node x = t.in("x", f32(N, M));
        Node b = t.param("b", f32(M));
        Node twice = t.mul(b, t.c(2, f32()));
        Node wide = t.op(Op.EXPAND, new Attr.None(), f32(N, M), twice);
        t.out("y", t.add(x, wide));
        assertEquals(Set.of(twice), HoistPass.hoisted(t.build()));

        // read by a hoisted node, the broadcast is hoisted with it
        G u = new G();
        Node x2 = u.in("x", f32(N, M));
        Node b2 = u.param("b", f32(M));
        Node wide2 = u.op(Op.EXPAND, new Attr.None(), f32(N, M), b2);
        Node e = u.un(Attr.UnaryFn.EXP, wide2);
        u.out("y", u.add(x2, e));
        assertEquals(Set.of(wide2, e), HoistPass.hoisted(u.build()));
    }

    @Test void fusionNeverMixesHoistedAndPerStepNodes() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Node w = t.param("w", f32(N));
        Node e = t.un(Attr.UnaryFn.EXP, w);
        Node n = t.un(Attr.UnaryFn.NEG, e);
        Node y = t.add(x, n);
        t.out("y", y);
        Graph g = PassManager.standard().upTo("fuse").run(t.build(), PassContext.verifying());
        Schedule s = g.schedule();
        Node he = g.nodes().stream().filter(k -> k.op() == Op.UNARY && ((Attr.Unary) k.attr()).fn() == Attr.UnaryFn.EXP).findFirst().orElseThrow();
        Node hn = g.nodes().stream().filter(k -> k.op() == Op.UNARY && ((Attr.Unary) k.attr()).fn() == Attr.UnaryFn.NEG).findFirst().orElseThrow();
        assertTrue(s.hoisted().containsAll(Set.of(he, hn)));
        // exp is computed in neg's loop (both hoisted); neg keeps its buffer: the per-step add reads it
        assertEquals(hn, s.fusion().roots().get(he));
        assertFalse(s.fusion().inlined(hn));
    }

    @Test void theVerifierRefusesAHoistedNodeThatReadsAnInputOrAMixedLoop() {
        G t = new G();
        Node x = t.in("x", f32(N));
        Node w = t.param("w", f32(N));
        Node e = t.un(Attr.UnaryFn.EXP, x);
        Node f = t.un(Attr.UnaryFn.EXP, w);
        Node y = t.add(e, f);
        t.out("y", y);
        Graph g = t.build();
        List<String> p = Verifier.check(g.withSchedule(new Schedule(Schedule.Fusion.NONE, Set.of(e), null)));
        assertTrue(p.stream().anyMatch(m -> m.contains("which is not invariant")), p.toString());
        p = Verifier.check(g.withSchedule(new Schedule(new Schedule.Fusion(Map.of(f, y), Map.of()), Set.of(f), null)));
        assertTrue(p.stream().anyMatch(m -> m.contains("only one of them is hoisted")), p.toString());
    }
}
