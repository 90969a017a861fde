package ncd.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The workload bin/ncdc runs once per jar and JDK to record the JVM's start-up cache (JDK 25 and later:
 * {@code -XX:AOTCacheOutput}, JEP 514): the classes ncdc loads and links for the common commands, so that later
 * runs find them loaded. It runs {@code check}, {@code ir}, {@code run} on the JVM backend and on the interpreter,
 * {@code test} and {@code fmt} on a small program that imports the stdlib, in this JVM, printing nothing; its exit
 * code is nonzero when a command failed (bin/ncdc then keeps no cache). Not a command of ncdc: run it with
 * {@code java -cp ncdc.jar ncd.cli.StartupTraining}.
 */
public final class StartupTraining {
    /** The program; the stdlib layers, a law and a circuit with state. */
    static final String PROGRAM = """
            // What ncdc runs once to record its start-up cache (bin/ncdc, JDK 25 and later).
            module training
            import std.nn.{Linear}
            import std.act.{log_softmax}

            axis i = 16, h = 8, o = 4

            circuit Net(x: f32[i]) -> f32[o] {
              let l1 = Linear<i, h>(x)
              let l2 = Linear<h, o>(relu(l1))
              return log_softmax<o>(l2)
            }

            circuit Leak() -> f32[o] {
              state v: f32[o] = 0.0
              next v = 0.9 * v + 1.0
              return v
            }

            law normalised(x: f32[i]): sum[o](exp(Net(x))) == 1 within 1e-4
            """;

    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("ncdc-training");
        int failed = 0;
        try {
            String f = Files.writeString(dir.resolve("training.ncd"), PROGRAM, StandardCharsets.UTF_8).toString();
            String[][] commands = {
                {"check", f},
                {"ir", f, "--circuit", "Net"},
                {"run", f, "--circuit", "Net", "--steps", "1"},
                {"run", f, "--circuit", "Leak", "--steps", "2"},
                {"run", f, "--circuit", "Leak", "--steps", "2", "--backend", "interp"},
                {"test", f},
                {"fmt", "--check", f},
            };
            PrintStream none = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            for (String[] c : commands) if (Main.run(c, none, none) != Main.OK) failed++;
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
        System.exit(failed == 0 ? Main.OK : Main.INTERNAL);
    }
}
