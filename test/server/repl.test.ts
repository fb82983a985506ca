// The command interpreter (server/src/repl/) over a real Node program reached through the
// inspector, with the real update engine: every command of the language, and one test over real
// LSP (`ReplCommand`, `ReplComplete`, `ReplEvaluate` through the language server).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { ReplCommand, ReplComplete, ReplEvaluate } from '../../common/protocol';
import { renderReplLines, type ReplResponse } from '../../common/repl';
import { UpdateEngine, type SaveOutcome } from '../../server/src/core/updateEngine';
import { CommandInterpreter } from '../../server/src/repl/interpreter';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { InspectedPort } from '../support/inspectedPort';
import { LanguageServerClient } from '../support/languageServer';
import { fixture, fixturesDir } from '../support/paths';

const main = fixture('repl-js', 'main.js');
const counter = fixture('repl-js', 'counter.js');
const original = fs.readFileSync(counter, 'utf8');
const edit = (text: string, search: string, replacement: string) => {
  assert.ok(text.includes(search), `"${search}" not in the text`);
  return text.replace(search, replacement);
};

const cleanups: Array<() => Promise<void>> = [];
// Newest first, one after another: pending updates are cancelled before their program is killed.
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Session {
  debuggee: InspectedProcess;
  repl: CommandInterpreter;
  /** What the "editor" holds per file (else the disk's text is applied). */
  editor: Map<string, string>;
  published: Array<{ file: string; outcome: SaveOutcome }>;
  /** Runs a line and returns its text (no colour). */
  run(line: string): Promise<string>;
}

async function session(): Promise<Session> {
  const debuggee = await InspectedProcess.start(main);
  cleanups.push(() => debuggee.kill());
  await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
  const port = new InspectedPort([{ id: 't1', name: 'main.js [test]', process: debuggee }]);
  const engine = new UpdateEngine(port);
  const editor = new Map<string, string>();
  const published: Session['published'] = [];
  const repl = new CommandInterpreter({
    engine,
    port,
    root: fixturesDir,
    textOf: async (file) => editor.get(file) ?? fs.readFileSync(file, 'utf8'),
    publish: async (file, outcome) => void published.push({ file, outcome }),
  });
  cleanups.push(async () => void (await engine.cancelPending()));
  const run = async (line: string) => text(await repl.run(line));
  return { debuggee, repl, editor, published, run };
}

const text = (response: ReplResponse) => renderReplLines(response.lines, false);

