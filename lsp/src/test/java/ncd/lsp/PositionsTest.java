package ncd.lsp;

import ncd.diag.SourceFile;
import ncd.diag.SourceSpan;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.Range;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PositionsTest {
    @Test void asciiOffsetsAreLinesAndColumns() {
        Positions p = new Positions("ab\ncd\n");
        assertEquals(new Position(0, 0), p.position(0));
        assertEquals(new Position(1, 1), p.position(4));
        assertEquals(new Position(2, 0), p.position(6));
        assertEquals(4, p.offset(new Position(1, 1)));
        assertEquals(5, p.offset(new Position(1, 99)), "past the line's end is its end");
        assertEquals(6, p.offset(new Position(9, 0)), "past the last line is the end of the text");
    }

    @Test void aCharacterOutsideTheBmpIsOneOffsetAndTwoUtf16Units() {
        // "// 𝜏\nx": the parser counts 𝜏 as one code point; LSP as two UTF-16 units
        String text = "// \uD835\uDF0F τ\nlet x";
        Positions p = new Positions(text);
        assertEquals(new Position(0, 3), p.position(3));
        assertEquals(new Position(0, 6), p.position(5), "τ after 𝜏 and a space: UTF-16 column 6");
        assertEquals(new Position(1, 4), p.position(11), "x on the next line");
        assertEquals(5, p.offset(new Position(0, 6)));
        assertEquals(3, p.offset(new Position(0, 4)), "between the two halves of 𝜏 is 𝜏");
        assertEquals(11, p.offset(new Position(1, 4)));
    }

    @Test void crlfLineEndsAreNotPartOfTheLine() {
        Positions p = new Positions("ab\r\ncd");
        assertEquals(new Position(1, 0), p.position(4));
        assertEquals(2, p.offset(new Position(0, 5)), "the end of line 0 is before its \\r");
    }

    @Test void aSpanIsARange() {
        String text = "axis n = 4\nlet y";
        SourceSpan y = new SourceSpan(new SourceFile("f.ncd", text), 15, 16);
        assertEquals(new Range(new Position(1, 4), new Position(1, 5)), new Positions(text).range(y));
    }
}
