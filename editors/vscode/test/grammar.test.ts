// The TextMate grammar on the repository's real .ncd files: chosen tokens get the scopes a theme colours, and no
// example or stdlib file has a token the grammar calls invalid.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Token, ncdFiles, repoRoot, tokenize } from './tokenize';

async function tokensOf(relative: string): Promise<Token[]> {
  return tokenize(fs.readFileSync(path.join(repoRoot, relative), 'utf8'));
}

/**
 * The scopes of the `occurrence`-th token (0-based) whose text is `text` on the first line that contains `lineText`.
 * Fails when there is no such line or token, so that an edited example cannot make a test pass vacuously.
 */
function scopesOf(tokens: Token[], lineText: string, text: string, occurrence = 0): string[] {
  const lines = new Map<number, string>();
  for (const t of tokens) lines.set(t.line, (lines.get(t.line) ?? '') + t.text);
  const line = [...lines.entries()].find(([, l]) => l.includes(lineText));
  assert.ok(line, `no line contains ${JSON.stringify(lineText)}`);
  const matches = tokens.filter(t => t.line === line[0] && t.text === text);
  assert.ok(matches.length > occurrence,
    `line ${line[0] + 1} (${JSON.stringify(line[1])}) has ${matches.length} tokens ${JSON.stringify(text)}: ` +
    JSON.stringify(tokens.filter(t => t.line === line[0]).map(t => t.text)));
  return matches[occurrence].scopes;
}

function assertScope(tokens: Token[], lineText: string, text: string, scope: string, occurrence = 0): void {
  const scopes = scopesOf(tokens, lineText, text, occurrence);
  assert.ok(scopes.includes(scope), `${JSON.stringify(text)} in ${JSON.stringify(lineText)}: expected ${scope}, got ${scopes.join(' ')}`);
}

test('lif.ncd: units after numbers, keywords, comments, a law', async () => {
  const t = await tokensOf('examples/lif.ncd');
  assertScope(t, 'let I = 1 nA + 1 nA', '1', 'constant.numeric.ncd');
  assertScope(t, 'let I = 1 nA + 1 nA', 'nA', 'keyword.other.unit.ncd');
  assertScope(t, 'bernoulli[input, seed = 7](20 Hz * 0.1 ms)', 'Hz', 'keyword.other.unit.ncd');
  assertScope(t, 'bernoulli[input, seed = 7](20 Hz * 0.1 ms)', 'ms', 'keyword.other.unit.ncd');
  assertScope(t, 'bernoulli[input, seed = 7](20 Hz * 0.1 ms)', '0.1', 'constant.numeric.ncd');
  assertScope(t, 'bernoulli[input, seed = 7]', 'bernoulli', 'support.function.axis.ncd');
  assertScope(t, 'bernoulli[input, seed = 7]', 'input', 'variable.other.axis.ncd');
  assertScope(t, 'bernoulli[input, seed = 7]', 'seed', 'variable.parameter.ncd');
  assertScope(t, 'module examples.lif', 'module', 'keyword.other.module.ncd');
  assertScope(t, 'module examples.lif', 'lif', 'entity.name.namespace.ncd');
  assertScope(t, 'import std.lif.{LIF, ExpSynapse}', 'import', 'keyword.other.import.ncd');
  assertScope(t, 'import std.lif.{LIF, ExpSynapse}', 'ExpSynapse', 'variable.other.imported.ncd');
  assertScope(t, 'axis neuron = 100, input = 50', 'axis', 'storage.type.axis.ncd');
  assertScope(t, 'axis neuron = 100, input = 50', 'input', 'entity.name.type.axis.ncd');
  assertScope(t, 'circuit Driven() -> bool[neuron]', 'circuit', 'storage.type.circuit.ncd');
  assertScope(t, 'circuit Driven() -> bool[neuron]', 'Driven', 'entity.name.function.circuit.ncd');
  assertScope(t, 'circuit Driven() -> bool[neuron]', 'bool', 'storage.type.primitive.ncd');
  assertScope(t, 'circuit Driven() -> bool[neuron]', 'neuron', 'variable.other.axis.ncd');
  assertScope(t, 'return LIF<neuron>(I)', 'return', 'keyword.control.return.ncd');
  assertScope(t, 'return LIF<neuron>(I)', 'LIF', 'entity.name.function.call.ncd');
  assertScope(t, 'return LIF<neuron>(I)', 'neuron', 'variable.other.axis.ncd');
  assertScope(t, 'let pop = LIF<neuron>(syn)', 'let', 'storage.type.let.ncd');
  assertScope(t, 'let pop = LIF<neuron>(syn)', ' instance pop: membrane pop.v', 'comment.line.double-slash.ncd');
  assertScope(t, 'let pop = LIF<neuron>(syn)', '//', 'punctuation.definition.comment.ncd');
  assertScope(t, '// A population of 100 LIF neurons', ' A population of 100 LIF neurons, each driven by its own constant current between 1 and 2 nA,',
    'comment.line.double-slash.ncd');
  // law rheobase(): 1.5 nA * 10 Mohm == 15 mV within 1e-6
  assertScope(t, 'law rheobase()', 'law', 'keyword.other.law.ncd');
  assertScope(t, 'law rheobase()', 'rheobase', 'entity.name.function.law.ncd');
  assertScope(t, 'law rheobase()', 'Mohm', 'keyword.other.unit.ncd');
  assertScope(t, 'law rheobase()', 'within', 'keyword.other.law.within.ncd');
  assertScope(t, 'law rheobase()', '1e-6', 'constant.numeric.ncd');
  assertScope(t, 'law rheobase()', '==', 'keyword.operator.comparison.ncd');
});

