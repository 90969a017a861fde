package ncd.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A class of the test class path run in a new JVM (this one's {@code java}): for what only shows in a fresh process
 * (a first render, warnings the JVM prints at start) or needs its own environment (a PATH with a fake tool).
 */
final class FreshJvm {
    private FreshJvm() {}

    /** What the process printed (stdout and stderr in one, in order) and its exit code; {@code exit} -1 after a timeout. */
    record Result(int exit, String printed, double seconds) {}

    static Result run(List<String> jvmOptions, Class<?> main, List<String> args, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        return run(jvmOptions, System.getProperty("java.class.path"), main.getName(), args, env, timeoutSeconds);
    }

    /** Like {@link #run(List, Class, List, Map, long)} for class {@code main} of another class path. */
    static Result run(List<String> jvmOptions, String classPath, String main, List<String> args, Map<String, String> env, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classPath, main));
        cmd.addAll(args);
        Path log = Files.createTempFile("ncd-fresh-jvm-", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            return new Result(done ? p.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8), secs);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
