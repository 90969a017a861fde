package ncd.ir;

import java.util.regex.Pattern;

/**
 * How the runs of an unrolled scan are named in a node's draw scope ({@link Node#scope()}): the frontend puts run
 * {@code i} of {@code scan t in time (h)} under {@code scan t in time (h).t = i} (and of {@code scan for N} under
 * {@code run i}), and the diagrams open only the first run by depth: the body is drawn once, the later runs as one
 * box each that hides them, so a drawing does not grow with the length of the sequence.
 */
public final class ScanRuns {
    private ScanRuns() {}

    private static final Pattern LATER = Pattern.compile("(run|[A-Za-z_][A-Za-z0-9_]* =) [1-9][0-9]*");

    /** The scope segment of run {@code run} (from 0) of a scan over {@code var} ({@code null} for {@code scan for}). */
    public static String segment(String var, int run) {
        return var == null ? "run " + run : var + " = " + run;
    }

    /** Whether a scope segment names a run after a scan's first (no instance path has a space in it). */
    public static boolean isLaterRun(String segment) {
        return LATER.matcher(segment).matches();
    }
}
