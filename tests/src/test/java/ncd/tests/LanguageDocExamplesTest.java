package ncd.tests;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every ```ncd block of the docs (docs/*.md: the language reference, the training guide, ...) is a complete program
 * that checks clean, and its laws and expectations hold: the docs cannot drift from the language. (Fragments that
 * are not whole programs use plain fences.)
 */
class LanguageDocExamplesTest {
    @TestFactory
    List<DynamicTest> examplesInTheDocsCheckAndTheirLawsHold() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> docs;
        try (Stream<Path> s = Files.list(Repo.root().resolve("docs"))) {
            docs = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        for (Path doc : docs) tests.addAll(examples(doc));
        assertFalse(tests.isEmpty(), "no ```ncd blocks found in docs/");
        return tests;
    }

    private static List<DynamicTest> examples(Path doc) throws IOException {
        String where = "docs/" + doc.getFileName();
        List<String> lines = Files.readAllLines(doc);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```ncd")) continue;
            int start = i + 1;
            StringBuilder src = new StringBuilder();
            for (i = start; i < lines.size() && !lines.get(i).strip().equals("```"); i++) src.append(lines.get(i)).append('\n');
            String program = src.toString();
            int line = start;
            tests.add(DynamicTest.dynamicTest(where + ":" + line, () -> {
                Path dir = Files.createTempDirectory("ncd-doc");
                Path file = dir.resolve("example_at_line_" + line + ".ncd");
                Files.writeString(file, program);
                Ncdc.Result check = Ncdc.run("check", file.toString());
                assertEquals(0, check.exit(), "the example at " + where + ":" + line + " does not check:\n" + program + "\n" + check.describe());
                if (program.contains("law ") || program.contains("expect ")) {
                    Ncdc.Result test = Ncdc.run("test", "--trials", "5", file.toString());
                    assertEquals(0, test.exit(), "a law of the example at " + where + ":" + line + " fails:\n" + test.describe());
                }
            }));
        }
        if (doc.getFileName().toString().equals("language.md")) assertFalse(tests.isEmpty(), "no ```ncd blocks found in docs/language.md");
        return tests;
    }
}
