package ncd.frontend.resolve;

import ncd.diag.CloseNames;
import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;
import ncd.frontend.TrainSpec;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Name;
import ncd.frontend.ast.OpArg;
import ncd.frontend.ast.Stmt;
import ncd.frontend.ast.TypeExpr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a {@code train} declaration's settings and makes it into the circuit the trainer runs. For
 * {@code train Fit = Objective { ... }} with {@code Objective(x: f32[pixel], label: i32) -> (loss: f32, acc: f32)}
 * that circuit is, as if written:
 *
 * <pre>
 * circuit Fit(x: f32[sample, pixel], label: i32[sample]) -> (loss: f32, acc: f32) {
 *   let (loss_, acc_) = Objective(x, label)        // mapped over sample: one set of parameters for all
 *   return (mean[sample](loss_), mean[sample](acc_))
 * }
 * </pre>
 *
 * so that it is checked, lowered, drawn and run like any circuit ({@code ncdc run --circuit Fit --axis sample=4}),
 * and the gradient of a batch's loss is the gradient of an ordinary circuit's output. The batch axis {@code sample}
 * is declared unsized in the module unless the module declares it itself (then it must be unsized).
 */
final class TrainDecls {
    private TrainDecls() {}

    /** Setting names with what they take, for checking and for the hint of a misspelt one. */
    private static final Map<String, String> KEYS = new LinkedHashMap<>();
    static {
        KEYS.put("loss", "the objective's output to minimise");
        KEYS.put("optimizer", "sgd, adam or adamw");
        KEYS.put("lr", "the (peak) learning rate");
        KEYS.put("momentum", "sgd's momentum");
        KEYS.put("beta1", "adam's first-moment decay");
        KEYS.put("beta2", "adam's second-moment decay");
        KEYS.put("eps", "adam's epsilon");
        KEYS.put("weight_decay", "adamw's decoupled weight decay");
        KEYS.put("batch", "samples per step");
        KEYS.put("epochs", "passes over the data");
        KEYS.put("schedule", "constant or cosine");
        KEYS.put("warmup", "steps of linear warm-up");
        KEYS.put("min_lr", "the learning rate cosine decays to");
        KEYS.put("clip", "the global gradient norm to clip to");
        KEYS.put("params", "the parameters to train (default: all float parameters)");
        KEYS.put("freeze", "parameters not to train");
        KEYS.put("steps", "steps to run a stateful objective per sample");
        KEYS.put("bptt", "truncate backpropagation through time to this many steps");
        KEYS.put("seed", "the seed of initialisation and shuffling");
    }

    /** What other tools call some settings, for the hint. */
    private static final Map<String, String> SYNONYMS = Map.of("learning_rate", "lr", "optimiser", "optimizer", "batch_size", "batch",
            "num_epochs", "epochs", "n_epochs", "epochs", "wd", "weight_decay", "grad_clip", "clip", "clip_norm", "clip", "max_norm", "clip",
            "lr_schedule", "schedule");

