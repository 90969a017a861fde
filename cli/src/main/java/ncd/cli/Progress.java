package ncd.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * A progress line on stderr for work that takes longer than about a second: what is done of how much, the rate and
 * the time left, redrawn in place at most five times a second and erased when the work ends. Silent when ncdc does
 * not run on a terminal (tests, pipes, files) and for work that ends within the first second, so that short runs and
 * captured output stay exactly as they are. {@code ncdc run} shows its steps, {@code ncdc bench} its warm-up and
 * timed runs.
 */
final class Progress {
    /** Nothing is drawn before this much time has passed: a run shorter than that shows no line at all. */
    private static final long QUIET_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final long total;
    private final Line line;
    private final boolean on;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int drawnWidth;

    /** The text of the line after {@code secs} seconds with {@code done} of {@code total} done. */
    private interface Line {
        String text(long done, long total, double secs);
    }

    private Progress(PrintWriter err, long total, Line line, boolean on) {
        this.err = err;
        this.total = total;
        this.line = line;
        this.on = on && total > 1;
    }

    /**
     * Progress of {@code what} ("Driven") through {@code total} {@code unit}s ("step"): "Driven: step 1200/3000 (40%),
     * 850 steps/s, 3s left"; silent unless ncdc runs on a terminal and {@code total} is more than 1.
     */
    static Progress counting(PrintWriter err, String what, long total, String unit) {
        return counting(err, what, total, unit, onTerminal());
    }

    /** Like {@link #counting(PrintWriter, String, long, String)}, drawing or not as {@code on} says (for tests). */
    static Progress counting(PrintWriter err, String what, long total, String unit, boolean on) {
        return new Progress(err, total, (done, all, secs) -> {
            double rate = done / secs;
            return String.format(Locale.ROOT, "%s: %s %d/%d (%.0f%%), %s %ss/s%s", what, unit, done, all, 100.0 * done / all,
                    RunCommand.num(Math.round(rate * 10) / 10.0), unit, rate > 0 ? ", " + (long) Math.ceil((all - done) / rate) + "s left" : "");
        }, on);
    }

    /**
     * Progress of a simulation of {@code total} steps of {@code dt} seconds each: "Net: 0.42 s of 1 s simulated (42%),
     * 0.85x real time, 3s left".
     */
    static Progress simulated(PrintWriter err, String what, long total, double dt) {
        return new Progress(err, total, (done, all, secs) -> {
            double rate = done / secs;
            return String.format(Locale.ROOT, "%s: %s of %s simulated (%.0f%%), %sx real time%s", what, Durations.text(done * dt),
                    Durations.text(all * dt), 100.0 * done / all, RunCommand.num(Math.round(done * dt / secs * 100) / 100.0),
                    rate > 0 ? ", " + (long) Math.ceil((all - done) / rate) + "s left" : "");
        }, onTerminal());
    }

    /**
     * Progress through {@code total} steps with a line of the caller's: {@code text} gets the steps done, the total and
     * the seconds so far ({@code ncdc train}: epoch, loss, samples/s, time left).
     */
    static Progress custom(PrintWriter err, long total, TriFunction text) {
        return new Progress(err, total, text::apply, onTerminal());
    }

    /** The text of a custom progress line. */
    interface TriFunction {
        String apply(long done, long total, double secs);
    }

    /** Progress of {@code what} ("Driven warm-up") through {@code seconds} of time: "Driven warm-up: 1.2 s of 2 s". */
    static Progress timed(PrintWriter err, String what, double seconds) {
        return new Progress(err, Math.round(seconds * 1e9), (done, all, secs) ->
                String.format(Locale.ROOT, "%s: %.1f s of %s s", what, secs, RunCommand.num(seconds)), onTerminal());
    }

    /** {@code done} of the total are done (nanoseconds elapsed, for {@link #timed}); redraws the line when it is due. */
    void tick(long done) {
        if (!on) return;
        long now = System.nanoTime();
        if (now - start < QUIET_NANOS || (now - lastDraw < REDRAW_NANOS && done < total)) return;
        lastDraw = now;
        String text = line.text(done, total, (now - start) / 1e9);
        // pad over the rest of a longer line drawn before
        err.print("\r" + text + " ".repeat(Math.max(0, drawnWidth - text.length())));
        drawnWidth = Math.max(drawnWidth, text.length());
        err.flush();
    }

    /** Erases the line, if one was drawn. */
    void done() {
        if (drawnWidth == 0) return;
        err.print("\r" + " ".repeat(drawnWidth) + "\r");
        err.flush();
        drawnWidth = 0;
    }

    /**
     * Whether ncdc runs on a terminal. Up to JDK 21 {@link System#console()} is null unless it does; from JDK 22 on it
     * may return a console that is not one, and {@code Console.isTerminal()} (looked up reflectively: ncdc is
     * compiled for 17) tells.
     */
    static boolean onTerminal() {
        Console c = System.console();
        if (c == null) return false;
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
