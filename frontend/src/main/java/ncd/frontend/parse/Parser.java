package ncd.frontend.parse;

import ncd.diag.Diagnostics;
import ncd.diag.SourceFile;
import ncd.frontend.ast.Module;
import ncd.grammar.NcdLexer;
import ncd.grammar.NcdParser;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/** Source text to AST. Syntax errors go to the diagnostics; a file with any is returned as null. */
public final class Parser {
    private Parser() {}

    public static Module parse(SourceFile file, Diagnostics diags) {
        NcdLexer lexer = new NcdLexer(CharStreams.fromString(file.text(), file.path()));
        lexer.removeErrorListeners();
        NcdParser parser = new NcdParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        SyntaxErrors errors = new SyntaxErrors(file, diags);
        lexer.addErrorListener(errors);
        parser.addErrorListener(errors);
        NcdParser.FileContext tree = parser.file();
        int before = diags.errorCount();
        if (errors.count() > 0) return null;
        Module m = new AstBuilder(file, diags).module(tree);
        return diags.errorCount() > before ? null : m;
    }
}
