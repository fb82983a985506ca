// The real language server over real LSP, end to end without an editor: the test is the client,
// and it forwards the server's requests to a real Node debuggee running the Live Update runtime.
import assert from 'node:assert/strict';
import { runningTextOf } from '../../server/src/core/savedText';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, ExecuteCommandRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { DIAGNOSTIC_SOURCE, DiagnosticCodes, DocumentFunctions, ServerCommands } from '../../common/protocol';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { LanguageServerClient } from '../support/languageServer';
import { fixture } from '../support/paths';

const file = fixture('counter-js', 'main.js');
const original = fs.readFileSync(file, 'utf8');
/** The fixture with `f` edited; the file on disk is never changed, the save carries the text. */
const edited = (replacement: string): string => {
  assert.ok(original.includes("return 'v1';"));
  return original.replace("return 'v1';", replacement);
};

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

/** A debuggee running the counter fixture, and a language server that has it as its one target. */
async function session(): Promise<{ debuggee: InspectedProcess; client: LanguageServerClient }> {
  const debuggee = await InspectedProcess.start(file);
  cleanups.push(() => debuggee.kill());
  await debuggee.waitForLine(/^tick \d+ v1$/);
  const { client, initialize } = await LanguageServerClient.start();
  cleanups.push(() => client.stop());
  assert.deepEqual(initialize.capabilities.textDocumentSync, { openClose: true, change: 0, save: { includeText: true } });
  await client.setTargets([{ id: 'target-1', name: 'main.js [test]', process: debuggee }]);
  return { debuggee, client };
}

function lastTick(p: InspectedProcess): { count: number; value: string } {
  const line = p.output.filter((l) => l.startsWith('tick ')).at(-1)!;
  const [, count, value] = /^tick (\d+) (.*)$/.exec(line)!;
  return { count: Number(count), value: value! };
}

