// Busy code over real LSP: with the default policy (`defer`) an edit of an active function waits,
// says so on the function, and lands when it is inactive; it expires with a message, and cancels.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { CodeActionRequest, ExecuteCommandRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { DiagnosticCodes, ServerCommands } from '../../common/protocol';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { fixture } from '../support/paths';
import { pathToFileURL } from 'node:url';

const file = fixture('busy-js', 'server.js');
const original = fs.readFileSync(file, 'utf8');
const withMain = (to: string, text = original) => text.replace("return 'main v1';", `return 'main ${to}';`);
const withHandle = (text = original) => text.replace('`v1:${request}`', '`v2:${request}`');

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

async function session(settings: Record<string, unknown> = {}): Promise<{ debuggee: InspectedProcess; client: LanguageServerClient }> {
  const debuggee = await InspectedProcess.start(file);
  cleanups.push(() => debuggee.kill());
  await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
  const { client } = await LanguageServerClient.start();
  cleanups.push(() => client.stop());
  await client.configure(settings);
  await client.setTargets([{ id: 't1', name: 'server.js [test]', process: debuggee }]);
  return { debuggee, client };
}

/** The diagnostics the server shows now for the file. */
function shown(client: LanguageServerClient) {
  const uri = pathToFileURL(file).href;
  return client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
}

describe('language server: updates of busy code', { timeout: 60_000 }, () => {
  it('applies a handler at once; an edit of suspended main waits with a diagnostic naming the activation, then lands when main returns', async () => {
    const { debuggee, client } = await session();
    await client.save(file, withHandle());
    assert.equal((await client.nextUpdate(0)).outcome, 'applied');
    assert.equal(await debuggee.evaluate('fixture.handle("x")'), 'v2:x');

    await client.save(file, withMain('v2', withHandle()));
    const waiting = await client.nextUpdate(1);
    assert.equal(waiting.outcome, 'pending', JSON.stringify(waiting));
    assert.match(waiting.summary, /^Waiting: main, until `main` is inactive/);
    await client.settle();
    const [diagnostic] = shown(client);
    assert.equal(diagnostic?.code, DiagnosticCodes.pendingUpdate);
    assert.match(diagnostic!.message, /^Waiting: `main` has a suspended activation/);
    assert.equal(diagnostic!.range.start.line, original.split('\n').findIndex((l) => l.includes('async function main')));
    assert.deepEqual(client.pendingChanges.at(-1)?.map((t) => t.pending.map((p) => p.functions)), [[['main']]]);

    await debuggee.evaluate('fixture.release()');
    const landed = await client.nextUpdate(2);
    assert.equal(landed.outcome, 'applied');
    assert.match(landed.summary, /^Live: main in server\.js \[test\], once it was inactive \(after waiting [\d.]+ s\)$/);
    await eventually('the waiting diagnostic to go', () => shown(client).length === 0);
    await eventually('no pending update', () => client.pendingChanges.at(-1)?.length === 0);
    assert.match((await debuggee.scriptState({ file })).code!, /main v2/);

    // The next save starts from what runs now (the server re-reads it). `main` has returned: its
    // new code would run only at a fresh start, and the update says so (issue 20).
    await client.save(file, withMain('v3', withHandle()));
    const next = await client.nextUpdate(3);
    assert.equal(next.outcome, 'partial', JSON.stringify(next));
    assert.match(next.summary, /^Partly live: top-level code not run again: `call main\(\)\.then` stays as the module loaded it/);
  });

  it('drops an update that waits past liveUpdate.deferTimeoutMs, with the reason on the function', async () => {
    const { debuggee, client } = await session({ deferTimeoutMs: 300 });
    await client.save(file, withMain('v2'));
    assert.equal((await client.nextUpdate(0)).outcome, 'pending');
    const dropped = await client.nextUpdate(1);
    assert.equal(dropped.outcome, 'rejected');
    assert.match(dropped.summary, /waited 0\.3 s and was dropped: `main` was still active/);
    await eventually('the error on main', () => shown(client).find((d) => d.code === DiagnosticCodes.pendingDropped));
    assert.doesNotMatch((await debuggee.scriptState({ file })).code!, /main v2/);
  });

  it('cancels a pending update from its Quick Fix', async () => {
    const { debuggee, client } = await session();
    await client.save(file, withMain('v2'));
    assert.equal((await client.nextUpdate(0)).outcome, 'pending');
    await client.settle();
    const diagnostics = shown(client);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: pathToFileURL(file).href },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    })) as CodeAction[];
    const cancel = actions.find((a) => a.title === 'Cancel this pending update');
    assert.ok(cancel?.command, JSON.stringify(actions));
    assert.equal(cancel.command.command, ServerCommands.cancelPending);
    assert.equal(await client.connection.sendRequest(ExecuteCommandRequest.type, cancel.command), 1);
    const cancelled = await client.nextUpdate(1);
    assert.match(cancelled.summary, /cancelled on request/);
    await eventually('the waiting diagnostic to go', () => shown(client).length === 0);
    await debuggee.evaluate('fixture.release()');
    assert.doesNotMatch((await debuggee.scriptState({ file })).code!, /main v2/);
  });

  it('applies an update only when the named functions are idle ("Apply When Idle…")', async () => {
    const { debuggee, client } = await session();
    const names = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.runningFunctions, arguments: [file] })) as string[];
    assert.ok(names.includes('handle') && names.includes('main'), JSON.stringify(names));
    const text = withHandle();
    const outcome = client.connection.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.applyFileWhenIdle, arguments: [file, ['main'], text] });
    // The editor then saves the document: that save must not apply it at once.
    await client.save(file, text);
    await outcome;
    const waiting = await client.nextUpdate(0);
    assert.equal(waiting.outcome, 'pending', JSON.stringify(waiting));
    await client.settle();
    assert.equal(client.updates.length, 1, 'the save itself changed nothing');
    assert.match(shown(client)[0]!.message, /^Waiting: `handle` waits until `main` is idle, as asked/);
    assert.equal(await debuggee.evaluate('fixture.handle("y")'), 'v1:y');
    await debuggee.evaluate('fixture.release()');
    assert.equal((await client.nextUpdate(1)).outcome, 'applied');
    assert.equal(await debuggee.evaluate('fixture.handle("y")'), 'v2:y');
  });
});

