package ncd.diagrams.site;

/** HTML text escaping for the doc site. */
public final class Html {
    private Html() {}

    /** Text or an attribute value, escaped. */
    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
