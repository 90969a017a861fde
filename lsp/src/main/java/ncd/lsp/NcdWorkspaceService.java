package ncd.lsp;

import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The workspace side: ncdc lsp has no settings and watches no files (a document is checked with its imports as they
 * are on disk each time it changes), so both notifications are taken and need nothing.
 */
final class NcdWorkspaceService implements WorkspaceService {
    @Override public void didChangeConfiguration(DidChangeConfigurationParams params) { }

    @Override public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) { }
}
