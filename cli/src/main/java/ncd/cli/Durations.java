package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A duration on the command line ({@code --dt 0.1ms}): a positive number and a time unit, as the prelude names them. */
final class Durations {
    private Durations() {}

    private static final Pattern DURATION = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(s|ms|us|ns)\\s*");

    /** {@code text} in seconds, or NaN after E0803 in {@code diags} (naming {@code option}). */
    static double seconds(String option, String text, Diagnostics diags) {
        Matcher m = DURATION.matcher(text);
        double v = m.matches() ? Double.parseDouble(m.group(1)) : Double.NaN;
        if (!(v > 0) || Double.isInfinite(v)) {
            diags.error(SourceSpan.NONE, DiagCode.E0803, option + " needs a positive time with its unit, got `" + text + "`", "for example " + option + " 0.1ms (units: s, ms, us, ns)");
            return Double.NaN;
        }
        return v * switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            default -> 1e-9;
        };
    }

    /** {@code secs} as it reads best: 250 ms, 1.5 s, 12 us. */
    static String text(double secs) {
        double a = Math.abs(secs);
        if (a >= 1 || a == 0) return RunCommand.num(Math.round(secs * 1000) / 1000.0) + " s";
        if (a >= 1e-3) return RunCommand.num(Math.round(secs * 1e6) / 1000.0) + " ms";
        return RunCommand.num(Math.round(secs * 1e9) / 1000.0) + " us";
    }
}
