package ncd.frontend.elab;

import ncd.frontend.ast.Decl;
import ncd.ir.Node;
import ncd.ir.TensorType;

import java.util.List;

/** What an expression elaborates to. */
sealed interface Value {
    /** What a value depends on, as bits: constants depend on nothing. */
    int DEP_INPUT = 1, DEP_STATE = 2, DEP_PARAM = 4, DEP_RANDOM = 8;

    /**
     * A tensor. {@code type} is physical (it includes the axes of enclosing maps); {@code node} is null while
     * checking. {@code weak} marks a number literal (or a fold of them) whose value is {@code constant}, in
     * coherent base units, and whose dtype adapts to the tensor it meets.
     */
    record Tensor(TensorType type, Node node, int deps, boolean weak, double constant) implements Value {
        static Tensor strong(TensorType t, Node n, int deps) { return new Tensor(t, n, deps, false, Double.NaN); }
        boolean isConstant() { return (deps & (DEP_INPUT | DEP_STATE | DEP_PARAM | DEP_RANDOM)) == 0; }
    }

    /** The outputs of a circuit with several. */
    record Tuple(List<Value> items) implements Value {}

    /** A circuit named as a value: an instance, whose calls share parameters (`let enc = Encoder`). */
    record Instance(Decl.Circuit circuit, CircuitRef ref, String path, List<ncd.frontend.ast.Expr.GenericArg> generics) implements Value {}

    /** The result of an expression that had an error (already reported): it silences follow-on errors. */
    record Error() implements Value {}

    Error ERROR = new Error();
}
