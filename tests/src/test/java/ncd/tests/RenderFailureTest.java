package ncd.tests;

import ncd.cli.Main;
import ncd.diagrams.Render;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code ncdc diagram} and {@code ncdc doc} do when the renderer fails or stalls: say so with the engine named and
 * its own words, exit with {@link Main#TOOL}, never hang, and write nothing. A fake {@code dot} first on the PATH of
 * a fresh JVM plays the failing renderer.
 */
class RenderFailureTest {
    private static final String LIF = Repo.root().resolve("stdlib/std/lif.ncd").toString();

    /** A folder holding an executable {@code dot} with this shell body, to put first on the PATH. */
    private static Path fakeDot(Path dir, String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path dot = bin.resolve("dot");
        Files.writeString(dot, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(dot, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static Map<String, String> pathFirst(Path bin) {
        return Map.of("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
    }

    @Test void aFailingDotIsReportedWithItsMessageAndExit4(@TempDir Path dir) throws Exception {
        Path bin = fakeDot(dir, "cat >/dev/null; echo 'Error: <stdin>: syntax error in line 1 near x' >&2; exit 1");
        Path out = dir.resolve("lif.svg");
        FreshJvm.Result r = FreshJvm.run(List.of(), Main.class,
                List.of("diagram", LIF, "--circuit", "LIF", "--axis", "N=3", "--engine", "dot", "-o", out.toString()), pathFirst(bin), 120);
        assertEquals(Main.TOOL, r.exit(), r.printed());
        assertTrue(r.printed().startsWith("ncdc: could not render with dot (" + bin.resolve("dot") + "): it exited with status 1: Error: <stdin>: syntax error"),
                r.printed());
        assertFalse(Files.exists(out), "nothing written");
        try (var s = Files.list(dir)) {
            assertEquals(List.of(bin), s.toList(), "no temporary file left beside the output");
        }
    }

    @Test void aStalledDotIsStoppedAfterTheTimeout(@TempDir Path dir) throws Exception {
        Path bin = fakeDot(dir, "exec sleep 600");
        Path out = dir.resolve("lif.png");
        FreshJvm.Result r = FreshJvm.run(List.of("-D" + Render.TIMEOUT_PROPERTY + "=2"), Main.class,
                List.of("diagram", LIF, "--circuit", "LIF", "--axis", "N=3", "-o", out.toString()), pathFirst(bin), 120);
        assertEquals(Main.TOOL, r.exit(), r.printed());
        assertTrue(r.printed().contains("could not render with dot") && r.printed().contains("took more than 2 s"), r.printed());
        assertTrue(r.seconds() < 60, "stopped after the timeout, not at the test's limit: " + r.seconds() + " s");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test void docWritesNothingWhenTheRendererFails(@TempDir Path dir) throws Exception {
        Path bin = fakeDot(dir, "exit 3");
        Path site = dir.resolve("site");
        FreshJvm.Result r = FreshJvm.run(List.of(), Main.class,
                List.of("doc", Repo.root().resolve("examples").toString(), "-o", site.toString()), pathFirst(bin), 300);
        assertEquals(Main.TOOL, r.exit(), r.printed());
        assertTrue(r.printed().contains("could not render with dot") && r.printed().contains("exited with status 3 and printed nothing"),
                r.printed());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(bin), s.toList(), "no site and no half-written temporary site");
        }
    }

    /** The real {@code dot} on a one-thread common pool: the setting under which piping to it used to hang. */
    @Test void dotNeverHangsOnAOneThreadCommonPool(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Render.dotInstalled(), "the dot program is not installed");
        for (String ext : List.of("svg", "png")) {
            Path out = dir.resolve("block." + ext);
            FreshJvm.Result r = FreshJvm.run(List.of("-Djava.util.concurrent.ForkJoinPool.common.parallelism=1"), Main.class,
                    List.of("diagram", Repo.root().resolve("examples/transformer.ncd").toString(), "--circuit", "Block",
                            "--engine", "dot", "-o", out.toString()), Map.of(), 120);
            assertEquals(0, r.exit(), r.printed());
            // nothing but notes (the depth chosen to keep Block readable): no warning, no trace
            assertTrue(r.printed().lines().allMatch(l -> l.startsWith("note: ")), r.printed());
            assertTrue(Files.size(out) > 1000, out + " written");
        }
    }
}
