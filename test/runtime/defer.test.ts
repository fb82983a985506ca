// Busy code: the `defer` policy (partial updates, pending until inactive, timeouts, replacement,
// cancel), `when … idle`, and update points in a loop that never yields, in real Node processes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import type { Patch, PendingEvent, PendingState } from '../../common/patch';
import { compareVersions } from '../../server/src/analysis/changes';
import { runningTextOf } from '../../server/src/core/savedText';
import { eventually } from '../support/eventually';
import type { InspectedProcess } from '../support/inspectedProcess';
import { fixturePrograms } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const server = fixture('busy-js', 'server.js');
const loop = fixture('busy-js', 'loop.js');
const programs = fixturePrograms(after);
const source = fs.readFileSync(server, 'utf8');

const editHandle = replaceOnce('`v1:${request}`', '`v2:${request}`');
const editMain = (to: string) => replaceOnce("return 'main v1';", `return 'main ${to}';`);

function deferring(patch: Patch, extra: Partial<Patch> = {}): Patch {
  return { ...patch, whenActive: 'defer', ...extra };
}

async function settled(p: InspectedProcess, outcome: PendingEvent['outcome'], timeoutMs = 10_000): Promise<PendingEvent> {
  return eventually(`a pending update ${outcome}`, async () => (await p.pending()).events.find((e) => e.outcome === outcome), timeoutMs);
}

async function runningCode(p: InspectedProcess, file: string): Promise<string> {
  return (await p.scriptState({ file })).code!;
}