    /** The checked spec, or null after reporting; on success {@code synthesized} receives the batched circuit. */
    static TrainSpec check(Decl.Train t, Map<String, Decl.Circuit> circuits, Map<String, Decl.AxisDef> axes,
                           Diagnostics diags, List<Decl.Circuit> synthesized) {
        Decl.Circuit obj = circuits.get(t.objective().text());
        if (obj == null) {
            String close = CloseNames.closest(t.objective().text(), circuits.keySet());
            diags.error(t.objective().span(), DiagCode.E0901, "no circuit `" + t.objective().text() + "` in this module to train",
                    close != null ? "did you mean `" + close + "`?" : "name a circuit declared in this file (it may call imported ones)");
            return null;
        }
        if (obj.isComposed() || !obj.generics().isEmpty()) {
            diags.error(t.objective().span(), DiagCode.E0901, "the objective `" + obj.name().text() + "` must be a circuit with a body and no generic axes",
                    "wrap it: circuit Objective(x: f32[d]) -> (loss: f32) { return ... }");
            return null;
        }
        Decl.AxisDef sample = axes.get(TrainSpec.SAMPLE_AXIS);
        if (sample != null && sample.size() != null) {
            diags.error(sample.name().span(), DiagCode.E0901, "axis `sample` is the batch axis of train " + t.name().text() + " and is sized by its batch",
                    "declare it without a size: `axis sample`, or rename this axis");
            return null;
        }
        List<String> outNames = new ArrayList<>();
        for (int i = 0; i < obj.outputs().size(); i++) {
            Decl.OutputDecl o = obj.outputs().get(i);
            TypeExpr ty = o.type();
            if (!ty.axes().isEmpty() || !ty.dtype().isFloat()) {
                diags.error(ty.span(), DiagCode.E0901, "every output of an objective is a scalar per sample (f32 or f64), found "
                        + ty.dtype().word() + (ty.axes().isEmpty() ? "" : ty.axes().toString()),
                        "return the per-sample loss (and metrics) as scalars: the trainer averages them over the batch");
                return null;
            }
            if (o.name() == null && obj.outputs().size() > 1) {
                diags.error(ty.span(), DiagCode.E0901, "output " + (i + 1) + " of objective " + obj.name().text() + " has no name",
                        "name every output, e.g. -> (loss: f32, accuracy: f32): the trainer reports them by name");
                return null;
            }
            outNames.add(o.name() == null ? "loss" : o.name().text());
        }

        Settings s = new Settings(t, diags);
        if (!s.ok) return null;
        String loss = s.path("loss", outNames.contains("loss") ? "loss" : outNames.size() == 1 ? outNames.get(0) : null);
        if (loss == null) {
            diags.error(t.span(), DiagCode.E0901, "which output of " + obj.name().text() + " is the loss?",
                    "name it `loss` or say `loss = NAME` (outputs: " + String.join(", ", outNames) + ")");
            return null;
        }
        if (!outNames.contains(loss)) {
            diags.error(s.at("loss"), DiagCode.E0901, obj.name().text() + " has no output `" + loss + "`", "its outputs: " + String.join(", ", outNames));
            return null;
        }
        String opt = s.path("optimizer", "adam");
        TrainSpec.Kind kind = switch (opt) {
            case "sgd" -> TrainSpec.Kind.SGD;
            case "adam" -> TrainSpec.Kind.ADAM;
            case "adamw" -> TrainSpec.Kind.ADAMW;
            default -> null;
        };
        if (kind == null) {
            diags.error(s.at("optimizer"), DiagCode.E0901, "unknown optimizer `" + opt + "`", "choose sgd, adam or adamw");
            return null;
        }
        double lr = s.number("lr", kind == TrainSpec.Kind.SGD ? 0.01 : 1e-3, 0, false);
        double momentum = s.number("momentum", 0, 0, true);
        double beta1 = s.number("beta1", 0.9, 0, true);
        double beta2 = s.number("beta2", 0.999, 0, true);
        double eps = s.number("eps", 1e-8, 0, true);
        double wd = s.number("weight_decay", kind == TrainSpec.Kind.ADAMW ? 0.01 : 0, 0, true);
        for (String k : new String[]{"momentum", "beta1", "beta2"}) {
            if (s.has(k) && s.number(k, 0, 0, true) >= 1) {
                diags.error(s.at(k), DiagCode.E0901, k + " must be below 1", "a decay of 1 or more never forgets: try 0.9");
                s.ok = false;
            }
        }
        if (kind != TrainSpec.Kind.SGD && s.has("momentum")) {
            diags.error(s.at("momentum"), DiagCode.E0901, "momentum is an sgd setting; " + opt + " has beta1", "say beta1 = ... or optimizer = sgd");
            s.ok = false;
        }
        if (kind == TrainSpec.Kind.SGD) {
            for (String k : new String[]{"beta1", "beta2", "eps"}) {
                if (s.has(k)) {
                    diags.error(s.at(k), DiagCode.E0901, k + " is an adam setting, and this trains with sgd", "say optimizer = adam, or drop " + k);
                    s.ok = false;
                }
            }
        }
        if (kind == TrainSpec.Kind.ADAM && s.has("weight_decay")) {
            diags.error(s.at("weight_decay"), DiagCode.E0901, "weight_decay is decoupled weight decay, an adamw setting",
                    "say optimizer = adamw (Adam with L2 in the gradient decays unevenly; see std.optim)");
            s.ok = false;
        }
        String schedule = s.path("schedule", "constant");
        if (!schedule.equals("constant") && !schedule.equals("cosine")) {
            diags.error(s.at("schedule"), DiagCode.E0901, "unknown schedule `" + schedule + "`", "choose constant or cosine");
            s.ok = false;
        }
        int warmup = s.integer("warmup", 0, 0);
        double minLr = s.number("min_lr", 0, 0, true);
        int batch = s.integer("batch", 32, 1);
        int epochs = s.integer("epochs", 10, 1);
        double clip = s.number("clip", 0, 0, false);
        int steps = s.integer("steps", 0, 1);
        int bptt = s.integer("bptt", 0, 1);
        long seed = s.integer("seed", 0, 0);
        if (bptt > 0 && steps == 0) {
            diags.error(s.at("bptt"), DiagCode.E0901, "bptt truncates a run of steps, and this declaration has no `steps`",
                    "say steps = T for an objective with state");
            s.ok = false;
        }
        if (bptt > 0 && steps % bptt != 0) {
            diags.error(s.at("bptt"), DiagCode.E0901, "bptt = " + bptt + " does not divide steps = " + steps, "choose a divisor of " + steps);
            s.ok = false;
        }
        if (!s.ok) return null;

        // the batched circuit
        SourceSpan at = t.span();
        List<Decl.ParamDecl> params = new ArrayList<>();
        List<Expr> args = new ArrayList<>();
        Name sampleName = new Name(TrainSpec.SAMPLE_AXIS, at);
        // a stateful objective is one step here, over the batch; the driver unrolls it over `steps`
        for (Decl.ParamDecl p : obj.params()) {
            List<Name> ax = new ArrayList<>();
            ax.add(sampleName);
            ax.addAll(p.type().axes());
            params.add(new Decl.ParamDecl(p.name(), new TypeExpr(p.type().span(), p.type().dtype(), ax, p.type().unit(), p.type().complex())));
            args.add(new Expr.Ref(at, p.name()));
        }
        Expr.Call call = new Expr.Call(at, obj.name(), List.of(), args);
        List<Stmt> body = new ArrayList<>();
        List<Name> locals = outNames.stream().map(n -> new Name(n + "_per_sample", at)).toList();
        if (locals.size() == 1) body.add(new Stmt.Let(at, locals.get(0), null, call));
        else body.add(new Stmt.LetTuple(at, locals, call));
        List<Expr> means = new ArrayList<>();
        for (Name l : locals) {
            means.add(new Expr.AxisOp(at, new Name("mean", at), List.of(new OpArg.Plain(at, new Expr.Ref(at, sampleName))), List.of(new Expr.Ref(at, l))));
        }
        body.add(new Stmt.Return(at, means.size() == 1 ? means.get(0) : new Expr.Tuple(at, means)));
        List<Decl.OutputDecl> outs = new ArrayList<>();
        for (int i = 0; i < outNames.size(); i++) {
            outs.add(new Decl.OutputDecl(new Name(outNames.get(i), at), obj.outputs().get(i).type()));
        }
        synthesized.add(new Decl.Circuit(at, t.name(), List.of(), params, outs, outs.size() > 1, body, null));
        if (sample == null) axes.put(TrainSpec.SAMPLE_AXIS, new Decl.AxisDef(sampleName, null));

        List<String> metrics = new ArrayList<>(outNames);
        metrics.remove(loss);
        String prefix = (locals.size() == 1 ? locals.get(0).text() : obj.name().text() + "_0") + ".";
        return new TrainSpec(at, t.name().text(), obj.name().text(), loss, metrics, prefix,
                new TrainSpec.Optimizer(kind, lr, momentum, beta1, beta2, eps, wd),
                new TrainSpec.Schedule(schedule.equals("cosine"), warmup, minLr), batch, epochs,
                s.paths("params"), s.paths("freeze"), steps, bptt, clip, seed);
    }