test('attention.ncd: contractions, reductions, renames, params, laws', async () => {
  const t = await tokensOf('examples/attention.ncd');
  assertScope(t, 'let q = Wq @[d_model] x', '@', 'keyword.operator.contraction.ncd');
  assertScope(t, 'let q = Wq @[d_model] x', 'd_model', 'variable.other.axis.ncd');
  assertScope(t, 'let q = Wq @[d_model] x', 'd_model', 'meta.contraction.ncd');
  assertScope(t, 'return softmax<key>(s) @[key] v', 'key', 'meta.contraction.ncd', 1);
  assertScope(t, 'circuit Head(x: f32[seq, d_model])', 'seq', 'variable.other.axis.ncd');
  assertScope(t, 'circuit Head(x: f32[seq, d_model])', 'f32', 'storage.type.primitive.ncd');
  assertScope(t, 'param Wq, Wk, Wv: f32[d_head, d_model] ~ glorot', 'param', 'storage.modifier.param.ncd');
  assertScope(t, 'param Wq, Wk, Wv: f32[d_head, d_model] ~ glorot', 'Wk', 'variable.other.param.ncd');
  assertScope(t, 'param Wq, Wk, Wv: f32[d_head, d_model] ~ glorot', 'glorot', 'support.function.initializer.ncd');
  assertScope(t, 'let k = (Wk @[d_model] x){seq -> key}', 'seq', 'meta.rename.ncd');
  assertScope(t, 'let k = (Wk @[d_model] x){seq -> key}', 'key', 'variable.other.axis.ncd');
  assertScope(t, 'sqrt(size(d_head))', 'sqrt', 'support.function.builtin.ncd');
  assertScope(t, 'law normalizes(x: f32[key])', 'sum', 'support.function.reduction.ncd');
  assertScope(t, 'law normalizes(x: f32[key])', 'key', 'meta.axis-operation.ncd', 1);
  assertScope(t, 'law normalizes(x: f32[key])', 'key', 'variable.other.axis.ncd', 1);
  assertScope(t, 'law normalizes(x: f32[key])', 'within', 'keyword.other.law.within.ncd');
  assertScope(t, 'law normalizes(x: f32[key])', 'normalizes', 'entity.name.function.law.ncd');
  // A law's body on its own line: `within` is still a keyword, `roll` an axis operation.
  assertScope(t, 'attention<seq, key, d_head>(q, roll[key, 1](k)', 'within', 'keyword.other.law.within.ncd');
  assertScope(t, 'attention<seq, key, d_head>(q, roll[key, 1](k)', 'roll', 'support.function.axis.ncd');
  assertScope(t, 'attention<seq, key, d_head>(q, roll[key, 1](k)', '1', 'constant.numeric.ncd');
});

