// "ncd: show diagram": draws the circuit or law at the cursor with `ncdc diagram FILE --circuit NAME -o TMP.svg`
// and shows the SVG in a webview beside the editor.
import * as vscode from 'vscode';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Declaration, declarationAt, declarations } from './circuits';
import { diagramArgs, html } from './diagramPage';

const panels = new Map<string, vscode.WebviewPanel>();

export async function showDiagram(ncdc: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'ncd') {
    void vscode.window.showErrorMessage('ncd: show diagram needs an .ncd file open in the editor.');
    return;
  }
  const document = editor.document;
  if (document.uri.scheme !== 'file') {
    void vscode.window.showErrorMessage('ncd: save the file first: ncdc diagram reads it from disk.');
    return;
  }
  if (document.isDirty && !(await document.save())) return;
  const text = document.getText();
  const target = declarationAt(text, editor.selection.active.line) ?? await pick(declarations(text));
  if (!target) return;

  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ncd-diagram-'));
  const svg = path.join(folder, `${target.name}.svg`);
  const args = diagramArgs(document.uri.fsPath, target.name, svg);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `ncdc diagram ${target.name}` },
    () => run(ncdc, args, path.dirname(document.uri.fsPath)));
  if (result.error || result.code !== 0 || !fs.existsSync(svg)) {
    const detail = result.error ? result.error.message : (result.stderr.trim() || `exit code ${result.code}`);
    void vscode.window.showErrorMessage(`ncd: \`${ncdc} ${args.join(' ')}\` failed: ${detail}`);
    fs.rmSync(folder, { recursive: true, force: true });
    return;
  }
  const content = fs.readFileSync(svg, 'utf8');
  fs.rmSync(folder, { recursive: true, force: true });
  show(`${path.basename(document.uri.fsPath)}: ${target.name}`, document.uri.toString() + '#' + target.name, content);
}

async function pick(candidates: Declaration[]): Promise<Declaration | undefined> {
  if (candidates.length === 0) {
    void vscode.window.showErrorMessage('ncd: this file declares no circuit or law to draw.');
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const item = await vscode.window.showQuickPick(
    candidates.map(d => ({ label: d.name, description: `${d.kind}, line ${d.line + 1}`, declaration: d })),
    { placeHolder: 'Which circuit or law to draw?' });
  return item?.declaration;
}

interface RunResult { code: number | null; stderr: string; error?: Error }

function run(command: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise(resolve => {
    cp.execFile(command, args, { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 5 * 60 * 1000 }, (error, _stdout, stderr) => {
      if (!error) return resolve({ code: 0, stderr: String(stderr) });
      // A number is ncdc's exit code; a string (ENOENT, EACCES) or nothing (killed at the timeout) means it did not run to the end.
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'number') resolve({ code, stderr: String(stderr) });
      else resolve({ code: null, stderr: String(stderr), error });
    });
  });
}

function show(title: string, key: string, svg: string): void {
  let panel = panels.get(key);
  if (!panel) {
    panel = vscode.window.createWebviewPanel('ncdDiagram', title, vscode.ViewColumn.Beside,
      { enableScripts: false, localResourceRoots: [] });
    panels.set(key, panel);
    panel.onDidDispose(() => panels.delete(key));
  } else {
    panel.reveal(vscode.ViewColumn.Beside, true);
  }
  panel.title = title;
  panel.webview.html = html(svg);
}
