package ncd.jvm;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;

import java.util.Map;
import java.util.Optional;

/**
 * The JVM backend ("jvm"): each graph becomes one class generated with ASM and defined as a hidden class (see
 * {@link ClassGen}); matrix products run on {@link Gemm}. It follows the schedule the driver's pass pipeline attached
 * (fusion decisions and memory plan; see {@link Plan}) and runs no pass itself, so what runs is what
 * {@code ncdc ir --after=all} prints. Always available; the Vector API kernel needs
 * {@code --add-modules jdk.incubator.vector} and is replaced by scalar loops (announced once) without it.
 */
public final class JvmBackend implements Backend {
    @Override public String name() { return "jvm"; }

    @Override public String description() { return "JVM bytecode generated for the circuit (ASM), one hidden class per graph; " + Gemm.describe(); }

    @Override public boolean isAvailable() { return true; }

    @Override public Map<String, String> optionKeys() { return JvmOptions.KEYS; }

    @Override public Optional<Executable> compile(Graph graph, BackendOptions options, Diagnostics diags) {
        return options(options, diags).map(o -> compile(graph, options.seed(), o));
    }

    /** The generated class as ASM's Textifier prints it. */
    @Override public String emit(Graph graph, BackendOptions options) {
        return compile(graph, options.seed(), JvmOptions.from(options)).asmText();
    }

    /**
     * Compiles an optimised graph (one with a schedule: {@code ncd.driver.Compilation} makes them) with explicit
     * options; tests use it to force the sgemm path on small products.
     */
    public static JvmExecutable compile(Graph graph, long seed, JvmOptions options) {
        return new JvmExecutable(graph, seed, options);
    }

    private static Optional<JvmOptions> options(BackendOptions o, Diagnostics diags) {
        try {
            return Optional.of(JvmOptions.from(o));
        } catch (IllegalArgumentException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--backend-option: " + e.getMessage(), "the jvm backend's options: " + String.join(", ", JvmOptions.KEYS.keySet()));
            return Optional.empty();
        }
    }
}
