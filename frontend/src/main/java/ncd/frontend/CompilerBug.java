package ncd.frontend;

/**
 * A failure that is the compiler's fault, not the user's, tagged with the phase it happened in so the driver can
 * say "internal error in phase X" (exit code 3) instead of showing a stack trace.
 */
public final class CompilerBug extends RuntimeException {
    private final String phase;

    public CompilerBug(String phase, Throwable cause) {
        super("internal error in phase " + phase + ": " + cause, cause);
        this.phase = phase;
    }

    public String phase() { return phase; }
}
