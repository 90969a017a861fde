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
 * What {@code ncdc run --params} does beyond reading the arrays: a state initialised from a parameter
 * ({@code state s = s0}) starts from the loaded value, not from the one drawn from the seed when the instance was made
 * (issue 13 found it silently ignored), on every backend; and a value outside a parameter's declared bound is refused.
 */
class RunParamsTest {
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

    @Test void aLoadedValueOutsideTheDeclaredBoundIsRefusedAtTheDeclaration(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("b.ncd"), """
                axis n = 3
                circuit C(x: f32[n]) -> f32[n] {
                  param W: f32[n] >= 0 ~ uniform(0, 1)
                  return W * x
                }
                """);
        Path params = dir.resolve("w.npz");
        Npz.write(params, Map.of("W", Tensor.of(new TensorType(DType.F32, List.of(new Axis("n", 3)), null), new float[] {0.5f, -0.25f, 1})));
        Ncdc.Result r = Ncdc.run("run", file.toString(), "--params", params.toString());
        assertEquals(1, r.exit(), r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().contains("b.ncd:3:3: error[E0804]: parameter W in " + params + " has -0.25 at flat index 1, outside its declared bound >= 0"), r.err());
    }

    @Test void parameterFilesHoldDeclaredUnitsExceptNcdCheckpoints(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tau.ncd"), """
                axis n = 2
                circuit C() -> f32[n] {
                  param tau: f32[n] in ms >= 1 ms = 20
                  return tau / (1 ms)
                }
                """);
        TensorType t = new TensorType(DType.F32, List.of(new Axis("n", 2)), null);
        // an .npz, and a safetensors from elsewhere: 5 and 30 mean 5 ms and 30 ms, as an --input would
        Path npz = dir.resolve("p.npz");
        Npz.write(npz, Map.of("tau", Tensor.of(t, new float[] {5, 30})));
        Path foreign = dir.resolve("p.safetensors");
        ncd.runtime.SafeTensors.write(foreign, Map.of("tau", Tensor.of(t, new float[] {5, 30})), Map.of());
        // ncd's checkpoint holds SI values, and says so
        Path si = dir.resolve("c.safetensors");
        ncd.runtime.SafeTensors.write(si, Map.of("tau", Tensor.of(t, new float[] {0.005f, 0.03f})), Map.of(ncd.runtime.ParamUnits.KEY, ncd.runtime.ParamUnits.SI));
        for (Path params : List.of(npz, foreign, si)) {
            for (String backend : List.of("interp", "jvm")) {
                Path out = dir.resolve("out-" + backend + "-" + params.getFileName());
                Ncdc.Result r = Ncdc.run("run", file.toString(), "--params", params.toString(), "--backend", backend, "--out", out.toString());
                assertEquals(0, r.exit(), r.err());
                float[] got = (float[]) Npy.read(out.resolve("out.npy")).data();
                assertEquals(5, got[0], 1e-4, params + " " + backend);
                assertEquals(30, got[1], 1e-4, params + " " + backend);
            }
        }
        // the bound is checked, and reported, in the declared unit
        Npz.write(npz, Map.of("tau", Tensor.of(t, new float[] {5, 0.5f})));
        Ncdc.Result r = Ncdc.run("run", file.toString(), "--params", npz.toString());
        assertEquals(1, r.exit(), r.err());
        org.junit.jupiter.api.Assertions.assertTrue(r.err().contains("error[E0804]: parameter tau in " + npz + " has 0.5 ms at flat index 1, outside its declared bound >= 1 ms"), r.err());
    }
}
