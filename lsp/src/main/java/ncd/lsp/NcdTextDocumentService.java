package ncd.lsp;

import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.Command;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.TextDocumentService;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The text document side of the protocol: document events to the server, requests to the features that answer them. */
final class NcdTextDocumentService implements TextDocumentService {
    private final NcdLanguageServer server;

    NcdTextDocumentService(NcdLanguageServer server) { this.server = server; }

    // ---- document events

    @Override public void didOpen(DidOpenTextDocumentParams params) {
        var d = params.getTextDocument();
        server.opened(d.getUri(), d.getText(), d.getVersion());
    }

    @Override public void didChange(DidChangeTextDocumentParams params) {
        List<TextDocumentContentChangeEvent> changes = params.getContentChanges();
        server.changed(params.getTextDocument().getUri(), text -> {
            // the server asks for whole texts (TextDocumentSyncKind.Full); a range replaced is applied all the same
            for (TextDocumentContentChangeEvent c : changes) {
                if (c.getRange() == null) {
                    text = c.getText();
                } else {
                    Positions p = new Positions(text);
                    int from = text.offsetByCodePoints(0, p.offset(c.getRange().getStart()));
                    int to = text.offsetByCodePoints(0, p.offset(c.getRange().getEnd()));
                    text = text.substring(0, from) + c.getText() + text.substring(Math.max(from, to));
                }
            }
            return text;
        }, params.getTextDocument().getVersion());
    }

    @Override public void didClose(DidCloseTextDocumentParams params) { server.closed(params.getTextDocument().getUri()); }

    /** The text is what the client sent with its edits; saving changes nothing a check reads. */
    @Override public void didSave(DidSaveTextDocumentParams params) { }

    // ---- requests

    @Override public CompletableFuture<Hover> hover(HoverParams params) {
        return server.withAnalysis(params.getTextDocument().getUri(), null, (a, parsed) -> Assist.hover(a, params.getPosition()));
    }

    @Override public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams params) {
        return server.withAnalysis(params.getTextDocument().getUri(), Either.forLeft(List.of()),
                (a, parsed) -> Either.forLeft(Navigation.definition(a, params.getPosition())));
    }

    @Override public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
        boolean withDeclaration = params.getContext() == null || params.getContext().isIncludeDeclaration();
        return server.withWorkspace(params.getTextDocument().getUri(), List.of(),
                (a, ws) -> Navigation.references(a, params.getPosition(), withDeclaration, ws));
    }

    @Override public CompletableFuture<WorkspaceEdit> rename(RenameParams params) {
        return server.withWorkspace(params.getTextDocument().getUri(), null,
                (a, ws) -> Navigation.rename(a, params.getPosition(), params.getNewName(), ws));
    }

    @Override public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
        return server.withAnalysis(params.getTextDocument().getUri(), List.of(), (a, parsed) -> {
            List<Either<SymbolInformation, DocumentSymbol>> out = new ArrayList<>();
            for (DocumentSymbol s : Symbols.of(a)) out.add(Either.forRight(s));
            return out;
        });
    }

    @Override public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        return server.withAnalysis(params.getTextDocument().getUri(), Either.forLeft(List.of()),
                (a, parsed) -> Either.forLeft(Assist.completion(a, parsed, params.getPosition())));
    }

    @Override public CompletableFuture<List<Either<Command, CodeAction>>> codeAction(CodeActionParams params) {
        return server.withAnalysis(params.getTextDocument().getUri(), List.of(), (a, parsed) -> {
            List<Either<Command, CodeAction>> out = new ArrayList<>();
            for (CodeAction c : Assist.quickFixes(a, params.getTextDocument().getUri(), params.getRange())) out.add(Either.forRight(c));
            return out;
        });
    }
}
