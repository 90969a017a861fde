package ncd.driver;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostic;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.CompilerBug;
import ncd.frontend.Frontend;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.ir.IrInvariantError;
import ncd.ir.Verifier;
import ncd.passes.Pass;
import ncd.passes.PassContext;
import ncd.passes.PassManager;
import ncd.passes.autodiff.Autodiff;
import ncd.passes.autodiff.GradientException;
import ncd.passes.autodiff.LawGradients;
import ncd.passes.autodiff.Unroll;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.Footprint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The one path from a {@code .ncd} file to something that runs, taken by every command and by the Java API:
 *
 * <pre>
 *   source ──frontend──▶ checked Program ──lower──▶ Graph ──verify──▶ passes ──verify──▶ backend ──▶ Executable
 * </pre>
 *
 * Each stage is entered once per circuit: the frontend parses and checks a file with its imports ({@link #load});
 * lowering expands one circuit or law into IR, which the verifier checks ({@link #lower}); the pass pipeline
 * optimises it and attaches a schedule, and the verifier checks the result once more ({@link #optimize}; after every
 * pass with {@link Settings#verifyEachPass()}); a backend found by name generates code for the optimised graph
 * ({@link #instantiate}, {@link #emit}). User errors of every stage go to one {@link Diagnostics} sink and make a stage
 * return empty; a failure that is ncd's fault is thrown as {@link CompilerBug} naming its stage. {@link #times()} says
 * how long each stage took.
 *
 * <p>A Compilation is cheap and holds no compiled state: make one per command or API call.
 */
public final class Compilation {
    /**
     * How the middle of the pipeline runs.
     *
     * @param pipeline       the passes ({@link PassManager#standard()}, or a prefix of it for {@code ncdc ir --after})
     * @param verifyEachPass run the IR verifier after every pass, naming the pass that broke a graph (a debugging aid:
     *                       {@code --verify-each-pass}, or {@code -Dncd.verifyEachPass=true})
     * @param afterPass      sees each pass's result (to print or count it); never changes it
     */
    public record Settings(PassManager pipeline, boolean verifyEachPass, BiConsumer<Pass, Graph> afterPass) {
        /** The standard pipeline, verifying between passes only when {@code -Dncd.verifyEachPass=true}. */
        public static Settings standard() { return new Settings(PassManager.standard(), Boolean.getBoolean("ncd.verifyEachPass"), (p, g) -> { }); }

        /** The pipeline cut after the pass named {@code pass} ({@link PassManager#upTo}). */
        public Settings upTo(String pass) { return new Settings(pipeline.upTo(pass), verifyEachPass, afterPass); }

        public Settings verifyingEachPass(boolean on) { return new Settings(pipeline, on, afterPass); }

        public Settings afterEachPass(BiConsumer<Pass, Graph> hook) { return new Settings(pipeline, verifyEachPass, hook); }
    }

    private final Diagnostics diags;
    private final Settings settings;
    private final StageTimes times = new StageTimes();

    public Compilation(Diagnostics diags) { this(diags, Settings.standard()); }

    public Compilation(Diagnostics diags, Settings settings) {
        this.diags = diags;
        this.settings = settings;
    }

    /** Where every stage's user errors go. */
    public Diagnostics diagnostics() { return diags; }

    public Settings settings() { return settings; }

    public StageTimes times() { return times; }

    // ---- stage 1: the frontend

    /**
     * Parses and checks {@code file} and everything it imports (E0802 when it cannot be read). The program comes back
     * even when it has errors (to draw a circuit up to its error: {@link Program#lowerPartial}); null only when nothing
     * could be read.
     */
    public Program frontend(Path file) { return times.time("frontend", () -> Frontend.load(file, diags)); }

    /** {@link #frontend(Path)} for source text; imports resolve from {@code path}'s directory. */
    public Program frontend(Path path, String text) { return times.time("frontend", () -> Frontend.loadText(path, text, diags)); }

    /** The checked program of {@code file}; empty when it has errors. */
    public Optional<Program> load(Path file) { return checked(frontend(file)); }

    /** The checked program of source text; empty when it has errors. */
    public Optional<Program> load(Path path, String text) { return checked(frontend(path, text)); }

    private Optional<Program> checked(Program p) { return p == null || diags.hasErrors() ? Optional.empty() : Optional.of(p); }

    // ---- stage 2: lowering, then the verifier

    /**
     * Lowers the circuit or law {@code name} of {@code prog} with {@code sizes} for its generic and sized-later axes,
     * and verifies the graph. A law's {@code grad[x](e)} is computed here ({@link #lawGradients}), so what comes back
     * runs as it is. Empty after errors of this lowering (E0801 unknown name, E0305 missing size, the errors only
     * known sizes reveal, E0808 for a law's gradient that cannot be taken); errors reported earlier in the sink do not
     * make it fail.
     */
    public Optional<Graph> lower(Program prog, String name, Map<String, Integer> sizes) {
        Diagnostics own = new Diagnostics();
        Optional<Graph> g = times.time("lower " + name, () -> prog.lower(name, sizes, own));
        for (Diagnostic d : own.all()) diags.add(d.severity(), d.code(), d.span(), d.message(), d.hint());
        if (own.hasErrors()) return Optional.empty();
        if (g.isEmpty()) throw new CompilerBug("lower", new IllegalStateException("lowering " + name + " gave no graph and reported no error"));
        verify(g.get(), "verify");
        return g.get().gradients().isEmpty() ? g : lawGradients(g.get());
    }

    /**
     * A lowered law with the gradients it states ({@code grad[x](e)}) computed and in place of the inputs that stood
     * for them ({@link LawGradients}), verified. Empty after E0808 at the {@code grad} when one cannot be taken.
     */
    private Optional<Graph> lawGradients(Graph law) {
        try {
            Graph g = times.time("law gradients", () -> LawGradients.resolve(law));
            verify(g, "verify gradient");
            return Optional.of(g);
        } catch (LawGradients.Failure e) {
            diags.error(e.span(), DiagCode.E0808, e.getMessage(), e.hint());
            return Optional.empty();
        } catch (IrInvariantError e) {
            throw new CompilerBug("law gradients", e);
        }
    }

    // ---- between stages 2 and 3: the gradient circuit (reverse-mode autodiff, docs/autodiff.md)

    /**
     * The gradient circuit of a lowered circuit: its outputs and one {@code grad.NAME} output per float parameter, the
     * gradient of the scalar output {@code loss} ({@link Autodiff}), verified. A circuit with state is first unrolled over
     * {@code unrollSteps} steps ({@link Unroll}: backpropagation through time, with {@code loss} summed over the steps);
     * without steps it is E0808, as is a loss that is not a scalar float output or a path to it through an op whose
     * derivative is not taken. The result is a lowered graph like any other: optimise it, run it, draw it.
     */
    public Optional<Graph> gradient(Graph lowered, String loss, int unrollSteps) {
        Graph g = lowered;
        try {
            if (!g.states().isEmpty()) {
                if (unrollSteps < 1) {
                    diags.error(SourceSpan.NONE, DiagCode.E0808, g.name() + " has state (" + g.states().get(0).name()
                            + "): its gradient is through time, over a number of steps", "unroll it: --unroll T");
                    return Optional.empty();
                }
                Graph stateful = g;
                g = times.time("unroll", () -> Unroll.unroll(stateful, unrollSteps, loss));
            } else if (unrollSteps > 0) {
                diags.warning(SourceSpan.NONE, DiagCode.E0808, g.name() + " has no state; --unroll " + unrollSteps + " changes nothing", null);
            }
            Graph forward = g;
            Graph grad = times.time("autodiff", () -> Autodiff.gradient(forward, loss));
            verify(grad, "verify gradient");
            return Optional.of(grad);
        } catch (GradientException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0808, e.getMessage(), null);
            return Optional.empty();
        }
    }

    // ---- stage 3: the pass pipeline, then the verifier

    /**
     * The pipeline's result for a lowered graph: folded, simplified, deduplicated, without dead nodes, and (with the
     * standard pipeline) hoisted, fused and memory-planned. With {@code options.fuse()} or {@code options.hoist()} off
     * that pass is left out. Every pass is exact: the graph computes what it did.
     */
    public Graph optimize(Graph lowered, BackendOptions options) {
        PassManager pipeline = options.fuse() ? settings.pipeline() : settings.pipeline().without("fuse");
        if (!options.hoist()) pipeline = pipeline.without("hoist");
        long[] since = {System.nanoTime()};
        Graph out;
        try {
            out = pipeline.run(lowered, new PassContext(settings.verifyEachPass()), (p, g) -> {
                times.add("pass " + p.name(), System.nanoTime() - since[0]);
                settings.afterPass().accept(p, g);
                since[0] = System.nanoTime();
            });
        } catch (IrInvariantError e) {
            throw new CompilerBug("passes", e);
        }
        if (!settings.verifyEachPass() || pipeline.passes().isEmpty()) verify(out, "verify after passes");
        return out;
    }

    // ---- stage 4: a backend

    /**
     * The installed backend {@code name} ({@code auto}: {@link Backends#autoName()}); empty after E0803 when there is
     * none or it cannot run here (the message lists the installed ones).
     */
    public Optional<Backend> backend(String name) {
        if (name.equals("auto")) name = Backends.autoName();
        Optional<Backend> be = Backends.named(name);
        if (be.isEmpty()) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "no backend `" + name + "`", "installed backends: " + Backends.describeInstalled());
            return Optional.empty();
        }
        if (!be.get().isAvailable()) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, "backend " + name + " cannot run here: " + be.get().unavailableReason(),
                    "installed backends: " + Backends.describeInstalled());
            return Optional.empty();
        }
        return be;
    }

    /**
     * The installed backend {@code name} for generating code only ({@code ncdc ir --emit}, {@code ncdc build}), whether
     * or not it can run here: CUDA source needs no GPU. Empty after E0803 when there is none.
     */
    public Optional<Backend> generator(String name) {
        Optional<Backend> be = Backends.named(name);
        if (be.isEmpty()) diags.error(SourceSpan.NONE, DiagCode.E0803, "no backend `" + name + "`", "installed backends: " + Backends.describeInstalled());
        return be;
    }

    /**
     * A running instance of a lowered graph on {@code backend}: checked to fit in this JVM as the backend holds it,
     * with the outputs of {@code keptSteps} steps kept beside it (ncdc run --out; 0 for none) before anything is
     * allocated (E0807, {@link Footprint}), optimised ({@link #optimize}), then compiled by the backend. Empty after
     * errors.
     */
    public Optional<Executable> instantiate(Graph lowered, Backend backend, BackendOptions options, long keptSteps) {
        return prepare(lowered, backend, options, keptSteps).flatMap(g -> compile(g, backend, options));
    }

    /**
     * A lowered graph made ready for {@code backend}: checked to fit in this JVM as the backend holds it, with the
     * outputs of {@code keptSteps} steps kept beside it (E0807, {@link Footprint}), then {@link #optimize optimised}.
     * What {@link #instantiate} hands the backend; {@code ncdc build} hands it to the ahead-of-time compiler instead.
     */
    public Optional<Graph> prepare(Graph lowered, Backend backend, BackendOptions options, long keptSteps) {
        if (!backend.accepts(lowered, diags)) return Optional.empty();
        if (!Footprint.check(lowered, keptSteps, Footprint.budget(), backend.layout(), diags)) return Optional.empty();
        return Optional.of(optimize(lowered, options));
    }

    /**
     * Stage 4 alone: {@code backend} compiles a graph {@link #optimize} made (another instance of an optimised graph,
     * say with another seed, needs no second pass pipeline). Empty after errors.
     */
    public Optional<Executable> compile(Graph optimized, Backend backend, BackendOptions options) {
        return times.time("backend " + backend.name(), () -> {
            try {
                return backend.compile(optimized, options, diags);
            } catch (RuntimeException e) {
                throw new CompilerBug("backend " + backend.name(), e);
            }
        });
    }

    /** {@link #instantiate(Graph, Backend, BackendOptions, long)} keeping no outputs. */
    public Optional<Executable> instantiate(Graph lowered, Backend backend, BackendOptions options) {
        return instantiate(lowered, backend, options, 0);
    }

    /** What {@code backend} generates for a lowered graph, as text ({@link Backend#emit}); empty after errors. */
    public Optional<String> emit(Graph lowered, Backend backend, BackendOptions options) {
        return prepare(lowered, backend, options, 0).map(g -> times.time("emit " + backend.name(), () -> {
            try {
                return backend.emit(g, options);
            } catch (RuntimeException e) {
                throw new CompilerBug("backend " + backend.name(), e);
            }
        }));
    }

    /**
     * The whole path for one circuit of a checked program: backend by name, lower, verify, check the footprint (with
     * the outputs of {@code keptSteps} steps kept), optimise, compile. Empty after errors.
     */
    public Optional<Executable> build(Program prog, String name, Map<String, Integer> sizes, String backend, BackendOptions options,
                                      long keptSteps) {
        Optional<Backend> be = backend(backend);
        if (be.isEmpty()) return Optional.empty();
        return lower(prog, name, sizes).flatMap(g -> instantiate(g, be.get(), options, keptSteps));
    }

    /** {@link #build(Program, String, Map, String, BackendOptions, long)} keeping no outputs. */
    public Optional<Executable> build(Program prog, String name, Map<String, Integer> sizes, String backend, BackendOptions options) {
        return build(prog, name, sizes, backend, options, 0);
    }

    void verify(Graph g, String stage) {
        times.time(stage, () -> {
            List<String> problems = Verifier.check(g);
            if (!problems.isEmpty()) {
                throw new CompilerBug(stage, new IrInvariantError("IR verification failed for " + g.name() + ":\n  " + String.join("\n  ", problems)));
            }
            return null;
        });
    }

    /**
     * {@link #frontend(Path, String)}, telling {@code types} the type of each tensor expression as the checker computes
     * it: an editor's hover (ncdc lsp) from the same check as ncdc check.
     */
    public Program frontend(Path path, String text, ncd.frontend.TypeSink types) {
        return times.time("frontend", () -> Frontend.loadText(path, text, diags, types));
    }
}
