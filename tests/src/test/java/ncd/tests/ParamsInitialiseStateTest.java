package ncd.tests;

import ncd.ir.Axis;
import ncd.ir.DType;
import ncd.ir.TensorType;
import ncd.runtime.Npy;
import ncd.runtime.Npz;
import ncd.runtime.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A state initialised from a parameter ({@code state s = s0}) starts from the value {@code --params} loads, not from
 * the one drawn from the seed when the instance was made (issue 13 found it silently ignored), on every backend.
 */
class ParamsInitialiseStateTest {
    @Test void aStateInitialisedFromAParameterStartsFromTheLoadedValue(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("s0.ncd"), """
                axis n = 3
                circuit C() -> f32[n] {
                  param s0: f32[n] = 1
                  state s: f32[n] = s0
                  next s = s * 2
                  return s
                }
                """);
        Path params = dir.resolve("p.npz");
        Npz.write(params, Map.of("s0", Tensor.of(new TensorType(DType.F32, List.of(new Axis("n", 3)), null), new float[] {5, 6, 7})));
        for (String backend : List.of("interp", "jvm")) {
            Path out = dir.resolve("out-" + backend);
            Ncdc.Result r = Ncdc.run("run", file.toString(), "--params", params.toString(), "--steps", "2", "--backend", backend, "--out", out.toString());
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(new float[] {5, 6, 7, 10, 12, 14}, (float[]) Npy.read(out.resolve("out.npy")).data(), backend);
        }
    }
}
