// Versions and rollback over real LSP: the server's `liveUpdate.history` lists each program's
// numbered versions, and `liveUpdate.rollback` restores one as an update of its own (a report, the
// version it makes, and a message that says the file on disk still holds the newer text), also
// after the server restarted (the program keeps the texts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol';
import { ServerCommands, type RollbackResult, type TargetHistory } from '../../common/protocol';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { fixture } from '../support/paths';
import { patchOf, scriptPatch } from '../support/patches';

const file = fixture('counter-js', 'main.js');
const original = fs.readFileSync(file, 'utf8');
const returning = (value: string) => original.replace("return 'v1';", `return '${value}';`);

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

async function server(debuggee: InspectedProcess): Promise<LanguageServerClient> {
  const { client } = await LanguageServerClient.start();
  cleanups.push(() => client.stop());
  await client.setTargets([{ id: 't1', name: 'main.js [test]', process: debuggee }]);
  return client;
}

function command<T>(client: LanguageServerClient, name: string, ...args: unknown[]): Promise<T> {
  return client.connection.sendRequest(ExecuteCommandRequest.type, { command: name, arguments: args }) as Promise<T>;
}

describe('language server: versions and rollback', { timeout: 60_000 }, () => {
  it('lists versions, rolls back across two saves to 1 and to 0 with a report each, and still can after a restart', async () => {
    const debuggee = await InspectedProcess.start(file);
    cleanups.push(() => debuggee.kill());
    await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
    let client = await server(debuggee);

    await client.save(file, returning('one'));
    assert.equal((await client.nextUpdate(0)).outcome, 'applied');
    await client.save(file, returning('two'));
    assert.equal((await client.nextUpdate(1)).outcome, 'applied');
    assert.equal(await debuggee.evaluate('fixture.f()'), 'two');

    const [history] = await command<TargetHistory[]>(client, ServerCommands.history);
    assert.equal(history?.targetName, 'main.js [test]');
    assert.deepEqual(history?.history?.versions.map((v) => [v.version, v.functions, v.outcome]), [[1, ['f'], 'applied'], [2, ['f'], 'applied']]);

    const counter = await debuggee.evaluate<number>('fixture.counter');
    const back = await command<RollbackResult>(client, ServerCommands.rollback, { version: 1 });
    assert.equal(back.ok, true, JSON.stringify(back));
    const [target] = back.targets;
    assert.equal(target?.outcome, 'applied');
    assert.equal(target?.from, 2);
    assert.deepEqual(target?.versions, [3]);
    assert.match(back.summary, /^main\.js \[test\]: rolled back to version 1 \(from 2; now version 3\): `f` in main\.js\. The file on disk still holds the newer text: saving it applies that again\.$/);
    const report = await client.nextUpdate(2);
    assert.equal(report.outcome, 'applied');
    assert.equal(report.restores, 1);
    assert.deepEqual(report.functions, ['f']);
    assert.equal(await debuggee.evaluate('fixture.f()'), 'one');
    assert.ok((await debuggee.evaluate<number>('fixture.counter')) >= counter, 'state kept');

    // A restarted server knows nothing of the saves: the program's history is enough.
    await client.stop();
    client = await server(debuggee);
    const zero = await command<RollbackResult>(client, ServerCommands.rollback, { version: 0, target: 't1' });
    assert.equal(zero.ok, true, JSON.stringify(zero));
    assert.deepEqual(zero.targets[0]?.versions, [4]);
    assert.equal(await debuggee.evaluate('fixture.f()'), 'v1');
    const [after] = await command<TargetHistory[]>(client, ServerCommands.history, { limit: 2 });
    assert.deepEqual(after?.history?.versions.map((v) => [v.version, v.restores]), [[3, 1], [4, 0]]);

    // A save after a rollback is an update from what runs.
    await client.save(file, returning('three'));
    assert.equal((await client.nextUpdate(1)).outcome, 'applied');
    assert.equal(await debuggee.evaluate('fixture.f()'), 'three');

    // Without a version: one back (version 5 was the save, so version 4's text).
    const oneBack = await command<RollbackResult>(client, ServerCommands.rollback, {});
    assert.deepEqual(oneBack.targets.map((t) => [t.outcome, t.from, t.to, t.versions]), [['applied', 5, 4, [6]]]);
    assert.equal(await debuggee.evaluate('fixture.f()'), 'v1');

    // Rolling back to what runs changes nothing; a version the program never had is refused.
    const same = await command<RollbackResult>(client, ServerCommands.rollback, { version: 6 });
    assert.equal(same.targets[0]?.outcome, 'no-change', JSON.stringify(same));
    const none = await command<RollbackResult>(client, ServerCommands.rollback, { version: 9 });
    assert.equal(none.ok, false);
    assert.match(none.summary, /not rolled back: The program has no version 9 \(its versions are 0 to 6\)/);
  });

  it('a rollback across a state transformer restores the code, keeps the state, and says so', async () => {
    const debuggee = await InspectedProcess.start(file);
    cleanups.push(() => debuggee.kill());
    await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
    // The update with a transformer comes straight to the runtime (the server's steps are another piece of work).
    const patch = patchOf(scriptPatch(file, () => returning('one')));
    patch.scripts[0]!.steps = [{ kind: 'transformer', label: 'transformer of counter', line: 1, code: 'counter += 1000', assigns: ['counter'] }];
    assert.equal((await debuggee.apply(patch)).ok, true);
    const client = await server(debuggee);
    const back = await command<RollbackResult>(client, ServerCommands.rollback, { version: 0 });
    assert.equal(back.ok, true, JSON.stringify(back));
    assert.deepEqual(back.targets[0]?.stateKept, [{ file, kind: 'transformer', label: 'transformer of counter', version: 1 }]);
    assert.match(back.summary, /The program's state is kept as it is now: version 1 ran transformer of counter \(a state transformer\), which restoring the code does not change back\./);
    assert.equal(await debuggee.evaluate('fixture.f()'), 'v1');
    assert.ok((await debuggee.evaluate<number>('fixture.counter')) >= 1000);
  });

  it('rolls back a TypeScript program (its running text is the blanked file) to the version it started with', async () => {
    const ts = fixture('counter-ts', 'main.ts');
    const source = fs.readFileSync(ts, 'utf8');
    const debuggee = await InspectedProcess.start(ts);
    cleanups.push(() => debuggee.kill());
    await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
    const client = await server(debuggee);
    await client.save(ts, source.replace("return 'v1';", "return 'v2' as string;"));
    assert.equal((await client.nextUpdate(0)).outcome, 'applied');
    assert.equal(await debuggee.evaluate('fixture.f()'), 'v2');
    const back = await command<RollbackResult>(client, ServerCommands.rollback, { version: 0 });
    assert.equal(back.ok, true, JSON.stringify(back));
    assert.equal(await debuggee.evaluate('fixture.f()'), 'v1');
    assert.equal((await client.nextUpdate(1)).restores, 0);
  });

  it('a rollback runs the reverse transformer the user wrote (revert$x), and rolling forward runs the transformer again', async () => {
    const sessions = fixture('sessions-js', 'main.js');
    const source = fs.readFileSync(sessions, 'utf8');
    const debuggee = await InspectedProcess.start(sessions);
    cleanups.push(() => debuggee.kill());
    await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
    const client = await server(debuggee);
    const next = source
      .replace("let sessions = new Map([['a', 'ann'], ['b', 'bob']]);", [
        "let sessions = new Map([['a', { user: 'ann' }], ['b', { user: 'bob' }]]);",
        'void function transform$sessions(old) {',
        '  return new Map([...old].map(([id, user]) => [id, { user }]));',
        '};',
        'void function revert$sessions(current) {',
        '  return new Map([...current].map(([id, s]) => [id, s.user]));',
        '};',
      ].join('\n'))
      .replace("return [...sessions.values()].join(',');", "return [...sessions.values()].map((s) => s.user.toUpperCase()).join(',');");
    await client.save(sessions, next);
    assert.equal((await client.nextUpdate(0)).outcome, 'applied');
    assert.equal(await debuggee.evaluate('fixture.describe()'), 'ANN,BOB');

    const back = await command<RollbackResult>(client, ServerCommands.rollback, { version: 0 });
    assert.equal(back.ok, true, JSON.stringify(back));
    assert.equal(await debuggee.evaluate('fixture.describe()'), 'ann,bob', 'the old code reads the state converted back');
    assert.equal(back.targets[0]?.stateKept, undefined);
    assert.doesNotMatch(back.summary, /state is kept/);

    const forward = await command<RollbackResult>(client, ServerCommands.rollback, { version: 1 });
    assert.equal(forward.ok, true, JSON.stringify(forward));
    assert.equal(await debuggee.evaluate('fixture.describe()'), 'ANN,BOB', 'rolled forward: the transformer ran again');
  });
});
