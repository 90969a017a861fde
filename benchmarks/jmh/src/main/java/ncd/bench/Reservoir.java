package ncd.bench;

import org.openjdk.jmh.annotations.Param;

import java.util.Map;

/**
 * {@code reservoir.ncd}: one step of the echo-state reservoir, 1000 tanh units with dense recurrent weights (the size
 * is fixed in the program, so there is no size parameter); one thread.
 */
public class Reservoir extends CircuitBench {
    @Param({"1"})
    public int threads;

    @Override Spec spec() {
        return new Spec("reservoir.ncd", "Reservoir", Map.of(), threads);
    }
}
