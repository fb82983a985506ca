// A restarted language server (issue 9, "the language server crashes") over real LSP: it learns
// the targets again and adopts what waits in them — the status (PendingChanged), the LU014
// diagnostic on the waiting function, the report when it lands — and reports of what its
// predecessor had already reported nothing again.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticCodes } from '../../common/protocol';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient, type Target } from '../support/languageServer';
import { fixture } from '../support/paths';

const file = fixture('busy-js', 'server.js');
const original = fs.readFileSync(file, 'utf8');
const withMain = (to: string) => original.replace("return 'main v1';", `return 'main ${to}';`);

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

async function server(settings: Record<string, unknown> = {}): Promise<LanguageServerClient> {
  const { client } = await LanguageServerClient.start();
  cleanups.push(() => client.stop());
  await client.configure(settings);
  return client;
}

async function program(): Promise<Target> {
  const debuggee = await InspectedProcess.start(file);
  cleanups.push(() => debuggee.kill());
  await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
  return { id: 't1', name: 'server.js [test]', process: debuggee };
}

/** The diagnostics the server shows now for the file. */
function shown(client: LanguageServerClient) {
  const uri = pathToFileURL(file).href;
  return client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
}

/** Saves an edit of suspended main that waits (then, with a short deferTimeoutMs, is dropped). */
async function waitingSave(client: LanguageServerClient, to: string): Promise<string> {
  const from = client.updates.length;
  await client.save(file, withMain(to));
  const waiting = await client.nextUpdate(from);
  assert.equal(waiting.outcome, 'pending', JSON.stringify(waiting));
  const id = client.pendingChanges.at(-1)?.[0]?.pending[0]?.id;
  assert.ok(id, 'the pending update is listed');
  return id;
}

describe('language server: restarted with updates waiting in a program', { timeout: 60_000 }, () => {
  it('a new server shows what still waits (status and LU014 on the function), reports it when it lands, and nothing its predecessor reported', async () => {
    const target = await program();
    const first = await server({ deferTimeoutMs: 300 });
    await first.setTargets([target]);
    // An update that waited and was dropped: an event the runtime keeps, reported by this server.
    await waitingSave(first, 'v2');
    assert.equal((await first.nextUpdate(1)).outcome, 'rejected');
    await first.configure({ deferTimeoutMs: 60_000 });
    const pendingId = await waitingSave(first, 'v3');
    await first.stop();

    const second = await server({ deferTimeoutMs: 60_000 });
    // The restarted client opens its editors again: the file as saved, which the program does not
    // run yet because the update waits. That is no "runs other text" news: LU014 says it waits.
    await second.open(file, withMain('v3'));
    await second.setTargets([target], [{ targetId: target.id, pendingIds: [pendingId] }]);
    await eventually('the waiting update listed', () => second.pendingChanges.at(-1)?.[0]?.pending.map((p) => p.id).join() === pendingId);
    const diagnostic = await eventually('the LU014 diagnostic on main', () => shown(second).find((d) => d.code === DiagnosticCodes.pendingUpdate));
    assert.match(diagnostic.message, /^Waiting: `main` has a suspended activation/);
    assert.equal(diagnostic.range.start.line, original.split('\n').findIndex((l) => l.includes('async function main')));
    await second.settle();
    assert.deepEqual(second.updates, [], 'the dropped update was reported by the first server already');
    assert.deepEqual(second.runningTextDiffers, [], 'a file whose update waits is not said to run other text');

    await target.process.evaluate('fixture.release()');
    const landed = await second.nextUpdate(0);
    assert.equal(landed.outcome, 'applied', JSON.stringify(landed));
    assert.match(landed.summary, /^Live: main in server\.js \[test\], once it was inactive/);
    await eventually('the waiting diagnostic to go', () => shown(second).length === 0);
    await eventually('nothing pending', () => second.pendingChanges.at(-1)?.length === 0);
    await second.stop();

    // A third server: the landing was reported (the user saw nothing waiting), so it says nothing.
    const third = await server();
    await third.setTargets([target], []);
    await eventually('the adoption answer', () => third.pendingChanges.length > 0);
    await third.settle();
    assert.deepEqual(third.updates, []);
    // And the next save starts from what runs: main v3.
    await third.save(file, withMain('v4'));
    // `main` has returned: its new code would run only at a fresh start, which the update says (issue 20).
    assert.equal((await third.nextUpdate(0)).outcome, 'partial');
    assert.match((await target.process.scriptState({ file })).code!, /main v4/);
  });

  it('an update that landed while no server ran is reported by the next one, since the user saw it waiting', async () => {
    const target = await program();
    const first = await server({ deferTimeoutMs: 60_000 });
    await first.setTargets([target]);
    const pendingId = await waitingSave(first, 'v2');
    await first.stop();

    await target.process.evaluate('fixture.release()');
    await eventually('the update to land with no server', async () => (await target.process.pending(0)).events.some((e) => e.pending.id === pendingId && e.outcome === 'applied'));

    const second = await server();
    await second.setTargets([target], [{ targetId: target.id, pendingIds: [pendingId] }]);
    const landed = await second.nextUpdate(0);
    assert.equal(landed.outcome, 'applied', JSON.stringify(landed));
    assert.match(landed.summary, /^Live: main in server\.js \[test\], once it was inactive/);
    await second.settle();
    assert.equal(second.updates.length, 1);
    assert.deepEqual(shown(second), []);
  });
});
