package ncd.diag;

/** A count with its noun in the right number, for messages: "1 argument", "2 arguments", "0 values". */
public final class Plural {
    private Plural() {}

    /** {@code n} and {@code noun}, with an "s" unless {@code n} is 1. */
    public static String of(int n, String noun) { return of(n, noun, noun + "s"); }

    /** {@code n} and {@code singular} when it is 1, else {@code plural}: "1 axis", "2 axes". */
    public static String of(int n, String singular, String plural) { return n + " " + (n == 1 ? singular : plural); }
}
