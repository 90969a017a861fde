package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The target options of the commands that compile for a backend ({@link BackendOptions}). */
final class TargetOptions {
    @Option(names = "--threads", paramLabel = "N", description = "The most threads one step may use (default: the backend chooses; jvm: 2 at most).")
    Integer threads;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fast",
            description = "f32 exp, log, tanh, sin, cos, sigmoid: fast (within the op table's tolerance; default) or exact (as the interpreter computes them).")
    String precision = "fast";

    @Option(names = "--no-fuse", description = "Leave the fuse pass out: every node in its own loop and buffer.")
    boolean noFuse;

    @Option(names = "--no-hoist", description = "Leave the hoist pass out: values computed from parameters alone are recomputed every step.")
    boolean noHoist;

    @Option(names = "--backend-option", paramLabel = "KEY=VALUE", split = ",",
            description = "A backend-specific option (repeatable); `--backend list` shows each backend's keys.")
    List<String> extra = new ArrayList<>();

    /** The options with {@code seed}; null after E0803 (a malformed value) in {@code diags}. */
    BackendOptions options(long seed, Diagnostics diags) {
        BackendOptions o = BackendOptions.defaults().withSeed(seed).withFusion(!noFuse).withHoisting(!noHoist);
        if (threads != null) {
            if (threads < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--threads must be at least 1, got " + threads, null);
            else o = o.withThreads(threads);
        }
        switch (precision.toLowerCase(java.util.Locale.ROOT)) {
            case "fast" -> o = o.withPrecision(BackendOptions.Precision.FAST);
            case "exact" -> o = o.withPrecision(BackendOptions.Precision.EXACT);
            default -> diags.error(SourceSpan.NONE, DiagCode.E0803, "--precision must be fast or exact, got `" + precision + "`", null);
        }
        for (String kv : extra) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "--backend-option needs KEY=VALUE, got `" + kv + "`", "see the keys with --backend list");
                continue;
            }
            o = o.with(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
        }
        return diags.hasErrors() ? null : o;
    }

    /**
     * {@code --backend list}: each installed backend with what it is, whether it runs here and its own option keys.
     * Returns whether {@code backend} asked for the list (the command then has nothing more to do).
     */
    static boolean listed(String backend, PrintWriter out) {
        if (!"list".equals(backend)) return false;
        for (Backend b : Backends.all()) {
            out.println(b.name() + (b.isAvailable() ? "" : "  (cannot run here: " + b.unavailableReason() + ")"));
            out.println("    " + b.description());
            for (Map.Entry<String, String> k : b.optionKeys().entrySet()) out.println("    --backend-option " + k.getKey() + "=...  " + k.getValue());
        }
        out.flush();
        return true;
    }
}
