// The top-level classification (definition / state / effect / unsure) and what the comparison and
// the splice make of top-level edits: pure analysis, no program needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions } from '../../server/src/analysis/changes';
import { collectFunctions } from '../../server/src/analysis/functions';
import { spliceFunctions } from '../../server/src/analysis/splice';

const classes = (file: string, text: string) => collectFunctions(file, text).topLevel.map((s) => [s.key, s.class]);

describe('analysis: top-level statements', () => {
  it('classifies a CommonJS module statement by statement', () => {
    const text = [
      "'use strict';",
      "const fs = require('node:fs');",
      "const helper = require('./helper');",
      'const WORDS = /\\w+/g;',
      "const TABLE = Object.freeze({ a: 1, b: [2, 3], c: 'x'.repeat(2) });",
      'const DERIVED = TABLE.b.map((n) => n * 2);',
      'let count = 0;',
      'const cache = new Map();',
      'const LOOKUP = {};',
      "LOOKUP.x = 'y';",
      'const started = Date.now();',
      'function tick() { count++; cache.set(count, 1); return count; }',
      'class Point { x = 1; move() {} }',
      'setInterval(tick, 1000);',
      "process.on('exit', () => {});",
      'module.exports = { tick, Point };',
      'exports.extra = WORDS;',
      'for (const k of Object.keys(TABLE)) LOOKUP[k] = k;',
      'while (count < 3) tick();',
      '',
    ].join('\n');
    assert.deepEqual(classes('m.js', text), [
      ['const fs', 'definition'],
      ['const helper', 'effect'],
      ['const WORDS', 'definition'],
      ['const TABLE', 'definition'],
      ['const DERIVED', 'definition'],
      ['let count', 'state'],
      ['const cache', 'state'],
      ['const LOOKUP', 'definition'],
      ['LOOKUP.x =', 'definition'],
      ['const started', 'unsure'],
      ['function tick', 'definition'],
      ['class Point', 'definition'],
      ['call setInterval', 'effect'],
      ['call process.on', 'effect'],
      ['module.exports =', 'definition'],
      ['exports.extra =', 'definition'],
      ['for-of loop', 'definition'],
      ['while statement', 'unsure'],
    ]);
    const state = collectFunctions('m.js', text).topLevel.find((s) => s.key === 'let count')!;
    assert.equal(state.reason, 'holds state (`count` is incremented in `tick`)');
    assert.deepEqual([state.anchorStart, state.anchorEnd], [{ line: 6, column: 4 }, { line: 6, column: 9 }]);
  });

  it('classifies ES module and TypeScript statements, ignoring types', () => {
    const text = [
      "import { readFileSync } from 'node:fs';",
      "import type { Thing } from './thing';",
      'interface Shape { x: number }',
      'type Id = string;',
      'export const LIMIT: number = 10;',
      'export let sessions: Map<Id, Thing> = new Map();',
      'export function add(id: Id, t: Thing): void { sessions.set(id, t); }',
      'export { readFileSync };',
      'export default LIMIT;',
      '',
    ].join('\n');
    assert.deepEqual(classes('m.ts', text), [
      ['import node:fs', 'effect'],
      ['const LIMIT', 'definition'],
      ['let sessions', 'state'],
      ['function add', 'definition'],
      ['export {}', 'definition'],
      ['export default', 'definition'],
    ]);
  });

  it('reports changed, added and removed statements by identity, not position or layout', () => {
    const before = 'const A = 1;\nlet n = 0;\nfunction f() { n++; return A; }\nsetInterval(f, 10);\n';
    const after = '// a comment above\n\nconst A = 2;\nlet n = 0;\nfunction f() { n++; return A + 1; }\nsetInterval(f, 10);\nconsole.log("hi");\n';
    const changes = compareVersions('m.js', before, after);
    assert.deepEqual(changes.topLevel.map((c) => [c.change, c.statement.key, c.statement.class]), [
      ['changed', 'const A', 'definition'],
      ['added', 'call console.log', 'effect'],
    ]);
    assert.deepEqual(changes.changed.map((c) => c.after.displayName), ['f']);
    assert.equal(compareVersions('m.js', before, before.replace('let n = 0;', 'let   n = 0; // same')).topLevel.length, 0);
  });

  it('names a statement without the comments between its parts (Babel\'s coverage hints)', () => {
    const plain = 'function diffArrays() {}\nexports.diffArrays = diffArrays;\nObject.assign(exports, { diffArrays });\n';
    const hinted = 'function diffArrays() {}\nexports. /*istanbul ignore end*/diffArrays = diffArrays;\nObject /* a */ .assign(exports, { diffArrays });\n';
    assert.deepEqual(classes('m.js', hinted), classes('m.js', plain));
    assert.deepEqual(classes('m.js', hinted).map(([key]) => key), ['function diffArrays', 'exports.diffArrays =', 'call Object.assign']);
    assert.equal(compareVersions('m.js', plain, hinted).topLevel.length, 0);
  });

  it('finds names removed but still read, and signature changes', () => {
    const before = 'function helper(a) { return a; }\nfunction main(x) { return helper(x); }\n';
    const changes = compareVersions('m.js', before, 'function main(x, y) { return helper(x) + y; }\n');
    assert.deepEqual(changes.dangling.map((d) => [d.name, d.at, d.removed?.displayName]), [['helper', { line: 0, column: 29 }, 'helper']]);
    assert.deepEqual(changes.changed[0]!.signature, { before: 'x', after: 'x , y' });
    assert.deepEqual(compareVersions('m.js', before, 'function main(x) { return x; }\n').dangling, []);
  });
});

