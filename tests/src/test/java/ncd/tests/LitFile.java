package ncd.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expectations one lit file carries in its comments:
 * <ul>
 *   <li>{@code // RUN: ncdc ARGS} runs the driver ({@code %s} is this file's absolute path); its stdout is compared
 *       with the sidecar {@code NAME.out}, and with the CHECK lines, as FileCheck reads them ({@link FileCheck}, plain
 *       text): each {@code // CHECK: text} must appear in stdout after the previous match; {@code // CHECK-NEXT: text}
 *       on the line right after it; {@code // CHECK-NOT: text} must not appear between the previous match and the
 *       next one (or the end). {@code // CHECK-ERR: text} must appear in stderr, in order. The sidecar is needed
 *       only when there are no CHECK lines of any kind, and is compared whenever it exists. {@code // EXIT: n} is the
 *       expected exit code (default 0). Outputs are compared with the file's absolute path written as {@code %s}.</li>
 *   <li>{@code // error: E0301} expects a diagnostic with that code on this line; {@code // error@+1: E0301} on the
 *       next line, {@code @-2} two lines up; several codes may be listed, comma-separated, and words may follow them.</li>
 * </ul>
 */
record LitFile(Path path, String text, List<String> run, List<FileCheck.Check> checks, List<String> errChecks,
               Integer exit, List<Expected> errors) {

    /** An expected diagnostic: a code on a line. */
    record Expected(String code, int line) implements Comparable<Expected> {
        @Override public int compareTo(Expected o) {
            return line != o.line ? Integer.compare(line, o.line) : code.compareTo(o.code);
        }

        @Override public String toString() { return "line " + line + ": " + code; }
    }

    private static final Pattern RUN = Pattern.compile("//\\s*RUN:(.*)$");
    private static final Pattern CHECK = Pattern.compile("//\\s*CHECK:\\s?(.*)$");
    private static final Pattern CHECK_NEXT = Pattern.compile("//\\s*CHECK-NEXT:\\s?(.*)$");
    private static final Pattern CHECK_NOT = Pattern.compile("//\\s*CHECK-NOT:\\s?(.*)$");
    private static final Pattern CHECK_ERR = Pattern.compile("//\\s*CHECK-ERR:\\s?(.*)$");
    private static final Pattern EXIT = Pattern.compile("//\\s*EXIT:\\s*(-?\\d+)\\s*$");
    private static final Pattern ERROR =
            Pattern.compile("//\\s*error(?:@([+-]\\d+))?\\s*:\\s*(E\\d{4}(?:\\s*,\\s*E\\d{4})*)\\b");
    /** Something that looks like a directive but is not one of the above: almost certainly a typo. */
    private static final Pattern LOOKS_LIKE = Pattern.compile("//\\s*(RUN|CHECK[A-Z-]*|EXIT|error(@\\S*)?)\\s*:");

    boolean hasRun() { return !run.isEmpty(); }

    static LitFile read(Path path) throws IOException {
        String text = Files.readString(path).replace("\r\n", "\n");
        String[] lines = text.split("\n", -1);
        List<String> run = new ArrayList<>();
        List<FileCheck.Check> checks = new ArrayList<>();
        List<String> errChecks = new ArrayList<>();
        List<Expected> errors = new ArrayList<>();
        Integer exit = null;
        int runLines = 0;
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1];
            Matcher m;
            if ((m = RUN.matcher(line)).find()) {
                runLines++;
                run = tokenize(m.group(1).trim(), path, n);
                if (run.isEmpty() || !run.get(0).equals("ncdc")) {
                    throw new IllegalArgumentException(path + ":" + n + ": a RUN line must start with `ncdc`");
                }
                run = run.subList(1, run.size());
            } else if ((m = CHECK_ERR.matcher(line)).find()) {
                errChecks.add(m.group(1).stripTrailing());
            } else if ((m = CHECK.matcher(line)).find()) {
                checks.add(new FileCheck.Check(FileCheck.Kind.CHECK, m.group(1).stripTrailing(), n));
            } else if ((m = CHECK_NEXT.matcher(line)).find()) {
                if (checks.stream().noneMatch(c -> c.kind() != FileCheck.Kind.NOT)) {
                    throw new IllegalArgumentException(path + ":" + n + ": CHECK-NEXT needs a CHECK before it");
                }
                checks.add(new FileCheck.Check(FileCheck.Kind.NEXT, m.group(1).stripTrailing(), n));
            } else if ((m = CHECK_NOT.matcher(line)).find()) {
                if (m.group(1).isBlank()) throw new IllegalArgumentException(path + ":" + n + ": CHECK-NOT needs a text");
                checks.add(new FileCheck.Check(FileCheck.Kind.NOT, m.group(1).stripTrailing(), n));
            } else if ((m = EXIT.matcher(line)).find()) {
                if (exit != null) throw new IllegalArgumentException(path + ":" + n + ": more than one EXIT line");
                exit = Integer.parseInt(m.group(1));
            } else if ((m = ERROR.matcher(line)).find()) {
                int target = n + (m.group(1) == null ? 0 : Integer.parseInt(m.group(1)));
                if (target < 1 || target > lines.length) {
                    throw new IllegalArgumentException(path + ":" + n + ": the annotation points at line " + target
                            + ", outside the file");
                }
                for (String code : m.group(2).split(",")) errors.add(new Expected(code.trim(), target));
            } else if (LOOKS_LIKE.matcher(line).find()) {
                throw new IllegalArgumentException(path + ":" + n + ": malformed directive: " + line.trim());
            }
        }
        if (runLines > 1) throw new IllegalArgumentException(path + ": one RUN line per file (found " + runLines + ")");
        if (runLines == 0 && (!checks.isEmpty() || !errChecks.isEmpty() || exit != null)) {
            throw new IllegalArgumentException(path + ": CHECK lines, CHECK-ERR and EXIT need a RUN line");
        }
        if (runLines > 0 && !errors.isEmpty()) {
            throw new IllegalArgumentException(path + ": a file has either a RUN line or `// error:` annotations, not both");
        }
        return new LitFile(path, text, run, checks, errChecks, exit, errors);
    }

    /** Splits a RUN line like a shell would, minus everything but quotes: 'a b' and "a b" are one word. */
    static List<String> tokenize(String s, Path path, int line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0; else cur.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) out.add(cur.toString());
                cur.setLength(0);
                inWord = false;
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException(path + ":" + line + ": unterminated quote in RUN line");
        if (inWord) out.add(cur.toString());
        return out;
    }

    /** The RUN arguments with {@code %s} replaced by this file's absolute path and {@code %root} by the repository's. */
    List<String> runArgs() {
        String abs = path.toAbsolutePath().normalize().toString();
        String root = Repo.root().toString();
        return run.stream().map(a -> a.replace("%s", abs).replace("%root", root)).toList();
    }

    int expectedExit() { return Objects.requireNonNullElse(exit, 0); }
}
