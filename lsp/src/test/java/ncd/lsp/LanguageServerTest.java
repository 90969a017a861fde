package ncd.lsp;

import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CodeAction;
import org.eclipse.lsp4j.CodeActionContext;
import org.eclipse.lsp4j.CodeActionParams;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.Diagnostic;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives {@code ncdc lsp}'s server in-process as an editor would: LSP4J's client launcher over piped streams, JSON-RPC
 * framing and all, from {@code initialize} to {@code exit}. Every wait has a limit, so a server that does not answer
 * fails the test instead of hanging it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LanguageServerTest {
    private static final int WAIT_S = 30;

    private static final String BROKEN = """
            axis neuron = 4

            circuit Leak(x: f32[neuron] in mV) -> f32[neuron] in mV {
              let y = x * 0.5
              return y + 1 ms
            }

            circuit Twice(x: f32[neuron] in mV) -> f32[neuron] in mV {
              return Leak(Leak(x))
            }
            """;
    private static final String FIXED = BROKEN.replace("1 ms", "1 mV");

    @TempDir Path dir;
    private final BlockingQueue<PublishDiagnosticsParams> published = new LinkedBlockingQueue<>();
    private LanguageServer server;
    private CompletableFuture<Integer> exitCode;
    private OutputStream toServer;
    private OutputStream toClient;

    /** An editor: it keeps what the server publishes and shows nothing. */
    private final class Editor implements LanguageClient {
        @Override public void telemetryEvent(Object object) { }
        @Override public void publishDiagnostics(PublishDiagnosticsParams d) { published.add(d); }
        @Override public void showMessage(MessageParams m) { }
        @Override public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams r) { return CompletableFuture.completedFuture(null); }
        @Override public void logMessage(MessageParams m) { }
    }

    @BeforeEach void start() throws Exception {
        // java.nio pipes: java.io's PipedInputStream fails a read once the thread that last wrote has ended
        Pipe clientToServer = Pipe.open();
        Pipe serverToClient = Pipe.open();
        InputStream serverIn = Channels.newInputStream(clientToServer.source());
        toServer = Channels.newOutputStream(clientToServer.sink());
        InputStream clientIn = Channels.newInputStream(serverToClient.source());
        toClient = Channels.newOutputStream(serverToClient.sink());
        exitCode = CompletableFuture.supplyAsync(() -> {
            try {
                return NcdLanguageServer.serve(serverIn, toClient);
            } catch (InterruptedException e) {
                return -1;
            }
        });
        Launcher<LanguageServer> client = LSPLauncher.createClientLauncher(new Editor(), clientIn, toServer);
        client.startListening();
        server = client.getRemoteProxy();
        InitializeParams init = new InitializeParams();
        init.setCapabilities(new ClientCapabilities());
        init.setWorkspaceFolders(List.of());
        InitializeResult r = server.initialize(init).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(r.getCapabilities().getHoverProvider().getLeft(), "hover is offered");
        server.initialized(new InitializedParams());
    }

    @AfterEach void stop() throws IOException {
        toServer.close();
        toClient.close();
    }

    @Test void aTypeErrorIsReportedWithItsCodeAndRangeAndGoesAwayWhenFixed() throws Exception {
        String uri = open("leak.ncd", BROKEN);
        List<Diagnostic> ds = nextDiagnostics(uri);
        assertEquals(1, ds.size(), ds.toString());
        Diagnostic d = ds.get(0);
        assertEquals("E0501", d.getCode().getLeft());
        assertEquals("ncdc", d.getSource());
        // `y + 1 ms` on the fifth line (0-based 4), from its tenth column (0-based 9)
        assertEquals(new Range(new Position(4, 9), new Position(4, 17)), d.getRange());
        assertTrue(d.getMessage().contains("cannot add voltage and time") && d.getMessage().contains("hint: both sides"), d.getMessage());

        change(uri, FIXED, 2);
        assertEquals(List.of(), nextDiagnostics(uri), "the fix clears the diagnostics");
    }

    @Test void editsInQuickSuccessionEndWithTheDiagnosticsOfTheLastText() throws Exception {
        String uri = open("leak.ncd", FIXED);
        assertEquals(List.of(), nextDiagnostics(uri));
        change(uri, BROKEN, 2);
        change(uri, FIXED.replace("Leak(Leak", "Laek(Leak"), 3);
        change(uri, BROKEN, 4);
        // whichever versions were checked on the way (the edits may come within one debounce or not), the last is of version 4
        PublishDiagnosticsParams last;
        do {
            last = published.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(last, "no diagnostics of version 4 within " + WAIT_S + " s");
        } while (last.getVersion() == null || last.getVersion() != 4);
        assertEquals(List.of("E0501"), last.getDiagnostics().stream().map(d -> d.getCode().getLeft()).toList());
    }

    @Test void hoverShowsAnExpressionsFullType() throws Exception {
        String uri = open("leak.ncd", FIXED);
        nextDiagnostics(uri);
        // on the `*` of `x * 0.5`: the product, with its axis size and its unit (mV is a voltage, named V)
        Hover h = server.getTextDocumentService().hover(new HoverParams(doc(uri), new Position(3, 12))).get(WAIT_S, TimeUnit.SECONDS);
        assertNotNull(h, "a hover on an expression");
        assertTrue(h.getContents().getRight().getValue().contains("f32[neuron:4] in V"), h.getContents().getRight().getValue());
        assertEquals(new Range(new Position(3, 10), new Position(3, 17)), h.getRange());
        // a let's name where it is declared: the type of what it binds
        Hover let = server.getTextDocumentService().hover(new HoverParams(doc(uri), new Position(3, 6))).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(let.getContents().getRight().getValue().startsWith("let `y`") && let.getContents().getRight().getValue().contains("f32[neuron:4] in V"),
                let.getContents().getRight().getValue());
        // a scalar as the language writes its type: `1 mV` is an f32 voltage
        Hover scalar = server.getTextDocumentService().hover(new HoverParams(doc(uri), new Position(4, 15))).get(WAIT_S, TimeUnit.SECONDS);
        assertTrue(scalar.getContents().getRight().getValue().contains("f32 in V"), scalar.getContents().getRight().getValue());
    }

    @Test void definitionReferencesAndRenameOfACircuit() throws Exception {
        String uri = open("leak.ncd", FIXED);
        nextDiagnostics(uri);
        Position outerLeak = new Position(8, 10);
        List<? extends Location> defs = server.getTextDocumentService().definition(new DefinitionParams(doc(uri), outerLeak))
                .get(WAIT_S, TimeUnit.SECONDS).getLeft();
        assertEquals(List.of(new Location(uri, new Range(new Position(2, 8), new Position(2, 12)))), defs);

        ReferenceParams refs = new ReferenceParams(doc(uri), outerLeak, new ReferenceContext(true));
        assertEquals(3, server.getTextDocumentService().references(refs).get(WAIT_S, TimeUnit.SECONDS).size(), "the declaration and two calls");

        WorkspaceEdit rename = server.getTextDocumentService().rename(new RenameParams(doc(uri), outerLeak, "Decay")).get(WAIT_S, TimeUnit.SECONDS);
        List<TextEdit> edits = rename.getChanges().get(uri);
        assertEquals(3, edits.size(), edits.toString());
        assertTrue(edits.stream().allMatch(e -> e.getNewText().equals("Decay")));

        // a keyword is not a name: the request fails with the reason
        ExecutionException refused = assertThrows(ExecutionException.class, () -> server.getTextDocumentService()
                .rename(new RenameParams(doc(uri), outerLeak, "circuit")).get(WAIT_S, TimeUnit.SECONDS));
        assertTrue(refused.getCause().getMessage().contains("keyword"), refused.getCause().toString());
    }

    /** A scan's carry is a name of its body: its declaration, its `next` and its two uses are one symbol. */
    @Test void referencesOfAScanCarry() throws Exception {
        String uri = open("scan.ncd", """
                axis time = 4

                circuit Sum(xs: f32[time]) -> f32[time] {
                  let (ys, s) = scan t in time (s: f32 = 0) {
                    next s = s + xs[t]
                    yield s
                  }
                  return ys
                }
                """);
        nextDiagnostics(uri);
        ReferenceParams refs = new ReferenceParams(doc(uri), new Position(3, 32), new ReferenceContext(true));
        List<? extends Location> found = server.getTextDocumentService().references(refs).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(List.of(3, 4, 4, 5), found.stream().map(l -> l.getRange().getStart().getLine()).sorted().toList(), found.toString());
    }

    @Test void documentSymbolsListCircuitsAxesAndBodyNames() throws Exception {
        String uri = open("leak.ncd", FIXED);
        nextDiagnostics(uri);
        List<Either<org.eclipse.lsp4j.SymbolInformation, DocumentSymbol>> symbols =
                server.getTextDocumentService().documentSymbol(new DocumentSymbolParams(doc(uri))).get(WAIT_S, TimeUnit.SECONDS);
        List<String> names = symbols.stream().map(s -> s.getRight().getName()).toList();
        assertEquals(List.of("neuron", "Leak", "Twice"), names);
        DocumentSymbol leak = symbols.get(1).getRight();
        assertEquals(List.of("x", "y"), leak.getChildren().stream().map(DocumentSymbol::getName).toList());
        assertEquals(new Range(new Position(2, 8), new Position(2, 12)), leak.getSelectionRange());
    }

    @Test void aDidYouMeanHintIsAQuickFix() throws Exception {
        String uri = open("typo.ncd", FIXED.replace("Leak(Leak", "Laek(Leak"));
        List<Diagnostic> ds = nextDiagnostics(uri);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals("E0203", ds.get(0).getCode().getLeft());
        List<Either<org.eclipse.lsp4j.Command, CodeAction>> actions = server.getTextDocumentService()
                .codeAction(new CodeActionParams(doc(uri), ds.get(0).getRange(), new CodeActionContext(ds))).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(1, actions.size(), actions.toString());
        List<TextEdit> edits = actions.get(0).getRight().getEdit().getChanges().get(uri);
        assertEquals(List.of(new TextEdit(new Range(new Position(8, 9), new Position(8, 13)), "Leak")), edits);
    }

    @Test void anImportHintIsAQuickFixThatAddsTheImport() throws Exception {
        String text = """
                module pop
                axis n = 3

                circuit Pop(i: f32[n] in nA) -> bool[n] {
                  return LIF<n>(i)
                }
                """;
        String uri = open("pop.ncd", text);
        List<Diagnostic> ds = nextDiagnostics(uri);
        assertEquals(1, ds.size(), ds.toString());
        assertEquals("E0203", ds.get(0).getCode().getLeft());
        List<Either<org.eclipse.lsp4j.Command, CodeAction>> actions = server.getTextDocumentService()
                .codeAction(new CodeActionParams(doc(uri), ds.get(0).getRange(), new CodeActionContext(ds))).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(1, actions.size(), actions.toString());
        // after the module line
        assertEquals(List.of(new TextEdit(new Range(new Position(1, 0), new Position(1, 0)), "import std.lif.{LIF}\n")),
                actions.get(0).getRight().getEdit().getChanges().get(uri));
    }

    @Test void completionOffersNamesInScopeStdlibCircuitsUnitsAndKeywords() throws Exception {
        String uri = open("leak.ncd", FIXED);
        nextDiagnostics(uri);
        List<CompletionItem> items = server.getTextDocumentService().completion(new CompletionParams(doc(uri), new Position(4, 9)))
                .get(WAIT_S, TimeUnit.SECONDS).getLeft();
        List<String> labels = items.stream().map(CompletionItem::getLabel).toList();
        for (String want : List.of("x", "y", "Leak", "Twice", "neuron", "mV", "exp", "LIF", "circuit")) {
            assertTrue(labels.contains(want), want + " in " + labels);
        }
        List<String> modules = server.getTextDocumentService().completion(new CompletionParams(doc(uri), new Position(0, 0)))
                .get(WAIT_S, TimeUnit.SECONDS).getLeft().stream().map(CompletionItem::getLabel).toList();
        assertTrue(modules.contains("circuit"), "on a line that is not an import, names and keywords: " + modules);
        CompletionItem lif = items.stream().filter(i -> i.getLabel().equals("LIF")).findFirst().orElseThrow();
        assertTrue(lif.getAdditionalTextEdits().get(0).getNewText().startsWith("import std."), "a stdlib circuit brings its import");
    }

    @Test void completionOnAnImportLineOffersModules() throws Exception {
        String uri = open("imp.ncd", "import std.\naxis n = 2\n");
        nextDiagnostics(uri);
        List<String> labels = server.getTextDocumentService().completion(new CompletionParams(doc(uri), new Position(0, 11)))
                .get(WAIT_S, TimeUnit.SECONDS).getLeft().stream().map(CompletionItem::getLabel).toList();
        assertTrue(labels.contains("std.lif") && !labels.contains("circuit"), labels.toString());
    }

    @Test void definitionOfAStdlibCircuitOpensACopyOfItsModule() throws Exception {
        String text = """
                import std.lif.{LIF}
                axis n = 3

                circuit Pop(i: f32[n] in nA) -> bool[n] {
                  return LIF<n>(i)
                }
                """;
        String uri = open("pop.ncd", text);
        assertEquals(List.of(), nextDiagnostics(uri));
        List<? extends Location> defs = server.getTextDocumentService().definition(new DefinitionParams(doc(uri), new Position(4, 10)))
                .get(WAIT_S, TimeUnit.SECONDS).getLeft();
        assertEquals(1, defs.size(), defs.toString());
        Path copy = Path.of(java.net.URI.create(defs.get(0).getUri()));
        assertTrue(copy.endsWith(Path.of("std", "lif.ncd")), copy.toString());
        String line = Files.readAllLines(copy).get(defs.get(0).getRange().getStart().getLine());
        assertTrue(line.contains("circuit LIF"), line);
        // the import's name means the same declaration
        List<? extends Location> fromImport = server.getTextDocumentService().definition(new DefinitionParams(doc(uri), new Position(0, 17)))
                .get(WAIT_S, TimeUnit.SECONDS).getLeft();
        assertEquals(defs, fromImport);
    }

    @Test void shutdownThenExitEndsTheServerWithZero() throws Exception {
        server.shutdown().get(WAIT_S, TimeUnit.SECONDS);
        server.exit();
        assertEquals(0, exitCode.get(WAIT_S, TimeUnit.SECONDS));
    }

    // ---- the editor's side

    private String open(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        String uri = file.toUri().toString();
        server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "ncd", 1, text)));
        return uri;
    }

    private void change(String uri, String text, int version) {
        server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, version),
                List.of(new TextDocumentContentChangeEvent(text))));
    }

    private List<Diagnostic> nextDiagnostics(String uri) throws InterruptedException {
        while (true) {
            PublishDiagnosticsParams p = published.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(p, "no diagnostics for " + uri + " within " + WAIT_S + " s");
            if (p.getUri().equals(uri)) return p.getDiagnostics();
        }
    }

    private static TextDocumentIdentifier doc(String uri) { return new TextDocumentIdentifier(uri); }
}
