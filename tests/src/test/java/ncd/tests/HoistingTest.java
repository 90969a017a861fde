package ncd.tests;

import ncd.api.Circuit;
import ncd.api.Compiled;
import ncd.api.Ncd;
import ncd.runtime.Backends;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;


/**
 * Hoisted values (computed once per instance, see the {@code hoist} pass) follow the parameters they are computed from:
 * after {@code setParam}, between steps and before the first, every backend gives what the interpreter (which
 * recomputes everything every step) gives.
 */
class HoistingTest {
    private static final String SOURCE = """
            module hoisting
            axis pre = 5, post = 3
            circuit Syn(s: f32[pre]) -> f32[post] {
              param p: f32[post, pre] ~ uniform(0, 1)
              param W: f32[post, pre] ~ uniform(0, 1)
              param tau: f32[post] = 2
              state I: f32[post] = 0
              next I = I * exp(-1 / tau) + (W * f32(p < 0.5)) @[pre] s
              return I
            }
            """;

    @Test void settingAParameterRecomputesWhatWasHoistedFromIt() throws Exception {
        Compiled c = Ncd.compile(Path.of("hoisting.ncd"), SOURCE);
        Tensor s = Tensor.of(c.circuit("Syn", Map.of(), 1, Backends.REFERENCE).graph().inputs().get(0).type(),
                new float[] {1, 0, 1, 1, 0});
        for (var b : Backends.available()) {
            if (b.name().equals(Backends.REFERENCE)) continue;
            Circuit oracle = c.circuit("Syn", Map.of(), 1, Backends.REFERENCE), got = c.circuit("Syn", Map.of(), 1, b.name());
            for (int step = 0; step < 6; step++) {
                if (step == 2 || step == 4) {
                    // a mask that changes, a time constant that changes: the hoisted mask, masked weights and decay must follow
                    Tensor p = oracle.params().get("p"), tau = oracle.params().get("tau");
                    float[] pv = new float[p.size()], tv = new float[tau.size()];
                    for (int i = 0; i < pv.length; i++) pv[i] = (i * 7 + step) % 10 / 10f;
                    for (int i = 0; i < tv.length; i++) tv[i] = step + i;
                    for (Circuit k : new Circuit[] {oracle, got}) {
                        k.setParam("p", Tensor.of(p.type(), pv));
                        k.setParam("tau", Tensor.of(tau.type(), tv));
                    }
                }
                float[] want = (float[]) oracle.step(Map.of("s", s)).get("out").data();
                float[] have = (float[]) got.step(Map.of("s", s)).get("out").data();
                assertArrayEquals(want, have, 1e-6f, b.name() + " step " + step);
            }
            assertFalse(((float[]) got.state().get("I").data())[0] == 0, "the state moved");
            assertEquals(6, got.steps());
        }
    }
}
