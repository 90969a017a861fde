package ncd.lsp;

import org.eclipse.lsp4j.CodeActionKind;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The ncd language server: open documents, each checked by the driver {@code ncdc check} uses ({@link Analysis}) on
 * one checker thread, a set time after its last edit ({@link #DEBOUNCE_MS}), its diagnostics then published. Requests
 * (hover, definitions, ...) run on the same thread, after any check queued before them, on the document's latest text:
 * one check at a time, and none of a version no one will see.
 */
public final class NcdLanguageServer implements LanguageServer, LanguageClientAware {
    /** How long after the last edit a document is checked: typing is not interrupted by a check per keystroke. */
    static final long DEBOUNCE_MS = 200;

    /** An open document; its fields change only on the checker thread or under its lock. */
    static final class Document {
        final String uri;
        final Path path;
        String text;
        /** The LSP version the client gave the text (for published diagnostics). */
        int clientVersion;
        /** Edits seen so far: an analysis of an older count is stale. */
        int edit;
        Analysis analysis;
        /** The latest analysis whose file parsed: completion's names while the text under the cursor does not. */
        Analysis lastParsed;
        int publishedEdit = -1;
        ScheduledFuture<?> pending;

        Document(String uri, Path path, String text, int clientVersion) {
            this.uri = uri;
            this.path = path;
            this.text = text;
            this.clientVersion = clientVersion;
        }
    }

    private final ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ncd-lsp-checker");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Document> documents = new ConcurrentHashMap<>();
    private final NcdTextDocumentService textDocuments = new NcdTextDocumentService(this);
    private final NcdWorkspaceService workspace = new NcdWorkspaceService();
    private final CompletableFuture<Integer> exited = new CompletableFuture<>();
    private volatile LanguageClient client;
    /** The workspace folders the client named at initialize. */
    private volatile List<Path> folders = List.of();
    private volatile boolean shutdown;

    /**
     * Serves one client on {@code in} and {@code out} until it sends {@code exit} or closes {@code in}; returns the
     * exit code LSP asks for: 0 after {@code shutdown}, 1 without.
     */
    public static int serve(InputStream in, OutputStream out) throws InterruptedException {
        NcdLanguageServer server = new NcdLanguageServer();
        Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
        server.connect(launcher.getRemoteProxy());
        Future<Void> listening = launcher.startListening();
        while (true) {
            try {
                return server.exited.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (listening.isDone()) return server.shutdown ? 0 : 1;
            } catch (ExecutionException e) {
                return 1;
            }
        }
    }

    @Override public void connect(LanguageClient client) { this.client = client; }

    @Override public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        // the folders whose .ncd files find references and rename read: the workspace folders, else the root
        List<Path> roots = new java.util.ArrayList<>();
        if (params.getWorkspaceFolders() != null) {
            for (org.eclipse.lsp4j.WorkspaceFolder f : params.getWorkspaceFolders()) {
                Path p = pathOf(f.getUri());
                if (p != null) roots.add(p.toAbsolutePath().normalize());
            }
        }
        @SuppressWarnings("deprecation") String rootUri = params.getRootUri();
        if (roots.isEmpty() && rootUri != null && pathOf(rootUri) != null) roots.add(pathOf(rootUri).toAbsolutePath().normalize());
        folders = List.copyOf(roots);
        ServerCapabilities caps = new ServerCapabilities();
        caps.setTextDocumentSync(TextDocumentSyncKind.Full);
        caps.setHoverProvider(true);
        caps.setDefinitionProvider(true);
        caps.setReferencesProvider(true);
        caps.setDocumentSymbolProvider(true);
        caps.setRenameProvider(true);
        caps.setCompletionProvider(new CompletionOptions(false, List.of(".", "[", "<")));
        caps.setCodeActionProvider(new CodeActionOptions(List.of(CodeActionKind.QuickFix)));
        return CompletableFuture.completedFuture(new InitializeResult(caps, new ServerInfo("ncdc lsp", version())));
    }

    private static String version() {
        String v = NcdLanguageServer.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    @Override public CompletableFuture<Object> shutdown() {
        shutdown = true;
        return CompletableFuture.supplyAsync(() -> {
            checker.shutdownNow();
            return null;
        });
    }

    @Override public void exit() { exited.complete(shutdown ? 0 : 1); }

    @Override public TextDocumentService getTextDocumentService() { return textDocuments; }

    @Override public WorkspaceService getWorkspaceService() { return workspace; }

    // ---- documents

    void opened(String uri, String text, int version) {
        Path path = pathOf(uri);
        if (path == null) {
            log(MessageType.Warning, "ncdc lsp checks files only; not " + uri);
            return;
        }
        Document doc = new Document(uri, path, text, version);
        documents.put(uri, doc);
        schedule(doc, 0);
    }

    /** A new text; {@code change} maps the old text to it (a whole text, or a range replaced). */
    void changed(String uri, Function<String, String> change, int version) {
        Document doc = documents.get(uri);
        if (doc == null) return;
        synchronized (doc) {
            doc.text = change.apply(doc.text);
            doc.clientVersion = version;
            doc.edit++;
        }
        schedule(doc, DEBOUNCE_MS);
    }

    void closed(String uri) {
        Document doc = documents.remove(uri);
        if (doc == null) return;
        synchronized (doc) {
            if (doc.pending != null) doc.pending.cancel(false);
        }
        LanguageClient c = client;
        if (c != null) c.publishDiagnostics(new PublishDiagnosticsParams(uri, List.of()));
    }

    private void schedule(Document doc, long delayMs) {
        synchronized (doc) {
            if (doc.pending != null) doc.pending.cancel(false);
            if (checker.isShutdown()) return;
            doc.pending = checker.schedule(() -> checkAndPublish(doc), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void checkAndPublish(Document doc) {
        try {
            Analysis a = current(doc);
            if (a.edit() <= doc.publishedEdit || documents.get(doc.uri) != doc) return;
            doc.publishedEdit = a.edit();
            if (a.internalError() != null) log(MessageType.Error, "ncdc lsp: " + a.internalError() + " (checking " + doc.path + ")");
            LanguageClient c = client;
            if (c != null) c.publishDiagnostics(new PublishDiagnosticsParams(doc.uri, LspDiagnostics.of(a), a.version()));
        } catch (RuntimeException | StackOverflowError e) {
            log(MessageType.Error, "ncdc lsp: checking " + doc.path + " failed: " + e);
        }
    }

    /** The analysis of the document's latest text, checked now if it is stale. Checker thread only. */
    private Analysis current(Document doc) {
        String text;
        int edit, version;
        synchronized (doc) {
            text = doc.text;
            edit = doc.edit;
            version = doc.clientVersion;
        }
        if (doc.analysis == null || doc.analysis.edit() != edit) {
            doc.analysis = Analysis.check(edit, version, doc.path, text);
            if (doc.analysis.scope().isPresent()) doc.lastParsed = doc.analysis;
        }
        return doc.analysis;
    }

    /**
     * Answers a request about document {@code uri} on the checker thread, from its current analysis (and the last one
     * that parsed); {@code none} when the document is not open.
     */
    <T> CompletableFuture<T> withAnalysis(String uri, T none, java.util.function.BiFunction<Analysis, Analysis, T> answer) {
        Document doc = documents.get(uri);
        if (doc == null) return CompletableFuture.completedFuture(none);
        return CompletableFuture.supplyAsync(() -> {
            Analysis a = current(doc);
            return answer.apply(a, doc.lastParsed);
        }, checker);
    }

    /**
     * Answers a request that reads other files (find references, rename) on the checker thread: from document
     * {@code uri}'s current analysis and the {@link Workspace} of every open document's current analysis and the
     * workspace folders; {@code none} when the document is not open.
     */
    <T> CompletableFuture<T> withWorkspace(String uri, T none, java.util.function.BiFunction<Analysis, Workspace, T> answer) {
        Document doc = documents.get(uri);
        if (doc == null) return CompletableFuture.completedFuture(none);
        return CompletableFuture.supplyAsync(() -> {
            Map<Path, Workspace.File> open = new java.util.LinkedHashMap<>();
            for (Document d : documents.values()) open.put(d.path.toAbsolutePath().normalize(), new Workspace.File(d.uri, current(d)));
            return answer.apply(current(doc), new Workspace(open, folders));
        }, checker);
    }

    void log(MessageType type, String message) {
        LanguageClient c = client;
        if (c != null) c.logMessage(new MessageParams(type, message));
    }

    /** The file a {@code file:} URI names; null for any other scheme (an unsaved buffer has no directory to import from). */
    static Path pathOf(String uri) {
        try {
            URI u = URI.create(uri);
            return "file".equalsIgnoreCase(u.getScheme()) ? Path.of(u) : null;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }
}
