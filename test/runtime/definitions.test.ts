// Re-evaluated definitions (issue 6): a changed top-level definition runs again in the module's
// scope inside the update's transaction, with the definitions that read it, in source order;
// state is kept; a definition that throws undoes the whole update. Patches are built the way the
// language server builds them (test/support/patches.ts: the same analysis and definition steps).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { hashText, type EvaluateResult } from '../../common/patch';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, serverPatch } from '../support/patches';

const scriptPatch = (file: string, edit: (text: string) => string) => {
  const before = fs.readFileSync(file, 'utf8');
  return serverPatch(file, before, edit(before));
};


const processes: InspectedProcess[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A program in a fresh folder: `files` written there, `main` started under the runtime. */
async function program(files: Record<string, string>, main: string): Promise<{ p: InspectedProcess; at: (name: string) => string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lu-defs-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const p = await InspectedProcess.start(path.join(dir, main));
  processes.push(p);
  await p.waitForLine(/^ready/);
  return { p, at: (name) => path.join(dir, name) };
}

async function value(p: InspectedProcess, file: string, expression: string): Promise<unknown> {
  const result: EvaluateResult = await p.evaluateInModule({ file, expression: `JSON.stringify(${expression})` });
  if (!result.ok) throw new Error(result.error);
  // The value comes back as the inspected string: a JavaScript string literal.
  return JSON.parse(new Function(`return ${result.value}`)() as string);
}

const CJS_LIB = `'use strict';
const UNITS = { s: 1000, m: 60000 };
const PATTERN = /^(\\d+)(s|m)$/;
const FACTOR = UNITS.m * 2;
const NAMES = {};
for (const k of Object.keys(UNITS)) NAMES[k] = k.toUpperCase();
const { s: SECOND } = UNITS;
let calls = 0;
function parse(text) {
  calls++;
  const m = PATTERN.exec(text);
  return m ? Number(m[1]) * UNITS[m[2]] : null;
}
function factor() { return FACTOR; }
function second() { return SECOND; }
function count() { return calls; }
module.exports = { parse, factor, second, names: NAMES, count };
module.exports.version = 'v1';
`;
const CJS_MAIN = `const lib = require('./lib.js');
lib.parse('1s');
setInterval(() => {}, 1000);
console.log('ready');
`;

describe('runtime: re-evaluated definitions', () => {
  it('CommonJS: a changed table, pattern and wiring are re-evaluated with what reads them; state is kept', async () => {
    const { p, at } = await program({ 'lib.js': CJS_LIB, 'main.js': CJS_MAIN }, 'main.js');
    const lib = at('lib.js');
    const exportsBefore = await value(p, at('main.js'), 'Object.keys(lib)');
    assert.deepEqual(exportsBefore, ['parse', 'factor', 'second', 'names', 'count', 'version']);
    const patch = scriptPatch(lib, (t) =>
      t
        .replace('{ s: 1000, m: 60000 }', '{ s: 1000, m: 60000, h: 3600000 }')
        .replace('(s|m)', '(s|m|h)')
        .replace("module.exports.version = 'v1';", "module.exports.version = 'v2';\nmodule.exports.hours = (n) => n * UNITS.h;"),
    );
    assert.deepEqual(
      patch.steps?.map((s) => s.label),
      ['const UNITS', 'const PATTERN', 'const FACTOR', 'const NAMES', 'for-of loop', 'const SECOND', 'module.exports =', 'module.exports.version =', 'module.exports.hours ='],
    );
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.scripts[0]!.steps?.length, 9);
    // Through the importer's object: the same object, its members rewired.
    assert.deepEqual(await value(p, at('main.js'), "[lib.parse('2h'), lib.factor(), lib.second(), lib.names, lib.count(), lib.version, lib.hours(1)]"), [
      7_200_000,
      120_000,
      1000,
      { s: 'S', m: 'M', h: 'H' },
      2,
      'v2',
      3_600_000,
    ]);
  });

  it('CommonJS: a definition that throws undoes the whole update and names the step and its line', async () => {
    const { p, at } = await program({ 'lib.js': CJS_LIB, 'main.js': CJS_MAIN }, 'main.js');
    const lib = at('lib.js');
    const before = await p.scriptState({ file: lib });
    const patch = scriptPatch(lib, (t) =>
      t
        .replace('{ s: 1000, m: 60000 }', '{ s: 1000, m: 60000, h: 3600000 }')
        .replace('UNITS.m * 2', 'UNITS.zz.y')
        .replace('  return m ? Number(m[1]) * UNITS[m[2]] : null;', '  return m ? -1 : null;'),
    );
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, false);
    const script = report.scripts[0]!;
    assert.equal(script.outcome, 'rejected');
    assert.deepEqual({ label: script.stepFailure?.label, line: script.stepFailure?.line }, { label: 'const FACTOR', line: 3 });
    assert.match(script.stepFailure!.error, /^TypeError: Cannot read properties of undefined/);
    assert.match(script.reason!, /const FACTOR/);
    // Old code and old values: UNITS put back, parse runs its old body, the wiring untouched.
    assert.deepEqual(await value(p, at('main.js'), "[lib.parse('2m'), lib.parse('2h'), lib.factor(), lib.count(), Object.keys(lib).length]"), [120_000, null, 120_000, 3, 6]);
    const now = await p.scriptState({ file: lib });
    assert.equal('hash' in now && now.hash, 'hash' in before && before.hash);
  });

  // FINDING (Node 24.21, V8 13.6): after a second LiveEdit of a module (two updates, or an update
  // and its rollback), evaluating in that module's scope kills the program: "Fatal error … Check
  // failed: stored_info == context->scope_info()". Not specific to definitions: two function-only
  // updates followed by the runtime's `evaluate` do it too. Node 20 and 22 are fine. The scope
  // accessor's function gets a new scope info from LiveEdit that is not its context's. Skipped on
  // Node 24 until the runtime avoids it.
  it('after an undone update, the module scope still evaluates (old values; Node 24 aborted here before the accessor changed with every LiveEdit)', async () => {
    const { p, at } = await program({ 'lib.js': CJS_LIB, 'main.js': CJS_MAIN }, 'main.js');
    const lib = at('lib.js');
    const patch = scriptPatch(lib, (t) => t.replace('{ s: 1000, m: 60000 }', '{ s: 1000, m: 60000, h: 3600000 }').replace('UNITS.m * 2', 'UNITS.zz.y'));
    assert.equal((await p.apply(patchOf(patch))).ok, false);
    assert.deepEqual(await value(p, lib, 'UNITS'), { s: 1000, m: 60000 });
  });

  it('TypeScript ES module: definitions re-evaluated through the scope accessor while the top-level text stays; importers see the live bindings', async () => {
    const libTs = `export const RATES: Record<string, number> = { a: 1, b: 2 };
export const TOTAL: number = Object.values(RATES).reduce((x, y) => x + y, 0);
const LABEL = \`total \${TOTAL}\` as const;
let hits = 0;
export function rate(k: string): number { hits++; return RATES[k] ?? -1; }
export function label(): string { return LABEL; }
export function count(): number { return hits; }
`;
    const mainTs = `import * as lib from './lib.mts';
lib.rate('a');
setInterval(() => {}, 1000);
console.log('ready');
`;
    const { p, at } = await program({ 'lib.mts': libTs, 'main.mts': mainTs }, 'main.mts');
    const lib = at('lib.mts');
    const running = await p.scriptState({ file: lib });
    const patch = scriptPatch(lib, (t) => t.replace('{ a: 1, b: 2 }', '{ a: 1, b: 2, c: 3 }'));
    // The running top level stays (V8 refuses to change an ES module's): only the steps run.
    assert.equal(hashText(patch.code), 'hash' in running ? running.hash : undefined);
    assert.deepEqual(patch.steps?.map((s) => s.label), ['const RATES', 'const TOTAL', 'const LABEL']);
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(await value(p, at('main.mts'), "[lib.rate('c'), lib.RATES.c, lib.label(), lib.count()]"), [3, 3, 'total 6', 2]);
  });

  it('CommonJS TypeScript: a changed lookup map and a derived constant; a counter mutated in a function is kept', async () => {
    const libTs = `const CODES: Readonly<Record<number, string>> = Object.freeze({ 200: 'OK', 404: 'Not Found' });
const KNOWN: number[] = Object.keys(CODES).map(Number);
let served: number = 0;
function status(code: number): string { served++; return CODES[code] ?? 'unknown'; }
function known(): number[] { return KNOWN; }
function count(): number { return served; }
module.exports = { status, known, count };
`;
    const mainTs = `const lib = require('./lib.cts');
lib.status(200);
lib.status(404);
setInterval(() => {}, 1000);
console.log('ready');
`;
    const { p, at } = await program({ 'lib.cts': libTs, 'main.cts': mainTs }, 'main.cts');
    const lib = at('lib.cts');
    const patch = scriptPatch(lib, (t) => t.replace("404: 'Not Found' }", "404: 'Not Found', 418: \"I'm a teapot\" }").replace('let served: number = 0;', 'let served: number = 100;'));
    assert.deepEqual(patch.steps?.map((s) => s.label), ['const CODES', 'const KNOWN']);
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(await value(p, at('main.cts'), '[lib.status(418), lib.known(), lib.count()]'), ["I'm a teapot", [200, 404, 418], 3]);
  });
});
