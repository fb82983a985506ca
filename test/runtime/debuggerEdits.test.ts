// Updates whose LiveEdits the debugger's own session makes (runtime/src/debuggerEditor.ts), so that
// breakpoints the debugger sets afterwards resolve against the new text. The test's CDP connection
// plays js-debug: it has the Debugger domain on and sets breakpoints by URL, as js-debug does.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { PatchReport } from '../../common/patch';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';
import * as fs from 'node:fs';
import * as os from 'node:os';

const processes: InspectedProcess[] = [];
after(() => Promise.all(processes.map((p) => p.kill())));

const ADDED = "const added = 'v2';\n  // two lines added above the breakpoint\n  return added;";

/** A fresh copy of the fixture (each test changes its own), started, its debugger session on. */
async function started(): Promise<{ p: InspectedProcess; file: string; paused: { lineNumber: number; line?: string }[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-debugger-edits-'));
  const file = path.join(dir, 'ticks.js');
  fs.copyFileSync(fixture('debugger-edits', 'ticks.js'), file);
  const p = await InspectedProcess.start(file);
  processes.push(p);
  const paused: { lineNumber: number; line?: string }[] = [];
  p.on('Debugger.paused', (params: { callFrames: { location: { lineNumber: number }; callFrameId: string }[] }) => {
    const top = params.callFrames[0]!;
    void p
      .send('Debugger.evaluateOnCallFrame', { callFrameId: top.callFrameId, expression: 'line', returnByValue: true })
      .then((r: { result: { value?: string } }) => paused.push({ lineNumber: top.location.lineNumber, line: r.result.value }))
      .catch(() => undefined) // the program was ended meanwhile
      .finally(() => void p.send('Debugger.resume').catch(() => undefined));
  });
  await p.send('Debugger.enable');
  await p.waitForLine(/^tick \d+ v1$/);
  return { p, file, paused };
}

/** Sets a breakpoint on `console.log(line);` (0-based `line`) by URL, as js-debug does after a save. */
async function breakOn(p: InspectedProcess, file: string, line: number): Promise<void> {
  const { locations } = await p.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(file).href, lineNumber: line, columnNumber: 0 });
  assert.ok(locations.length > 0, 'the breakpoint resolved somewhere');
}

describe('runtime: updates made through the debugger session', () => {
  for (const callsApart of [false, true]) it(`a breakpoint set after the update, below lines it added, stops on its statement${callsApart ? " (the runtime called on a session of the program's own, as through js-debug)" : ''}`, async () => {
    const { p, file, paused } = await started();
    const report: PatchReport = await p.applyThroughDebugger(patchOf(scriptPatch(file, replaceOnce("return 'v1';", ADDED))), { callsApart });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal((await p.scriptState({ file })).changedByRuntime, undefined, "the debugger's session made the edit");
    assert.equal(report.debuggerEditsMs?.length, 1, 'the debugger timed its one edit (the editor bench reads it)');
    await p.waitForLine(/^tick \d+ v2$/);
    // `console.log(line);` was on line 11 (0-based); two lines were added above it.
    await breakOn(p, file, 13);
    const stop = await eventually('a pause', () => paused[0]);
    assert.equal(stop.lineNumber, 13, 'paused on the line the breakpoint was set on');
    assert.match(stop.line ?? '', /^tick \d+ v2$/, 'in step(), with label() on its new code');
  });

  it('the runtime\'s own edit leaves the debugger resolving the old text (why the debugger edits)', async () => {
    const { p, file, paused } = await started();
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce("return 'v1';", ADDED))));
    assert.equal(report.ok, true, JSON.stringify(report));
    await p.waitForLine(/^tick \d+ v2$/);
    await breakOn(p, file, 13);
    // The debugger resolves line 13 in the text it knew (the end of step()), so the program does
    // not stop on `console.log(line);`. If V8 ever tells every session of a LiveEdit, this fails
    // and the debugger's edits are no longer needed.
    const from = p.output.length;
    await p.waitForLine(/^tick \d+ v2$/, from);
    await p.waitForLine(/^tick \d+ v2$/, p.output.length);
    assert.ok(!paused.some((s) => s.lineNumber === 13 && /^tick/.test(s.line ?? '')), `paused: ${JSON.stringify(paused)}`);
  });

  it('later updates of the same file go through the debugger too, and the program keeps its state', async () => {
    const { p, file } = await started();
    const first = scriptPatch(file, replaceOnce("return 'v1';", ADDED));
    assert.equal((await p.applyThroughDebugger(patchOf(first))).ok, true);
    const before = Number(/^tick (\d+) v2$/.exec(await p.waitForLine(/^tick \d+ v2$/))![1]);
    const second = scriptPatch(file, replaceOnce("const added = 'v2';", "const added = 'v3';"), fs.readFileSync(file, 'utf8').replace("return 'v1';", ADDED));
    const report = await p.applyThroughDebugger(patchOf(second));
    assert.equal(report.ok, true, JSON.stringify(report));
    const after = Number(/^tick (\d+) v3$/.exec(await p.waitForLine(/^tick \d+ v3$/))![1]);
    assert.ok(after > before, `the counter went on (${before} → ${after})`);
    assert.equal((await p.scriptState({ file })).changedByRuntime, undefined, 'the runtime\'s session made no edit of its own');
  });

  it('an update blocked by a suspended activation waits, and the runtime still knows the script', async () => {
    // The runtime's session reads the scripts again after the debugger's edit (here refused by
    // V8): its replay also lists the scripts earlier LiveEdits left behind under the same URL,
    // which once made the file's script one of those, and the update "stale".
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-debugger-edits-'));
    const file = path.join(dir, 'suspended.js');
    fs.copyFileSync(fixture('debugger-edits', 'suspended.js'), file);
    const p = await InspectedProcess.start(file);
    processes.push(p);
    await p.send('Debugger.enable');
    await p.waitForLine(/^alive$/);
    const patch = { ...patchOf(scriptPatch(file, replaceOnce("return 'w1';", "return 'w2';"))), whenActive: 'defer' as const };
    assert.equal((await p.apply({ ...patch, dryRun: true })).scripts[0]?.v8Status, 'BlockedByActiveGenerator');
    const report = await p.applyThroughDebugger(patch);
    assert.equal(report.scripts[0]?.outcome, 'pending', JSON.stringify(report));
    assert.equal((await p.pending()).pending.length, 1);
  });

  it("names the process's own inspector in its handshake, where the language server calls it apart from the debugger's session", async () => {
    const { p } = await started();
    assert.equal((await p.ask('info', {})).inspector, p.url);
  });

  it('a refused update changes nothing and says why', async () => {
    const { p, file } = await started();
    const report = await p.applyThroughDebugger(patchOf(scriptPatch(file, replaceOnce("return 'v1';", "return 'v1' +;"))));
    assert.equal(report.ok, false);
    assert.equal(report.scripts[0]?.outcome, 'rejected');
    await p.waitForLine(/^tick \d+ v1$/, p.output.length);
  });
});