describe('runtime: updates of busy code (defer)', () => {
  it('applies a handler at once while main is suspended, and keeps an edit of main pending until it returns', async () => {
    const p = await programs.start(server);
    const handler = await p.apply(deferring(patchOf(scriptPatch(server, editHandle))));
    assert.equal(handler.ok, true, JSON.stringify(handler));
    assert.equal(await p.evaluate('fixture.handle("a")'), 'v2:a');

    const afterHandler = await runningCode(p, server);
    const report = await p.apply(deferring(patchOf(scriptPatch(server, editMain('v2'), editHandle(source)))));
    const script = report.scripts[0]!;
    assert.equal(script.outcome, 'pending', JSON.stringify(report));
    assert.deepEqual(script.pending?.functions, ['main']);
    assert.deepEqual(script.activations?.map((a) => [a.function, a.kind]), [['main', 'suspended']]);
    assert.equal(await runningCode(p, server), afterHandler, 'nothing applied yet');
    assert.deepEqual((await p.pending()).pending.map((x) => x.functions), [['main']]);

    // Program state is kept throughout; `main` returns, and at the next turn its update lands.
    const served = await p.evaluate<number>('fixture.state.served');
    await p.evaluate('fixture.release()');
    const applied = await settled(p, 'applied');
    assert.equal(applied.where, 'turn');
    assert.match(await runningCode(p, server), /main v2/);
    assert.ok((await p.evaluate<number>('fixture.state.served')) >= served, 'state kept');
    assert.equal(await p.evaluate('fixture.state.mainResult'), 'main v1', 'the activation finished on the code it started with');
    assert.deepEqual((await p.pending()).pending, []);
  });

  it('applies the inactive part of one save now and the active part later (partial update)', async () => {
    const p = await programs.start(server);
    const both = (t: string) => editMain('v2')(editHandle(t));
    const report = await p.apply(deferring(patchOf(scriptPatch(server, both))));
    const script = report.scripts[0]!;
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(script.outcome, 'applied');
    assert.deepEqual(script.pending?.functions, ['main']);
    assert.equal(await p.evaluate('fixture.handle("b")'), 'v2:b', 'the handler runs the new code now');
    assert.doesNotMatch(await runningCode(p, server), /main v2/);
    await p.evaluate('fixture.release()');
    await settled(p, 'applied');
    const code = await runningCode(p, server);
    assert.equal(code, (runningTextOf(server, both(source)) as { code: string }).code, 'the program now runs exactly the saved text');
  });

  it('defers functions that depend on each other together (same group)', async () => {
    const p = await programs.start(server);
    const both = (t: string) => editMain('v2')(editHandle(t));
    const patch = patchOf(scriptPatch(server, both));
    for (const fn of patch.scripts[0]!.functions) fn.group = 1;
    const report = await p.apply(deferring(patch));
    assert.equal(report.scripts[0]!.outcome, 'pending', JSON.stringify(report));
    assert.deepEqual(report.scripts[0]!.pending?.functions.sort(), ['handle', 'main']);
    assert.equal(await p.evaluate('fixture.handle("c")'), 'v1:c', 'nothing applied: they go together');
    await p.evaluate('fixture.release()');
    await settled(p, 'applied');
    assert.equal(await p.evaluate('fixture.handle("c")'), 'v2:c');
  });

  it('drops a pending update that waits too long, with a message that names the active function', async () => {
    const p = await programs.start(server);
    const before = await runningCode(p, server);
    const report = await p.apply(deferring(patchOf(scriptPatch(server, editMain('v2'))), { deferTimeoutMs: 300 }));
    assert.equal(report.scripts[0]!.outcome, 'pending');
    const expired = await settled(p, 'expired');
    assert.match(expired.reason!, /`main` was still active/);
    assert.match(expired.reason!, /waited 0\.3 s/);
    assert.equal(await runningCode(p, server), before, 'nothing applied');
    assert.deepEqual((await p.pending()).pending, []);
  });

  it('replaces a pending update with a newer save of the same function: only the newest is ever applied', async () => {
    const p = await programs.start(server);
    const first = await p.apply(deferring(patchOf(scriptPatch(server, editMain('v2')))));
    assert.equal(first.scripts[0]!.outcome, 'pending');
    const second = await p.apply(deferring(patchOf(scriptPatch(server, editMain('v3')))));
    assert.equal(second.scripts[0]!.outcome, 'pending');
    const state = await p.pending();
    assert.deepEqual(state.events.map((e) => [e.outcome, e.pending.patchId]), [['replaced', first.id]]);
    assert.equal(state.pending.length, 1);
    await p.evaluate('fixture.release()');
    await settled(p, 'applied');
    const events = (await p.pending()).events;
    assert.deepEqual(events.map((e) => [e.outcome, e.pending.patchId]), [['replaced', first.id], ['applied', second.id]]);
    assert.match(await runningCode(p, server), /main v3/);
  });

  it('cancels pending updates on request and changes nothing', async () => {
    const p = await programs.start(server);
    const before = await runningCode(p, server);
    await p.apply(deferring(patchOf(scriptPatch(server, editMain('v2')))));
    const state = await p.cancel({ reason: 'cancelled by the user' });
    assert.deepEqual(state.pending, []);
    assert.deepEqual(state.events.map((e) => [e.outcome, e.reason]), [['cancelled', 'cancelled by the user']]);
    await p.evaluate('fixture.release()');
    await p.evaluate('new Promise((r) => setTimeout(r, 50))');
    assert.equal(await runningCode(p, server), before);
  });

  it('waits for a function named in `when … idle` even when it did not change', async () => {
    const p = await programs.start(server);
    const main = compareVersions(server, source, source.replace('main v1', 'main v0')).changed[0]!.before;
    const patch = deferring(patchOf(scriptPatch(server, editHandle)), {
      whenIdle: [{ name: 'main', file: server, start: main.start, end: main.end, isAsync: true, isGenerator: false }],
    });
    const report = await p.apply(patch);
    assert.equal(report.scripts[0]!.outcome, 'pending', JSON.stringify(report));
    assert.deepEqual(report.scripts[0]!.pending?.waitingFor, ['main']);
    assert.equal(await p.evaluate('fixture.handle("d")'), 'v1:d');
    await p.evaluate('fixture.release()');
    await settled(p, 'applied');
    assert.equal(await p.evaluate('fixture.handle("d")'), 'v2:d');
  });

  it('applies at the next event-loop turn an edit of a function the program was paused in', async () => {
    const p = await programs.start(server);
    await p.send('Debugger.enable');
    const paused = new Promise<void>((resolve) => p.on('Debugger.paused', () => resolve()));
    // Line 7 (0-based) is `return \`v1:${request}\`;` inside handle.
    const { breakpointId } = await p.send('Debugger.setBreakpointByUrl', { lineNumber: 7, url: pathToFileURL(server).href });
    await paused;
    const report = await p.apply(deferring(patchOf(scriptPatch(server, editHandle))));
    assert.equal(report.scripts[0]!.outcome, 'pending', JSON.stringify(report));
    assert.deepEqual(report.scripts[0]!.activations?.map((a) => [a.function, a.kind, a.line]), [['handle', 'stack', 7]]);
    await p.send('Debugger.removeBreakpoint', { breakpointId });
    await p.send('Debugger.resume');
    const applied = await settled(p, 'applied');
    assert.equal(applied.where, 'turn');
    assert.equal(await p.evaluate('fixture.handle("e")'), 'v2:e');
  });
});

