// Issue 21: an edit saved while the program is paused at a breakpoint. The debugger (this test's
// CDP connection, playing js-debug) makes the update's LiveEdits one call at a time while the
// program is paused (`Patch.paused`), and the edits of an update that waited and lands later while
// it polls (`LandingEdits`): its breakpoints then resolve against the new text, never one statement
// off. Time spent paused does not count toward a waiting update's timeout, and a waiting update
// whose deadline passed while paused lands on Continue once its function is inactive.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { pollLandingEdits } from '../../common/debuggerApply';
import type { Patch, SetScriptSourceResult } from '../../common/patch';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const processes: InspectedProcess[] = [];
after(() => Promise.all(processes.map((p) => p.kill())));

const ADDED = "const added = 'v2';\n  // two lines added above the breakpoint\n  return added;";
/** `console.log(line);` in step() (0-based), and where it is once ADDED is in. */
const STATEMENT = 11;
const MOVED = 13;

interface Pause {
  lineNumber: number;
  callFrameId: string;
}

/** A fresh copy of ticks.js, started, the debugger on; pauses are kept (never resumed by themselves). */
async function started(): Promise<{ p: InspectedProcess; file: string; pauses: Pause[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-paused-'));
  const file = path.join(dir, 'ticks.js');
  fs.copyFileSync(fixture('debugger-edits', 'ticks.js'), file);
  const p = await InspectedProcess.start(file);
  processes.push(p);
  const pauses: Pause[] = [];
  p.on('Debugger.paused', (params: { callFrames: { location: { lineNumber: number }; callFrameId: string }[] }) => {
    const top = params.callFrames[0]!;
    pauses.push({ lineNumber: top.location.lineNumber, callFrameId: top.callFrameId });
  });
  await p.send('Debugger.enable');
  await p.waitForLine(/^tick \d+ v1$/);
  return { p, file, pauses };
}

async function breakOn(p: InspectedProcess, file: string, line: number): Promise<string> {
  const { breakpointId, locations } = await p.send('Debugger.setBreakpointByUrl', { url: pathToFileURL(file).href, lineNumber: line, columnNumber: 0 });
  assert.ok(locations.length > 0, 'the breakpoint resolved somewhere');
  return breakpointId as string;
}

/** Waits for the next pause after `from`. */
const nextPause = (pauses: Pause[], from: number): Promise<Pause> => eventually('a pause', () => pauses[from], 10_000);

async function lineAt(p: InspectedProcess, pause: Pause): Promise<string | undefined> {
  const r = await p.send('Debugger.evaluateOnCallFrame', { callFrameId: pause.callFrameId, expression: 'line', returnByValue: true });
  return (r as { result: { value?: string } }).result.value;
}

/** Polls for landing edits as the extension does while something waits (until `stop()`). */
function pollLandings(p: InspectedProcess): { stop(): void; done: Promise<void> } {
  let polling = true;
  const done = pollLandingEdits(
    {
      call: (method, argument) => p.callRuntime(method, argument),
      edit: (scriptId, scriptSource) => p.send<SetScriptSourceResult>('Debugger.setScriptSource', { scriptId, scriptSource }),
    },
    () => polling,
  );
  return { stop: () => (polling = false), done };
}

describe('runtime: updates made while the program is paused', () => {
  for (const callsApart of [false, true]) it(`has the debugger make the edits while paused; a breakpoint set afterwards below added lines stops on its statement${callsApart ? " (the runtime called on a session of the program's own, as through js-debug)" : ''}`, async () => {
    const { p, file, pauses } = await started();
    // Paused in step(), at `console.log(line);`, where label() is not active.
    const bp = await breakOn(p, file, STATEMENT);
    const first = await nextPause(pauses, 0);
    assert.equal(first.lineNumber, STATEMENT);
    await p.send('Debugger.removeBreakpoint', { breakpointId: bp });

    const patch: Patch = { ...patchOf(scriptPatch(file, replaceOnce("return 'v1';", ADDED))), whenActive: 'defer', paused: true };
    const report = await p.applyThroughDebugger(patch, { callsApart });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(report.scripts[0]?.verified, true);
    assert.equal((await p.scriptState({ file })).changedByRuntime, undefined, "the debugger's session made the edits");

    await breakOn(p, file, MOVED);
    const from = pauses.length;
    await p.send('Debugger.resume');
    const stop = await nextPause(pauses, from);
    assert.equal(stop.lineNumber, MOVED, 'paused on the line the breakpoint was set on');
    assert.match((await lineAt(p, stop)) ?? '', /^tick \d+ v2$/, 'in step(), with label() on its new code');
  });

  it('an update that waited for a paused function lands on Continue through the debugger, past its timeout, and breakpoints stay exact', async () => {
    const { p, file, pauses } = await started();
    // Paused inside label() (`return 'v1';`): an edit of label waits for it to return.
    const bp = await breakOn(p, file, 5);
    await nextPause(pauses, 0);
    await p.send('Debugger.removeBreakpoint', { breakpointId: bp });
    await p.callRuntime('paused', {});

    const patch: Patch = { ...patchOf(scriptPatch(file, replaceOnce("return 'v1';", ADDED))), whenActive: 'defer', deferTimeoutMs: 300, paused: true };
    const report = await p.applyThroughDebugger(patch);
    assert.equal(report.scripts[0]?.outcome, 'pending', JSON.stringify(report));
    const waiting = (await p.pending()).pending[0]!;

    // Paused three times longer than the timeout: the deadline moves with the pause.
    await new Promise((resolve) => setTimeout(resolve, 900));
    const meanwhile = (await p.pending()).pending[0]!;
    assert.ok(meanwhile.deadline - waiting.deadline >= 800, `the deadline moved by the time paused (${meanwhile.deadline - waiting.deadline} ms)`);

    const landings = pollLandings(p);
    try {
      await p.send('Debugger.resume');
      await p.waitForLine(/^tick \d+ v2$/);
      const state = await p.pending();
      assert.deepEqual(state.events.map((e) => e.outcome), ['applied'], JSON.stringify(state.events));
      assert.equal((await p.scriptState({ file })).changedByRuntime, undefined, "the debugger's session made the edits of the update that waited");
    } finally {
      landings.stop();
      await landings.done;
    }
    const from = pauses.length;
    await breakOn(p, file, MOVED);
    const stop = await nextPause(pauses, from);
    assert.equal(stop.lineNumber, MOVED);
    assert.match((await lineAt(p, stop)) ?? '', /^tick \d+ v2$/);
  });
});