describe("analysis: calls of the module's own functions at load (issue 20)", () => {
  // The shapes of marked 0.3 and semver 5, written anew: a regex builder returning a closure that
  // changes only its own captured variables, a merge into a fresh literal, a debug function chosen
  // at load by an if/else, called from a compile loop.
  const HELPERS = [
    "function replace(regex, opt) { regex = regex.source; opt = opt || ''; return function self(name, val) { if (!name) return new RegExp(regex, opt); val = val.source || val; regex = regex.replace(name, val); return self; }; }",
    'function merge(obj) { var i = 1, target, key; for (; i < arguments.length; i++) { target = arguments[i]; for (key in target) { if (Object.prototype.hasOwnProperty.call(target, key)) obj[key] = target[key]; } } return obj; }',
    'var debug;',
    "if (process.env.DEBUG) { debug = function () { var args = Array.prototype.slice.call(arguments, 0); args.unshift('X'); console.log.apply(console, args); }; } else { debug = function () {}; }",
    'var MAX = 3;',
    'function clamp(x) { return Math.min(x, MAX); }',
  ];
  const statement = (text: string, key: string) => collectFunctions('m.js', text).topLevel.find((s) => s.key === key)!;

  it('a call to a pure helper is constant data: the definition or loop around it runs again', () => {
    const text = [
      ...HELPERS,
      "var block = { hr: /^-{3}/, paragraph: /^(?:hr|x)/, fences: noop };",
      "block.paragraph = replace(block.paragraph)('hr', block.hr)();",
      'block.normal = merge({}, block, { gfm: true });',
      "var src = ['a+', 'b+'];",
      'var re = [];',
      'for (var i = 0; i < src.length; i++) { debug(i, src[i]); re[i] = new RegExp(src[i]); }',
      'var LIMIT = clamp(5);',
      'function noop() {}',
      'module.exports = { block: block, re: re, LIMIT: LIMIT };',
      '',
    ].join('\n');
    const got = new Map(classes('m.js', text) as Array<[string, string]>);
    // `noop` is declared below the table that names it: a function declaration holds from the start.
    assert.equal(got.get('var block'), 'definition');
    assert.equal(got.get('block.paragraph ='), 'definition');
    assert.equal(got.get('block.normal ='), 'definition');
    assert.equal(got.get('for loop'), 'definition');
    assert.equal(got.get('var LIMIT'), 'definition');
    // What the helpers read counts as read by the statement; the helpers consulted are named.
    assert.ok(statement(text, 'var LIMIT').reads.includes('MAX'));
    assert.deepEqual(statement(text, 'for loop').calls, ['debug']);
    assert.deepEqual(statement(text, 'block.paragraph =').calls, ['replace']);
  });

  it('a helper with an effect, or unsure, keeps the statement as it ran', () => {
    const cases: Array<[string, string[], RegExp]> = [
      // Writes a module variable.
      ['var last; function note(x) { last = x; return x; }', ['var A = note(1);'], /assigns `last`, outside it/],
      // Pushes to a module array.
      ['var seen = []; function track(x) { seen.push(x); return x; }', ['var A = track(1);'], /changes `seen\.push`, an object it did not make/],
      // Calls a function it does not know.
      ['function wrap(x) { return lookup(x); }', ['var A = wrap(1);'], /calls `lookup`/],
      ['function call(f) { return f(); }', ['var A = call(function () { return 1; });'], /a value it was given/],
      // Writes into a parameter that is not a fresh literal at the call site.
      [HELPERS[1]!, ['var base = { a: 1 };', 'var A = merge(base, { b: 2 });'], /writes into `obj\[key\]`, an object it did not make/],
      // Uses `this` (a global object in sloppy code).
      ['function setIt(v) { this.v = v; return v; }', ['var A = setIt(1);'], /a call to `setIt`, which writes into `this\.v`/],
      // A function variable assigned again after the call: not surely that function when it runs.
      ['var fmt = function (x) { return x; };', ['var A = fmt(1);', 'fmt = function (x) { return x + 1; };'], /a call to `fmt`/],
      // Passes a module function with an effect to a call that may run it.
      ['var seen = []; function track(x) { seen.push(x); return x; }', ['var A = [1, 2].map(track);'], /`track`, passed to a call, which changes `seen\.push`/],
      // Returns a closure that keeps state between calls (made again, it would start over).
      ['function counter() { var n = 0; return function () { return ++n; }; }', ['var A = counter();'], /keeps state between calls/],
      ['function make(name) { var handled = 0; return { handle(r) { handled++; return name + r; } }; }', ['var A = make(1);'], /keeps state between calls/],
      // Reads a module binding that the program changes (state).
      ['var hits = 0; function get(x) { return x + hits; } function bump() { hits++; }', ['var A = get(1);'], /reads `hits`, not constant data there/],
      // A function declaration that a function assigns: not surely that function.
      ['function id(x) { return x; } function swap() { id = null; }', ['var A = id(1);'], /a call to `id`/],
    ];
    for (const [helpers, statements, why] of cases) {
      const text = `${helpers}\n${statements.join('\n')}\n`;
      const a = statement(text, 'var A');
      assert.equal(a.class, 'unsure', `${helpers} ${statements[0]}`);
      assert.match(a.reason, why, `${helpers}: ${a.reason}`);
    }
  });
});

