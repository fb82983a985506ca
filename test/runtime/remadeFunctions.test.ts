// Re-made functions (server/src/analysis/remadeFunctions.ts): a top-level function whose text
// moved past others is new to V8's text diff, so LiveEdit leaves the module's binding on the old
// closure (npm `cookie` 1.0.2 → 1.1.0). Where the module only calls it, the update re-makes it in
// the module's scope inside the transaction. Real Node processes; patches built as the server
// builds them (test/support/patches.ts). Each case also applies the same patch without the
// re-making step, to show V8 really leaves that function on old code here.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { ScriptPatch } from '../../common/patch';
import { InspectedProcess } from '../support/inspectedProcess';
import { HELPER_AFTER, HELPER_BEFORE } from '../support/movedHelper';
import { patchOf, serverPatch } from '../support/patches';

const processes: InspectedProcess[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const MAIN = `const lib = require('./lib.js');\nglobalThis.lib = lib;\nsetInterval(() => {}, 1000);\nconsole.log('ready');\n`;

async function program(lib: string): Promise<{ p: InspectedProcess; file: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lu-remade-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'lib.js'), lib);
  fs.writeFileSync(path.join(dir, 'main.js'), MAIN);
  const p = await InspectedProcess.start(path.join(dir, 'main.js'));
  processes.push(p);
  await p.waitForLine(/^ready/);
  return { p, file: path.join(dir, 'lib.js') };
}

const BEFORE = HELPER_BEFORE;
const AFTER = HELPER_AFTER;

const withoutRemade = (patch: ScriptPatch): ScriptPatch => ({ ...patch, steps: patch.steps?.filter((s) => s.label !== 'function trim') });

describe('runtime: functions V8 leaves on old code are re-made', () => {
  it('a moved helper the module only calls runs its new code after the update, and nothing is reported stale', async () => {
    const { p, file } = await program(BEFORE);
    assert.deepEqual(await p.evaluate('lib.parse("a ; b")'), ['a', 'b']);
    const patch = serverPatch(file, BEFORE, AFTER);
    assert.deepEqual(patch.steps?.map((s) => s.label), ['function trim']);
    const report = await p.apply(patchOf(patch));
    assert.ok(report.ok, JSON.stringify(report));
    assert.deepEqual(report.scripts[0]?.steps, ['function trim']);
    assert.equal(report.scripts[0]?.staleClosures, undefined, 'the old closure is no longer reachable');
    assert.deepEqual(await p.evaluate('lib.parse("a ; b")'), ['<a>', '<b>']);
    const stack = await p.evaluate<string>('(() => { try { lib.parse({ split: () => [null] }); } catch (e) { return e.stack; } })()');
    // The re-made function is an evaluated copy laid out at the file's lines: its frames say line 11, where it is written.
    assert.match(stack, /at trim \(eval at .*<anonymous>:11:18\)/);
  });

  it('without the re-making step, in one LiveEdit, V8 leaves the helper on its old code and the runtime says so (the case is real)', async () => {
    const { p, file } = await program(BEFORE);
    const { twoStep: _, ...oneStep } = withoutRemade(serverPatch(file, BEFORE, AFTER));
    const report = await p.apply(patchOf(oneStep));
    assert.ok(report.ok, JSON.stringify(report));
    assert.deepEqual(await p.evaluate('lib.parse("a ; b")'), ['a', 'b']);
    assert.deepEqual(report.scripts[0]?.staleClosures?.map((s) => s.function), ['trim']);
  });

  it('a helper something else holds (exported) is not re-made: its new body goes in first under its old head, so the closure held runs the new code (decision 053)', async () => {
    const held = (text: string): string => text.replace("exports.serialize = serialize;\n", 'exports.serialize = serialize;\nexports.trim = trim;\n');
    const { p, file } = await program(held(BEFORE));
    const patch = serverPatch(file, held(BEFORE), held(AFTER));
    assert.deepEqual(patch.steps ?? [], []);
    assert.equal(patch.twoStep, 'bodiesFirst');
    const report = await p.apply(patchOf(patch));
    assert.ok(report.ok, JSON.stringify(report));
    assert.equal(report.scripts[0]?.staleClosures, undefined, JSON.stringify(report.scripts[0]?.staleClosures));
    assert.deepEqual(await p.evaluate('[lib.trim(" x "), ...lib.parse("a ; b")]'), ['<x>', '<a>', '<b>']);
  });

  it('a later step that throws undoes the re-making with the rest of the update', async () => {
    const limit = (text: string, value: string): string => text.replace("'use strict';\n", `'use strict';\nlet LIMIT = ${value};\n`);
    const before = limit(BEFORE, '1');
    const { p, file } = await program(before);
    const patch = serverPatch(file, before, limit(AFTER, "JSON.parse('{')"));
    assert.deepEqual(patch.steps?.map((s) => s.label), ['function trim', 'let LIMIT']);
    assert.equal(patch.twoStep, 'bodiesFirst');
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, false);
    assert.equal(report.scripts[0]?.stepFailure?.label, 'let LIMIT');
    // bodiesFirst's second LiveEdit comes after the steps (decision 053), so the undo is exact.
    assert.equal(report.error, undefined, JSON.stringify(report));
    assert.deepEqual(await p.evaluate('lib.parse("a ; b")'), ['a', 'b']);
  });
});