test('transformer.ncd: generic arguments, batched types, a law within a tolerance', async () => {
  const t = await tokensOf('examples/transformer.ncd');
  assertScope(t, 'circuit Encoder(x: f32[batch, seq, d_model])', 'batch', 'variable.other.axis.ncd');
  assertScope(t, 'circuit Encoder(x: f32[batch, seq, d_model])', 'batch', 'meta.axes.ncd', 1);
  assertScope(t, 'let layer = EncoderBlock<seq, key, d_model, heads, d_head, d_ff>(x)', 'd_ff', 'variable.other.axis.ncd');
  assertScope(t, 'let layer = EncoderBlock<seq, key, d_model, heads, d_head, d_ff>(x)', 'EncoderBlock', 'entity.name.function.call.ncd');
  assertScope(t, 'law norm_shift_invariant', 'layer_norm', 'entity.name.function.call.ncd');
  assertScope(t, 'law norm_shift_invariant', '1e-3', 'constant.numeric.ncd');
  // `3 within`: a keyword after a number is not its unit.
  assertScope(t, 'attention<seq, key, d_head>(roll[seq, 3](q), k, v)', '3', 'constant.numeric.ncd');
  assertScope(t, 'attention<seq, key, d_head>(roll[seq, 3](q), k, v)', 'within', 'keyword.other.law.within.ncd');
  assertScope(t, '// A transformer encoder', ' A transformer encoder: d_model 64, 4 heads of 16, feed-forward width 128, post-norm, ReLU.',
    'comment.line.double-slash.ncd');
});

test('stdlib: units, states and next, typed units', async () => {
  const units = await tokensOf('stdlib/std/units.ncd');
  assertScope(units, 'unit ms = 1e-3 s', 'unit', 'storage.type.unit.ncd');
  assertScope(units, 'unit ms = 1e-3 s', 'ms', 'entity.name.type.unit.ncd');
  assertScope(units, 'unit ms = 1e-3 s', 's', 'keyword.other.unit.ncd');
  assertScope(units, 'unit Hz = s^-1', 's', 'keyword.other.unit.ncd');
  assertScope(units, 'unit N = kg * m / s^2', ' newton', 'comment.line.double-slash.ncd');

  const lif = await tokensOf('stdlib/std/lif.ncd');
  const lifText = fs.readFileSync(path.join(repoRoot, 'stdlib/std/lif.ncd'), 'utf8');
  const stateLine = lifText.split('\n').find(l => /^\s*state \w+: f32\[\w+\] in \w+/.test(l));
  assert.ok(stateLine, 'std/lif.ncd has a state with a unit');
  const [, name, unit] = /state (\w+): f32\[\w+\] in (\w+)/.exec(stateLine)!;
  assertScope(lif, stateLine.trim(), 'state', 'storage.modifier.state.ncd');
  assertScope(lif, stateLine.trim(), name, 'variable.other.state.ncd');
  assertScope(lif, stateLine.trim(), 'in', 'keyword.other.in.ncd');
  assertScope(lif, stateLine.trim(), unit, 'keyword.other.unit.ncd');
  // `-65 mV`: the minus is the unary operator (as in the ncd grammar), then a number and its unit.
  assertScope(lif, 'const v_th = -50 mV, v_reset = -65 mV', '-', 'keyword.operator.arithmetic.ncd', 1);
  assertScope(lif, 'const v_th = -50 mV, v_reset = -65 mV', '65', 'constant.numeric.ncd');
  assertScope(lif, 'const v_th = -50 mV, v_reset = -65 mV', 'mV', 'keyword.other.unit.ncd', 1);
  assertScope(lif, 'param W: f32[post, pre] >= 0 ~ uniform(0, 1)', 'uniform', 'support.function.initializer.ncd');
  assertScope(lif, 'state refractory: f32[N] in ms = 0 ms', 'ms', 'keyword.other.unit.ncd', 1);
  const nextLine = lifText.split('\n').find(l => /^\s*next \w+ =/.test(l));
  assert.ok(nextLine, 'std/lif.ncd has a next');
  assertScope(lif, nextLine.trim(), 'next', 'keyword.other.next.ncd');

  const nn = await tokensOf('stdlib/std/nn.ncd');
  assertScope(nn, 'circuit Linear<I, O>(x: f32[I]) -> f32[O]', 'Linear', 'entity.name.function.circuit.ncd');
  assertScope(nn, 'circuit Linear<I, O>(x: f32[I]) -> f32[O]', 'O', 'meta.generic.ncd');
  assertScope(nn, 'circuit Linear<I, O>(x: f32[I]) -> f32[O]', '->', 'keyword.operator.arrow.ncd');
  assertScope(nn, 'return x @[I] W + b', 'I', 'meta.contraction.ncd');
  assertScope(nn, 'const eps = 1e-5', 'const', 'storage.modifier.const.ncd');
  assertScope(nn, 'let variance = mean[D](centered^2)', 'mean', 'support.function.reduction.ncd');
  assertScope(nn, 'let variance = mean[D](centered^2)', 'D', 'variable.other.axis.ncd');
});

