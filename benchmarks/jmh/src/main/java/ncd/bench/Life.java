package ncd.bench;

import org.openjdk.jmh.annotations.Param;

import java.util.Map;

/** {@code life.ncd}: one generation of the Game of Life on a size x size torus (a random soup to start). */
public class Life extends CircuitBench {
    @Param({"512"})
    public int size;

    @Override Spec spec() {
        // the fused stencil uses no matrix product, so the thread count does not matter
        return new Spec("life.ncd", "Board", Map.of("row", size, "col", size), 1);
    }
}
