// The server's model of V8's LiveEdit matching (server/src/analysis/liveEditDiff.ts and
// liveEditOrder.ts) against V8 itself: seeded random programs of functions, arrows, function
// expressions, object and class methods with blank lines, comments and statements between them,
// random edits of bodies and gaps, and the scope accessor's spelling changed or not. For every
// case the functions the model predicts V8 leaves on old code must be exactly those V8 does (in the
// debuggee's Node: the runtime tests run on Node 20, 22 and 24).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { collectFunctions } from '../../server/src/analysis/functions';
import { liveEditDiff } from '../../server/src/analysis/liveEditDiff';
import { unmatched, v8Literals } from '../../server/src/analysis/liveEditOrder';
import { testNode } from '../support/inspectedProcess';
import { fixture } from '../support/paths';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BODIES = ['  return 1\n', '  return x + 1\n', '  if (x) {\n    return 2\n  }\n', '\n  return 3\n', '  // c\n  return x\n', '  return [1, 2]\n', '  const h = (y) => y + 1\n  return h(x)\n', '  return { a: 1 }\n'];
const GAPS = ['\n', '\n\n', '\nvoid 1\n', '\n// note\n', '\n\nvoid 2\n\n', '\n/* } */\n'];
const PARAMS = ['(x)', '(x, y)', ' (x)'];

interface Fn {
  kind: number;
  name: string;
  body: string;
  params: string;
}

const fnText = (f: Fn): string =>
  [
    `function ${f.name}${f.params} {\n${f.body}}\n`,
    `var ${f.name} = ${f.params.trim()} => {\n${f.body}}\n`,
    `var ${f.name} = function${f.params} {\n${f.body}}\n`,
    `var ${f.name}O = {\n  m${f.params} {\n${f.body}  }\n}\nvar ${f.name} = ${f.name}O.m\n`,
    `class ${f.name}C {\n  m${f.params} {\n${f.body}  }\n}\nvar ${f.name} = ${f.name}C.prototype.m\n`,
  ][f.kind]!;
const pathOf = (f: Fn): string => [f.name, f.name, f.name, `${f.name}O{}/m`, `${f.name}C{}/m`][f.kind]!;

function cases(seed: number, count: number): { old: string; new: string; paths: string[] }[] {
  const next = random(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(next() * a.length)]!;
  return Array.from({ length: count }, () => {
    const fns: Fn[] = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, j) => ({ kind: Math.floor(next() * 5), name: `f${j}`, body: pick(BODIES), params: pick(PARAMS) }));
    const gaps = Array.from({ length: fns.length + 1 }, () => pick(GAPS));
    const edited = fns.map((f) => (next() < 0.5 ? { ...f, body: pick(BODIES) } : f));
    const editedGaps = gaps.map((g) => (next() < 0.3 ? pick(GAPS) : g));
    const program = (f: Fn[], g: string[]): string => g[0] + f.map((x, i) => fnText(x) + g[i + 1]).join('');
    const tail = `\n;globalThis.__held = [${fns.map((f) => f.name).join(', ')}];`;
    return {
      old: `${program(fns, gaps)}${tail}\n;globalThis.z = (code) => 1;`,
      new: `${program(edited, editedGaps)}${tail}\n;globalThis.z = ${next() < 0.5 ? '(c$de)' : '(code)'} => 1;`,
      paths: fns.map(pathOf),
    };
  });
}

describe('runtime: the model of V8’s LiveEdit matching', () => {
  it('predicts exactly which functions V8 leaves on old code, on 400 random edits', () => {
    const all = cases(20261127, 400);
    const input = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lu-v8-matching-')), 'cases.json');
    fs.writeFileSync(input, JSON.stringify(all));
    const real = JSON.parse(execFileSync(testNode(), [fixture('live-edit-plan', 'v8-matching.cjs'), input], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } })) as { status: string; matched: boolean[] }[];
    const wrong: string[] = [];
    all.forEach((c, i) => {
      const lost = new Set(unmatched(v8Literals('/case.js', c.old, collectFunctions('/case.js', c.old)), v8Literals('/case.js', c.new, collectFunctions('/case.js', c.new)), liveEditDiff(c.old, c.new)));
      const predicted = c.paths.map((p) => !lost.has(p));
      if (real[i]!.status !== 'Ok' || JSON.stringify(predicted) !== JSON.stringify(real[i]!.matched)) wrong.push(`case ${i}: model ${JSON.stringify(predicted)}, V8 ${JSON.stringify(real[i])}\n${JSON.stringify(c.old)}\n→ ${JSON.stringify(c.new)}`);
    });
    assert.deepEqual(wrong, []);
    // The cases must exercise both answers, or the check proves nothing.
    const flat = real.flatMap((r) => r.matched);
    assert.ok(flat.includes(true) && flat.includes(false), 'some functions matched and some not');
  });
});
