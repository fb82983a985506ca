// The incremental path (server/src/analysis/incremental.ts) must answer exactly what the full path
// answers, or not at all. A property test: random edits, mostly inside function bodies, applied in
// chains to real files; whenever the fast path answers, its changes and its new FileFunctions (and
// the facts it keeps for the next edit) must equal collectFunctions + compareCollected.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { compareCollected } from '../../server/src/analysis/changes';
import { collectFunctions, pathFactsOf, type FileFunctions } from '../../server/src/analysis/functions';
import { compareIncremental } from '../../server/src/analysis/incremental';
import { fixturesDir, repoRoot } from '../support/paths';

/** mulberry32: a small seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SNIPPETS = [
  ' ', '\n', ' x ', 'y', '1', ';', ' + 2', '\n    total += 1;\n', '\n  count++;\n', '\n  TABLE.push(1);\n', '\n  let fresh = outer + 1;\n',
  '\n  const g = (a) => { return a + 1; };\n', '\n  setTimeout(() => { tick(); }, 10);\n', '\n  items.map(function (v) { return v * 2; });\n',
  '\n  const o = { m() { return this; }, get p() { return 1; } };\n', '\n  class Inner { run() { return 2; } }\n', ' /* c */ ', '// note\n',
  '\n  console.log("x");\n', '\n  return;\n', 'await ', 'yield ', '(', ')', '{', '}', '"', '`', '/*', ' => ', 'function () {}', '\r\n',
];

function generated5000(): string {
  const lines: string[] = ["'use strict';", 'let count = 0;', 'const TABLE = { a: 1 };'];
  for (let i = 0; i < 250; i++) {
    lines.push(`function f${i}(a, b) {`, `  const x = a + b * ${i};`, ...Array.from({ length: 16 }, (_, j) => `  if (x > ${j}) count += TABLE.a + ${j};`), '  return x;', '}');
  }
  lines.push('module.exports = { f0, f1 };');
  return lines.join('\n');
}

/** Top-level functions of typescript.js's scanner and parser: real code, 2,000-odd lines. */
function typescriptSlice(): string {
  const text = fs.readFileSync(path.join(repoRoot, 'node_modules', 'typescript', 'lib', 'typescript.js'), 'utf8');
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith('function createScanner('));
  let to = from + 2000;
  while (!lines[to]!.startsWith('function ')) to++;
  return lines.slice(from, to).join('\n');
}

function sources(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  // Of the vendored npm releases, each library's newest (their earlier ones are mostly the same
  // code: 2,000 files and minutes more, for shapes already there).
  const releases = path.join(fixturesDir, 'npm-releases');
  const newest = (versions: string[]) => versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  const walk = (dir: string): void => {
    const names = fs.readdirSync(dir).sort();
    const only = path.dirname(dir) === releases ? newest([...names]) : undefined;
    for (const name of names) {
      const full = path.join(dir, name);
      if (name === 'node_modules' || (only !== undefined && name !== only)) continue;
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (/\.[cm]?[jt]s$/.test(name)) out.push([full, fs.readFileSync(full, 'utf8')]);
    }
  };
  walk(fixturesDir);
  for (const file of ['server/src/analysis/topLevel.ts', 'server/src/core/planner.ts', 'runtime/src/index.ts']) {
    const full = path.join(repoRoot, file);
    if (fs.existsSync(full)) out.push([full, fs.readFileSync(full, 'utf8')]);
  }
  return out;
}

