package ncd.tests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lit runner's reading of directives: the test harness deserves tests of its own. */
class LitFileTest {
    @TempDir Path dir;

    private LitFile read(String text) throws IOException {
        return LitFile.read(Files.writeString(dir.resolve("case.ncd"), text));
    }

    @Test void runCheckAndExit() throws IOException {
        LitFile lf = read("// RUN: ncdc ir %s --axis 'A=4'\n// CHECK: circuit f\n// CHECK-ERR: note\n// EXIT: 1\n");
        assertEquals(List.of("ir", "%s", "--axis", "A=4"), lf.run());
        assertEquals(dir.resolve("case.ncd").toAbsolutePath().normalize().toString(), lf.runArgs().get(1));
        assertEquals(List.of(new FileCheck.Check(FileCheck.Kind.CHECK, "circuit f", 2)), lf.checks());
        assertEquals(List.of("note"), lf.errChecks());
        assertEquals(1, lf.expectedExit());
    }

    @Test void checkNextAndCheckNotKeepTheirOrderAndLine() throws IOException {
        LitFile lf = read("// RUN: ncdc ir %s\n// CHECK-NOT: %9\n// CHECK: a\n// CHECK-NEXT: b\n// CHECK-NOT: c\n");
        assertEquals(List.of(new FileCheck.Check(FileCheck.Kind.NOT, "%9", 2), new FileCheck.Check(FileCheck.Kind.CHECK, "a", 3),
                new FileCheck.Check(FileCheck.Kind.NEXT, "b", 4), new FileCheck.Check(FileCheck.Kind.NOT, "c", 5)), lf.checks());
    }

    @Test void errorAnnotationsPointAtTheirLine() throws IOException {
        LitFile lf = read("a\n// error@+1: E0301, E0401\nb\nc // error: E0201 unknown\n// error@-3: E0101\n");
        assertEquals(List.of(new LitFile.Expected("E0301", 3), new LitFile.Expected("E0401", 3),
                new LitFile.Expected("E0201", 4), new LitFile.Expected("E0101", 2)), lf.errors());
        assertTrue(lf.run().isEmpty());
    }

    @Test void malformedDirectivesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> read("// error: 301\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// error@+9: E0301\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// RUN: ncdc check %s\n// RUN: ncdc ir %s\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// RUN: ncd check %s\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// CHECK: x\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// RUN: ncdc check %s\nx // error: E0201\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// EXIT: one\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// RUN: ncdc ir %s\n// CHECK-NOT: a\n// CHECK-NEXT: b\n"), "nothing to follow");
        assertThrows(IllegalArgumentException.class, () -> read("// RUN: ncdc ir %s\n// CHECK-NOT:\n"), "an empty CHECK-NOT");
        assertThrows(IllegalArgumentException.class, () -> read("// RUN: ncdc ir %s\n// CHECK-NEXTT: b\n"));
        assertThrows(IllegalArgumentException.class, () -> read("// CHECK-NOT: x\n"));
    }

    @Test void normalizeReplacesPathsAndTrailingSpace() {
        Path f = dir.resolve("case.ncd");
        String abs = f.toAbsolutePath().normalize().toString();
        assertEquals("%s:1:2: x\ny\n", LitTest.normalize(abs + ":1:2: x  \r\ny\n\n\n", f));
        assertEquals("", LitTest.normalize("\n\n", f));
    }

    @Test void sidecarIsNextToTheFile() {
        assertEquals(dir.resolve("case.out"), LitTest.sidecar(dir.resolve("case.ncd")));
    }
}
