package ncd.lsp;

import ncd.ir.Axis;
import ncd.ir.TensorType;

import java.util.ArrayList;
import java.util.List;

/**
 * A type as hover shows it: {@code f32[batch, neuron:100] in V}: dtype, named axes with sizes where known, unit; a
 * scalar as the language writes its type, {@code f32 in s}.
 */
final class TypeText {
    private TypeText() {}

    /** {@code unit} is the dimension as the checker names it ({@code TypeSink}); "dimensionless" is left out. */
    static String of(TensorType type, String unit) {
        boolean complex = ncd.ir.Complex.is(type);
        TensorType shown = complex ? ncd.ir.Complex.part(type) : type;
        String word = complex ? ncd.ir.Complex.AXIS : type.dtype().word();
        List<String> axes = new ArrayList<>();
        for (Axis a : shown.axes()) axes.add(a.toString());
        String s = axes.isEmpty() ? word : word + "[" + String.join(", ", axes) + "]";
        return unit == null || unit.equals("dimensionless") ? s : s + " in " + unit;
    }
}
