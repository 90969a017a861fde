package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bin/ncdc's start-up cache (JDK 25's AOT cache, recorded by ncd.cli.StartupTraining): a command prints the same, and
 * nothing on stderr, whether the cache is missing, fresh, corrupt, older than the jar, or the JDK has none. Runs a copy
 * of the launcher in a folder of its own, with the built jar linked in (no sources there, so it never rebuilds), and
 * is skipped without the jar or without a JDK 25 in /usr/lib/jvm.
 */
class LauncherAotCacheTest {
    private static final String PROGRAM = """
            axis n = 4
            circuit Twice(x: f32[n]) -> f32[n] {
              return 2.0 * x
            }
            """;

    record Run(int exit, String out, String err) {}

    @Test void aCommandPrintsTheSameWithAMissingFreshCorruptOrStaleCache(@TempDir Path dir) throws Exception {
        Path jar = Repo.root().resolve("cli/target/ncdc.jar");
        assumeTrue(Files.isRegularFile(jar), "needs the built jar cli/target/ncdc.jar (mvn package)");
        Optional<Path> jdk25 = jdk(25);
        assumeTrue(jdk25.isPresent(), "needs a JDK 25 in /usr/lib/jvm for the AOT cache");
        Path launcher = dir.resolve("bin/ncdc");
        Files.createDirectories(launcher.getParent());
        Files.copy(Repo.root().resolve("bin/ncdc"), launcher);
        assertTrue(launcher.toFile().setExecutable(true));
        Files.createDirectories(dir.resolve("cli/target"));
        Path link = Files.createSymbolicLink(dir.resolve("cli/target/ncdc.jar"), jar);
        try {
            recordsAndFallsBack(dir, launcher, jar);
        } finally {
            Files.delete(link);
        }
    }

    private static void recordsAndFallsBack(Path dir, Path launcher, Path jar) throws Exception {
        Path src = Files.writeString(dir.resolve("twice.ncd"), PROGRAM);
        Path caches = dir.resolve("cli/target/aot");
        String java = jdk(25).orElseThrow().resolve("bin/java").toString();
        List<String> check = List.of(launcher.toString(), "check", src.toString());
        Run want = new Run(0, "ok: 1 file, 1 circuit, 0 laws\n", "");

        // missing: recorded first (NCD_AOT=wait), then used
        assertEquals(want, run(check, Map.of("NCD_JAVA", java, "NCD_AOT", "wait")));
        Path cache = onlyCache(caches);
        assertTrue(Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0);
        assertEquals(want, run(check, Map.of("NCD_JAVA", java)));
        // corrupt: the JVM refuses it, silently
        byte[] head = Arrays.copyOf(Files.readAllBytes(cache), 4096);
        Files.write(cache, head);
        assertEquals(want, run(check, Map.of("NCD_JAVA", java)));
        Files.writeString(cache, "not a cache");
        assertEquals(want, run(check, Map.of("NCD_JAVA", java)));
        // older than the jar: not used, recorded again
        Files.setLastModifiedTime(cache, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 60_000));
        assertEquals(want, run(check, Map.of("NCD_JAVA", java, "NCD_AOT", "wait")));
        assertTrue(Files.size(onlyCache(caches)) > 1 << 20, "recorded again");
        // switched off, and a JDK without AOT caches (17): the same, with no cache
        assertEquals(want, run(check, Map.of("NCD_JAVA", java, "NCD_AOT", "off")));
        Optional<Path> jdk17 = jdk(17);
        if (jdk17.isPresent()) assertEquals(want, run(check, Map.of("NCD_JAVA", jdk17.get().resolve("bin/java").toString())));
        assertEquals(1, list(caches).size(), "one cache per JDK; no temporary files or locks left: " + list(caches));
    }

    private static Path onlyCache(Path caches) throws IOException {
        List<Path> all = list(caches);
        assertEquals(1, all.size(), all.toString());
        assertTrue(all.get(0).getFileName().toString().endsWith(".aot"), all.toString());
        return all.get(0);
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** A JDK of feature release {@code major} under /usr/lib/jvm, from its release file. */
    private static Optional<Path> jdk(int major) throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) return Optional.empty();
        for (Path home : list(jvms)) {
            Path release = home.resolve("release");
            if (!Files.isRegularFile(release) || !Files.isExecutable(home.resolve("bin/java"))) continue;
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=\"" + major + ".") || line.equals("JAVA_VERSION=\"" + major + "\"")) return Optional.of(home);
            }
        }
        return Optional.empty();
    }

    private static Run run(List<String> cmd, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ncdc-out", ".txt"), err = Files.createTempFile("ncdc-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("JDK_JAVA_OPTIONS");
            pb.environment().remove("JAVA_HOME");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/ncdc did not finish in 300 s: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
