package ncd.driver;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** How long each stage of a {@link Compilation} took, in the order they ran ({@code ncdc ... --timings}). */
public final class StageTimes {
    /** One stage run: its name ("frontend", "lower Glider", "pass fold", "backend jvm", ...) and its wall time. */
    public record Stage(String name, long nanos) {}

    private final List<Stage> stages = new ArrayList<>();

    <T> T time(String stage, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            stages.add(new Stage(stage, System.nanoTime() - t0));
        }
    }

    void add(String stage, long nanos) { stages.add(new Stage(stage, nanos)); }

    public List<Stage> stages() { return List.copyOf(stages); }

    /** One line per stage, milliseconds with two decimals, and the total. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        long total = 0;
        int width = 5;
        for (Stage s : stages) width = Math.max(width, s.name().length());
        for (Stage s : stages) {
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s %10.2f ms%n", s.name(), s.nanos() / 1e6));
            total += s.nanos();
        }
        sb.append(String.format(Locale.ROOT, "  %-" + width + "s %10.2f ms%n", "total", total / 1e6));
        return sb.toString();
    }
}
