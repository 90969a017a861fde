package ncd.cuda;

/**
 * Where a {@link CudaProgram} runs: a GPU through the CUDA driver ({@link DriverDevice}) or the CPU, running the same
 * generated source compiled as C++ ({@link EmulatedDevice}). Both hold the program's one allocation and run its three
 * phases; {@link CudaExecutable} does the rest (parameters, inputs, outputs, state, errors) the same way for both.
 */
interface Device extends AutoCloseable {
    enum Phase { HOIST, RESET, STEP }

    /** Copies {@code bytes} into the allocation at {@code offset}. */
    void write(long offset, byte[] bytes);

    /** {@code n} bytes of the allocation from {@code offset}. */
    byte[] read(long offset, int n);

    /** Runs a phase's launches and copies, in order, and waits for them; {@code step} is the random stream of a step. */
    void run(Phase phase, long step);

    /**
     * {@code n} steps, with random streams {@code first}, {@code first + 1}, ...: the GPU issues them all and waits once
     * at the end, so the host is out of the loop.
     */
    default void steps(long first, long n) {
        for (long i = 0; i < n; i++) run(Phase.STEP, first + i);
    }

    /** What runs it, for messages: the GPU's name, or "CPU emulation". */
    String describe();

    @Override void close();
}
