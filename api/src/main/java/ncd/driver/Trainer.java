package ncd.driver;

import ncd.diag.DiagCode;
import ncd.diag.SourceSpan;
import ncd.frontend.CompilerBug;
import ncd.frontend.Program;
import ncd.frontend.TrainSpec;
import ncd.ir.Axis;
import ncd.ir.Graph;
import ncd.ir.Node;
import ncd.ir.TensorType;
import ncd.passes.autodiff.GradientException;
import ncd.passes.autodiff.Unroll;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Executable;
import ncd.runtime.Tensor;
import ncd.runtime.train.Batches;
import ncd.runtime.train.Checkpoint;
import ncd.runtime.train.TrainData;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains the parameters of a {@code train} declaration on data: the training step is one stateful circuit
 * ({@link TrainGraph}) run by a backend on shuffled minibatches ({@link Batches}, a pure function of the seed and
 * the epoch), with the loss and metrics of a validation set after each epoch. A checkpoint holds the parameters
 * (named as in the objective), the optimiser's moments and where training stands; restoring one and going on gives,
 * bit for bit, what an uninterrupted run gives.
 *
 * <p>For an objective with state ({@code steps = T}) the batched circuit is unrolled over T steps; the data then has
 * a step axis after the sample axis, {@code x: [sample, step, ...]}, and the loss and metrics are summed over the
 * steps (a mask input can make only some steps count).
 */
public final class Trainer {
    /** What the caller may override of the declaration (null: as declared). */
    public record Overrides(Integer epochs, Integer batch, Double lr, Long seed) {
        public static Overrides none() { return new Overrides(null, null, null, null); }
    }

    /** Told of every step and every epoch. */
    public interface Listener {
        default void step(Step s) { }
        default void epoch(Epoch e) { }
    }

    /** One step's figures: the batch's loss and metrics (before the update), the learning rate, the gradient norm. */
    public record Step(long step, long totalSteps, int epoch, double loss, Map<String, Double> metrics, double lr, double gradNorm) {}

    /** An epoch's mean training figures and the validation figures (empty without validation data). */
    public record Epoch(int epoch, long step, double loss, Map<String, Double> metrics, Map<String, Double> validation) {}

    /** Training stopped on a loss or gradient that is not finite. */
    public static final class Diverged extends RuntimeException {
        public Diverged(String message) { super(message); }
    }

    private final Compilation compilation;
    private final Program program;
    private final TrainSpec spec;
    private final Backend backend;
    private final BackendOptions options;
    private final int epochs;
    private final int batch;
    private final double lr;
    private final long seed;
    /** The batched objective (unrolled when it has state), sized for the batch; the step circuit is built from it. */
    private final Graph forward;
    private final Executable step;
    /** Instance path in the batched circuit to the name in the objective, for every parameter. */
    private final Map<String, String> names = new LinkedHashMap<>();
    private final List<String> trained;
    /** The objective's states, carried from chunk to chunk under truncated BPTT (else none). */
    private final List<String> carried;
    /** Per-sample input types of the data (with the step axis first for an objective with state). */
    private final Map<String, TensorType> dataTypes = new LinkedHashMap<>();
    private final Map<Integer, Executable> evaluators = new HashMap<>();
    private long stepsDone;

    private Trainer(Compilation c, Program program, TrainSpec spec, Backend backend, BackendOptions options, Overrides o,
                    Graph forward, Executable step, List<String> trained, List<String> carried) {
        this.compilation = c;
        this.program = program;
        this.spec = spec;
        this.backend = backend;
        this.options = options;
        this.epochs = o.epochs() != null ? o.epochs() : spec.epochs();
        this.batch = o.batch() != null ? o.batch() : spec.batch();
        this.lr = o.lr() != null ? o.lr() : spec.optimizer().lr();
        this.seed = o.seed() != null ? o.seed() : spec.seed();
        this.forward = forward;
        this.step = step;
        this.trained = trained;
        this.carried = carried;
        for (Node p : forward.params()) names.put(name(p), strip(name(p), spec));
    }