test('a file name as an op argument is a string; an unterminated one is not', async () => {
  const pairs = await tokensOf('tests/lit/ir/synapses_distance_and_pairs.ncd');
  assertScope(pairs, 'synapses[src -> dst, pairs = "synapse_pairs.npy"](x)', '"synapse_pairs.npy"', 'string.quoted.double.ncd');
  const t = await tokenize('let y = synapses[a -> b, pairs = "conn.npy](x)');
  assertScope(t, 'pairs = "conn.npy](x)', '"', 'invalid.illegal.character.ncd');
});

test('text the language does not have is invalid, and a comment hides it', async () => {
  const t = await tokenize('let x = 1 $ 2\n// let x = 1 $ 2\n/* $\n $ */ let y = 3 ms');
  assertScope(t, 'let x = 1 $ 2', '$', 'invalid.illegal.character.ncd');
  assertScope(t, '// let x = 1 $ 2', ' let x = 1 $ 2', 'comment.line.double-slash.ncd');
  assertScope(t, ' $ */ let y = 3 ms', ' $ ', 'comment.block.ncd');
  assertScope(t, ' $ */ let y = 3 ms', 'ms', 'keyword.other.unit.ncd');
});

const everyFile = [...ncdFiles(path.join(repoRoot, 'examples')), ...ncdFiles(path.join(repoRoot, 'stdlib', 'std'))];

test('there are examples and stdlib modules to tokenise', () => {
  assert.ok(everyFile.length >= 20, `found only ${everyFile.length} .ncd files under examples/ and stdlib/`);
});

for (const file of everyFile) {
  const name = path.relative(repoRoot, file).split(path.sep).join('/');
  test(`${name} tokenises without an invalid scope`, async () => {
    const tokens = await tokenize(fs.readFileSync(file, 'utf8'));
    const invalid = tokens.filter(t => t.scopes.some(s => s.startsWith('invalid')));
    assert.deepEqual(invalid.map(t => `line ${t.line + 1}: ${JSON.stringify(t.text)} (${t.scopes.join(' ')})`), []);
    assert.ok(tokens.some(t => t.scopes.some(s => s.startsWith('comment.'))), `${name} has a comment`);
  });
}

// The language reference's ```ncd blocks, and the lit tests (files the checker reads: any that is no syntax error must
// tokenise without an invalid scope; a bad character the lexer rejects must be invalid here too).
test('every ncd block of docs/language.md tokenises without an invalid scope', async () => {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs', 'language.md'), 'utf8');
  const blocks = [...doc.matchAll(/^```ncd\n([\s\S]*?)^```/gm)].map(m => m[1]);
  assert.ok(blocks.length >= 20, `docs/language.md has only ${blocks.length} ncd blocks`);
  const invalid: string[] = [];
  for (const [i, block] of blocks.entries()) {
    for (const t of await tokenize(block)) {
      if (t.scopes.some(s => s.startsWith('invalid'))) invalid.push(`block ${i + 1}, line ${t.line + 1}: ${JSON.stringify(t.text)}`);
    }
  }
  assert.deepEqual(invalid, []);
});

test('every lit test outside errors/syntax tokenises without an invalid scope', async () => {
  const files = ncdFiles(path.join(repoRoot, 'tests', 'lit')).filter(f => !f.split(path.sep).join('/').includes('/errors/syntax/'));
  assert.ok(files.length >= 100, `found only ${files.length} lit tests`);
  const invalid: string[] = [];
  for (const f of files) {
    for (const t of await tokenize(fs.readFileSync(f, 'utf8'))) {
      if (t.scopes.some(s => s.startsWith('invalid'))) invalid.push(`${path.relative(repoRoot, f)}:${t.line + 1}: ${JSON.stringify(t.text)}`);
    }
  }
  assert.deepEqual(invalid, []);
});

test('the characters the lexer rejects in the lit tests are invalid', async () => {
  for (const [file, bad] of [['unexpected_character_dollar.ncd', '$'], ['unexpected_character_backtick.ncd', '`']]) {
    const f = path.join(repoRoot, 'tests', 'lit', 'errors', 'syntax', file);
    const tokens = await tokenize(fs.readFileSync(f, 'utf8'));
    const token = tokens.find(t => t.text === bad && !t.scopes.some(s => s.startsWith('comment')));
    assert.ok(token, `${file} has ${bad} outside a comment`);
    assert.ok(token.scopes.includes('invalid.illegal.character.ncd'), `${file}: ${bad} is ${token.scopes.join(' ')}`);
  }
});
