package ncd.passes;

import ncd.ir.Graph;
import ncd.ir.IrInvariantError;
import ncd.ir.Node;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static ncd.passes.G.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PassManagerTest {
    @Test void theStandardPipelineIsFoldSimplifyCseDceHoistFusePlanMemory() {
        assertEquals(List.of("fold", "simplify", "cse", "dce", "hoist", "fuse", "plan-memory"), PassManager.standard().names());
    }

    @Test void namesAreKebabCase() {
        for (String n : PassManager.standard().names()) assertTrue(n.matches("[a-z]+(-[a-z]+)*"), n);
    }

    @Test void upToCutsAfterTheNamedPass() {
        assertEquals(List.of("fold", "simplify"), PassManager.standard().upTo("simplify").names());
        assertEquals(7, PassManager.standard().upTo("all").names().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PassManager.standard().upTo("autodiff"));
        assertTrue(e.getMessage().contains("fold, simplify, cse, dce, hoist, fuse, plan-memory"), e.getMessage());
    }

    @Test void runsEveryPassAndReportsEach() {
        G t = new G();
        Node x = t.in("x", f32(N));
        t.out("y", t.mul(x, t.add(t.c(0.5, f32()), t.c(0.5, f32()))));
        List<String> seen = new ArrayList<>();
        Graph g = PassManager.standard().run(t.build(), PassContext.verifying(), (p, out) -> seen.add(p.name()));
        assertEquals(List.of("fold", "simplify", "cse", "dce", "hoist", "fuse", "plan-memory"), seen);
        assertEquals(1, g.nodes().size());
        assertTrue(g.schedule() != null && g.schedule().memory() != null, "the last passes attach a schedule");
    }

    @Test void verifyingNamesThePassThatBrokeTheGraph() {
        Pass broken = new Pass() {
            @Override public String name() { return "broken"; }
            @Override public Graph run(Graph g, PassContext ctx) {
                Graph.Builder b = Rebuild.like(g);
                G other = new G();
                b.output("y", other.in("x", f32(N)));
                return b.build();
            }
        };
        G t = new G();
        t.out("y", t.in("x", f32(N)));
        IrInvariantError e = assertThrows(IrInvariantError.class,
                () -> new PassManager(List.of(broken)).run(t.build(), PassContext.verifying()));
        assertTrue(e.getMessage().contains("after pass broken"), e.getMessage());
    }
}
