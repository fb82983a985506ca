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

  it('finds names removed but still read, and signature changes', () => {
    const before = 'function helper(a) { return a; }\nfunction main(x) { return helper(x); }\n';
    const changes = compareVersions('m.js', before, 'function main(x, y) { return helper(x) + y; }\n');
    assert.deepEqual(changes.dangling.map((d) => [d.name, d.at, d.removed?.displayName]), [['helper', { line: 0, column: 29 }, 'helper']]);
    assert.deepEqual(changes.changed[0]!.signature, { before: 'x', after: 'x , y' });
    assert.deepEqual(compareVersions('m.js', before, 'function main(x) { return x; }\n').dangling, []);
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
