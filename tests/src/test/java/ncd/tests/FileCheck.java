package ncd.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CHECK lines of a lit file against a program's output, as LLVM's FileCheck reads them (plain text, no
 * regular expressions): {@code CHECK: t} must occur after the previous match; {@code CHECK-NEXT: t} on the line right
 * after the previous match's; {@code CHECK-NOT: t} must not occur between the previous match and the next CHECK or
 * CHECK-NEXT match (or the end of the output, when none follows).
 */
final class FileCheck {
    private FileCheck() {}

    enum Kind {
        CHECK("CHECK"), NEXT("CHECK-NEXT"), NOT("CHECK-NOT");

        final String word;

        Kind(String word) { this.word = word; }
    }

    /** One directive: its kind, its text and the line of the lit file it is on. */
    record Check(Kind kind, String text, int line) {
        static Check of(String text) { return new Check(Kind.CHECK, text, 0); }

        String describe() { return (line > 0 ? "line " + line + ": " : "") + kind.word + ": " + text; }
    }

    /** Why {@code output} does not satisfy {@code checks}, or empty when it does. */
    static Optional<String> mismatch(List<Check> checks, String output) {
        int at = 0;            // where the previous match ended
        boolean matched = false;
        List<Check> nots = new ArrayList<>();
        for (Check c : checks) {
            switch (c.kind()) {
                case NOT -> nots.add(c);
                case CHECK -> {
                    int i = output.indexOf(c.text(), at);
                    if (i < 0) {
                        String where = output.indexOf(c.text()) >= 0 ? " after the previous match (it occurs earlier: order matters)" : "";
                        return Optional.of("`" + c.describe() + "` not found" + where);
                    }
                    Optional<String> not = absent(nots, output, at, i);
                    if (not.isPresent()) return not;
                    nots.clear();
                    at = i + c.text().length();
                    matched = true;
                }
                case NEXT -> {
                    if (!matched) return Optional.of("`" + c.describe() + "` has no previous match to follow");
                    int nl = output.indexOf('\n', at);
                    if (nl < 0) return Optional.of("`" + c.describe() + "` not found: the previous match is on the last line");
                    int end = output.indexOf('\n', nl + 1);
                    String next = output.substring(nl + 1, end < 0 ? output.length() : end);
                    int i = next.indexOf(c.text());
                    if (i < 0) {
                        return Optional.of("`" + c.describe() + "` is not on the line after the previous match; line " + lineOf(output, nl + 1)
                                + " of the output is `" + next + "`");
                    }
                    Optional<String> not = absent(nots, output, at, nl + 1 + i);
                    if (not.isPresent()) return not;
                    nots.clear();
                    at = nl + 1 + i + c.text().length();
                }
            }
        }
        return absent(nots, output, at, output.length());
    }

    /** The first of {@code nots} that occurs wholly within {@code [from, to)}, as a failure. */
    private static Optional<String> absent(List<Check> nots, String output, int from, int to) {
        for (Check n : nots) {
            int j = output.indexOf(n.text(), from);
            if (j >= 0 && j + n.text().length() <= to) {
                int start = output.lastIndexOf('\n', j) + 1, end = output.indexOf('\n', j);
                return Optional.of("`" + n.describe() + "` occurs, on line " + lineOf(output, j) + " of the output: `"
                        + output.substring(start, end < 0 ? output.length() : end) + "`");
            }
        }
        return Optional.empty();
    }

    /** The 1-based line number of character {@code i}. */
    private static int lineOf(String s, int i) {
        int n = 1;
        for (int k = 0; k < i && k < s.length(); k++) if (s.charAt(k) == '\n') n++;
        return n;
    }
}
