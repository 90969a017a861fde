package ncd.bench;

import org.openjdk.jmh.annotations.Param;

import java.util.Map;

/** {@code transformer.ncd}: one encoder layer, d_model 256, 8 heads, ff 1024, on batch x seq tokens, one thread. */
public class Transformer extends CircuitBench {
    @Param({"8"})
    public int batch;

    @Param({"128"})
    public int seq;

    @Param({"1"})
    public int threads;

    @Override Spec spec() {
        // attention's key axis runs over the same tokens as seq
        return new Spec("transformer.ncd", "Layer", Map.of("batch", batch, "seq", seq, "key", seq), threads);
    }
}
