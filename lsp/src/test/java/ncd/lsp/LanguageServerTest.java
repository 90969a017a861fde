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
        // the test's folder is the workspace: find references and rename read its .ncd files
        init.setWorkspaceFolders(List.of(new org.eclipse.lsp4j.WorkspaceFolder(dir.toUri().toString(), "ws")));
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

    private static final String LIB = """
            module lib
            axis neuron = 4

            circuit Leak(x: f32[neuron] in mV) -> f32[neuron] in mV {
              return x * 0.5
            }
            """;
    private static final String APP = """
            module app
            import lib.{Leak, neuron}

            circuit Twice(x: f32[neuron] in mV) -> f32[neuron] in mV {
              return Leak(Leak(x))
            }
            """;
    /** On disk, not open: imports every name of lib. */
    private static final String OTHER = """
            import lib

            circuit Once(y: f32[neuron] in mV) -> f32[neuron] in mV {
              return Leak(y)
            }
            """;
    /** On disk, not open: a Leak of its own, which is not lib's. */
    private static final String SHADOW = """
            circuit Leak(x: f32) -> f32 { return x }
            """;

    /** lib.ncd and app.ncd open, other.ncd and shadow.ncd on disk; the URIs of lib, app and other. */
    private List<String> twoModules() throws Exception {
        Files.writeString(dir.resolve("other.ncd"), OTHER);
        Files.writeString(dir.resolve("shadow.ncd"), SHADOW);
        String lib = open("lib.ncd", LIB);
        assertEquals(List.of(), nextDiagnostics(lib));
        String app = open("app.ncd", APP);
        assertEquals(List.of(), nextDiagnostics(app));
        return List.of(lib, app, dir.resolve("other.ncd").toUri().toString());
    }

    @Test void referencesOfACircuitAreFoundInEveryFileThatImportsIt() throws Exception {
        List<String> u = twoModules();
        String lib = u.get(0), app = u.get(1), other = u.get(2);
        // from a call in app.ncd: lib's declaration, app's import and two calls, other's call; not shadow.ncd's own Leak
        List<? extends Location> refs = server.getTextDocumentService()
                .references(new ReferenceParams(doc(app), new Position(4, 10), new ReferenceContext(true))).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(List.of(   // sorted by URI: app, lib, other
                new Location(app, new Range(new Position(1, 12), new Position(1, 16))),
                new Location(app, new Range(new Position(4, 9), new Position(4, 13))),
                new Location(app, new Range(new Position(4, 14), new Position(4, 18))),
                new Location(lib, new Range(new Position(3, 8), new Position(3, 12))),
                new Location(other, new Range(new Position(3, 9), new Position(3, 13)))), sorted(refs));
        // without the declaration, and asked from the declaration itself in lib.ncd
        List<? extends Location> uses = server.getTextDocumentService()
                .references(new ReferenceParams(doc(lib), new Position(3, 9), new ReferenceContext(false))).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(4, uses.size(), uses.toString());
        // an axis: lib's declaration and its use, app's import and its two uses, other's two uses
        List<? extends Location> axis = server.getTextDocumentService()
                .references(new ReferenceParams(doc(lib), new Position(1, 6), new ReferenceContext(true))).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(3 + 2 + 3, axis.size(), axis.toString());
    }

    @Test void renameOfACircuitEditsEveryFileThatWritesIt() throws Exception {
        List<String> u = twoModules();
        String lib = u.get(0), app = u.get(1), other = u.get(2);
        WorkspaceEdit edit = server.getTextDocumentService().rename(new RenameParams(doc(lib), new Position(3, 9), "Decay"))
                .get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(java.util.Set.of(lib, app, other), edit.getChanges().keySet(), "shadow.ncd's own Leak is not lib's");
        assertEquals(1, edit.getChanges().get(lib).size());
        assertEquals(3, edit.getChanges().get(app).size());
        assertEquals(List.of(new TextEdit(new Range(new Position(3, 9), new Position(3, 13)), "Decay")), edit.getChanges().get(other));
        assertTrue(edit.getChanges().values().stream().flatMap(List::stream).allMatch(e -> e.getNewText().equals("Decay")));
        // applied, the files check clean: the edit is the whole rename
        String libText = apply(LIB, edit.getChanges().get(lib)), appText = apply(APP, edit.getChanges().get(app));
        change(lib, libText, 2);
        assertEquals(List.of(), nextDiagnostics(lib));
        Files.writeString(dir.resolve("lib.ncd"), libText);
        change(app, appText, 2);
        assertEquals(List.of(), nextDiagnostics(app));
        assertTrue(appText.contains("import lib.{Decay, neuron}") && appText.contains("return Decay(Decay(x))"), appText);
    }

    @Test void renameIsRefusedWhenTheNewNameCollidesOrIsTheStdlibs() throws Exception {
        List<String> u = twoModules();
        String lib = u.get(0), app = u.get(1);
        // app.ncd, which the rename would change, has a circuit Twice
        String why = refusal(lib, new Position(3, 9), "Twice");
        assertTrue(why.contains("`Twice` is already a circuit in scope in app.ncd"), why);
        assertTrue(refusal(lib, new Position(3, 9), "exp").contains("builtin function"));
        assertTrue(refusal(lib, new Position(3, 9), "2x").contains("is not a name"));
        assertTrue(refusal(lib, new Position(3, 9), "axis").contains("keyword"));
        // an axis: app.ncd declares none, but lib's own circuit's input is no axis; Once's file imports all of lib
        WorkspaceEdit axis = server.getTextDocumentService().rename(new RenameParams(doc(lib), new Position(1, 6), "cell")).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(3 + 3 + 2, axis.getChanges().values().stream().mapToInt(List::size).sum(), axis.toString());
        // a local: Twice's input x renamed to Leak would hide the circuit it calls
        String local = refusal(app, new Position(3, 14), "Leak");
        assertTrue(local.contains("`Leak` is already a circuit in app.ncd"), local);
        // a stdlib circuit: references reach into the stdlib, rename does not
        String text = """
                import std.act.{gelu}

                circuit Smooth(x: f32) -> f32 {
                  return gelu(x) + gelu(2 * x)
                }
                """;
        String uri = open("smooth.ncd", text);
        assertEquals(List.of(), nextDiagnostics(uri));
        List<? extends Location> refs = server.getTextDocumentService()
                .references(new ReferenceParams(doc(uri), new Position(3, 10), new ReferenceContext(true))).get(WAIT_S, TimeUnit.SECONDS);
        List<String> stdlib = refs.stream().map(Location::getUri).filter(r -> r.endsWith("std/act.ncd")).toList();
        assertTrue(stdlib.size() >= 3, "the declaration and the law's two uses in std/act.ncd: " + refs);
        assertEquals(3, refs.stream().filter(r -> r.getUri().equals(uri)).count(), "the import and two calls: " + refs);
        String std = refusal(uri, new Position(3, 10), "smooth_gelu");
        assertTrue(std.contains("stdlib") && std.contains("read-only"), std);
        // an open file that writes the name but does not parse: what the name means there is unknown
        String broken = open("broken.ncd", "import lib.{Leak}\ncircuit B(x: f32) -> f32 { return Leak( }\n");
        assertTrue(!nextDiagnostics(broken).isEmpty());
        String unparsed = refusal(lib, new Position(3, 9), "Decay");
        assertTrue(unparsed.contains("broken.ncd") && unparsed.contains("does not parse"), unparsed);
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

    /** The message of a refused rename. */
    private String refusal(String uri, Position at, String newName) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> server.getTextDocumentService().rename(new RenameParams(doc(uri), at, newName)).get(WAIT_S, TimeUnit.SECONDS));
        return e.getCause().getMessage();
    }

    /** Locations by URI, then position. */
    private static List<Location> sorted(List<? extends Location> ls) {
        return ls.stream().map(l -> (Location) l).sorted(java.util.Comparator.comparing((Location l) -> l.getUri())
                .thenComparing(l -> l.getRange().getStart().getLine()).thenComparing(l -> l.getRange().getStart().getCharacter())).toList();
    }

    /** {@code text} with single-line edits applied. */
    private static String apply(String text, List<TextEdit> edits) {
        String[] lines = text.split("\n", -1);
        List<TextEdit> backwards = edits.stream().sorted(java.util.Comparator.comparing((TextEdit e) -> e.getRange().getStart().getLine())
                .thenComparing(e -> e.getRange().getStart().getCharacter()).reversed()).toList();
        for (TextEdit e : backwards) {
            int l = e.getRange().getStart().getLine();
            lines[l] = lines[l].substring(0, e.getRange().getStart().getCharacter()) + e.getNewText() + lines[l].substring(e.getRange().getEnd().getCharacter());
        }
        return String.join("\n", lines);
    }
}
