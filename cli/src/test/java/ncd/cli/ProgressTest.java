package ncd.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress line of run and bench: nothing in the first second or off a terminal, then drawn and erased. */
class ProgressTest {
    @Test void quietAtFirstThenDrawnThenErased() throws InterruptedException {
        StringWriter w = new StringWriter();
        Progress p = Progress.counting(new PrintWriter(w), "Driven", 10, "step", true);
        p.tick(1);
        assertEquals("", w.toString(), "nothing in the first second");
        Thread.sleep(1_100);
        p.tick(10);
        String drawn = w.toString();
        assertTrue(drawn.startsWith("\rDriven: step 10/10 (100%), ") && drawn.contains(" steps/s") && drawn.endsWith("0s left"), drawn);
        p.done();
        String erased = w.toString().substring(drawn.length());
        assertEquals("\r" + " ".repeat(drawn.length() - 1) + "\r", erased);
    }

    @Test void silentOffATerminal() throws InterruptedException {
        StringWriter w = new StringWriter();
        Progress p = Progress.counting(new PrintWriter(w), "Driven", 10, "step", false);
        Thread.sleep(1_100);
        p.tick(5);
        p.done();
        assertEquals("", w.toString());
    }
}