describe('command interpreter', { timeout: 60_000 }, () => {
  it('lists its commands, gives usage, and suggests the nearest command for a mistyped one', async () => {
    const { run, repl } = await session();
    const help = await run('help');
    for (const name of ['status', 'targets', 'update', 'pending', 'cancel', 'history', 'rollback', 'eval', 'stack', 'points', 'quit']) {
      assert.match(help, new RegExp(`^  ${name} `, 'm'), help);
    }
    assert.match(await run('help update'), /^update \[<file>\|<function>, …\] \[when <function>, … idle\]$/m);
    assert.equal(await run('stauts'), 'Unknown command: stauts. Did you mean `status`?');
    assert.equal(await run('help rolback'), 'Unknown command: rolback. Did you mean `rollback`?');
    assert.equal(await run('xyzzy'), 'Unknown command: xyzzy. Type `help` for the commands.');
    assert.deepEqual(await repl.run('quit'), { lines: [], quit: true });
    assert.equal(await run(''), '');
  });

  it('shows the targets and their status', async () => {
    const { run } = await session();
    assert.match(await run('targets'), /^main\.js \[test\]  \[t1\]  2 modules$/);
    const status = await run('status');
    assert.match(status, /^1 program running$/m);
    assert.match(status, /^main\.js \[test\]: version 0, 2 modules, nothing waiting$/m);
  });

  it("reads and assigns a module's state, remembers the module, awaits promises, and says what fails in one line", async () => {
    const { run, debuggee } = await session();
    assert.equal(await run('eval repl-js/counter.js count'), '0');
    assert.equal(await run('eval count = 41'), '41');
    assert.equal(await run('eval counter.js bump()'), '42');
    assert.equal(await debuggee.evaluate('fixture.counter.count'), 42);
    assert.equal(await run('eval counter.js later(7)'), '7');
    assert.equal(await run("eval counter.js Promise.reject(new Error('no\\nmore'))"), 'rejected: Error: no');
    assert.equal(await run('eval counter.js nothing.here'), 'ReferenceError: nothing is not defined');
    assert.match(await run("eval counter.js ({ deep: { a: { b: { c: { d: 1 } } } } })"), /\[Object\]/);
    assert.equal(await run('eval nope.js 1'), 'No running program has loaded nope.js.');
  });

  it('evaluates for the front ends (Evaluate Selection), per target', async () => {
    const { repl } = await session();
    const evaluation = await repl.evaluate(counter, 'label()');
    assert.deepEqual(evaluation.results, [{ targetId: 't1', targetName: 'main.js [test]', ok: true, text: "'v1'" }]);
    assert.equal(renderReplLines(evaluation.lines, false), "'v1'");
    assert.equal((await repl.evaluate(counter, 'label()', 'other')).lines[0]?.text, 'No running program is other.');
  });

  it("updates a file with the editor's text, and only the named function of another edit", async () => {
    const { run, debuggee, editor, published } = await session();
    assert.match(await run('update'), /^Nothing to update: the programs run the current text of all 2 files\.$/);
    editor.set(counter, edit(original, "return 'v1';", "return 'v2';"));
    assert.match(await run('update counter.js'), /^Live: label in 1 program/);
    assert.equal(await debuggee.evaluate('fixture.counter.label()'), 'v2');
    assert.equal(published.at(-1)?.file, counter);
    assert.equal(published.at(-1)?.outcome.report.outcome, 'applied');

    editor.set(counter, edit(edit(original, "return 'v1';", "return 'v3';"), "return 'quiet';", "return 'loud';"));
    const only = await run('update shout');
    assert.match(only, /^Live: shout in 1 program/, only);
    assert.equal(await debuggee.evaluate('fixture.counter.shout()'), 'loud');
    assert.equal(await debuggee.evaluate('fixture.counter.label()'), 'v2', 'label was not named, so it keeps running v2');
    assert.match(await run('update shout'), /shout runs as written; nothing to apply/);
    assert.equal(await run('update nosuch'), 'No function nosuch in the files the programs run (and no such module).');
    // Plain `update`: every file whose text differs, here label's v3.
    assert.match(await run('update'), /^Live: label in 1 program/);
    assert.equal(await debuggee.evaluate('fixture.counter.label()'), 'v3');
  });

  it('waits with `update … when f idle`, lists it as pending with its suspended activation on `stack`, and lands when f is idle', async () => {
    const { run, debuggee, editor } = await session();
    await debuggee.evaluate('void (globalThis.work = fixture.counter.worker())');
    editor.set(counter, edit(original, "return 'quiet';", "return 'hushed';"));
    assert.equal(await run('update counter.js when loop idle'), '`when` names functions of the file being updated: loop is not in repl-js/counter.js.');
    const waiting = await run('update counter.js when worker idle');
    assert.match(waiting, /^Waiting: /, waiting);
    assert.equal(await debuggee.evaluate('fixture.counter.shout()'), 'quiet');
    const pending = await eventually('the pending update listed', async () => {
      const listed = await run('pending');
      return /counter\.js: shout/.test(listed) ? listed : undefined;
    });
    assert.match(pending, /waiting for worker to be idle/, pending);
    assert.equal(await run('update'), 'repl-js/counter.js: an update of it is pending (see `pending`); left as it is.');
    assert.match(await run('status'), /1 update waiting/);
    const stack = await run('stack');
    assert.match(stack, /running \(not paused\): no frame of the program is on the stack/);
    assert.match(stack, /^ {2}suspended: worker, holding update p\d+$/m, stack);

    await debuggee.evaluate('fixture.counter.release()');
    await eventually('the update to land', async () => (await debuggee.evaluate('fixture.counter.shout()')) === 'hushed');
    await eventually('nothing pending', async () => (await run('pending')) === 'Nothing is waiting.');
  });

  it('cancels a pending update by id and all of them', async () => {
    const { run, repl, debuggee, editor } = await session();
    await debuggee.evaluate('void fixture.counter.worker().then((v) => (globalThis.worked = v))');
    editor.set(counter, edit(original, "return 'worker v1';", "return 'worker v2';"));
    assert.match(await run('update counter.js'), /^Waiting: /);
    assert.equal(await run('cancel p999'), 'No pending update p999 (see `pending`).');
    const id = await eventually('the pending update listed', async () => /^ {2}(p\d+) {2}repl-js\/counter\.js: worker/m.exec(await run('pending'))?.[1]);
    assert.deepEqual((await repl.complete('cancel ', 7)).items, [id]);
    assert.equal(await run(`cancel ${id}`), 'Cancelled 1 waiting update.');
    assert.equal(await run('cancel'), 'Nothing is waiting.');
    await debuggee.evaluate('fixture.counter.release()');
    assert.equal(await eventually('the worker to finish', () => debuggee.evaluate<string>('globalThis.worked')), 'worker v1', 'the cancelled update never landed');
  });

  it('lists versions and rolls back', async () => {
    const { run, debuggee, editor } = await session();
    assert.match(await run('history'), /version 0: the program as it started/);
    editor.set(counter, edit(original, "return 'v1';", "return 'v2';"));
    await run('update counter.js');
    const history = await run('history');
    // The time as the clock reads (the one time format, in the locale the REPL was given).
    assert.match(history, /^ {2}1 {2}\d{1,2}:\d\d:\d\d(?:\s?[AP]M)? {2}repl-js\/counter\.js: label \(current\)$/m, history);
    const rolled = await run('rollback');
    assert.match(rolled, /^main\.js \[test\]: rolled back to version 0 \(from 1; now version 2\): `label` in counter\.js\./m, rolled);
    assert.equal(await debuggee.evaluate('fixture.counter.label()'), 'v1');
    assert.match(await run('history'), /^ {2}2 .*restores version 0 \(current\)$/m);
    assert.match(await run('rollback -1'), /^There is no version -1/);
  });

  it('shows where update points were reached, with approximate counts', async () => {
    const { run, debuggee } = await session();
    assert.match(await run('points'), /0 update points reached/);
    await debuggee.evaluate('fixture.loop(100)');
    const points = await run('points');
    const loopLine = fs.readFileSync(main, 'utf8').split('\n').findIndex((l) => l.includes('updatePoint();')) + 1;
    assert.match(points, /^main\.js \[test\]: 100 update points reached$/m, points);
    assert.match(points, new RegExp(`^  repl-js/main\\.js:${loopLine}:\\d+  in loop  ~\\d+ calls, last seen`, 'm'), points);
  });

  it('completes commands, module paths and function names', async () => {
    const { repl } = await session();
    assert.deepEqual(await repl.complete('sta', 3), { from: 0, items: ['stack', 'status'] });
    assert.deepEqual(await repl.complete('help up', 7), { from: 5, items: ['update'] });
    assert.deepEqual(await repl.complete('eval repl-js/c', 14), { from: 5, items: ['repl-js/counter.js'] });
    assert.deepEqual(await repl.complete('eval cou', 8), { from: 5, items: ['counter.js'] });
    assert.deepEqual(await repl.complete('update sh', 9), { from: 7, items: ['shout'] });
    assert.deepEqual(await repl.complete('update label,b', 14), { from: 13, items: ['bump'] });
    assert.deepEqual(await repl.complete('update counter.js when wo', 25), { from: 23, items: ['worker'] });
    assert.deepEqual(await repl.complete('update counter.js when worker i', 31), { from: 30, items: ['idle'] });
  });
});