describe('analysis: splice', () => {
  it('keeps the running top level byte for byte and takes only the changed functions', () => {
    const running = '// v1 header\nexport const K = 1;\nexport function f() {\n  return K;\n}\nexport function g() { return 2; }\n';
    const saved = '// v2 header, longer\n\nexport const K = 100;\nexport function f() {\n  return K + 1;\n}\nexport function g() { return 2; }\nexport function h() {}\n';
    const changes = compareVersions('m.mjs', running, saved);
    assert.equal(changes.rawTopLevelChanged, true);
    const spliced = spliceFunctions(running, saved, changes);
    assert.equal(spliced.code, running.replace('return K;', 'return K + 1;'));
    assert.equal(spliced.complete, false, 'the added top-level h cannot get in');
    assert.equal(spliced.lineDrift, 2, 'the saved file has two more lines above f');
    const nested = compareVersions('m.mjs', running, running.replace('return K;', 'const q = () =>\n    K;\n  return q();'));
    const again = spliceFunctions(running, running.replace('return K;', 'const q = () =>\n    K;\n  return q();'), nested);
    assert.equal(again.code, running.replace('return K;', 'const q = () =>\n    K;\n  return q();'));
    assert.equal(again.complete, true);
    assert.equal(again.lineDrift, 0, 'the running script takes the new lines with f');
  });
});