describe('runtime: update points', () => {
  it('applies an edit of the loop body at the update point while the loop keeps running, with state kept', async () => {
    const p = await programs.start(loop);
    await eventually('the loop to run', async () => (await p.evaluate<number>('fixture.world.ticks')) > 1000);
    await p.send('Debugger.enable');
    const paused = new Promise<void>((resolve) => p.on('Debugger.paused', () => resolve()));
    // Pause inside `step` (line 7: `w.version = 'v1';`), so the update finds it active and waits.
    const { breakpointId } = await p.send('Debugger.setBreakpointByUrl', { lineNumber: 7, url: pathToFileURL(loop).href });
    await paused;
    const report = await p.apply(deferring(patchOf(scriptPatch(loop, replaceOnce("w.version = 'v1';", "w.version = 'v2';")))));
    assert.equal(report.scripts[0]!.outcome, 'pending', JSON.stringify(report));
    const ticks = await p.evaluate<number>('fixture.world.ticks');
    await p.send('Debugger.removeBreakpoint', { breakpointId });
    await p.send('Debugger.resume');
    // The loop never returns to the event loop: only its update point can apply the update.
    const applied = await settled(p, 'applied');
    assert.equal(applied.where, 'update point');
    await eventually('the loop to run the new step', async () => (await p.evaluate('fixture.world.version')) === 'v2');
    assert.ok((await p.evaluate<number>('fixture.world.ticks')) > ticks, 'the same world kept counting');
    const state: PendingState = await p.pending();
    assert.ok(state.updatePoints > 0);
  });
});

describe('runtime: an async function paused after its await', () => {
  it('applies its deferred update at a later turn once it has returned, although new activations keep starting', async () => {
    const file = fixture('busy-js', 'ticker.js');
    const p = await programs.start(file);
    await p.send('Debugger.enable');
    const paused = new Promise<void>((resolve) => p.on('Debugger.paused', () => resolve()));
    // Line 7 (0-based) is `return 'g v1';`, after `await null`.
    const { breakpointId } = await p.send('Debugger.setBreakpointByUrl', { lineNumber: 7, url: pathToFileURL(file).href });
    await paused;
    const report = await p.apply(deferring(patchOf(scriptPatch(file, replaceOnce("'g v1'", "'g v2'")))));
    assert.equal(report.scripts[0]!.outcome, 'pending', JSON.stringify(report));
    await p.send('Debugger.removeBreakpoint', { breakpointId });
    await p.send('Debugger.resume');
    const applied = await settled(p, 'applied');
    assert.equal(applied.where, 'turn');
    assert.ok(applied.pending.attempts <= 3, `applied after ${applied.pending.attempts} attempts`);
    assert.equal(await p.evaluate('fixture.last()'), 'g v2');
  });
});
