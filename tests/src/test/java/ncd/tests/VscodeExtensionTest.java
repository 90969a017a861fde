package ncd.tests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The VS Code extension (editors/vscode) builds where npm is installed: {@code npm ci} installs the locked
 * dependencies, {@code npm test} compiles it and runs its tests (vscode-textmate tokenising every example and
 * stdlib module with its grammar; the diagram command's steps with this build's ncdc), and
 * {@code npm run package} makes the .vsix, a zip that holds the grammar, the language configuration and the compiled
 * client with its runtime dependency. Skipped, with the reason, where npm is not installed or the npm registry
 * cannot be reached (so the Maven build needs neither).
 */
class VscodeExtensionTest {
    private static final long INSTALL_MINUTES = 10, TEST_MINUTES = 5, PACKAGE_MINUTES = 5;

    @Test
    void extensionInstallsPassesItsGrammarTestsAndPackagesAsAVsix() throws Exception {
        Path dir = Repo.root().resolve("editors/vscode");
        assertTrue(Files.isRegularFile(dir.resolve("package-lock.json")), "editors/vscode/package-lock.json is missing: npm ci needs it");
        String npm = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows") ? "npm.cmd" : "npm";
        Run version = run(dir, 1, npm, "--version");
        assumeTrue(version != null && version.code == 0, "npm is not installed: the VS Code extension (editors/vscode) is not built or tested");

        // Asked first, without retries: npm ci on an unreachable registry retries for minutes before it gives up.
        Run ping = run(dir, 1, npm, "ping", "--fetch-retries=0", "--fetch-timeout=20000");
        assumeTrue(ping != null && ping.code == 0,
                "the npm registry cannot be reached (npm ping failed): the VS Code extension is not built or tested\n" + (ping == null ? "" : ping.output));
        Run install = run(dir, INSTALL_MINUTES, npm, "ci", "--prefer-offline", "--no-audit", "--no-fund");
        assertNotNull(install, "npm ci ran past " + INSTALL_MINUTES + " minutes");
        assertEquals(0, install.code, "npm ci failed in editors/vscode:\n" + install.output);

        // NCDC: the diagram test runs `ncdc diagram` as the extension's command does, with this build's ncdc.
        Run test = run(dir, TEST_MINUTES, Map.of("NCDC", ncdcLauncher().toString()), npm, "test");
        assertNotNull(test, "npm test ran past " + TEST_MINUTES + " minutes");
        assertEquals(0, test.code, "npm test failed in editors/vscode:\n" + test.output);
        assertTrue(test.output.contains("fail 0") && test.output.contains("skipped 0"), "npm test failed or skipped tests:\n" + test.output);

        String packageJson = Files.readString(dir.resolve("package.json"));
        Path vsix = dir.resolve("ncd-" + field(packageJson, "version") + ".vsix");
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.filter(p -> p.getFileName().toString().endsWith(".vsix")).toList()) Files.delete(p);
        }
        Run pack = run(dir, PACKAGE_MINUTES, npm, "run", "package");
        assertNotNull(pack, "npm run package ran past " + PACKAGE_MINUTES + " minutes");
        assertEquals(0, pack.code, "npm run package failed in editors/vscode:\n" + pack.output);
        assertTrue(Files.isRegularFile(vsix), "npm run package wrote no " + vsix.getFileName() + ":\n" + pack.output);

        try (ZipFile zip = new ZipFile(vsix.toFile())) {
            for (String name : List.of("extension.vsixmanifest", "extension/package.json", "extension/language-configuration.json",
                    "extension/out/src/extension.js", "extension/node_modules/vscode-languageclient/package.json")) {
                assertNotNull(zip.getEntry(name), vsix.getFileName() + " has no " + name);
            }
            ZipEntry grammar = zip.getEntry("extension/syntaxes/ncd.tmLanguage.json");
            assertNotNull(grammar, vsix.getFileName() + " has no grammar");
            assertArrayEquals(Files.readAllBytes(dir.resolve("syntaxes/ncd.tmLanguage.json")), zip.getInputStream(grammar).readAllBytes(),
                    "the packaged grammar differs from syntaxes/ncd.tmLanguage.json");
            String manifest = new String(zip.getInputStream(zip.getEntry("extension/package.json")).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(manifest.contains("\"scopeName\": \"source.ncd\"") && manifest.contains("\".ncd\""),
                    "the packaged package.json does not contribute the grammar for .ncd files");
            List<String> leaked = new ArrayList<>();
            zip.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("extension/src/") || n.startsWith("extension/test/") || n.startsWith("extension/out/test/")
                            || n.startsWith("extension/node_modules/typescript/") || n.startsWith("extension/node_modules/vscode-textmate/"))
                    .forEach(leaked::add);
            assertTrue(leaked.isEmpty(), "the .vsix holds sources, tests or dev dependencies: " + leaked);
        }
    }

    /**
     * A script that runs this build's cli/target/ncdc.jar on the JVM running the test: bin/ncdc would rebuild the
     * jar with Maven when a source is newer, which must not happen under a running build.
     */
    private static Path ncdcLauncher() throws IOException {
        Path jar = Repo.root().resolve("cli/target/ncdc.jar");
        assertTrue(Files.isRegularFile(jar), "cli/target/ncdc.jar is not built");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path script = Files.createTempDirectory("ncd-vscode-ncdc-").resolve("ncdc");
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' --add-modules jdk.incubator.vector -jar '" + jar + "' \"$@\"\n");
        assertTrue(script.toFile().setExecutable(true), "cannot make " + script + " executable");
        script.getParent().toFile().deleteOnExit();   // deleted in reverse order: the script, then its folder
        script.toFile().deleteOnExit();
        return script;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), "package.json has no " + name);
        return m.group(1);
    }

    private record Run(int code, String output) {}

    /**
     * Runs a command in {@code dir}, stdout and stderr together: exit code -1 when it cannot start, null when it ran
     * past the timeout (it and its children are killed).
     */
    private static Run run(Path dir, long minutes, String... command) throws IOException, InterruptedException {
        return run(dir, minutes, Map.of(), command);
    }

    private static Run run(Path dir, long minutes, Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile("ncd-vscode-", ".log");
        try {
            Process p;
            try {
                ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
                b.environment().putAll(env);
                p = b.start();
            } catch (IOException notFound) {
                return new Run(-1, "cannot run " + command[0] + ": " + notFound.getMessage());
            }
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return null;
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
