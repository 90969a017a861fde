package ncd.ir;

/** Element types of tensors. Literals are "weak": they take the dtype of the tensor they meet. */
public enum DType {
    F32("f32"), F64("f64"), I32("i32"), BOOL("bool");

    private final String word;

    DType(String word) { this.word = word; }

    public String word() { return word; }
    public boolean isFloat() { return this == F32 || this == F64; }
    public boolean isNumeric() { return this != BOOL; }
    /** Bytes per element in a backend's buffer (a bool is one byte). */
    public int bytes() { return switch (this) { case F64 -> 8; case F32, I32 -> 4; case BOOL -> 1; }; }

    public static DType fromWord(String w) {
        for (DType d : values()) if (d.word.equals(w)) return d;
        throw new IllegalArgumentException("no dtype " + w);
    }
}
