// End-to-end: program state across updates in a real VS Code with the real js-debug — new
// top-level declarations used at once, a state transformer (and one that throws), existing class
// instances migrated; module state kept.
import * as assert from 'node:assert/strict';
import type { UpdateReport } from '../../../client/src/api';
import * as vscode from 'vscode';
import { editAllAndSave, editAndSave, eventually, launch, liveDiagnostics, liveSuite, workspaceFile } from './support';

describe('Program state across updates in a real VS Code', function () {
  const live = liveSuite();

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  it('adds a function, a const and an import that changed code uses at once, keeping the count (TypeScript)', async () => {
    const file = workspaceFile('declarations.ts');
    const start = live.dap.output.length;
    await launch(file, 'live declarations.ts');
    const first = Number(/^tick (\d+) v1$/.exec(await live.dap.waitForLine(/^tick \d+ v1$/, start))![1]);

    const reports = live.recorder.reports.length;
    const lines = live.dap.output.length;
    await editAndSave(
      file,
      "function label(): string {\n  return 'v1';\n}",
      "import { basename } from 'node:path';\nconst SUFFIX: string = '!';\n\nfunction shout(n: number): string {\n  return `n=${n}${SUFFIX}`;\n}\n\nfunction label(): string {\n  return shout(counter) + ' ' + basename('/x/v2.txt');\n}",
    );
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'applied', report.summary);
    const line = await live.dap.waitForLine(/^tick \d+ n=\d+! v2\.txt$/, lines);
    assert.ok(Number(/^tick (\d+)/.exec(line)![1]) > first, 'the count kept going');
    assert.deepEqual(liveDiagnostics(file).filter((d) => d.severity === vscode.DiagnosticSeverity.Error), []);
  });

  it('converts a Map of sessions to a Map of objects with a state transformer; one that throws changes nothing and says so on its line', async () => {
    const file = workspaceFile('sessions.ts');
    const start = live.dap.output.length;
    await launch(file, 'live sessions.ts');
    await live.dap.waitForLine(/^sessions user1,user2,user3$/, start);

    const shape = (transformer: string): [string, string][] => [
      [
        'let sessions = new Map<string, string>();',
        `let sessions = new Map<string, { user: string; since: number }>();\nvoid function transform$sessions(old: Map<string, string>): typeof sessions {\n  ${transformer}\n};`,
      ],
      ['sessions.set(id, `user${id}`);', 'sessions.set(id, { user: `user${id}`, since: 2 });'],
      ["return [...sessions.values()].join(',');", "return [...sessions.values()].map((s) => `${s.user}@${s.since}`).join(',');"],
    ];
    let reports = live.recorder.reports.length;
    await editAllAndSave(file, shape("throw new Error('not yet');"));
    const threw = await nextReport(reports, file);
    assert.equal(threw.outcome, 'rejected', threw.summary);
    const error = await eventually('the error on the transformer', () => liveDiagnostics(file).find((d) => d.severity === vscode.DiagnosticSeverity.Error));
    assert.equal(error.range.start.line, 2);
    assert.match(error.message, /transform\$sessions.*threw Error: not yet/);
    let lines = live.dap.output.length;
    await live.dap.waitForLine(/^sessions user1,user2,user3$/, lines);

    // The transformer fixed: the whole update applies, and the running sessions are converted once.
    reports = live.recorder.reports.length;
    lines = live.dap.output.length;
    await editAndSave(file, "  throw new Error('not yet');", '  return new Map([...old].map(([id, user]) => [id, { user, since: 1 }]));');
    const applied = await nextReport(reports, file);
    assert.equal(applied.outcome, 'applied', applied.summary);
    await live.dap.waitForLine(/^sessions user1@1,user2@1,user3@1$/, lines);
  });

  it('migrates the existing instances of a class that gains a field; identity and instanceof kept', async () => {
    const file = workspaceFile('shapes.js');
    const start = live.dap.output.length;
    await launch(file, 'live shapes.js');
    await live.dap.waitForLine(/^points 1,2 3,4 true$/, start);
    const reports = live.recorder.reports.length;
    const lines = live.dap.output.length;
    await editAllAndSave(file, [
      ['class Point {\n', "class Point {\n  label = 'p';\n\n"],
      ['return `${this.x},${this.y}`;', 'return `${this.label}${this.x},${this.y}`;'],
    ]);
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'applied', report.summary);
    await live.dap.waitForLine(/^points p1,2 p3,4 true$/, lines);
    const migrated = await eventually('the migration note on the class', () => liveDiagnostics(file).find((d) => /existing instances of `Point` were migrated/.test(d.message)));
    assert.match(migrated.message, /2 existing instances/);
  });

  it('re-evaluates changed constant data and what derives from it in an ES module, keeping its state', async () => {
    const file = workspaceFile('greeter.mjs');
    const start = live.dap.output.length;
    await launch(file, 'live greeter.mjs');
    const before = Number(/ (\d+)$/.exec(await live.dap.waitForLine(/^greet hello bonjour \d+$/, start))![1]);
    const reports = live.recorder.reports.length;
    const lines = live.dap.output.length;
    await editAndSave(file, "{ en: 'hello', fr: 'bonjour' }", "{ en: 'hello', fr: 'bonjour', es: 'hola' }");
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'applied', report.summary);
    const line = await live.dap.waitForLine(/^greet hello bonjour hola \d+$/, lines);
    assert.ok(Number(/ (\d+)$/.exec(line)![1]) > before, 'the count kept going');
    const note = await eventually('the note on the module', () => liveDiagnostics(file).find((d) => d.code === 'LU008'));
    assert.match(note.message, /re-evaluated/);
  });
});
