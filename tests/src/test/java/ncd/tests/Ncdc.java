package ncd.tests;

import ncd.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the ncdc driver in-process, capturing what it prints. */
final class Ncdc {
    private Ncdc() {}

    /** What one run printed and returned. */
    record Result(int exit, String out, String err) {
        boolean internalError() { return exit == Main.INTERNAL || err.contains("internal error"); }

        /** For failure messages: the exit code and both streams in full. */
        String describe() {
            return "exit code: " + exit + "\n--- stdout ---\n" + out + (out.endsWith("\n") || out.isEmpty() ? "" : "\n")
                    + "--- stderr ---\n" + err + (err.endsWith("\n") || err.isEmpty() ? "" : "\n") + "--------------";
        }
    }

    static Result run(List<String> args) {
        return run(args.toArray(String[]::new));
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Main.run(args, o, e);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