// The timeout is the whole suite's (node:test): twelve tests that each start a program and a server.
describe('language server over LSP', { timeout: 180_000 }, () => {
  it('applies a saved edit to the running program and reports it', async () => {
    const { debuggee, client } = await session();
    const before = lastTick(debuggee);
    const outputMark = debuggee.output.length;

    await client.save(file, edited("return 'v2';"));

    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'applied', JSON.stringify(update));
    assert.deepEqual(update.functions, ['f']);
    assert.equal(update.file, file);
    assert.deepEqual(update.targets.map((t) => [t.targetId, t.outcome]), [['target-1', 'applied']]);

    assert.equal(client.applyRequests.length, 1);
    const { targetId, patch } = client.applyRequests[0]!;
    assert.equal(targetId, 'target-1');
    assert.deepEqual(patch.scripts.map((s) => s.file), [file]);
    assert.deepEqual(patch.scripts[0]!.functions.map((f) => f.name), ['f']);
    assert.equal(patch.scripts[0]!.code, (runningTextOf(file, edited("return 'v2';")) as { code: string }).code, 'the running text of the saved file');
    assert.ok(client.queries.some((q) => q.targetId === 'target-1' && q.query.file === file), 'the server asked for the baseline');

    const line = await debuggee.waitForLine(/^tick \d+ v2$/, outputMark);
    assert.ok(Number(line.split(' ')[1]) > before.count, `the counter continued from ${before.count}: ${line}`);
    assert.equal(lastTick(debuggee).value, 'v2');

    const published = await client.nextDiagnostics(file, 0);
    assert.deepEqual(published.diagnostics, []);
  });

  it('with whenActive "reject", refuses an edit of a function on the paused stack with a diagnostic on its name, then applies it once resumed', async () => {
    const { debuggee, client } = await session();
    await client.configure({ whenActive: 'reject' });
    await debuggee.send('Debugger.enable');
    const paused = new Promise<void>((resolve) => debuggee.on('Debugger.paused', () => resolve()));
    // Line 4 (0-based) is `return 'v1';` inside f.
    const { breakpointId } = await debuggee.send('Debugger.setBreakpointByUrl', { lineNumber: 4, url: pathToFileURL(file).href });
    await paused;

    const text = edited("return 'v2';");
    await client.save(file, text);
    const rejected = await client.nextUpdate(0);
    assert.equal(rejected.outcome, 'rejected', JSON.stringify(rejected));
    assert.deepEqual(rejected.functions, ['f']);
    const published = await client.nextDiagnostics(file, 0);
    assert.equal(published.diagnostics.length, 1, JSON.stringify(published));
    const [diagnostic] = published.diagnostics;
    assert.equal(diagnostic!.code, DiagnosticCodes.activeFunction);
    assert.equal(diagnostic!.code, 'LU001');
    assert.equal(diagnostic!.source, DIAGNOSTIC_SOURCE);
    assert.equal(diagnostic!.source, 'Live Update');
    // The name `f` in `function f() {` (line 3, 0-based).
    assert.deepEqual(diagnostic!.range, { start: { line: 3, character: 9 }, end: { line: 3, character: 10 } });
    assert.match(diagnostic!.message, /call stack/);
    assert.equal(await debuggee.evaluate('fixture.f()'), 'v1', 'nothing was applied');

    await debuggee.send('Debugger.removeBreakpoint', { breakpointId });
    await debuggee.resume();
    const outputMark = debuggee.output.length;
    const diagnosticsMark = client.diagnostics.length;
    await client.save(file, text);
    const applied = await client.nextUpdate(1);
    assert.equal(applied.outcome, 'applied', JSON.stringify(applied));
    assert.deepEqual(applied.functions, ['f']);
    const cleared = await client.nextDiagnostics(file, diagnosticsMark);
    assert.deepEqual(cleared.diagnostics, []);
    await debuggee.waitForLine(/^tick \d+ v2$/, outputMark);
  });

  it('reports a syntax error and applies nothing', async () => {
    const { debuggee, client } = await session();

    await client.save(file, edited("return 'v2' +;"));

    const published = await client.nextDiagnostics(file, 0);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.source, d.range.start.line]),
      [[DiagnosticCodes.syntaxError, DIAGNOSTIC_SOURCE, 4]],
    );
    assert.equal(published.diagnostics[0]!.code, 'LU003');
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'rejected', JSON.stringify(update));
    assert.deepEqual(client.applyRequests, [], 'no patch was sent');
    assert.equal(await debuggee.evaluate('fixture.f()'), 'v1');
    assert.equal(lastTick(debuggee).value, 'v1');
  });

  it('asks a target once per file, then trusts its cache; when the program changed behind it, asks again', async () => {
    const { debuggee, client } = await session();
    await client.save(file, edited("return 'v2';"));
    assert.equal((await client.nextUpdate(0)).outcome, 'applied');
    const queries = client.queries.length;

    await client.save(file, edited("return 'v3';"));
    assert.equal((await client.nextUpdate(1)).outcome, 'applied');
    assert.equal(client.queries.length, queries, 'the second save needed no baseline query');
    await debuggee.waitForLine(/ v3$/, 0);

    // Someone else updates the program (another editor window, the REPL): the cache is stale.
    const behind = await debuggee.apply(patchOf(scriptPatch(file, replaceOnce("return 'v3';", "return 'v4';"), edited("return 'v3';"))));
    assert.equal(behind.ok, true, JSON.stringify(behind));
    await client.save(file, edited("return 'v5';"));
    const update = await client.nextUpdate(2);
    assert.equal(update.outcome, 'applied', JSON.stringify(update));
    assert.ok(client.queries.length > queries, 'the server asked for the baseline again');
    await debuggee.waitForLine(/ v5$/, 0);
  });

  it('updates a tsc-built program from a save of its TypeScript source: only the changed function, diagnostics on the .ts', async () => {
    const source = fixture('tsc-built', 'src', 'main.ts');
    const built = fixture('tsc-built', 'out', 'main.js');
    const text = fs.readFileSync(source, 'utf8');
    const debuggee = await InspectedProcess.start(built);
    cleanups.push(() => debuggee.kill());
    await debuggee.waitForLine(/^tick \d+ v1$/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    await client.setTargets([{ id: 't', name: 'main.js [built]', process: debuggee }]);

    const mark = debuggee.output.length;
    await client.save(source, text.replace("return 'v1';", "return 'v2';").replace('let ticks: number = 0;', 'let ticks: number = 100;'));
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'applied', JSON.stringify(update));
    assert.deepEqual(update.functions, ['f']);
    const [request] = client.applyRequests;
    assert.equal(request!.patch.scripts[0]!.file, built, 'the patch goes to the compiled file');
    const running = fs.readFileSync(built, 'utf8');
    assert.ok(request!.patch.scripts[0]!.code.startsWith(running.replace("return 'v1';", "return 'v2';").split('//# sourceMappingURL')[0]!), 'only the function changed; the top level stays as it runs');
    const line = await debuggee.waitForLine(/^tick \d+ v2$/, mark);
    assert.ok(Number(line.split(' ')[1]) < 100, `the counter kept its running value: ${line}`);
    const published = await client.nextDiagnostics(source, 0);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.range.start.line]),
      [[DiagnosticCodes.topLevelKept, 5]],
      'the kept top-level statement is marked on its TypeScript line',
    );
  });

  it('holds an update that introduces a type error, and applies it on request', async () => {
    const source = fixture('counter-ts', 'main.ts');
    const text = fs.readFileSync(source, 'utf8');
    const debuggee = await InspectedProcess.start(source);
    cleanups.push(() => debuggee.kill());
    await debuggee.waitForLine(/ v1$/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    await client.setTargets([{ id: 't', name: 'main.ts [test]', process: debuggee }]);
    assert.match(text, /return 'v1';/);

    await client.save(source, text.replace("return 'v1';", 'return 42;'));
    const held = await client.nextUpdate(0);
    assert.equal(held.outcome, 'rejected', JSON.stringify(held));
    assert.match(held.targets[0]!.reason!, /type error/);
    const published = await client.nextDiagnostics(source, 0);
    // One diagnostic saying what the error means for the update (TypeScript shows the error itself).
    assert.deepEqual(published.diagnostics.map((d) => [d.code, d.severity]), [[DiagnosticCodes.typeErrors, 2]]);
    assert.match(published.diagnostics[0]!.message, /^Not applied: the edit introduces a type error \(line \d+: Type 'number' is not assignable to type 'string'\)\. The program keeps running the previous version/);
    assert.deepEqual(published.diagnostics[0]!.relatedInformation?.map((r) => r.message), ["Type 'number' is not assignable to type 'string'. (TS2322)"]);
    assert.deepEqual(client.applyRequests, [], 'nothing was sent to the program');

    await client.connection.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.applyIgnoringTypeErrors, arguments: [source] });
    const applied = await client.nextUpdate(1);
    assert.equal(applied.outcome, 'applied', JSON.stringify(applied));
    assert.equal(await debuggee.evaluate('fixture.f()'), 42);
  });

  it('builds the type check of a program that became a target while it starts, before any file is opened', async () => {
    const source = fixture('counter-ts', 'main.ts');
    const debuggee = await InspectedProcess.start(source);
    cleanups.push(() => debuggee.kill());
    await debuggee.waitForLine(/ v1$/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    assert.ok(!client.log.some((l) => l.includes('the type check is ready')), 'nothing to build before a target');
    await client.setTargets([{ id: 't', name: 'main.ts [test]', process: debuggee }]);
    // No didOpen: the first save after the program started must not pay the project's cold start.
    await eventually('the type check built for the target', () => client.log.some((l) => l.includes('the type check is ready')), 30_000);
  });

  it('keeps changed top-level state, says so on its line, and runs the statement on request', async () => {
    const { debuggee, client } = await session();
    await eventually('the counter to pass 2', async () => ((await debuggee.evaluate<number>('fixture.counter')) > 2 ? true : undefined));
    await client.save(file, original.replace('let counter = 0;', 'let counter = 1000;').replace("return 'v1';", "return 'v2';"));
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'applied', JSON.stringify(update));
    const published = await client.nextDiagnostics(file, 0);
    const kept = published.diagnostics.find((d) => d.code === DiagnosticCodes.topLevelKept);
    assert.ok(kept, JSON.stringify(published));
    assert.deepEqual(kept.range, { start: { line: 1, character: 4 }, end: { line: 1, character: 11 } });
    assert.match(kept.message, /^`counter` holds state \(`counter` is incremented in the function passed to `setInterval`\): the running program keeps its current value/);
    assert.ok((await debuggee.evaluate<number>('fixture.counter')) < 1000, 'the running value was kept');

    const [action] = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: pathToFileURL(file).href },
      range: kept.range,
      context: { diagnostics: [kept] },
    }))! as CodeAction[];
    assert.equal(action!.title, 'Run this statement in the running program now');
    await client.connection.sendRequest(ExecuteCommandRequest.type, action!.command!);
    await eventually('the statement to have run', async () => {
      const counter = await debuggee.evaluate<number>('fixture.counter');
      return counter >= 1000 && counter < 1100 ? true : undefined;
    });
  });

  it('updates the functions and re-evaluates the definitions of an ES module whose top level changed, and says so', async () => {
    const lib = fixture('esm-js', 'lib.mjs');
    const text = fs.readFileSync(lib, 'utf8');
    const debuggee = await InspectedProcess.start(fixture('esm-js', 'main.mjs'));
    cleanups.push(() => debuggee.kill());
    await debuggee.waitForLine(/ v1$/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    await client.setTargets([{ id: 't', name: 'main.mjs [test]', process: debuggee }]);

    const mark = debuggee.output.length;
    await client.save(lib, `// A comment V8 would refuse at an ES module's top level\n${text.replace("export const prefix = 'v';", "export const prefix = 'w';").replace("prefix + '1'", "prefix + '2'")}`);
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'applied', JSON.stringify(update));
    // `prefix` is re-evaluated through the module's scope accessor: the running text keeps `'v'`.
    await debuggee.waitForLine(/ w2$/, mark);
    const published = await client.nextDiagnostics(lib, 0);
    assert.deepEqual(published.diagnostics.map((d) => [d.code, d.range.start.line]), [[DiagnosticCodes.esmTopLevelKept, 1]]);
    assert.match(
      published.diagnostics[0]!.message,
      /^The top level of this ES module stays as it runs .*the functions were updated \(`label`\), and the definitions were re-evaluated in the module's scope \(`const prefix`\).*\. The running script's lines no longer match the file's \(by up to 1 line\)/,
    );
  });

  it('clears what only an ended program showed, and keeps what another still shows', async () => {
    const paused = await InspectedProcess.start(file);
    const running = await InspectedProcess.start(file);
    cleanups.push(() => paused.kill(), () => running.kill());
    await paused.waitForLine(/^tick \d+ v1$/);
    await running.waitForLine(/^tick \d+ v1$/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    const targets = [
      { id: 'paused', name: 'main.js [paused]', process: paused },
      { id: 'running', name: 'main.js [running]', process: running },
    ];
    await client.setTargets(targets);
    await paused.send('Debugger.enable');
    const stopped = new Promise<void>((resolve) => paused.on('Debugger.paused', () => resolve()));
    await paused.send('Debugger.setBreakpointByUrl', { lineNumber: 4, url: pathToFileURL(file).href });
    await stopped;

    await client.save(file, edited("return 'v2';"));
    const update = await client.nextUpdate(0);
    assert.equal(update.outcome, 'partial', JSON.stringify(update));
    const shown = await client.nextDiagnostics(file, 0);
    // With the default policy the paused program's update waits (LU014) until `f` returns.
    assert.deepEqual(shown.diagnostics.map((d) => d.code), [DiagnosticCodes.pendingUpdate]);

    // The paused program ends: its diagnostic is no longer true.
    const mark = client.diagnostics.length;
    await client.setTargets([targets[1]!]);
    const cleared = await client.nextDiagnostics(file, mark);
    assert.deepEqual(cleared.diagnostics, []);
  });

  it("says a save of package.json that moves the entry needs a restart, and that a version bump changes nothing", async () => {
    const { client } = await session();
    // The fixture's folder: the program runs main.js from it. The save carries the text.
    const manifest = path.join(path.dirname(file), 'package.json');
    const opened = '{\n  "name": "counter",\n  "version": "1.0.0",\n  "main": "main.js"\n}\n';
    await client.open(manifest, opened);

    await client.save(manifest, opened.replace('1.0.0', '1.0.1'));
    const bump = await client.nextUpdate(0);
    assert.equal(bump.outcome, 'no-change', JSON.stringify(bump));
    assert.equal(client.applyRequests.length, 0);

    const mark = client.diagnostics.length;
    await client.save(manifest, opened.replace('"main.js"', '"other.js"'));
    const moved = await client.nextUpdate(1);
    assert.equal(moved.outcome, 'partial', JSON.stringify(moved));
    assert.match(moved.summary, /package\.json's `main` changed: .* keeps the modules it resolved at start \(restart to get it\)/);
    const shown = await client.nextDiagnostics(manifest, mark);
    assert.deepEqual(
      shown.diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character]),
      [[DiagnosticCodes.manifestKept, 2, 3, 2]],
    );
    assert.match(shown.diagnostics[0]!.message, /restart to get the new `main`/);
    assert.equal(client.applyRequests.length, 0, 'no code is sent for a manifest');
  });

  it("names the functions of an editor's text as update reports name them, with their ranges (the editor's CodeLens)", async () => {
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    const text = ['class Greeter {', '  greet(name: string): string {', '    return `hi ${name}`;', '  }', '}', 'const twice = (n: number) => n * 2;', ''].join('\n');
    const { functions } = await client.connection.sendRequest(DocumentFunctions.type, { file: '/unsaved/greeter.ts', text });
    assert.deepEqual(
      functions.map((f) => [f.name, f.start.line, f.end.line, f.nameStart, f.nameEnd]),
      [
        ['Greeter.greet', 1, 3, { line: 1, column: 2 }, { line: 1, column: 7 }],
        ['twice', 5, 5, { line: 5, column: 6 }, { line: 5, column: 11 }],
      ],
    );
  });
});
