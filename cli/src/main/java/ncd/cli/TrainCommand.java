package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.FileErrors;
import ncd.diag.SourceSpan;
import ncd.driver.Compilation;
import ncd.driver.Trainer;
import ncd.frontend.Program;
import ncd.frontend.TrainSpec;
import ncd.runtime.BackendOptions;
import ncd.runtime.NpyException;
import ncd.runtime.RunException;
import ncd.runtime.train.Checkpoint;
import ncd.runtime.train.TrainData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code ncdc train}: fit the parameters of a {@code train} declaration to data (docs/training.md). */
@Command(name = "train",
        description = {
            "Train the parameters of a `train` declaration of FILE on the arrays of an .npz file, matched to the objective's inputs "
                + "by name, each with a leading sample axis (and a step axis after it for an objective with state).",
            "",
            "Each epoch draws shuffled minibatches from --seed (the last partial batch is left out), takes one optimiser step per "
                + "batch, and reports the mean loss and metrics, and those of --val. A progress line shows on a terminal. With "
                + "--checkpoint DIR, after every epoch DIR/checkpoint.safetensors (parameters, optimiser moments, the step) and "
                + "DIR/params.safetensors (the parameters alone, for `ncdc run --params`) are replaced atomically (and every N steps with --checkpoint-every N), and at the end "
                + "DIR/loss.png and DIR/loss.svg plot the loss. --resume continues a checkpoint bit for bit (same seed and batch). "
                + "A loss or gradient that is not finite stops training (E0903) and leaves the last checkpoint as it was."},
        footerHeading = "%nExamples:%n",
        footer = {
            "  ncdc train examples/fashion_mlp.ncd --data train.npz --val test.npz",
            "  ncdc train examples/parity.ncd --train Parity4 --data parity4.npz",
            "  ncdc train fit.ncd --data d.npz --checkpoint runs/fit --epochs 5",
            "  ncdc train fit.ncd --data d.npz --resume runs/fit/checkpoint.safetensors"})
