package ncd.diag;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text form of a diagnostic: short lines whole, a long line as a window around the span. */
class DiagnosticPrinterTest {
    /** A diagnostic on {@code text} from {@code start} to {@code end}, printed. */
    private static String print(String text, int start, int end) {
        SourceFile f = new SourceFile("f.ncd", text);
        return DiagnosticPrinter.text(new Diagnostic(Severity.ERROR, DiagCode.E0101, new SourceSpan(f, start, end), "bad", null));
    }

    /** The source line and the caret line of a printed diagnostic, without their gutters. */
    private static String[] shown(String printed) {
        String[] lines = printed.split("\n");
        return new String[] {lines[2].substring(lines[2].indexOf(" | ") + 3), lines[3].substring(lines[3].indexOf(" | ") + 3)};
    }

    @Test void aShortLineIsShownWhole() {
        String src = "circuit f(x: f32) -> f32 {\n\treturn x $ 2\n}\n";
        int at = src.indexOf('$');
        // the tab is shown as one space, so the caret stays under the `$`
        assertEquals("f.ncd:2:11: error[E0101]: bad\n"
                + "  |\n"
                + "2 |  return x $ 2\n"
                + "  | " + " ".repeat(10) + "^\n", print(src, at, at + 1));
    }

    @Test void aLineOfExactlyTheLimitIsShownWhole() {
        String line = "x".repeat(DiagnosticPrinter.MAX_COLUMNS - 1) + "$";
        String[] s = shown(print(line, line.length() - 1, line.length()));
        assertEquals(line, s[0]);
        assertEquals(" ".repeat(line.length() - 1) + "^", s[1]);
    }

    @Test void anErrorInTheMiddleOfAHugeLineShowsAWindowCutAtBothEnds() {
        StringBuilder sb = new StringBuilder("const c = ");
        while (sb.length() < 100_000) sb.append("a + ");
        int at = sb.length();
        sb.append("$$$");
        while (sb.length() < 200_000) sb.append(" + b");
        String line = sb.toString();
        String printed = print(line + "\nnext\n", at, at + 3);
        assertTrue(printed.startsWith("f.ncd:1:" + (at + 1) + ": error[E0101]: bad\n"), printed);
        String[] s = shown(printed);
        assertEquals(DiagnosticPrinter.MAX_COLUMNS, s[0].length(), s[0]);
        assertTrue(s[0].startsWith("\u2026") && s[0].endsWith("\u2026"), s[0]);
        int caret = s[1].indexOf('^');
        assertEquals("$$$", s[0].substring(caret, caret + 3), "the caret sits under the span\n" + s[0] + "\n" + s[1]);
        assertEquals(" ".repeat(caret) + "^~~", s[1]);
        // the window is the line's text around the span
        String inner = s[0].substring(1, s[0].length() - 1);
        int from = at - (caret - 1);
        assertEquals(line.substring(from, from + inner.length()), inner);
        assertTrue(printed.length() < 1000, "the whole line was printed: " + printed.length() + " chars");
    }

    @Test void anErrorNearTheEndOfAHugeLineShowsItsEnd() {
        String line = "y".repeat(200_000 - 5) + " $ 1;";
        int at = line.indexOf('$');
        String[] s = shown(print(line, at, at + 1));
        assertEquals(DiagnosticPrinter.MAX_COLUMNS, s[0].length(), s[0]);
        assertTrue(s[0].startsWith("\u2026") && s[0].endsWith(" $ 1;"), "cut at the start only: " + s[0]);
        assertEquals('$', s[0].charAt(s[1].indexOf('^')));
        assertEquals(s[1].stripTrailing(), s[1]);
        assertEquals(1, s[1].strip().length());
        // the file ending at the end of the line: the caret one past its last character, as on a short line
        String[] eof = shown(print(line, line.length(), line.length()));
        assertEquals(s[0].length(), eof[1].indexOf('^'));
    }

    @Test void anErrorNearTheStartOfAHugeLineIsCutAtTheEndOnly() {
        String line = "let q = $" + "z".repeat(200_000);
        String[] s = shown(print(line, 8, 9));
        assertEquals(DiagnosticPrinter.MAX_COLUMNS, s[0].length());
        assertTrue(s[0].startsWith("let q = $") && s[0].endsWith("\u2026"), s[0]);
        assertEquals("        ^", s[1]);
    }

    @Test void aSpanWiderThanTheWindowIsUnderlinedToTheCut() {
        String line = "w".repeat(50_000) + "#".repeat(1_000) + "w".repeat(50_000);
        String[] s = shown(print(line, 50_000, 51_000));
        int caret = s[1].indexOf('^');
        assertTrue(caret > 1 && caret < 30, "some context before the span: " + s[1]);
        assertEquals('#', s[0].charAt(caret));
        assertEquals(s[0].length() - 1, s[1].length(), "underlined up to the cut mark\n" + s[0] + "\n" + s[1]);
    }

    @Test void colourPaintsSeverityCaretAndHintAndShowsTheSameCharacters() {
        SourceFile f = new SourceFile("f.ncd", "let y = spike * x\n");
        Diagnostic d = new Diagnostic(Severity.ERROR, DiagCode.E0401, new SourceSpan(f, 8, 17), "bad", "convert it");
        String plain = DiagnosticPrinter.text(List.of(d), false), coloured = DiagnosticPrinter.text(List.of(d), true);
        assertFalse(plain.contains("\u001b"), plain);
        assertTrue(coloured.contains("\u001b[1;31merror[E0401]\u001b[0m"), coloured);
        assertTrue(coloured.contains("\u001b[1;31m^~~~~~~~~\u001b[0m"), coloured);
        assertTrue(coloured.contains("\u001b[1;32mhint\u001b[0m"), coloured);
        assertEquals(plain, coloured.replaceAll("\u001b\\[[0-9;]*m", ""));
        Diagnostic w = new Diagnostic(Severity.WARNING, DiagCode.E0401, new SourceSpan(f, 8, 17), "meh", null);
        assertTrue(DiagnosticPrinter.text(w, true).contains("\u001b[1;33mwarning[E0401]"), DiagnosticPrinter.text(w, true));
    }

    /**
     * Offsets count code points, as the lexer does: an emoji (two UTF-16 units) earlier in the file or earlier on the
     * line is one offset and one column, and the caret stays under the character the span starts at.
     */
    @Test void aCharacterOutsideTheBmpIsOneColumn() {
        String src = "// \uD83E\uDDE0 brain\nlet y = 1 // \uD83D\uDE00 x $ 2\n";
        int at = src.codePointCount(0, src.indexOf('$'));
        SourceFile f = new SourceFile("f.ncd", src);
        assertEquals(2, f.lineOf(at));
        assertEquals(src.split("\n")[1].codePointCount(0, src.split("\n")[1].indexOf('$')) + 1, f.columnOf(at));
        assertEquals(18, f.columnOf(at));
        assertEquals(2, f.lineOf(src.codePointCount(0, src.length()) - 1));
        String printed = print(src, at, at + 1);
        assertTrue(printed.startsWith("f.ncd:2:18: error[E0101]: bad\n"), printed);
        assertEquals(" ".repeat(17) + "^", shown(printed)[1]);
    }
}
