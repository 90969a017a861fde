package ncd.passes;

/**
 * What a pipeline run is told, passed explicitly (there are no global flags).
 *
 * @param verify whether the {@link PassManager} runs the IR {@link ncd.ir.Verifier} after every pass (tests do;
 *               the driver does too, since the check is cheap next to lowering)
 */
public record PassContext(boolean verify) {
    /** Verify after every pass. */
    public static PassContext verifying() { return new PassContext(true); }

    /** Run the passes without verifying in between. */
    public static PassContext unchecked() { return new PassContext(false); }
}
