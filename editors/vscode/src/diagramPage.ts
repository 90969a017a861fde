// What "ncd: show diagram" runs and the page it shows in its webview: no VS Code API, so that it is tested without
// VS Code.

/** The arguments of `ncdc` that draw `circuit` (a circuit or law) of `file` as SVG into `svg`. */
export function diagramArgs(file: string, circuit: string, svg: string): string[] {
  return ['diagram', file, '--circuit', circuit, '-o', svg];
}

/** The webview's page: the SVG inline, on white (Graphviz draws black on transparent), scrollable, no scripts. */
export function html(svg: string): string {
  const body = svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/<!DOCTYPE[^>]*>\s*/i, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:;">
<style>
  body { margin: 0; padding: 12px; background: #ffffff; overflow: auto; }
  svg { max-width: none; height: auto; }
</style>
</head>
<body>
${body}
</body>
</html>`;
}
