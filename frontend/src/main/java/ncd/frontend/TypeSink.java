package ncd.frontend;

import ncd.diag.SourceSpan;
import ncd.ir.TensorType;

/**
 * Sees the type the checker computes for each tensor expression, as it computes it: how an editor learns what an
 * expression is (hover) from the same check {@code ncdc check} runs, rather than from a second type checker.
 *
 * <p>A circuit body is elaborated once generically and once more per call with the caller's axes, so one span may
 * be reported several times, with different types.
 */
@FunctionalInterface
public interface TypeSink {
    /** Takes nothing: what every check that no editor asked for gets. */
    TypeSink NONE = (span, type, unit) -> { };

    /**
     * @param span where the expression is written
     * @param type its type as the checker has it: dtype, named axes (with sizes where known) and dimension
     * @param unit the dimension as messages name it ("V", "dimensionless")
     */
    void type(SourceSpan span, TensorType type, String unit);
}
