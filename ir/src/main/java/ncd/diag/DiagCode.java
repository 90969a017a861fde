package ncd.diag;

/**
 * Every user-facing error has a stable code. Tests match codes and lines, never wording, so messages can improve
 * freely; a code, once published in docs/errors.md, keeps its meaning. Ranges: E01 syntax, E02 names, E03 axes,
 * E04 dtypes, E05 units, E06 calls and operations, E07 parameters, state and dynamics, E08 the driver, E09 training.
 */
public enum DiagCode {
    // --- E01: syntax
    E0101("syntax error"),
    E0102("unexpected character"),
    E0103("malformed number"),
    E0104("a law must be an equation `lhs == rhs`"),
    E0105("a tuple is allowed only in `return` or as the right side of `let (a, b) =`"),

    // --- E02: names and modules
    E0201("unknown name"),
    E0202("unknown axis"),
    E0203("unknown circuit or function"),
    E0204("unknown module"),
    E0205("imported name not found in module"),
    E0206("name defined twice"),
    E0207("ambiguous name: imported from more than one module"),
    E0208("unknown unit"),
    E0209("recursive circuit: circuits are expanded at compile time and cannot call themselves"),

    // --- E03: axes and shapes
    E0301("axes differ"),
    E0302("the tensor has no such axis"),
    E0303("an axis appears twice"),
    E0304("axis sizes do not fit"),
    E0305("axis has no size"),
    E0306("cannot infer a generic axis"),
    E0307("wrong generic arguments"),
    E0308("conflicting generic or mapped axes"),
    E0309("index out of range"),
    E0310("a mapped axis must be indexed inside its `for`"),
    E0311("bad index variable"),

    // --- E04: dtypes
    E0401("dtypes differ"),
    E0402("operation not defined for this dtype"),
    E0403("condition is not bool"),
    E0404("an integer is required"),
    E0405("operation not defined for complex numbers (or needs one)"),
    E0406("Fourier transform axis sizes do not fit"),
    E0407("the backend cannot run this operation"),

    // --- E05: physical units
    E0501("units differ"),
    E0502("argument must be dimensionless"),
    E0503("power of a dimensional quantity must be a constant that keeps the unit whole"),
    E0504("bad unit declaration"),
    E0505("unit exponent out of range"),

    // --- E06: calls, tuples and operations
    E0601("wrong number of arguments"),
    E0602("tuple sizes differ"),
    E0603("not a tensor"),
    E0604("bad argument to an axis operation"),
    E0605("unknown option"),
    E0606("composed circuits do not fit"),
    E0607("not callable"),
    E0608("`grad` outside a law"),
    E0609("no gradient as written"),

    // --- E07: parameters, state and dynamics
    E0701("state has no `next`"),
    E0702("state has more than one `next`"),
    E0703("`next` for something that is not a state"),
    E0704("cycle within one step"),
    E0705("not a compile-time constant"),
    E0706("bad initializer"),
    E0707("bad parameter bound"),
    E0708("circuit must return exactly once"),
    E0709("random source without an explicit seed"),
    E0710("`yield` or `until` outside a scan"),
    E0711("ill-formed scan"),
    E0712("scan too large to unroll"),
    E0713("state inside a `for` is not a recurrence"),
    E0714("equation for something that is not a state"),
    E0715("right side of an equation has the wrong unit"),
    E0716("integration method unknown or not applicable"),
    E0717("equations need a time step `dt`"),
    E0718("bad event"),
    E0720("ill-formed synapses"),
    E0721("connection rule impossible for these sizes"),
    E0722("storage not possible for this connection rule"),
    E0723("sparse synapses not supported by this backend"),
    E0724("grid layout of a distance rule does not fit"),
    E0725("cannot read a list of connection pairs"),
    E0726("connection pair out of range"),
    E0727("a delay is not a constant time"),
    E0728("a delay of no steps or of negative length"),
    E0729("a delay longer than a ring buffer holds"),
    E0730("ill-formed delay"),
    E0731("delays not supported by this backend"),
    E0732("Dale's law not proved"),
    E0733("Dale's law broken"),
    E0734("bad population sign"),

    // --- E08: driver
    E0801("no such circuit"),
    E0802("cannot read or write a file"),
    E0803("bad command-line value"),
    E0804("input data does not fit the circuit"),
    E0805("no such input"),
    E0806("run-time error"),
    E0807("too large to run"),
    E0808("no gradient as asked"),
    E0809("not expressible in the export format"),
    E0810("not importable from the interchange file"),

    // --- E09: training
    E0901("the train declaration does not fit its objective"),
    E0902("the training data does not fit the circuit"),
    E0903("training stopped: a loss or gradient is not finite");

    private final String title;

    DiagCode(String title) { this.title = title; }

    /** A one-line description of the whole class of error (the message of a diagnostic is more specific). */
    public String title() { return title; }
}
