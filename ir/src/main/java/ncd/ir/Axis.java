package ncd.ir;

/**
 * A named axis with its size. Axes are matched by name everywhere: two axes with the same name in one program
 * are the same axis. {@link #UNSIZED} appears only while checking generic code; the IR is monomorphic and every
 * axis in it has a size of at least 1.
 */
public record Axis(String name, int size) {
    public static final int UNSIZED = -1;

    public boolean isSized() { return size >= 1; }

    @Override public String toString() { return isSized() ? name + ":" + size : name; }
}
