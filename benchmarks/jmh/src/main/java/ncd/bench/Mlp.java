package ncd.bench;

import org.openjdk.jmh.annotations.Param;

import java.util.Map;

/** {@code mlp.ncd}: 784-512-512-10 ReLU inference on a batch of {@code batch} images, one thread. */
public class Mlp extends CircuitBench {
    @Param({"256", "1"})
    public int batch;

    @Param({"1"})
    public int threads;

    @Override Spec spec() {
        return new Spec("mlp.ncd", "MLP", Map.of("batch", batch), threads);
    }
}
