// Tokenises .ncd text with the extension's TextMate grammar, as VS Code does (vscode-textmate on the Oniguruma
// regex engine compiled to WebAssembly), without a VS Code instance.
import * as fs from 'fs';
import * as path from 'path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

export const extensionRoot = path.resolve(__dirname, '..', '..');
export const repoRoot = path.resolve(extensionRoot, '..', '..');
const grammarFile = path.join(extensionRoot, 'syntaxes', 'ncd.tmLanguage.json');

export interface Token { line: number; text: string; scopes: string[] }

let grammar: Promise<vsctm.IGrammar> | undefined;

function load(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
  const registry = new vsctm.Registry({
    onigLib,
    loadGrammar: async (scopeName: string) => scopeName === 'source.ncd'
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile)
      : null,
  });
  return registry.loadGrammar('source.ncd').then(g => {
    if (!g) throw new Error(`no grammar source.ncd in ${grammarFile}`);
    return g;
  });
}

/** Every token of `text`, line by line, with its scopes (outermost first: source.ncd, ...). */
export async function tokenize(text: string): Promise<Token[]> {
  grammar ??= load();
  const g = await grammar;
  const tokens: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) tokens.push({ line: i, text: line.substring(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  });
  return tokens;
}

/** Every .ncd file under `dir`, recursively, sorted. */
export function ncdFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...ncdFiles(p));
    else if (e.name.endsWith('.ncd')) out.push(p);
  }
  return out.sort();
}