describe('command interpreter over LSP', { timeout: 60_000 }, () => {
  it('answers ReplCommand, ReplComplete and ReplEvaluate through the language server', async () => {
    const debuggee = await InspectedProcess.start(main);
    cleanups.push(() => debuggee.kill());
    await eventually('the fixture', () => debuggee.evaluate<boolean>('typeof fixture === "object"'));
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    await client.setTargets([{ id: 't1', name: 'main.js [lsp]', process: debuggee }]);
    const command = (line: string, activeFile?: string) => client.connection.sendRequest(ReplCommand.type, { line, ...(activeFile ? { activeFile } : {}) });

    assert.match(text(await command('status')), /main\.js \[lsp\]: version 0, 2 modules, nothing waiting/);
    assert.equal(text(await command('count = 5', counter)), 'Unknown command: count. Type `help` for the commands.');
    assert.equal(text(await command('eval count = 5', counter)), '5');
    assert.equal(await debuggee.evaluate('fixture.counter.count'), 5);
    const evaluation = await client.connection.sendRequest(ReplEvaluate.type, { file: counter, expression: 'later(count + 1)' });
    assert.deepEqual(evaluation.results.map((r) => r.text), ['6']);
    assert.deepEqual(await client.connection.sendRequest(ReplComplete.type, { line: 'st', cursor: 2 }), { from: 0, items: ['stack', 'status'] });

    // `update` applies the text the editor last sent (here, at open), published as a save's outcome.
    const edited = edit(original, "return 'v1';", "return 'lsp';");
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: pathToFileURL(counter).href, languageId: 'javascript', version: 1, text: edited } });
    assert.match(text(await command('update counter.js')), /^Live: label in 1 program/);
    assert.equal((await client.nextUpdate(0)).outcome, 'applied');
    assert.equal(await debuggee.evaluate('fixture.counter.label()'), 'lsp');
    assert.match(text(await command('history')), /^ {2}1 .*label \(current\)$/m);
    assert.match(text(await command('rollback 0')), /^main\.js \[lsp\]: rolled back to version 0/);
    assert.equal(await debuggee.evaluate('fixture.counter.label()'), 'v1');
    const report = await eventually('the rollback reported as an update', () => client.updates.find((u) => u.restores === 0));
    assert.equal(report.file, counter);

    // The editor's unsaved text comes with the command (Apply Now), and wins over the last sent;
    // a path with a space is one argument when quoted.
    const unsaved = edit(original, "return 'v1';", "return 'unsaved';");
    const applied = await client.connection.sendRequest(ReplCommand.type, { line: `update ${JSON.stringify(counter)}`, unsaved: [{ file: counter, text: unsaved }] });
    assert.match(text(applied), /^Live: label in 1 program/);
    assert.equal(await debuggee.evaluate('fixture.counter.label()'), 'unsaved');
    assert.match(text(await command('update "/no such/dir/x.js"')), /no such\/dir\/x\.js/);
  });
});
