package ncd.tests;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Everything the project ships as ncd source must check clean: every stdlib module and every example. */
class StdlibAndExamplesTest {

    @TestFactory
    Stream<DynamicTest> shippedSourcesCheckClean() {
        List<Path> files = Repo.stdlibAndExamples();
        return files.stream().map(f -> DynamicTest.dynamicTest(Repo.relative(f), f.toUri(), () -> {
            Ncdc.Result r = Ncdc.run("check", f.toString());
            assertEquals(0, r.exit(), () -> Repo.relative(f) + " must check clean\n" + r.describe());
        }));
    }
}
