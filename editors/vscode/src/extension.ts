// The ncd extension: starts `ncdc lsp` as the language server for .ncd files and adds "ncd: show diagram".
// Highlighting is the TextMate grammar (syntaxes/ncd.tmLanguage.json), which needs no code.
import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { showDiagram } from './diagram';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

/**
 * The `ncd.server.path` setting: the ncdc program, `ncdc` on the PATH unless set. A relative path with a folder
 * (`bin/ncdc`) is taken from the first workspace folder, as a checkout of ncd opened in VS Code would write it.
 */
export function serverPath(): string {
  const configured = vscode.workspace.getConfiguration('ncd').get<string>('server.path', 'ncdc').trim();
  if (configured === '') return 'ncdc';
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder && !path.isAbsolute(configured) && /[\\/]/.test(configured)) return path.join(folder.uri.fsPath, configured);
  return configured;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const command = serverPath();
  const serverOptions: ServerOptions = { command, args: ['lsp'], transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'ncd' }],
    outputChannel: output,
  };
  client = new LanguageClient('ncd', 'ncd language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(
      `ncd: could not start the language server \`${command} lsp\` (${message}). Set "ncd.server.path" to your ncdc, e.g. /home/me/ncd/bin/ncdc.`,
      'Open settings').then(choice => {
        if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'ncd.server.path');
      });
  }
  context.subscriptions.push({ dispose: () => { void client?.stop(); } });
}

async function restartClient(context: vscode.ExtensionContext): Promise<void> {
  if (client) {
    const old = client;
    client = undefined;
    try { await old.stop(); } catch { /* it did not start: nothing to stop */ }
  }
  await startClient(context);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('ncd language server');
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand('ncd.showDiagram', () => showDiagram(serverPath())),
    vscode.commands.registerCommand('ncd.restartServer', () => restartClient(context)),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('ncd.server.path')) void restartClient(context);
    }));
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