describe('language server: a newer save of a waiting function', { timeout: 60_000 }, () => {
  it('a save that reverts the waiting edit drops it: it never lands after the revert (issue 9)', async () => {
    const { debuggee, client } = await session();
    await client.save(file, withMain('v2'));
    assert.equal((await client.nextUpdate(0)).outcome, 'pending');
    await client.save(file, original);
    // Nothing waits in the program any more, so nothing can land later (it used to, about 5 s after main returned).
    await eventually('the waiting update to be dropped', async () => (await debuggee.pending()).pending.length === 0);
    await debuggee.evaluate('fixture.release()');
    await eventually('main to return', () => debuggee.evaluate('fixture.state.mainResult'));
    assert.doesNotMatch((await debuggee.scriptState({ file })).code!, /main v2/);
    assert.equal((await debuggee.pending()).pending.length, 0);
  });

  it('replaces the waiting update: only the newest is applied, once', async () => {
    const { debuggee, client } = await session();
    await client.save(file, withMain('v2'));
    assert.equal((await client.nextUpdate(0)).outcome, 'pending');
    await client.save(file, withMain('v3'));
    assert.equal((await client.nextUpdate(1)).outcome, 'pending');
    await client.settle();
    assert.equal(shown(client).filter((d) => d.code === DiagnosticCodes.pendingUpdate).length, 1, 'one waiting update, the newest');
    await debuggee.evaluate('fixture.release()');
    const landed = await client.nextUpdate(2);
    assert.equal(landed.outcome, 'applied');
    await client.settle();
    assert.equal(client.updates.length, 3, 'the replaced update is never reported as applied');
    const events = (await debuggee.pending()).events.map((e) => e.outcome);
    assert.deepEqual(events, ['replaced', 'applied']);
    assert.match((await debuggee.scriptState({ file })).code!, /main v3/);
  });
});
