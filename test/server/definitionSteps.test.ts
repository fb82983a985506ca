// Which definitions an update re-evaluates, and as what code (analysis/definitionSteps.ts): pure
// analysis over running texts, as the engine computes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topLevelConstAsLet } from '../../common/runningText';
import { compareCollected } from '../../server/src/analysis/changes';
import { definitionSteps } from '../../server/src/analysis/definitionSteps';
import { collectFunctions } from '../../server/src/analysis/functions';

function plan(before: string, after: string, file = '/w/lib.js') {
  const old = collectFunctions(file, topLevelConstAsLet(before));
  const next = collectFunctions(file, topLevelConstAsLet(after));
  return definitionSteps(old, next, compareCollected(old, next), { esModule: file.endsWith('.mjs'), newNamesDeclared: true });
}

const LIB = [
  "const UNITS = { s: 1, m: 60 };",
  'const KEYS = Object.keys(UNITS);',
  'const TABLE = {};',
  'for (const k of KEYS) TABLE[k] = UNITS[k] * 2;',
  'let hits = 0;',
  'function f(k) { hits++; return TABLE[k]; }',
  'const OTHER = /x/;',
  'module.exports = { f, units: UNITS };',
  'module.exports.other = OTHER;',
].join('\n');

describe('analysis: definition steps', () => {
  it('re-evaluates a changed definition and what reads or fills from it, in source order, as assignments', () => {
    const p = plan(LIB, LIB.replace('m: 60 }', 'm: 60, h: 3600 }'));
    assert.deepEqual(
      p.steps.map((s) => s.label),
      ['const UNITS', 'const KEYS', 'const TABLE', 'for-of loop', 'module.exports =', 'module.exports.other ='],
    );
    // An object literal is rebuilt in place: `units` of the exports importers hold is that object.
    assert.match(p.steps[0]!.code, /^UNITS = \(\(now, next, gone\) => \{[^]*\}\)\(UNITS, \{ s: 1, m: 60, h: 3600 \}, \[\]\);$/);
    assert.deepEqual(p.steps[0]!.assigns, ['UNITS', 'UNITS.*']);
    assert.deepEqual([...p.inPlace], ['UNITS']);
    assert.deepEqual(p.steps[3]!.assigns, ['TABLE.*']);
    assert.match(p.steps[4]!.code, /^\(\(next\) => \{ const now = module\.exports;[^]*\}\)\(\{ f, units: UNITS \}\);$/);
    assert.deepEqual(p.steps[4]!.assigns, ['module.exports', 'module.exports.*']);
    assert.deepEqual(p.steps[5]!.assigns, ['module.exports.*']);
    assert.equal(p.steps[0]!.line, 0);
  });

  it('rebuilds an object literal in place, removing only the members the previous text gave it and the new one does not', () => {
    const before = "var api = { name: 'a', version: '1', render: undefined };\napi.render = function () { return api.version; };\napi.old = 1;\nmodule.exports = api;\n";
    const after = "var api = { version: '2', render: undefined };\napi.render = function () { return api.version; };\nmodule.exports = api;\n";
    const p = plan(before, after);
    assert.deepEqual(p.steps.map((s) => s.label), ['var api', 'api.render =', 'module.exports =']);
    assert.match(p.steps[0]!.code, /\(api, \{ version: '2', render: undefined \}, \["name","old"\]\);$/);
    // Only a removed member-filler: the object is rebuilt, so the member goes.
    const q = plan(before, before.replace('api.old = 1;\n', ''));
    assert.deepEqual(q.steps.map((s) => s.label), ['var api', 'api.render =', 'module.exports =']);
    assert.match(q.steps[0]!.code, /, \["old"\]\);$/);
  });

  it('makes an object anew (as before) when the previous text gave it members the rebuild could not name', () => {
    const spread = 'var base = { a: 1 };\nvar api = { ...base, v: 1 };\nmodule.exports = api;\n';
    assert.deepEqual([...plan(spread, spread.replace('v: 1', 'v: 2')).inPlace], []);
    const computed = "var api = { v: 1 };\nfor (var k of ['x', 'y']) api[k] = k;\nmodule.exports = api;\n";
    const p = plan(computed, computed.replace('v: 1', 'v: 2'));
    assert.deepEqual([...p.inPlace], []);
    assert.equal(p.steps[0]!.code, 'api = { v: 2 };');
  });

  it('remakes a table when one of its fills changed', () => {
    const p = plan(LIB, LIB.replace('UNITS[k] * 2', 'UNITS[k] * 3'));
    assert.deepEqual(p.steps.map((s) => s.label), ['const TABLE', 'for-of loop']);
  });

  it('destructuring runs as a destructuring assignment', () => {
    const before = 'const { a, b: [c] } = { a: 1, b: [2] };\nfunction f() { return a + c; }\n';
    const p = plan(before, before.replace('[2]', '[3]'));
    assert.equal(p.steps[0]!.code, '({ a, b: [c] } = { a: 1, b: [3] });');
    assert.deepEqual(p.steps[0]!.assigns, ['a', 'c']);
  });

  it('keeps state, effects and functions; new names (declared by their own steps first) and what reads them run in order', () => {
    const before = 'let count = 0;\nconst A = 1;\nfunction tick() { count++; }\nsetInterval(tick, 1000);\nexports.a = A;\n';
    const after = 'let count = 5;\nconst A = 2;\nconst B = 3;\nfunction tick() { count += 2; }\nsetInterval(tick, 500);\nexports.a = A;\nexports.b = B;\n';
    const p = plan(before, after);
    // `const B` is made by its declaration step; `exports.b = B` reads it there.
    assert.deepEqual(p.steps.map((s) => s.label), ['const A', 'exports.a =', 'exports.b =']);
    assert.ok(!p.reevaluated.has('let count'));
    assert.ok(!p.reevaluated.has('call setInterval'));
  });

  it('a table numbered by a load counter runs again as a sequence from the counter, when an entry is added (issue 20, shape B)', () => {
    const before = "var src = exports.src = [], re = exports.re = [], R = 0;\nvar NUM = R++;\nsrc[NUM] = '\\\\d+';\nvar WORD = R++;\nsrc[WORD] = '[a-z]+';\nfor (var i = 0; i < R; i++) { if (!re[i]) re[i] = new RegExp(src[i]); }\nexports.isWord = function (s) { return re[WORD].test(s); };\n";
    const after = before.replace("var WORD = R++;", "var HEX = R++;\nsrc[HEX] = '0x[0-9a-f]+';\nvar WORD = R++;");
    const p = plan(before, after);
    assert.deepEqual(p.steps.map((s) => s.label), ['var src, re, R', 'var NUM', 'src[NUM] =', 'var HEX', 'src[HEX] =', 'var WORD', 'src[WORD] =', 'for loop']);
    assert.equal(p.steps[0]!.code, 'src = exports.src = [];\nre = exports.re = [];\nR = 0;');
    assert.deepEqual(p.steps[3]!.assigns, ['HEX', 'R']);
  });

  it("a definition computed by the module's own pure function runs again when what it reads or the function's code changed (issue 20)", () => {
    const before = 'var MAX = 3;\nfunction clamp(x) { return Math.min(x, MAX); }\nvar LIMIT = clamp(5);\nvar seen = [];\nfunction track(x) { seen.push(x); return x; }\nvar OTHER = track(1);\nmodule.exports = { LIMIT: LIMIT, OTHER: OTHER };\n';
    // A definition the helper reads changed: what the helper computed from it runs again.
    assert.deepEqual(plan(before, before.replace('MAX = 3', 'MAX = 4')).steps.map((s) => s.label), ['var MAX', 'var LIMIT', 'module.exports =']);
    // Only the helper's code changed: the statement's text is the same, its value is not.
    assert.deepEqual(plan(before, before.replace('Math.min(x, MAX)', 'Math.min(x, MAX - 1)')).steps.map((s) => s.label), ['var LIMIT', 'module.exports =']);
    // A comment in it changes nothing.
    assert.deepEqual(plan(before, before.replace('{ return Math.min', '{ /* why */ return Math.min')).steps, []);
    // A helper with an effect (here, made so by the edit) never runs again.
    assert.deepEqual(plan(before, before.replace('return Math.min(x, MAX);', 'seen.push(x); return Math.min(x, MAX);')).steps, []);
    assert.deepEqual(plan(before, before.replace('seen.push(x); return x;', 'seen.push(x + 1); return x;')).steps, []);
  });

  it('an ES module re-evaluates its definitions but not its export lists', () => {
    const before = 'export const RATE = 2;\nconst X = RATE * 2;\nfunction g() { return X; }\nexport { g };\nexport default RATE;\n';
    const p = plan(before, before.replace('RATE = 2', 'RATE = 3').replace('export { g };', 'export { g, X };'), '/w/lib.mjs');
    assert.deepEqual(p.steps.map((s) => s.label), ['const RATE', 'const X']);
    assert.match(p.kept.get('export {}') ?? '', /export list/);
  });

  it('never assigns a const the running text kept as const', () => {
    // A file the scanner is unsure of keeps its `const`s (here: an unterminated template after them).
    const before = 'const A = 1;\nfunction f() { return A; }\nconst s = `${1}';
    const old = collectFunctions('/w/x.js', before + '`;');
    const next = collectFunctions('/w/x.js', before.replace('A = 1', 'A = 2') + '`;');
    const p = definitionSteps(old, next, compareCollected(old, next), { esModule: false, newNamesDeclared: true });
    assert.deepEqual(p.steps, []);
    assert.match(p.kept.get('const A') ?? '', /cannot be assigned/);
  });
});