    /** The settings as written, checked one by one. */
    private static final class Settings {
        final Map<String, Decl.Setting> byKey = new LinkedHashMap<>();
        final Diagnostics diags;
        boolean ok = true;

        Settings(Decl.Train t, Diagnostics diags) {
            this.diags = diags;
            for (Decl.Setting s : t.settings()) {
                String k = s.key().text();
                if (!KEYS.containsKey(k)) {
                    String close = SYNONYMS.containsKey(k) ? SYNONYMS.get(k) : CloseNames.closest(k, KEYS.keySet());
                    diags.error(s.key().span(), DiagCode.E0901, "unknown setting `" + k + "` in train " + t.name().text(),
                            close != null ? "did you mean `" + close + "`? (" + KEYS.get(close) + ")" : "settings: " + String.join(", ", KEYS.keySet()));
                    ok = false;
                } else if (byKey.putIfAbsent(k, s) != null) {
                    diags.error(s.key().span(), DiagCode.E0901, "`" + k + "` is set twice", "keep one");
                    ok = false;
                } else if (s.list() != (k.equals("params") || k.equals("freeze"))) {
                    diags.error(s.span(), DiagCode.E0901, s.list() ? "`" + k + "` takes one value, not a list" : "`" + k + "` takes a list of instance paths",
                            s.list() ? KEYS.get(k) : "write " + k + " = [l1.W, l1.b]");
                    ok = false;
                }
            }
        }