/** One random edit: mostly inside a function's body, sometimes anywhere. */
function randomEdit(text: string, functions: FileFunctions, random: () => number): string {
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
  const bodies = functions.functions.filter((f) => f.bodyStartOffset >= 0 && f.endOffset - f.bodyStartOffset > 2);
  let lo = 0;
  let hi = text.length;
  if (bodies.length > 0 && random() < 0.9) {
    const fn = pick(bodies);
    lo = fn.bodyStartOffset + 1;
    hi = fn.endOffset - 1;
  }
  const at = lo + Math.floor(random() * (hi - lo + 1));
  const op = random();
  if (op < 0.4) return text.slice(0, at) + pick(SNIPPETS) + text.slice(at);
  if (op < 0.55) return text.slice(0, at) + text.slice(Math.min(hi, at + 1 + Math.floor(random() * 12)));
  if (op < 0.7) return text.slice(0, at) + pick(SNIPPETS) + text.slice(Math.min(hi, at + 1 + Math.floor(random() * 8)));
  if (op < 0.8) {
    // A whole line, at the start of the next line.
    const lineStart = text.indexOf('\n', at) + 1;
    if (lineStart <= 0 || lineStart > hi) return text.slice(0, at) + '\n' + text.slice(at);
    return text.slice(0, lineStart) + `  const added${Math.floor(random() * 1000)} = ${pick(['1', 'count', 'x', '(v) => { return v; }'])};\n` + text.slice(lineStart);
  }
  if (op < 0.9) {
    // Change a string's content.
    const quote = text.slice(at, hi).search(/['"`]/);
    if (quote < 0) return text.slice(0, at) + 'z' + text.slice(at);
    const q = at + quote + 1;
    return text.slice(0, q) + pick(['a', 'B', ' ', '{', '/', '']) + text.slice(q + (random() < 0.5 ? 1 : 0));
  }
  // An identifier changed in place.
  const m = /[A-Za-z_$][\w$]*/.exec(text.slice(at, hi));
  if (!m) return text.slice(0, at) + 'w' + text.slice(at);
  const s = at + m.index;
  return text.slice(0, s) + pick(['count', 'x', 'renamed', 'TABLE', 'undefined', 'arguments', m[0] + '2']) + text.slice(s + m[0].length);
}

const exposuresOf = (f: FileFunctions) => JSON.stringify(pathFactsOf(f)?.exposures.map((e) => JSON.stringify(e)).sort());

/** The full path's answer, and the fast path's if it answers; they must agree. */
function check(file: string, before: FileFunctions, beforeText: string, afterText: string): { full: FileFunctions; fast: boolean; derived: boolean; after: FileFunctions } {
  const full = collectFunctions(file, afterText);
  const expected = compareCollected(before, full);
  const fast = compareIncremental(file, before, beforeText, afterText);
  if (!fast) return { full, fast: false, derived: false, after: full };
  const where = path.basename(file);
  assert.deepStrictEqual(fast.changes, expected, `changes differ (${where})`);
  assert.deepStrictEqual(fast.after, full, `after differs (${where})`);
  assert.equal(pathFactsOf(fast.after)?.ambiguous, pathFactsOf(full)?.ambiguous);
  assert.deepStrictEqual(pathFactsOf(fast.after)?.slashed, pathFactsOf(full)?.slashed);
  assert.equal(exposuresOf(fast.after), exposuresOf(full), `exposures differ (${where})`);
  // A derived version keeps `before`'s list of slashed paths; a collected one has its own.
  const derived = pathFactsOf(fast.after)!.slashed === pathFactsOf(before)!.slashed;
  return { full, fast: true, derived, after: fast.after };
}

describe('incremental analysis', () => {
  it('answers exactly as the full path for random edits (property test)', () => {
    const all: Array<[string, string, number]> = [
      ...sources().map(([f, t]) => [f, t, 25] as [string, string, number]),
      ['/virtual/big.js', generated5000(), 60],
      ['/virtual/scanner.js', typescriptSlice(), 60],
    ];
    let checked = 0;
    let fast = 0;
    let derived = 0;
    let seed = Number(process.env.SEED ?? 1);
    const scale = Number(process.env.SCALE ?? 1);
    for (const [file, original, edits] of all) {
      const random = rng(seed++);
      let text = original;
      let functions = collectFunctions(file, text);
      for (let i = 0; i < edits * scale; i++) {
        const edited = randomEdit(text, functions, random);
        if (edited === text) continue;
        let result;
        try {
          result = check(file, functions, text, edited);
        } catch (e) {
          fs.writeFileSync('/tmp/incremental-failure.json', JSON.stringify({ file, before: text, after: edited }));
          throw e;
        }
        checked++;
        if (result.fast) fast++;
        if (result.derived) derived++;
        // Chains: the next edit starts from this version (from the derived FileFunctions when the
        // fast path answered), unless it does not parse.
        if (result.full.syntaxErrors.length === 0) {
          text = edited;
          functions = result.after;
        }
      }
    }
    console.log(`incremental property test: ${checked} edits checked, ${fast} took the fast path, ${derived} of them with the new version derived`);
    assert.ok(fast > checked / 3, `the fast path answered only ${fast} of ${checked}`);
  });

  const file = '/virtual/x.js';
  const base = "'use strict';\nlet count = 0;\nfunction f(a) {\n  const x = a + 1;\n  return x;\n}\nconst g = () => {\n  return count;\n};\nclass C {\n  m() {\n    return 1;\n  }\n}\nconst h = (v) => v * 2;\n";
  const before = collectFunctions(file, base);

  it('a member inside a body that changes kind (getter to method) is reshaped, as the full path says', () => {
    const text = "'use strict';\nfunction f() {\n  const o = { get p() { return 1; } };\n  return o;\n}\n";
    const result = check('/virtual/reshaped.js', collectFunctions('/virtual/reshaped.js', text), text, text.replace('get p()', 'p()'));
    assert.ok(result.fast, 'the fast path answers for an edit inside one body');
  });

  it('answers for ordinary body edits', () => {
    for (const after of [
      base.replace('a + 1', 'a + 2'),
      base.replace('  return x;\n', '  console.log(x);\n  return x;\n'),
      base.replace('return count;', 'count++;\n  return count;'),
      base.replace('    return 1;', '    return [1, 2].map((v) => { return v + 1; });'),
      base.replace('const x = a + 1;', 'const x = a + 1; // note'),
    ]) {
      const result = compareIncremental(file, before, base, after);
      assert.ok(result, `no answer for ${JSON.stringify(after)}`);
      assert.deepStrictEqual(result.changes, compareCollected(before, collectFunctions(file, after)));
      assert.deepStrictEqual(result.after, collectFunctions(file, after));
    }
  });

  it('falls back for edits touching braces, the top level, or that do not parse', () => {
    for (const after of [
      base.replace('function f(a) {', 'function f(a)\n{'), // the body's opening brace
      base.replace('  return x;\n}', '  return x;\n'), // the closing brace
      base.replace('  return x;\n}\nconst g', '  return x;\n)\nconst g'), // the closing brace replaced
      base.replace('let count = 0;', 'let count = 1;'), // top level
      base.replace('(a)', '(a, b)'), // parameters
      base.replace('v * 2', 'v * 3'), // a concise arrow
      base.replace('a + 1', 'a +'), // a syntax error
      base.replace('a + 1', 'a + `'), // an unterminated template
      base.replace('const x = a + 1;', 'const x = a + 1; }\nfunction z() {'), // a new function boundary
    ]) {
      assert.equal(compareIncremental(file, before, base, after), undefined, `answered for ${JSON.stringify(after)}`);
    }
  });

  it("leaves an edit of a function the top level calls at load to the full path: the statement's class rests on its body (issue 20)", () => {
    const text = 'var MAX = 3;\nvar seen = [];\nfunction clamp(x) {\n  return Math.min(x, MAX);\n}\nvar LIMIT = clamp(5);\nfunction other(y) {\n  return y + 1;\n}\nmodule.exports = { LIMIT, other, seen };\n';
    const ff = collectFunctions(file, text);
    assert.equal(ff.topLevel.find((s) => s.key === 'var LIMIT')?.class, 'definition');
    // Made impure by the edit: the full path classes `var LIMIT` anew.
    const impure = text.replace('  return Math.min', '  seen.push(x);\n  return Math.min');
    assert.equal(collectFunctions(file, impure).topLevel.find((s) => s.key === 'var LIMIT')?.class, 'unsure');
    for (const after of [impure, text.replace('Math.min(x, MAX)', 'Math.min(x, MAX + 1)')]) {
      const result = check(file, ff, text, after);
      assert.equal(result.derived, false, 'not derived from the previous classes');
    }
    // An edit of a function no statement calls at load still takes the fast path, derived.
    assert.ok(check(file, ff, text, text.replace('y + 1', 'y + 2')).derived);
    // One that assigns a function declaration: what names it above its declaration is unsure again.
    const hoisted = 'var TABLE = { f: later };\nfunction other(y) {\n  return y + 1;\n}\nfunction later() {}\nmodule.exports = { TABLE, other };\n';
    const result = check(file, collectFunctions(file, hoisted), hoisted, hoisted.replace('return y + 1;', 'later = null;\n  return y + 1;'));
    assert.equal(result.after.topLevel.find((s) => s.key === 'var TABLE')?.class, 'unsure');
  });

  it('takes an edit whose callee text is shown only by its head', () => {
    const text = "p.then(function (result) {\n  return result + 'a long enough callee text to be cut';\n}).catch((e) => {\n  return e;\n});\n";
    const ff = collectFunctions(file, text);
    // Inside the first function: the arrow after it is labelled by a callee containing it.
    for (const after of [text.replace("'a long", "'a longer"), text.replace('result + ', '')]) {
      const result = compareIncremental(file, ff, text, after);
      if (result) {
        assert.deepStrictEqual(result.changes, compareCollected(ff, collectFunctions(file, after)));
        assert.deepStrictEqual(result.after, collectFunctions(file, after));
      }
    }
    const short = 'p.then(() => {\n  a;\n}).catch(() => {\n  return 1;\n});\n';
    assert.equal(compareIncremental(file, collectFunctions(file, short), short, short.replace('a;', 'b;')), undefined);
  });
});
