// Which circuit "ncd: show diagram" draws: the declaration that holds the cursor's line.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { declarationAt, declarations, stripComments } from '../src/circuits';
import { repoRoot } from './tokenize';

test('attention.ncd: circuits and laws in order, comments ignored', () => {
  const text = fs.readFileSync(path.join(repoRoot, 'examples/attention.ncd'), 'utf8');
  assert.deepEqual(declarations(text).map(d => `${d.kind} ${d.name}`), [
    'circuit SelfAttention', 'circuit BatchedSelfAttention', 'circuit Head',
    'law normalizes', 'law constant_values', 'law kv_permutation']);
  const lines = text.split('\n');
  const inHead = lines.findIndex(l => l.includes('let s = (q @[d_head] k)'));
  assert.equal(declarationAt(text, inHead)?.name, 'Head');
  const lawBody = lines.findIndex(l => l.includes('attention<seq, key, d_head>(q, k, expand[key](u))'));
  assert.equal(declarationAt(text, lawBody)?.name, 'constant_values');
  const axisLine = lines.findIndex(l => l.startsWith('axis seq'));
  assert.equal(declarationAt(text, axisLine), undefined);
  // The comment above a circuit belongs to no declaration: the blank line before it ends the previous one.
  const commentAboveHead = lines.findIndex(l => l.startsWith('// One head written out'));
  assert.equal(declarationAt(text, commentAboveHead - 1), undefined);
});

test('a const inside a circuit does not end it; a top-level one does; commented declarations are not declarations', () => {
  const text = [
    'circuit A(x: f32) -> f32 {',   // 0
    '  const c = 2',                 // 1
    '  return x * c',                // 2
    '}',                             // 3
    'const k = 3',                   // 4
    '// circuit Fake() -> f32 { return 1 }', // 5
    '/* circuit Fake2',              // 6
    '*/ expect glides after 4 steps: A(1) == 2', // 7
  ].join('\n');
  assert.deepEqual(declarations(text).map(d => [d.name, d.line, d.endLine]), [['A', 0, 4], ['glides', 7, 8]]);
  assert.equal(declarationAt(text, 2)?.name, 'A');
  assert.equal(declarationAt(text, 4), undefined);
  assert.equal(stripComments('a // b\nc /* d\ne */ f'), 'a     \nc     \n     f');
});