    /** Steps of the objective per training step: the whole run, or one chunk of truncated BPTT (1 without state). */
    private int chunkSteps() { return spec.bptt() > 0 ? spec.bptt() : Math.max(1, spec.steps()); }

    /** Training steps per batch: the run's chunks under truncated BPTT, else 1. */
    public int stepsPerBatch() { return spec.bptt() > 0 ? spec.steps() / spec.bptt() : 1; }

    /** The objective's states carried from chunk to chunk (truncated BPTT), by the name of their chunk input. */
    private Map<String, Tensor> initialState() {
        Executable one = stateful();
        for (Map.Entry<String, Tensor> p : params(false).entrySet()) {
            for (Map.Entry<String, String> n : names.entrySet()) if (n.getValue().equals(p.getKey())) one.setParam(n.getKey(), p.getValue());
        }
        one.reset();
        Map<String, Tensor> out = new LinkedHashMap<>();
        one.state().forEach((k, v) -> out.put(Unroll.atStep(k, 0), v));
        return out;
    }

    private Executable oneStep;

    /** The batched objective as one step with its state, whose initial state starts each batch's first chunk. */
    private Executable stateful() {
        if (oneStep == null) {
            Graph g = compilation.lower(program, spec.name(), Map.of(TrainSpec.SAMPLE_AXIS, batch))
                    .orElseThrow(() -> new IllegalStateException("the objective did not lower again"));
            oneStep = compilation.instantiate(g, backend, options).orElseThrow(() -> new IllegalStateException("the objective did not compile"));
        }
        return oneStep;
    }

    private static String name(Node param) { return ((ncd.ir.Attr.Param) param.attr()).name(); }

    private static String strip(String path, TrainSpec spec) {
        return path.startsWith(spec.callPrefix()) ? path.substring(spec.callPrefix().length()) : path;
    }

    /** The train declaration {@code name} of {@code program}, or empty after an E0901/E0801 diagnostic. */
    public static Optional<TrainSpec> spec(Compilation c, Program program, String name) {
        for (TrainSpec s : program.trains()) if (s.name().equals(name)) return Optional.of(s);
        List<String> all = program.trains().stream().map(TrainSpec::name).toList();
        c.diagnostics().error(SourceSpan.NONE, DiagCode.E0801, "no train declaration `" + name + "` in module " + program.moduleName(),
                all.isEmpty() ? "declare one: train Fit = Objective { optimizer = adam, lr = 1e-3 }" : "it declares: " + String.join(", ", all));
        return Optional.empty();
    }

    /**
     * The training step of {@code spec} as a graph, before optimisation: the objective lowered with batch {@code batch},
     * unrolled when it has state, differentiated, the optimiser added ({@link TrainGraph}). {@code forward} is the
     * objective it was made from. What {@code ncdc ir --train} prints.
     */
    public record StepGraph(Graph graph, Graph forward, List<String> trained, List<String> carried) {}

