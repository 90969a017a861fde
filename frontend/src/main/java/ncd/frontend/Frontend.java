package ncd.frontend;

import ncd.diag.Diagnostics;

import java.nio.file.Path;

/** The frontend's entry point: parse, resolve and check a file with everything it imports. */
public final class Frontend {
    private Frontend() {}

    /**
     * Loads {@code file} (E0802 when it cannot be read) and every module it imports, and checks them all.
     * User errors go to {@code diags}; a compiler bug is thrown as {@link CompilerBug} naming its phase.
     */
    public static Program load(Path file, Diagnostics diags) {
        return ncd.frontend.resolve.Loader.load(file, null, diags, TypeSink.NONE);
    }

    /** {@link #load(Path, Diagnostics)}, telling {@code phases} how long each phase took. */
    public static Program load(Path file, Diagnostics diags, Phases phases) {
        return ncd.frontend.resolve.Loader.load(file, null, diags, TypeSink.NONE, phases);
    }

    /** {@link #loadText(Path, String, Diagnostics, TypeSink)}, telling {@code phases} how long each phase took. */
    public static Program loadText(Path path, String text, Diagnostics diags, TypeSink types, Phases phases) {
        return ncd.frontend.resolve.Loader.load(path, text, diags, types, phases);
    }

    /** Like {@link #load}, for source text that is not (or not yet) in a file; imports resolve from {@code path}'s directory. */
    public static Program loadText(Path path, String text, Diagnostics diags) {
        return ncd.frontend.resolve.Loader.load(path, text, diags, TypeSink.NONE);
    }

    /** {@link #loadText}, telling {@code types} the type of each tensor expression the checker elaborates. */
    public static Program loadText(Path path, String text, Diagnostics diags, TypeSink types) {
        return ncd.frontend.resolve.Loader.load(path, text, diags, types);
    }
}