        boolean has(String k) { return byKey.containsKey(k); }

        SourceSpan at(String k) { return byKey.containsKey(k) ? byKey.get(k).span() : SourceSpan.NONE; }

        String path(String k, String dflt) {
            Decl.Setting s = byKey.get(k);
            if (s == null) return dflt;
            Decl.SettingValue v = s.values().get(0);
            if (v.path() == null) {
                diags.error(v.span(), DiagCode.E0901, "`" + k + "` takes a name, not a number", KEYS.get(k));
                ok = false;
                return dflt;
            }
            return v.path();
        }

        List<String> paths(String k) {
            Decl.Setting s = byKey.get(k);
            if (s == null) return List.of();
            List<String> out = new ArrayList<>();
            for (Decl.SettingValue v : s.values()) {
                if (v.path() == null) {
                    diags.error(v.span(), DiagCode.E0901, "`" + k + "` lists parameters by instance path, e.g. l1.W", null);
                    ok = false;
                } else out.add(v.path());
            }
            return out;
        }

        double number(String k, double dflt, double min, boolean zeroOk) {
            Decl.Setting s = byKey.get(k);
            if (s == null) return dflt;
            Decl.SettingValue v = s.values().get(0);
            if (v.number() == null) {
                diags.error(v.span(), DiagCode.E0901, "`" + k + "` takes a number", KEYS.get(k));
                ok = false;
                return dflt;
            }
            double x = v.number();
            if (!Double.isFinite(x) || x < min || (!zeroOk && x == 0)) {
                diags.error(v.span(), DiagCode.E0901, "`" + k + "` must be " + (zeroOk ? "at least 0" : "greater than 0") + ", found " + x, KEYS.get(k));
                ok = false;
                return dflt;
            }
            return x;
        }

        int integer(String k, int dflt, int min) {
            Decl.Setting s = byKey.get(k);
            if (s == null) return dflt;
            Decl.SettingValue v = s.values().get(0);
            if (v.number() == null || !v.integral() || v.number() < min || v.number() > Integer.MAX_VALUE) {
                diags.error(v.span(), DiagCode.E0901, "`" + k + "` takes a whole number of at least " + min, KEYS.get(k));
                ok = false;
                return dflt;
            }
            return (int) Math.round(v.number());
        }
    }
}
