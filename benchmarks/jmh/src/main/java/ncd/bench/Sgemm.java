package ncd.bench;

import org.openjdk.jmh.annotations.Param;

import java.util.Map;

/** {@code sgemm.ncd}: C = A B with m = n = k = size, f32; one or two threads for the product. */
public class Sgemm extends CircuitBench {
    @Param({"1024"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    @Override Spec spec() {
        return new Spec("sgemm.ncd", "MatMul", Map.of("m", size, "n", size, "k", size), threads);
    }
}
