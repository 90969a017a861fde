package ncd.api;

import ncd.diag.Diagnostics;
import ncd.driver.Compilation;
import ncd.driver.Trainer;
import ncd.frontend.Program;
import ncd.ir.Graph;
import ncd.runtime.Backend;
import ncd.runtime.BackendOptions;
import ncd.runtime.Backends;
import ncd.runtime.Executable;
import ncd.runtime.Footprint;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A checked program: look its circuits up by name. */
public final class Compiled {
    private final Program program;

    Compiled(Program program) { this.program = program; }

    /** The circuits of the file's module, in source order. */
    public List<String> circuits() { return program.circuitNames(); }

    /** The laws of the file's module, in source order. */
    public List<String> laws() { return program.lawNames(); }

    /** The train declarations of the file's module, in source order (each is also a circuit of its name). */
    public List<String> trainings() { return program.trains().stream().map(ncd.frontend.TrainSpec::name).toList(); }

    /**
     * A trainer for the train declaration {@code name}: its training step compiled for {@code backend}, parameters drawn
     * from the declaration's seed (or {@code overrides.seed()}). Feed it data with {@code fit(TrainData.load(...), ...)};
     * {@code checkpoint()} and {@code restore} save and resume it exactly (docs/training.md).
     *
     * @throws IllegalArgumentException when no such backend is on the class path or it cannot run here
     */
    public Trainer trainer(String name, Trainer.Overrides overrides, String backend, BackendOptions options) throws CompileException {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags);
        Backend b = c.backend(backend).orElseThrow(() -> new IllegalArgumentException(diags.sorted().get(0).message()
                + "; " + diags.sorted().get(0).hint()));
        Optional<Trainer> t = Trainer.spec(c, program, name).flatMap(s -> Trainer.create(c, program, s, b, options, overrides));
        if (t.isEmpty()) throw new CompileException(diags.sorted());
        return t.get();
    }

    /** {@link #trainer(String, Trainer.Overrides, String, BackendOptions)} as declared, on the default backend. */
    public Trainer trainer(String name) throws CompileException {
        return trainer(name, Trainer.Overrides.none(), DEFAULT_BACKEND, BackendOptions.defaults());
    }

    /** The generic and sized-later axes that {@code name} needs sizes for. */
    public List<String> axesToSize(String name) { return program.unsizedAxes(name); }

    /**
     * "jvm" (the circuit compiled to bytecode) when that backend is on the class path and can run here, else "interp"
     * (the reference interpreter, always there).
     */
    public static final String DEFAULT_BACKEND = Backends.defaultName();

    /** A circuit whose axes all have sizes, ready to run with seed 0. */
    public Circuit circuit(String name) throws CompileException { return circuit(name, Map.of(), 0); }

    /**
     * Lowers a circuit (or a law) with the given axis sizes and makes a running instance of it on the default backend
     * ({@link #DEFAULT_BACKEND}). Parameters are drawn from {@code seed}; the state starts at its initial value. An
     * instance too large for this JVM is refused before anything is allocated (E0807, {@link Footprint}).
     */
    public Circuit circuit(String name, Map<String, Integer> axisSizes, long seed) throws CompileException {
        return circuit(name, axisSizes, seed, DEFAULT_BACKEND);
    }

    /**
     * Like {@link #circuit(String, Map, long)}, on a named backend ("interp", the reference interpreter, is always
     * there).
     *
     * @throws IllegalArgumentException when no such backend is on the class path or it cannot run here
     */
    public Circuit circuit(String name, Map<String, Integer> axisSizes, long seed, String backend) throws CompileException {
        return circuit(name, axisSizes, backend, BackendOptions.defaults().withSeed(seed));
    }

    /**
     * Like {@link #circuit(String, Map, long, String)} with every backend option ({@link BackendOptions}: seed, threads,
     * precision, fusion, backend-specific keys).
     *
     * @throws IllegalArgumentException when no such backend is on the class path or it cannot run here
     */
    public Circuit circuit(String name, Map<String, Integer> axisSizes, String backend, BackendOptions options) throws CompileException {
        Diagnostics diags = new Diagnostics();
        Compilation c = new Compilation(diags);
        Backend b = c.backend(backend).orElseThrow(() -> new IllegalArgumentException(diags.sorted().get(0).message()
                + "; " + diags.sorted().get(0).hint()));
        Optional<Executable> exec = c.lower(program, name, axisSizes).flatMap(g -> c.instantiate(g, b, options));
        if (exec.isEmpty()) throw new CompileException(diags.sorted());
        return new Circuit(exec.get());
    }

    /** The lowered (verified, not yet optimised) IR graph of a circuit or law. */
    public Graph graph(String name, Map<String, Integer> axisSizes) throws CompileException {
        Diagnostics diags = new Diagnostics();
        Optional<Graph> g = new Compilation(diags).lower(program, name, axisSizes);
        if (g.isEmpty()) throw new CompileException(diags.sorted());
        return g.get();
    }

    /** The checked program, for tools built on the driver ({@link Compilation}). */
    public Program program() { return program; }
}
