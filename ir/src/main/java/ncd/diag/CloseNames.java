package ncd.diag;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean": the known name closest to a mistyped one, by edit distance (an insertion, deletion, substitution,
 * or swap of neighbours is one edit; a difference of case alone is one edit). Every unknown-name diagnostic that
 * suggests a name uses this, so the suggestions agree across names, axes, circuits and modules.
 */
public final class CloseNames {
    private CloseNames() {}

    /**
     * The known name closest to {@code typed}, or null when none is close: within one edit of a name of up to three
     * characters (`key` does not suggest `seq`, and `v` never suggests `I`), within two of a longer one (`msec`
     * suggests `ms`). Ties go to the first in {@code known}'s order.
     */
    public static String closest(String typed, Collection<String> known) {
        String best = null;
        int bestEdits = Integer.MAX_VALUE;
        for (String k : known) {
            if (k.equals(typed)) continue;
            int d = edits(typed, k);
            if (close(typed, d) && d < bestEdits) {
                bestEdits = d;
                best = k;
            }
        }
        return best;
    }

    /** Whether {@code known} is close enough to {@code typed} to be what was meant (the rule of {@link #closest}). */
    public static boolean close(String typed, String known) { return !known.equals(typed) && close(typed, edits(typed, known)); }

    private static boolean close(String typed, int edits) { return edits <= (typed.length() <= 3 ? 1 : 2) && edits < typed.length(); }

    /** {@code did you mean `x`?} for the closest known name, or null when none is close. */
    public static String didYouMean(String typed, Collection<String> known) {
        String best = closest(typed, known);
        return best == null ? null : "did you mean `" + best + "`?";
    }

    /** Edit distance (optimal string alignment); two names equal but for case are one edit apart. */
    static int edits(String a, String b) {
        if (!a.equals(b) && a.equalsIgnoreCase(b)) return 1;
        a = a.toLowerCase(Locale.ROOT);
        b = b.toLowerCase(Locale.ROOT);
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int sub = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + sub);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
