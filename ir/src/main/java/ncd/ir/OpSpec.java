package ncd.ir;

import java.util.List;

/**
 * What an op accepts and what it produces: its arity, its attribute kind and its type rule. One per {@link Op},
 * all in {@link OpSpecs}; the checker and the graph builder both go through these rules, so there is exactly one
 * definition of each op's typing.
 *
 * @param minInputs fewest inputs
 * @param maxInputs most inputs ({@link Integer#MAX_VALUE} for variadic ops)
 * @param attrKind  the attribute record the op takes
 * @param declared  whether the node's type is declared by its creator (leaves, casts, transposes) rather than derived
 * @param rule      derives (or, for declared types, validates) the result type
 */
public record OpSpec(int minInputs, int maxInputs, Class<? extends Attr> attrKind, boolean declared, Rule rule) {

    /** A type rule: operand types and attribute (and the declared type, where there is one) to the result type. */
    @FunctionalInterface
    public interface Rule {
        TensorType apply(Attr attr, List<TensorType> ins, TensorType declared) throws TypeRuleException;
    }
}
