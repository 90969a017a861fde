package ncd.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** How long each stage of a {@link Compilation} took, in the order they ran ({@code ncdc ... --timings}). */
public final class StageTimes {
    /**
     * One stage run: its name ("frontend", "lower Glider", "pass fold", "backend jvm", ...), its wall time, and the
     * parts it said it took, in order (the frontend's parse, resolve and check; a backend's parts,
     * {@link ncd.runtime.Executable#compileNanos}); the parts are within the stage's time, which need not be their sum.
     */
    public record Stage(String name, long nanos, List<Stage> parts) {
        public Stage {
            parts = List.copyOf(parts);
        }

        public Stage(String name, long nanos) { this(name, nanos, List.of()); }
    }

    private final List<Stage> stages = new ArrayList<>();
    /** The parts reported by the stage that is running, attached to it when it ends. */
    private final List<Stage> parts = new ArrayList<>();

    <T> T time(String stage, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            add(stage, System.nanoTime() - t0);
        }
    }

    void add(String stage, long nanos) {
        stages.add(new Stage(stage, nanos, parts));
        parts.clear();
    }

    /** A part of the stage that is running, which took {@code nanos}. */
    void part(String name, long nanos) { parts.add(new Stage(name, nanos)); }

    public List<Stage> stages() { return List.copyOf(stages); }

    /** One line per stage, milliseconds with two decimals, each part indented under its stage, and the total. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        long total = 0;
        int width = 5;
        for (Stage s : stages) {
            width = Math.max(width, s.name().length());
            for (Stage p : s.parts()) width = Math.max(width, p.name().length() + 2);
        }
        for (Stage s : stages) {
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s %10.2f ms%n", s.name(), s.nanos() / 1e6));
            for (Stage p : s.parts()) sb.append(String.format(Locale.ROOT, "    %-" + (width - 2) + "s %10.2f ms%n", p.name(), p.nanos() / 1e6));
            total += s.nanos();
        }
        sb.append(String.format(Locale.ROOT, "  %-" + width + "s %10.2f ms%n", "total", total / 1e6));
        return sb.toString();
    }
}
