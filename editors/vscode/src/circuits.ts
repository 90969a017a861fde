// Where the circuits and laws of an .ncd file are, found from its text without the language server (so that
// "ncd: show diagram" works while the server is starting or when it is not installed).

export interface Declaration {
  kind: 'circuit' | 'law' | 'expect';
  name: string;
  /** 0-based line of the keyword. */
  line: number;
  /** 0-based line where the next top-level declaration starts (exclusive end), or the line count. */
  endLine: number;
}

const DECLARATION = /^\s*(circuit|law|expect|axis|unit|const|train)\b\s*([A-Za-z_][A-Za-z_0-9]*)?/;

/** The text with comments blanked out (same length, newlines kept), so that `// circuit X` declares nothing. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/**
 * The circuits, laws and expectations of a file, in order. A declaration runs until the next top-level
 * declaration (circuit, law, expect, axis, unit, const, train); a `const` inside a circuit body is indented,
 * which is how it is told apart from a top-level one.
 */
export function declarations(text: string): Declaration[] {
  const lines = stripComments(text).split(/\r?\n/);
  const found: Declaration[] = [];
  let open: Declaration | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = DECLARATION.exec(lines[i]);
    if (!m) continue;
    const keyword = m[1];
    const topLevel = !/^\s/.test(lines[i]) || keyword === 'circuit' || keyword === 'law' || keyword === 'expect';
    if (!topLevel) continue;
    if (open) { open.endLine = i; open = undefined; }
    if ((keyword === 'circuit' || keyword === 'law' || keyword === 'expect') && m[2]) {
      open = { kind: keyword, name: m[2], line: i, endLine: lines.length };
      found.push(open);
    }
  }
  return trimTrailingBlankLines(found, lines);
}

function trimTrailingBlankLines(found: Declaration[], lines: string[]): Declaration[] {
  for (const d of found) {
    while (d.endLine > d.line + 1 && lines[d.endLine - 1].trim() === '') d.endLine--;
  }
  return found;
}

/** The circuit or law whose text holds `line` (0-based), or undefined between declarations. */
export function declarationAt(text: string, line: number): Declaration | undefined {
  return declarations(text).find(d => line >= d.line && line < d.endLine);
}
