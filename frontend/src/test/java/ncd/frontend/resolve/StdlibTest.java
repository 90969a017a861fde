package ncd.frontend.resolve;

import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.frontend.ast.Decl;
import ncd.frontend.ast.Module;
import ncd.frontend.parse.Parser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stdlib as diagnostics see it: every module of stdlib/std, and where each name is declared. */
class StdlibTest {
    private static final Path STD = Path.of("..", "stdlib", "std");

    @Test void listsEveryModuleOfTheStdlibFolder() throws IOException {
        List<String> onDisk;
        try (Stream<Path> s = Files.list(STD)) {
            onDisk = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ncd"))
                    .map(n -> "std." + n.substring(0, n.length() - 4)).sorted().toList();
        }
        assertTrue(onDisk.contains("std.act") && onDisk.contains(Loader.PRELUDE), onDisk.toString());
        assertEquals(onDisk, Stdlib.modules());
    }

    @Test void findsTheModuleThatDeclaresAName() {
        assertEquals(List.of("std.act"), Stdlib.declaring("softplus", Decl.Circuit.class));
        assertEquals(List.of("std.nn"), Stdlib.declaring("Linear", Decl.Circuit.class));
        assertEquals(List.of("std.units"), Stdlib.declaring("mV", Decl.UnitDef.class));
        // the right name of the wrong kind is not offered: softplus is no unit
        assertEquals(List.of(), Stdlib.declaring("softplus", Decl.UnitDef.class));
        assertEquals(List.of(), Stdlib.declaring("no_such_name", Decl.Circuit.class));
        assertTrue(Stdlib.names(Decl.Circuit.class).contains("softplus"));
    }

    /** Each quantity name belongs to a unit that the prelude declares with scale 1 (its coherent unit). */
    @Test void everyQuantityNamesACoherentUnitOfThePrelude() throws IOException {
        String rel = Loader.PRELUDE.replace('.', '/') + ".ncd";
        Module prelude = Parser.parse(new SourceFile(rel, Files.readString(STD.getParent().resolve(rel))), new Diagnostics());
        assertNotNull(prelude);
        for (String unit : UnitTable.PRELUDE_QUANTITIES.keySet()) {
            Decl.UnitDef d = prelude.decls().stream().filter(x -> x instanceof Decl.UnitDef u && u.name().text().equals(unit))
                    .map(x -> (Decl.UnitDef) x).findFirst().orElse(null);
            assertNotNull(d, unit + " is not declared by " + Loader.PRELUDE);
            assertEquals(1.0, d.scale(), unit + " is not a coherent unit");
        }
    }
}
