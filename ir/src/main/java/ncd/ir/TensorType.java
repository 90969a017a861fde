package ncd.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The type of a wire: a dtype, named axes (their written order is the default memory layout, nothing more), and a
 * physical dimension. A scalar has no axes.
 */
public record TensorType(DType dtype, List<Axis> axes, Unit unit) {
    public TensorType {
        axes = List.copyOf(axes);
        if (unit == null) unit = Unit.NONE;
    }

    public static TensorType scalar(DType d) { return new TensorType(d, List.of(), Unit.NONE); }

    public int rank() { return axes.size(); }

    /** Number of elements; -1 when an axis is unsized; {@code Long.MAX_VALUE} when more than that ({@link Sizes}). */
    public long elementCount() {
        long n = 1;
        for (Axis a : axes) {
            if (!a.isSized()) return -1;
            n = Sizes.times(n, a.size());
        }
        return n;
    }

    /** Bytes of a buffer holding it ({@link DType#bytes()} each), saturating as {@link #elementCount()} does. */
    public long bytes() { return Sizes.times(elementCount(), dtype.bytes()); }

    /**
     * The length of the one array that holds it ({@link Sizes#arrayLength}).
     *
     * @throws IllegalArgumentException when an axis is unsized or there are more elements than one array holds
     */
    public int arrayLength() {
        for (Axis a : axes) if (!a.isSized()) throw new IllegalArgumentException("axis " + a.name() + " of " + this + " has no size");
        return Sizes.arrayLength(elementCount());
    }

    public boolean hasAxis(String name) { return indexOf(name) >= 0; }

    public int indexOf(String name) {
        for (int i = 0; i < axes.size(); i++) if (axes.get(i).name().equals(name)) return i;
        return -1;
    }

    public Axis axis(String name) {
        int i = indexOf(name);
        return i < 0 ? null : axes.get(i);
    }

    public List<String> axisNames() { return axes.stream().map(Axis::name).toList(); }
    public Set<String> axisNameSet() { return new HashSet<>(axisNames()); }

    public TensorType withDType(DType d) { return new TensorType(d, axes, unit); }
    public TensorType withAxes(List<Axis> a) { return new TensorType(dtype, a, unit); }
    public TensorType withUnit(Unit u) { return new TensorType(dtype, axes, u); }

    /** This type with {@code extra} axes (those it lacks) put in front: how broadcasting over a map extends a type. */
    public TensorType withLeadingAxes(List<Axis> extra) {
        List<Axis> out = new ArrayList<>();
        for (Axis a : extra) if (!hasAxis(a.name())) out.add(a);
        out.addAll(axes);
        return withAxes(out);
    }

    /** Same dtype, unit, and axis set (order may differ). */
    public boolean sameUpToOrder(TensorType o) {
        return dtype == o.dtype && unit.equals(o.unit) && axes.size() == o.axes.size() && o.axes.containsAll(axes);
    }

    /** {@code f32[seq:16, d:64] in kg*m^2/(s^3*A)} */
    @Override public String toString() {
        boolean complex = Complex.is(this);
        StringBuilder sb = new StringBuilder(complex ? Complex.AXIS : dtype.word());
        sb.append('[');
        for (int i = 0; i < axes.size() - (complex ? 1 : 0); i++) {
            if (i > 0) sb.append(", ");
            sb.append(axes.get(i));
        }
        sb.append(']');
        if (!unit.isNone()) sb.append(" in ").append(unit);
        return sb.toString();
    }

    /** Axis names only, as users write them: {@code [seq, d]}. */
    public String axesText() { return (Complex.is(this) ? Complex.part(this) : this).axisNames().toString(); }
}
