package ncd.diagrams;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writing DOT text: quoted strings, attribute lists and the HTML-like labels the diagrams use. */
final class DotText {
    private DotText() {}

    /** An HTML-like label, written as {@code <...>}. */
    static final class Html {
        final String text;

        Html(String text) { this.text = text; }
    }

    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int k = 0; k < kv.length; k += 2) m.put(kv[k], kv[k + 1]);
        return m;
    }

    /** DOT attributes from name, value pairs, in order. */
    static Map<String, Object> style(String... nameValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) m.put(nameValue[i], nameValue[i + 1]);
        return m;
    }

    static String attrs(Map<String, ?> a) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, ?> e : a.entrySet()) {
            if (s.length() > 0) s.append(", ");
            Object v = e.getValue();
            s.append(e.getKey()).append('=').append(v instanceof Html ? ((Html) v).text : q((String) v));
        }
        return s.toString();
    }

    /**
     * A label of lines as an HTML table, one cell per line and one format run per cell (the JavaScript engines
     * mis-place text of cells that mix formats): the first line bold, the last {@code small} lines small and grey.
     */
    static Html boldFirst(List<String> lines, int small) {
        StringBuilder h = new StringBuilder("<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\">");
        for (int k = 0; k < lines.size(); k++) {
            String t = esc(lines.get(k));
            if (k == 0) t = "<B>" + t + "</B>";
            else if (k >= lines.size() - small) t = "<FONT POINT-SIZE=\"8\" COLOR=\"#5a5a5a\">" + t + "</FONT>";
            h.append("<TR><TD>").append(t).append("</TD></TR>");
        }
        return new Html(h.append("</TABLE>>").toString());
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A DOT double-quoted string; a newline becomes the centred line break {@code \n}. */
    static String q(String s) {
        StringBuilder o = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '"') o.append("\\\"");
            else if (c == '\\') o.append("\\\\");
            else if (c == '\n') o.append("\\n");
            else o.append(c);
        }
        return o.append('"').toString();
    }
}
