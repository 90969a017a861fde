package ncd.cli;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceSpan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --axis NAME=SIZE} values, shared by the commands that lower circuits. */
final class AxisSizes {
    private static final Pattern AXIS = Pattern.compile("([A-Za-z_][A-Za-z_0-9]*)=([0-9]+)");

    private AxisSizes() {}

    /** E0803 for anything that is not NAME=SIZE with a positive size, or a name sized twice. */
    static Map<String, Integer> parse(List<String> axes, Diagnostics diags) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String a : axes) {
            Matcher m = AXIS.matcher(a.trim());
            Integer size = null;
            if (m.matches()) {
                try {
                    size = Integer.parseInt(m.group(2));
                } catch (NumberFormatException e) {
                    size = null;
                }
            }
            if (size == null || size < 1) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "bad --axis value '" + a + "': expected NAME=SIZE with a positive integer SIZE",
                        "for example --axis seq=128");
                continue;
            }
            Integer prev = sizes.putIfAbsent(m.group(1), size);
            if (prev != null && !prev.equals(size)) {
                diags.error(SourceSpan.NONE, DiagCode.E0803, "axis " + m.group(1) + " given two sizes: " + prev + " and " + size, null);
            }
        }
        return sizes;
    }
}