    /** {@link StepGraph} of {@code spec} with {@code batch} samples; empty after diagnostics. */
    public static Optional<StepGraph> stepGraph(Compilation c, Program program, TrainSpec spec, int batch) {
        Optional<Graph> lowered = c.lower(program, spec.name(), Map.of(TrainSpec.SAMPLE_AXIS, batch));
        if (lowered.isEmpty()) return Optional.empty();
        Graph g = lowered.get();
        try {
            List<String> kept = new ArrayList<>();
            List<String> carried = new ArrayList<>();
            if (!g.states().isEmpty()) {
                // the frontend refuses a stateful objective without steps (CheckedProgram.checkSteps)
                if (spec.steps() == 0) throw new CompilerBug("train", new IllegalStateException(spec.objective() + " has state " + g.states().get(0).name() + " but no steps"));
                int chunk = spec.bptt() > 0 ? spec.bptt() : spec.steps();
                Graph oneStep = g;
                g = spec.bptt() > 0 ? Unroll.chunk(g, chunk, spec.loss()) : Unroll.unroll(g, chunk, spec.loss());
                kept.add(spec.loss());
                for (String m : spec.metrics()) for (int t = 0; t < chunk; t++) kept.add(Unroll.atStep(m, t));
                if (spec.bptt() > 0) for (ncd.ir.State st : oneStep.states()) {
                    kept.add(Unroll.atStep(st.name(), chunk));
                    carried.add(st.name());
                }
            } else {
                kept.add(spec.loss());
                kept.addAll(spec.metrics());
            }
            Map<String, String> names = new LinkedHashMap<>();
            for (Node p : g.params()) names.put(name(p), strip(name(p), spec));
            for (String want : spec.params()) {
                if (!names.containsValue(want)) {
                    c.diagnostics().error(spec.span(), DiagCode.E0901, "params names `" + want + "`, which " + spec.objective() + " does not have",
                            "its parameters: " + String.join(", ", names.values()));
                    return Optional.empty();
                }
            }
            List<String> trained = TrainGraph.trainedParams(g, spec, names);
            if (trained.isEmpty()) {
                c.diagnostics().error(spec.span(), DiagCode.E0901, "train " + spec.name() + " has no float parameter to train", null);
                return Optional.empty();
            }
            Graph fwd = g;
            Graph stepGraph = c.times().time("train step", () -> TrainGraph.build(fwd, spec.loss(), kept, trained, names, spec.optimizer(), spec.clip()));
            c.verify(stepGraph, "verify train step");
            return Optional.of(new StepGraph(stepGraph, g, trained, carried));
        } catch (GradientException e) {
            c.diagnostics().error(spec.span(), DiagCode.E0808, e.getMessage(), null);
            return Optional.empty();
        }
    }

    /**
     * Compiles the training step of {@code spec} for {@code backend}: lowered with the batch size, unrolled when the
     * objective has state, differentiated, the optimiser added, optimised. Empty after diagnostics.
     */
    public static Optional<Trainer> create(Compilation c, Program program, TrainSpec spec, Backend backend, BackendOptions options,
                                           Overrides o) {
        int batch = o.batch() != null ? o.batch() : spec.batch();
        long seed = o.seed() != null ? o.seed() : spec.seed();
        BackendOptions seeded = options.withSeed(seed);
        Optional<StepGraph> made = stepGraph(c, program, spec, batch);
        if (made.isEmpty()) return Optional.empty();
        StepGraph s = made.get();
        Optional<Executable> exe = c.instantiate(s.graph(), backend, seeded);
        if (exe.isEmpty()) return Optional.empty();
        return Optional.of(new Trainer(c, program, spec, backend, seeded, o, s.forward(), exe.get(), s.trained(), s.carried()));
    }

    public TrainSpec spec() { return spec; }
    public int epochs() { return epochs; }
    public int batch() { return batch; }
    public long seed() { return seed; }
    public long stepsDone() { return stepsDone; }
    /** The step circuit, as the backend runs it. */
    public Graph stepGraph() { return step.graph(); }

    /**
     * The types of one sample of each data array, by input name: the objective's input types, with a leading step axis
     * of size T for an objective with state. {@link TrainData#load} matches .npz arrays against these.
     */
    public Map<String, TensorType> dataTypes() {
        if (!dataTypes.isEmpty()) return dataTypes;
        for (Node in : forward.inputs()) {
            String n = ((ncd.ir.Attr.Named) in.attr()).name();
            String base = n.contains("@") ? n.substring(0, n.lastIndexOf('@')) : n;
            if (dataTypes.containsKey(base) || carried.contains(base)) continue;
            List<Axis> axes = new ArrayList<>();
            if (spec.steps() > 0 && n.contains("@")) axes.add(new Axis(STEP_AXIS, spec.steps()));
            for (Axis a : in.type().axes()) if (!a.name().equals(TrainSpec.SAMPLE_AXIS)) axes.add(a);
            dataTypes.put(base, in.type().withAxes(axes));
        }
        return dataTypes;
    }

    /** The axis of a stateful objective's data that runs over the steps. */
    public static final String STEP_AXIS = "step";

