package ncd.frontend.parse;

import ncd.diag.DiagCode;
import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Expr;
import ncd.frontend.ast.Module;
import ncd.frontend.ast.Stmt;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The statements of dynamics: equations, events and jumps, as the parser builds them. */
class EquationSyntaxTest {
    private static List<Stmt> body(String stmts, Diagnostics d) {
        Module m = Parser.parse(new SourceFile("t.ncd", "circuit C(I: f32) -> bool {\n" + stmts + "\n}\n"), d);
        if (m == null) return null;
        return ((Decl.Circuit) m.decls().get(0)).body();
    }

    @Test void equationNamesItsStateAndMethod() {
        Diagnostics d = new Diagnostics();
        List<Stmt> b = body("let x = 5\ndv/dt = (v_rest - v) / tau : euler\ndw/dt = -w / tau\nreturn true", d);
        assertTrue(d.all().isEmpty(), d.all().toString());
        // `5` followed by `dv` is not the number 5 in unit dv: the equation begins a statement
        assertInstanceOf(Expr.Num.class, ((Stmt.Let) b.get(0)).value());
        Stmt.Equation e = (Stmt.Equation) b.get(1);
        assertEquals("v", e.state().text());
        assertEquals("euler", e.method().text());
        assertEquals(e.state().span().start(), e.span().start() + 1, "the state's span skips the d");
        assertNull(((Stmt.Equation) b.get(2)).method());
    }

    @Test void eventHasResetsAndARefractoryPeriod() {
        Diagnostics d = new Diagnostics();
        List<Stmt> b = body("on spike = v > v_th: v = v_reset, u = u + 8 mV, refractory 2 ms\nge += w * f32(spike)\nreturn spike", d);
        assertTrue(d.all().isEmpty(), d.all().toString());
        Stmt.Event ev = (Stmt.Event) b.get(0);
        assertEquals("spike", ev.name().text());
        assertEquals(List.of("v", "u"), ev.resets().stream().map(r -> r.state().text()).toList());
        assertInstanceOf(Expr.Num.class, ev.refractory());
        assertEquals("ge", ((Stmt.Jump) b.get(1)).state().text());
    }

    @Test void notATimeDerivative() {
        Diagnostics d = new Diagnostics();
        body("dv/dx = v\nreturn true", d);
        assertEquals(DiagCode.E0714, d.all().get(0).code());
    }

    @Test void unknownEventAction() {
        Diagnostics d = new Diagnostics();
        body("on spike = v > 0: v = 0, holdoff 2 ms\nreturn spike", d);
        assertEquals(DiagCode.E0718, d.all().get(0).code());
    }
}
