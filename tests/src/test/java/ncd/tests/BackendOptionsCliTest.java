package ncd.tests;

import ncd.runtime.Backend;
import ncd.runtime.Backends;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line of the driver and the backend interface: backends listed from what is installed, target options
 * checked before anything compiles, stage timings, a backend's listing.
 */
class BackendOptionsCliTest {
    private static final String LIFE = Repo.root().resolve("examples/life.ncd").toString();

    @Test void backendListNamesEveryInstalledBackendWithItsOptionKeys() {
        for (String command : List.of("run", "bench", "test")) {
            Ncdc.Result r = Ncdc.run(command, LIFE, "--backend", "list");
            assertEquals(0, r.exit(), r.describe());
            for (Backend b : Backends.all()) {
                assertTrue(r.out().contains(b.name() + "\n") || r.out().contains(b.name() + "  ("), r.describe());
                assertTrue(r.out().contains(b.description()), r.describe());
                for (String key : b.optionKeys().keySet()) assertTrue(r.out().contains("--backend-option " + key + "="), r.describe());
            }
        }
    }

    @Test void anUnknownBackendIsACommandLineErrorListingTheInstalledOnes() {
        Ncdc.Result r = Ncdc.run("run", LIFE, "--circuit", "Glider", "--backend", "tpu");
        assertEquals(2, r.exit(), r.describe());
        assertTrue(r.err().contains("E0803") && r.err().contains("no backend `tpu`"), r.describe());
        for (Backend b : Backends.all()) assertTrue(r.err().contains(b.name()), r.describe());
    }

    @Test void malformedTargetOptionsAreCommandLineErrors() {
        List<List<String>> bad = List.of(
                List.of("--precision", "sloppy"),
                List.of("--threads", "0"),
                List.of("--backend-option", "gemm-min-macs"),
                List.of("--backend-option", "warp=9"),
                List.of("--backend-option", "gemm-min-macs=lots"));
        for (List<String> opts : bad) {
            String[] args = new String[4 + opts.size()];
            args[0] = "run";
            args[1] = LIFE;
            args[2] = "--circuit";
            args[3] = "Glider";
            for (int i = 0; i < opts.size(); i++) args[4 + i] = opts.get(i);
            Ncdc.Result r = Ncdc.run(args);
            assertEquals(2, r.exit(), opts + ": " + r.describe());
            assertTrue(r.err().contains("E0803"), opts + ": " + r.describe());
            assertFalse(r.out().contains("Glider:"), opts + ": nothing runs\n" + r.describe());
        }
    }

    @Test void theTargetOptionsReachTheBackendAndGiveTheSameBoard() {
        Ncdc.Result plain = Ncdc.run("run", LIFE, "--circuit", "Glider", "--steps", "4");
        Ncdc.Result tuned = Ncdc.run("run", LIFE, "--circuit", "Glider", "--steps", "4", "--threads", "1", "--precision", "exact",
                "--no-fuse", "--backend-option", "gemm-min-macs=1");
        assertEquals(0, plain.exit(), plain.describe());
        assertEquals(0, tuned.exit(), tuned.describe());
        assertEquals(plain.out(), tuned.out());
    }

    @Test void timingsNameEveryStageOnce() {
        Ncdc.Result r = Ncdc.run("run", LIFE, "--circuit", "Glider", "--timings");
        assertEquals(0, r.exit(), r.describe());
        for (String stage : List.of("frontend", "lower Glider", "verify ", "pass fold", "pass plan-memory", "verify after passes", "backend jvm", "total")) {
            assertTrue(r.err().contains("  " + stage), stage + "\n" + r.describe());
        }
        assertEquals(1, r.err().split("pass fold", -1).length - 1, "the fold pass ran once\n" + r.describe());
    }

    @Test void irEmitsWhatABackendGenerates() {
        Ncdc.Result jvm = Ncdc.run("ir", LIFE, "--circuit", "Glider", "--emit", "jvm");
        assertEquals(0, jvm.exit(), jvm.describe());
        assertTrue(jvm.out().contains("extends ncd/jvm/Kernel"), jvm.describe());
        Ncdc.Result interp = Ncdc.run("ir", LIFE, "--circuit", "Glider", "--emit", "interp");
        assertEquals(0, interp.exit(), interp.describe());
        assertTrue(interp.out().contains("schedule") || interp.out().contains("%"), "the optimised IR the interpreter runs\n" + interp.describe());
        Ncdc.Result both = Ncdc.run("ir", LIFE, "--circuit", "Glider", "--emit", "jvm", "--after", "fold");
        assertEquals(2, both.exit(), both.describe());
    }

    @Test void lawsRunOnAnyBackend() {
        Ncdc.Result interp = Ncdc.run("test", LIFE);
        Ncdc.Result jvm = Ncdc.run("test", LIFE, "--backend", "jvm");
        assertEquals(0, interp.exit(), interp.describe());
        assertEquals(0, jvm.exit(), jvm.describe());
        assertEquals(interp.out().lines().filter(l -> l.startsWith("ok")).count(), jvm.out().lines().filter(l -> l.startsWith("ok")).count());
    }

    @Test void versionListsTheBackends() {
        Ncdc.Result r = Ncdc.run("--version");
        assertEquals(0, r.exit(), r.describe());
        for (Backend b : Backends.all()) assertTrue(r.out().contains(b.name()), r.describe());
    }
}