    /** Trains for the remaining epochs from where training stands; returns the last epoch's figures. */
    public Epoch fit(TrainData train, TrainData validation, Listener listener, EpochEnd atEpochEnd) {
        Batches batches = new Batches(train.samples(), batch, seed, true);
        int chunks = stepsPerBatch();
        int perEpoch = batches.batchesPerEpoch() * chunks;
        if (perEpoch == 0) {
            throw new IllegalArgumentException("the training data has " + train.samples() + " samples, fewer than one batch of " + batch);
        }
        long total = (long) perEpoch * epochs;
        Map<String, Tensor> carry = Map.of();
        Epoch last = null;
        while (stepsDone < total) {
            int epoch = (int) (stepsDone / perEpoch);
            double lossSum = 0;
            Map<String, Double> metricSums = new LinkedHashMap<>();
            int counted = 0;
            Map<String, Tensor> data = null;
            for (int si = (int) (stepsDone % perEpoch); si < perEpoch; si++) {
                int bi = si / chunks, ci = si % chunks;
                if (data == null || ci == 0) data = train.batch(batches.indices(epoch, bi));
                if (spec.bptt() > 0 && ci == 0) carry = initialState();
                Map<String, Tensor> in = inputs(data, ci * chunkSteps(), chunkSteps());
                in.putAll(carry);
                double rate = spec.schedule().lr(lr, stepsDone, total);
                in.put(TrainGraph.LR, Tensor.scalar(rate));
                if (spec.optimizer().kind() != TrainSpec.Kind.SGD) {
                    long t = stepsDone + 1;
                    in.put(TrainGraph.C1, Tensor.scalar(1 / (1 - Math.pow(spec.optimizer().beta1(), t))));
                    in.put(TrainGraph.C2, Tensor.scalar(1 / (1 - Math.pow(spec.optimizer().beta2(), t))));
                }
                Map<String, Tensor> out = step.step(in);
                double loss = out.get(spec.loss()).get(0);
                double norm = out.get(TrainGraph.GRAD_NORM).get(0);
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) throw diverged(loss, norm);
                Map<String, Double> metrics = metrics(out, chunkSteps());
                if (spec.bptt() > 0) {
                    Map<String, Tensor> next = new LinkedHashMap<>();
                    for (String k : carry.keySet()) {
                        String base = k.substring(0, k.lastIndexOf('@'));
                        next.put(k, out.get(Unroll.atStep(base, spec.bptt())));
                    }
                    carry = next;
                }
                stepsDone++;
                lossSum += loss;
                counted++;
                metrics.forEach((k, v) -> metricSums.merge(k, v, Double::sum));
                if (listener != null) listener.step(new Step(stepsDone, total, epoch, loss, metrics, rate, norm));
            }
            Map<String, Double> meanMetrics = new LinkedHashMap<>();
            int n = counted;
            metricSums.forEach((k, v) -> meanMetrics.put(k, v / n));
            Map<String, Double> val = validation == null ? Map.of() : evaluate(validation);
            last = new Epoch(epoch + 1, stepsDone, lossSum / Math.max(1, counted), meanMetrics, val);
            if (listener != null) listener.epoch(last);
            if (atEpochEnd != null) atEpochEnd.done(last);
        }
        return last;
    }

    /** Called after each epoch (the CLI writes its checkpoint here). */
    public interface EpochEnd {
        void done(Epoch e);
    }

    private Diverged diverged(double loss, double norm) {
        // the parameters first, in graph order, then the optimiser's moments
        String where = null;
        Map<String, Tensor> state = step.state();
        List<String> order = new ArrayList<>();
        for (String p : trained) order.add(names.get(p));
        for (String k : state.keySet()) if (!order.contains(k)) order.add(k);
        for (String k : order) {
            Tensor.Stats st = state.get(k).stats();
            if (st.nanCount() > 0 || !Double.isFinite(st.min()) || !Double.isFinite(st.max())) {
                where = k;
                break;
            }
        }
        return new Diverged("step " + (stepsDone + 1) + ": the loss is " + loss + " and the gradient norm " + norm
                + (where != null ? "; the first parameter that is no longer finite after the update: " + where : ""));
    }

    private Map<String, Double> metrics(Map<String, Tensor> out, int count) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String k : spec.metrics()) {
            if (spec.steps() > 0 && !out.containsKey(k)) {
                double s = 0;
                for (int t = 0; t < count; t++) s += out.get(Unroll.atStep(k, t)).get(0);
                m.put(k, s);
            } else {
                m.put(k, out.get(k).get(0));
            }
        }
        return m;
    }

    /**
     * The circuit's inputs for a batch of data: as they are, or for an objective with state one per step, {@code x@t}
     * for t below {@code count} from the data's step {@code from + t}.
     */
    private Map<String, Tensor> inputs(Map<String, Tensor> data, int from, int count) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        if (spec.steps() == 0) {
            in.putAll(data);
            return in;
        }
        for (Map.Entry<String, Tensor> e : data.entrySet()) {
            for (int t = 0; t < count; t++) in.put(Unroll.atStep(e.getKey(), t), atStep(e.getValue(), from + t));
        }
        return in;
    }

    /** Step {@code t} of a [sample, step, ...] tensor: [sample, ...]. */
    static Tensor atStep(Tensor x, int t) {
        TensorType type = x.type();
        int samples = type.axes().get(0).size();
        int steps = type.axes().get(1).size();
        List<Axis> rest = new ArrayList<>(type.axes());
        rest.remove(1);
        TensorType outType = type.withAxes(rest);
        Tensor out = Tensor.zeros(outType);
        int block = x.size() / (samples * steps);
        for (int s = 0; s < samples; s++) {
            System.arraycopy(x.data(), (s * steps + t) * block, out.data(), s * block, block);
        }
        return out;
    }

    /** The mean loss and metrics over {@code data}, in batches of the training batch size (a smaller last one). */
    public Map<String, Double> evaluate(TrainData data) {
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Tensor> params = params(false);
        java.util.Set<Executable> current = new java.util.HashSet<>();
        for (int[] idx : Batches.sequential(data.samples(), batch)) {
            Executable ev = evaluator(idx.length);
            // the parameters once per evaluate and evaluator, not once per batch
            if (current.add(ev)) {
                for (Map.Entry<String, String> p : names.entrySet()) {
                    Tensor v = params.get(p.getValue());
                    if (v != null) ev.setParam(p.getKey(), v);
                }
            }
            Map<String, Tensor> out = ev.step(inputs(data.batch(idx), 0, spec.steps()));
            double loss = out.get(spec.loss()).get(0);
            sums.merge(spec.loss(), loss * idx.length, Double::sum);
            metrics(out, spec.steps()).forEach((k, v) -> sums.merge(k, v * idx.length, Double::sum));
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        sums.forEach((k, v) -> mean.put(k, v / data.samples()));
        return mean;
    }

    private Executable evaluator(int size) {
        return evaluators.computeIfAbsent(size, k -> {
            Graph g = compilation.lower(program, spec.name(), Map.of(TrainSpec.SAMPLE_AXIS, k))
                    .orElseThrow(() -> new IllegalStateException("the objective did not lower for a batch of " + k));
            if (!g.states().isEmpty()) g = Unroll.unroll(g, spec.steps(), spec.loss());
            return compilation.instantiate(g, backend, options)
                    .orElseThrow(() -> new IllegalStateException("the objective did not compile for a batch of " + k));
        });
    }

    /**
     * Every parameter by its name in the objective: trained ones as training has left them, the others as initialised
     * (or set); with {@code moments}, also the optimiser's moments ({@code train.m.NAME}, {@code train.v.NAME}).
     */
    public Map<String, Tensor> params(boolean moments) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, Tensor> state = step.state();
        Map<String, Tensor> initial = step.params();
        for (Map.Entry<String, String> p : names.entrySet()) {
            Tensor v = state.containsKey(p.getValue()) ? state.get(p.getValue()) : initial.get(p.getKey());
            if (v != null) out.put(p.getValue(), v);
        }
        if (moments) for (Map.Entry<String, Tensor> s : state.entrySet()) if (s.getKey().startsWith("train.")) out.put(s.getKey(), s.getValue());
        return out;
    }

    /**
     * The parameters as {@link #params params(false)} gives them, each in its declared unit (a {@code param tau in ms}
     * of 20 ms as 20): the values a parameter file holds ({@link ncd.runtime.ParamUnits}).
     */
    public Map<String, Tensor> paramsInDeclaredUnits() {
        Map<String, ncd.ir.Attr.Param> scaled = ncd.runtime.ParamUnits.scaled(forward);
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, Tensor> si = params(false);
        for (Map.Entry<String, String> p : names.entrySet()) {
            Tensor v = si.get(p.getValue());
            if (v == null) continue;
            out.put(p.getValue(), scaled.containsKey(p.getKey()) ? ncd.runtime.ParamUnits.toDeclared(v, scaled.get(p.getKey())) : v);
        }
        return out;
    }

    /** Where training stands, with everything needed to go on exactly. */
    public Checkpoint checkpoint() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "ncd-train-1");
        meta.put("train", spec.name());
        meta.put("step", Long.toString(stepsDone));
        meta.put("seed", Long.toString(seed));
        meta.put("batch", Integer.toString(batch));
        meta.put("optimizer", spec.optimizer().kind().name().toLowerCase(java.util.Locale.ROOT));
        // SI values, not declared units: a resumed run must continue bit for bit, and converting would round
        meta.put(ncd.runtime.ParamUnits.KEY, ncd.runtime.ParamUnits.SI);
        return new Checkpoint(params(true), meta);
    }

    /**
     * Sets the parameters (and moments, when present) from {@code c} and, when it records one, the step training had
     * reached. Names are the objective's; a tensor the circuit does not have is an error, as is a trained parameter the
     * checkpoint lacks when it records a step (a resumed run must start from all of them). A tensor without axis names
     * (a PyTorch state dict saved as safetensors) is matched to its parameter by position. Values are in each
     * parameter's declared unit unless the metadata says the file holds SI values, as ncd's own checkpoints do
     * ({@link ncd.runtime.ParamUnits}).
     *
     * @throws ncd.runtime.NpyException when a tensor's dtype or shape is not its parameter's
     */
    public void restore(Checkpoint c) throws ncd.runtime.NpyException {
        Map<String, String> byName = new HashMap<>();
        names.forEach((path, n) -> byName.put(n, path));
        Map<String, Tensor> params = step.params();
        Map<String, ncd.ir.Attr.Param> scaled = ncd.runtime.ParamUnits.storedInSi(c.metadata()) ? Map.of() : ncd.runtime.ParamUnits.scaled(forward);
        for (Map.Entry<String, Tensor> t : c.tensors().entrySet()) {
            String k = t.getKey();
            String path = k.startsWith("train.") ? k : byName.get(k);
            if (path == null || !params.containsKey(path)) {
                throw new IllegalArgumentException("the checkpoint has `" + k + "`, which train " + spec.name() + " does not have; its parameters: "
                        + String.join(", ", names.values()));
            }
            // a tensor from elsewhere (PyTorch) has positional axes: matched in order, as run --params does
            Tensor v = ncd.runtime.SafeTensors.toType(t.getValue(), params.get(path).type(), "parameter " + k, "the checkpoint's " + k);
            if (scaled.containsKey(path)) v = ncd.runtime.ParamUnits.toSi(v, scaled.get(path));
            step.setParam(path, v);
        }
        String s = c.metadata().get("step");
        if (s != null) {
            for (String p : trained) {
                if (!c.tensors().containsKey(names.get(p))) throw new IllegalArgumentException("the checkpoint lacks the trained parameter " + names.get(p));
            }
            if (c.metadata().containsKey("seed") && Long.parseLong(c.metadata().get("seed")) != seed) {
                throw new IllegalArgumentException("the checkpoint was trained with seed " + c.metadata().get("seed") + ", this run has seed " + seed
                        + "; resuming with another seed would not continue the same run (give --seed " + c.metadata().get("seed") + ")");
            }
            if (c.metadata().containsKey("batch") && Integer.parseInt(c.metadata().get("batch")) != batch) {
                throw new IllegalArgumentException("the checkpoint was trained with batch " + c.metadata().get("batch") + ", this run has batch " + batch);
            }
            stepsDone = Long.parseLong(s);
        }
        step.reset();
    }
}
