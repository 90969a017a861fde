package ncd.diag;

/** How bad a diagnostic is: errors stop compilation, warnings and notes do not. */
public enum Severity {
    ERROR, WARNING, NOTE;
    public String word() { return name().toLowerCase(java.util.Locale.ROOT); }
}
