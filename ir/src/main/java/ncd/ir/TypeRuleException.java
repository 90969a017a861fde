package ncd.ir;

import ncd.diag.DiagCode;

/**
 * A type rule of an op refused its operands. The checker turns it into a diagnostic at the user's span; the graph
 * builder, which only ever sees checked programs, treats it as a compiler bug.
 */
public final class TypeRuleException extends Exception {
    private final DiagCode code;
    private final String hint;

    public TypeRuleException(DiagCode code, String message, String hint) {
        super(message, null, false, false);
        this.code = code;
        this.hint = hint;
    }

    public DiagCode code() { return code; }
    public String hint() { return hint; }
}