final class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "FILE", description = "The .ncd file.")
    Path file;

    @Option(names = {"--train", "--circuit"}, paramLabel = "NAME", description = "The train declaration (needed when the file has several).")
    String train;

    @Option(names = "--data", paramLabel = "FILE.npz", required = true, description = "Training data: one array per input of the objective.")
    Path data;

    @Option(names = "--val", paramLabel = "FILE.npz", description = "Validation data, evaluated after every epoch.")
    Path val;

    @Option(names = "--epochs", paramLabel = "E", description = "Epochs (default: the declaration's).")
    Integer epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Samples per step (default: the declaration's).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "RATE", description = "The (peak) learning rate (default: the declaration's).")
    Double lr;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of initialisation and shuffling (default: the declaration's, else 0).")
    Long seed;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N training (and validation) samples: a quick run.")
    Integer limit;

    @Option(names = "--params", paramLabel = "FILE", description = "Start from these parameters (.safetensors, named as in the objective).")
    Path params;

    @Option(names = "--name-map", paramLabel = "FILE",
            description = "Rename the tensors of --params first: lines `torch.name = ncd.path` (`= -` drops one), as docs/training.md shows for PyTorch state dicts.")
    Path nameMap;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Write checkpoints, the parameters and the loss plot here.")
    Path checkpointDir;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Also write the checkpoint every N training steps, not only after each epoch (with --checkpoint).")
    Long checkpointEvery;

    @Option(names = "--resume", paramLabel = "CKPT", description = "Continue from a checkpoint written by --checkpoint.")
    Path resume;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "jvm", description = "Where to run: jvm (default) or interp; `list` lists them.")
    String backend = "jvm";

    @Mixin TargetOptions target;

    @Override public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(o, err);
        } catch (OutOfMemoryError e) {
            return Report.outOfMemory(err, common.diagnostics, "training " + file);
        } catch (Throwable t) {
            Report.internalError(err, "train", t, common.verbose);
            return Main.INTERNAL;
        }
    }

    private int run(PrintWriter o, PrintWriter err) {
        if (TargetOptions.listed(backend, o)) return Main.OK;
        Diagnostics diags = new Diagnostics();
        if (epochs != null && epochs < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--epochs must be at least 1, got " + epochs, null);
        if (batch != null && batch < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--batch must be at least 1, got " + batch, null);
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) diags.error(SourceSpan.NONE, DiagCode.E0803, "--lr must be a positive number, got " + lr, null);
        if (limit != null && limit < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--limit must be at least 1, got " + limit, null);
        if (params != null && resume != null) diags.error(SourceSpan.NONE, DiagCode.E0803, "--params and --resume both set the parameters", "give one");
        if (checkpointEvery != null && checkpointEvery < 1) diags.error(SourceSpan.NONE, DiagCode.E0803, "--checkpoint-every must be at least 1, got " + checkpointEvery, null);
        if (checkpointEvery != null && checkpointDir == null) diags.error(SourceSpan.NONE, DiagCode.E0803, "--checkpoint-every says how often to write a checkpoint, and there is no --checkpoint DIR", "give --checkpoint DIR");
        if (nameMap != null && params == null) diags.error(SourceSpan.NONE, DiagCode.E0803, "--name-map renames the tensors of --params, and there is none", "give --params FILE.safetensors");
        BackendOptions options = target.options(seed == null ? 0 : seed, diags);
        if (diags.hasErrors()) return fail(err, diags, Main.USAGE);

        Compilation c = common.compilation(diags);
        Optional<Program> prog = c.load(file);
        if (prog.isEmpty()) return fail(err, diags, Main.USER_ERROR);
        String name = train;
        if (name == null) {
            List<TrainSpec> all = prog.get().trains();
            if (all.size() != 1) {
                diags.error(SourceSpan.NONE, all.isEmpty() ? DiagCode.E0801 : DiagCode.E0803, file + (all.isEmpty() ? " has no train declaration"
                                : " has " + all.size() + " train declarations; say which with --train"),
                        all.isEmpty() ? "declare one: train Fit = Objective { optimizer = adam, lr = 1e-3 }"
                                : "its train declarations: " + String.join(", ", all.stream().map(TrainSpec::name).toList()));
                return fail(err, diags, all.isEmpty() ? Main.USER_ERROR : Main.USAGE);
            }
            name = all.get(0).name();
        }
        Optional<TrainSpec> ts = Trainer.spec(c, prog.get(), name);
        if (ts.isEmpty()) return fail(err, diags, Main.USER_ERROR);
        Optional<Trainer> made = c.backend(backend).flatMap(be ->
                Trainer.create(c, prog.get(), ts.get(), be, options, new Trainer.Overrides(epochs, batch, lr, seed)));
        common.reportTimings(err, c);
        if (made.isEmpty()) return fail(err, diags, Circuits.failure(diags));
        Trainer trainer = made.get();

        // the data, checked whole before the first step
        TrainData trainData = loadData(data, "--data", trainer, diags);
        TrainData valData = val == null ? null : loadData(val, "--val", trainer, diags);
        if (diags.hasErrors()) return fail(err, diags, Main.USER_ERROR);
        if (trainData.samples() < trainer.batch()) {
            diags.error(SourceSpan.NONE, DiagCode.E0902, data + " has " + trainData.samples() + " samples, fewer than one batch of " + trainer.batch(),
                    "give more data or a smaller --batch");
            return fail(err, diags, Main.USER_ERROR);
        }
        try {
            if (params != null) {
                Checkpoint start = Checkpoint.read(params);
                // renamed, it starts a run afresh (no step or seed to resume), but keeps saying what unit its values are in
                if (nameMap != null) {
                    Map<String, String> units = ncd.runtime.ParamUnits.storedInSi(start.metadata())
                            ? Map.of(ncd.runtime.ParamUnits.KEY, ncd.runtime.ParamUnits.SI) : Map.of();
                    start = new Checkpoint(Checkpoint.renamed(start.tensors(), Checkpoint.parseNameMap(nameMap)), units);
                }
                trainer.restore(start);
            }
            if (resume != null) trainer.restore(Checkpoint.read(resume));
        } catch (NpyException | IllegalArgumentException | RunException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0902, e.getMessage(), null);
            return fail(err, diags, Main.USER_ERROR);
        }
        if (checkpointEvery != null && checkpointEvery % trainer.stepsPerBatch() != 0) {
            // a checkpoint inside a batch would lose the state carried between its BPTT chunks
            diags.error(SourceSpan.NONE, DiagCode.E0803, "--checkpoint-every " + checkpointEvery + " falls inside a batch: each batch is "
                    + trainer.stepsPerBatch() + " training steps (steps / bptt)", "give a multiple of " + trainer.stepsPerBatch());
            return fail(err, diags, Main.USAGE);
        }
        if (checkpointDir != null) {
            try {
                Files.createDirectories(checkpointDir);
            } catch (IOException | RuntimeException e) {
                diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot create " + checkpointDir + ": " + FileErrors.reason(e), null);
                return fail(err, diags, Main.USER_ERROR);
            }
        }

        TrainSpec s = trainer.spec();
        // a training step per batch, or one per chunk of steps under truncated BPTT
        int perEpoch = trainData.samples() / trainer.batch() * trainer.stepsPerBatch();
        long total = (long) perEpoch * trainer.epochs();
        double samplesPerStep = (double) trainer.batch() / trainer.stepsPerBatch();
        o.printf(Locale.ROOT, "training %s (objective %s: minimising %s%s) on %d samples%s: batch %d, %d steps per epoch, %d epoch%s, %s, lr %s%s, %s backend%n",
                s.name(), s.objective(), s.loss(), s.metrics().isEmpty() ? "" : "; " + String.join(", ", s.metrics()),
                trainData.samples(), valData == null ? "" : " (validation: " + valData.samples() + ")", trainer.batch(), perEpoch,
                trainer.epochs(), trainer.epochs() == 1 ? "" : "s", s.optimizer().kind().name().toLowerCase(Locale.ROOT),
                RunCommand.num(lr != null ? lr : s.optimizer().lr()), s.schedule().cosine() ? " (cosine)" : "", backend);
        if (trainer.stepsDone() > 0) o.printf(Locale.ROOT, "resuming at step %d of %d%n", trainer.stepsDone(), total);
        o.flush();

        List<double[]> lossCurve = new ArrayList<>();
        Map<String, List<double[]>> valCurves = new LinkedHashMap<>();
        long[] epochStart = {System.nanoTime(), trainer.stepsDone()};
        double[] recent = {Double.NaN};
        long startStep = trainer.stepsDone();
        long t0 = System.nanoTime();
        Progress progress = Progress.custom(err, total - startStep, (done, all, secs) -> {
            double rate = done / secs;
            long step = startStep + done;
            return String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  loss %s  %.0f samples/s  %ss left", step / perEpoch + 1, trainer.epochs(),
                    step, total, fmt(recent[0]), rate * samplesPerStep, rate > 0 ? Long.toString((long) Math.ceil((all - done) / rate)) : "?");
        });
        Runnable save = () -> {
            if (checkpointDir == null) return;
            try {
                Checkpoint.write(checkpointDir.resolve("checkpoint.safetensors"), trainer.checkpoint());
                Checkpoint.write(checkpointDir.resolve("params.safetensors"), new Checkpoint(trainer.paramsInDeclaredUnits(), Map.of("train", s.name())));
            } catch (IOException | RuntimeException x) {
                throw new CheckpointFailed(checkpointDir + ": " + FileErrors.reason(x));
            }
        };
        Trainer.Listener listener = new Trainer.Listener() {
            @Override public void step(Trainer.Step st) {
                lossCurve.add(new double[]{st.step(), st.loss()});
                recent[0] = Double.isNaN(recent[0]) ? st.loss() : 0.9 * recent[0] + 0.1 * st.loss();
                progress.tick(st.step() - startStep);
                if (checkpointEvery != null && st.step() % checkpointEvery == 0 && st.step() % perEpoch != 0) save.run();
            }

            @Override public void epoch(Trainer.Epoch e) {
                progress.done();
                double secs = (System.nanoTime() - epochStart[0]) / 1e9;
                long steps = e.step() - epochStart[1];
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d: loss %s", e.epoch(), trainer.epochs(), fmt(e.loss())));
                e.metrics().forEach((k, v) -> line.append(' ').append(k).append(' ').append(fmt(v)));
                if (!e.validation().isEmpty()) {
                    line.append(" | val");
                    e.validation().forEach((k, v) -> {
                        line.append(' ').append(k).append(' ').append(fmt(v));
                        valCurves.computeIfAbsent(k, x -> new ArrayList<>()).add(new double[]{e.step(), v});
                    });
                }
                line.append(String.format(Locale.ROOT, " | %.1f s, %.0f samples/s", secs, steps * samplesPerStep / Math.max(secs, 1e-9)));
                o.println(line);
                o.flush();
                epochStart[0] = System.nanoTime();
                epochStart[1] = e.step();
            }
        };
        try {
            trainer.fit(trainData, valData, listener, e -> save.run());
        } catch (Trainer.Diverged d) {
            progress.done();
            diags.error(SourceSpan.NONE, DiagCode.E0903, d.getMessage(), checkpointDir == null
                    ? "lower the learning rate (--lr) or clip the gradient (clip = 1.0)"
                    : "the last checkpoint in " + checkpointDir + " is intact; lower the learning rate (--lr) or clip the gradient (clip = 1.0) and --resume it");
            return fail(err, diags, Main.USER_ERROR);
        } catch (CheckpointFailed x) {
            progress.done();
            diags.error(SourceSpan.NONE, DiagCode.E0802, "cannot write the checkpoint in " + x.getMessage(), "the previous checkpoint, if any, is intact");
            return fail(err, diags, Main.USER_ERROR);
        } catch (RunException x) {
            progress.done();
            diags.error(SourceSpan.NONE, DiagCode.E0806, "at training step " + (trainer.stepsDone() + 1) + ": " + x.getMessage(), null);
            return fail(err, diags, Main.USER_ERROR);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        o.printf(Locale.ROOT, "trained %d steps in %.1f s (%.0f samples/s)%n", trainer.stepsDone() - startStep, secs,
                (trainer.stepsDone() - startStep) * samplesPerStep / Math.max(secs, 1e-9));
        if (checkpointDir != null) {
            List<String> wrote = new ArrayList<>(List.of("checkpoint.safetensors", "params.safetensors"));
            try {
                if (!lossCurve.isEmpty()) {
                    for (String ext : List.of("png", "svg")) {
                        LossPlot.write(checkpointDir.resolve("loss." + ext), s.name() + ": training loss", lossCurve, valCurves);
                        wrote.add("loss." + ext);
                    }
                }
            } catch (IOException | RuntimeException x) {
                diags.warning(SourceSpan.NONE, DiagCode.E0802, "cannot write the loss plot in " + checkpointDir + ": " + FileErrors.reason(x), null);
            }
            o.println("wrote " + checkpointDir + "/{" + String.join(", ", wrote) + "}");
        }
        Report.diagnostics(err, common.diagnostics, diags.sorted());
        return Main.OK;
    }

    private static final class CheckpointFailed extends RuntimeException {
        CheckpointFailed(String m) { super(m); }
    }

    private TrainData loadData(Path file, String option, Trainer trainer, Diagnostics diags) {
        try {
            if (!Files.isRegularFile(file)) {
                diags.error(SourceSpan.NONE, DiagCode.E0902, option + " " + file + ": no such file", null);
                return null;
            }
            TrainData d = TrainData.load(file, trainer.dataTypes(), TrainSpec.SAMPLE_AXIS);
            if (limit != null && d.samples() > limit) d = d.subset(0, limit);
            return d;
        } catch (NpyException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0902, e.getMessage(), "the arrays are the objective's inputs by name, each with a leading sample axis: "
                    + describe(trainer.dataTypes()));
            return null;
        } catch (RuntimeException e) {
            diags.error(SourceSpan.NONE, DiagCode.E0902, "cannot read " + file + ": " + FileErrors.reason(e), null);
            return null;
        }
    }

    private static String describe(Map<String, ncd.ir.TensorType> types) {
        List<String> out = new ArrayList<>();
        types.forEach((k, t) -> {
            List<String> axes = new ArrayList<>(List.of("N"));
            for (ncd.ir.Axis a : t.axes()) axes.add(a.name() + "=" + a.size());
            out.add(k + ": " + t.dtype().word() + "[" + String.join(", ", axes) + "]");
        });
        return String.join(", ", out);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "nan";
        return String.format(Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? "%.4f" : "%.3e", v);
    }

    private int fail(PrintWriter err, Diagnostics diags, int code) {
        Report.diagnostics(err, common.diagnostics, diags.sorted());
        return code;
    }
}
