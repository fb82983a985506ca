// End-to-end: the real extension in a real VS Code, a real Node program under the real js-debug.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { editAndSave, eventually, launch, liveDiagnostics, liveSuite, workspaceFile } from './support';

const TICK = /^tick (\d+) (\S+) pid (\d+)$/;

function parseTick(line: string): { count: number; value: string; pid: number } {
  const [, count, value, pid] = TICK.exec(line)!;
  return { count: Number(count), value: value!, pid: Number(pid) };
}

describe('Live Update in a real VS Code', function () {
  const live = liveSuite();

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  for (const name of ['counter.js', 'counter.ts']) {
    it(`applies a saved edit of f() to the running ${name} and keeps its state`, async () => {
      const file = workspaceFile(name);
      const start = live.dap.output.length;
      await launch(file, `live ${name}`);
      const first = parseTick(await live.dap.waitForLine(/^tick \d+ v1 pid/, start));

      const reports = live.recorder.reports.length;
      const lines = live.dap.output.length;
      await editAndSave(file, "'v1'", "'v2'");
      const report = await nextReport(reports, file);
      assert.equal(report.outcome, 'applied', report.summary);
      assert.deepEqual(report.functions, ['f']);
      assert.equal(report.targets.length, 1);
      assert.equal(report.targets[0]!.report?.scripts[0]?.verified, true);

      const after = parseTick(await live.dap.waitForLine(/^tick \d+ v2 pid/, lines));
      assert.equal(after.pid, first.pid, 'same process');
      assert.ok(after.count > first.count, `the counter went on (${first.count} → ${after.count}), state kept`);
      assert.deepEqual(liveDiagnostics(file), []);
      assert.deepEqual(live.api.history().at(-1), report);
    });
  }

  it('updates a worker thread and a child process, each its own target', async () => {
    const start = live.dap.output.length;
    await launch(workspaceFile('family', 'main.js'), 'live family');
    await live.dap.waitForLine(/^worker \d+ w1$/, start);
    await live.dap.waitForLine(/^child \d+ c1$/, start);
    // The parent, the worker and the child answer the runtime's handshake.
    await eventually('three targets', () => live.api.targets().length >= 3);
    // The runtime is called on each process's own inspector, the worker's through js-debug (decision 050).
    const own = live.api.targets().filter((t) => t.cdp && /^ws:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\//.test(t.inspector ?? ''));
    assert.equal(own.length, 2, `the two processes give their inspector: ${JSON.stringify(live.api.targets())}`);

    for (const [file, from, to, line] of [
      ['worker.js', "'w1'", "'w2'", /^worker \d+ w2$/],
      ['child.js', "'c1'", "'c2'", /^child \d+ c2$/],
    ] as const) {
      const uri = workspaceFile('family', file);
      const reports = live.recorder.reports.length;
      const lines = live.dap.output.length;
      await editAndSave(uri, from, to);
      const report = await nextReport(reports, uri);
      assert.equal(report.outcome, 'applied', report.summary);
      assert.equal(report.targets.length, 1, `only the thread that runs ${file}: ${report.targets.map((t) => t.targetName).join(', ')}`);
      await live.dap.waitForLine(line, lines);
    }
  });

  it('with whenActive "reject", refuses an edit of a function on the paused stack with a diagnostic, then applies it after continuing', async () => {
    await vscode.workspace.getConfiguration('liveUpdate').update('whenActive', 'reject', vscode.ConfigurationTarget.Workspace);
    const file = workspaceFile('paused.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live paused.js');
    await live.dap.waitForLine(/^tick \d+ v1 pid/, start);

    // Stop inside f: line 5 (`return 'v1';`, 0-based 4).
    const stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(4, 0)))]);
    const stop = await eventually('the program to stop at the breakpoint', () => live.dap.stopped.slice(stops).find((s) => s.sessionId === session.id));

    let reports = live.recorder.reports.length;
    await editAndSave(file, "'v1'", "'v2'");
    const rejected = await nextReport(reports, file);
    assert.equal(rejected.outcome, 'rejected', rejected.summary);
    const diagnostic = await eventually('a Live Update diagnostic on f', () => liveDiagnostics(file)[0]);
    assert.equal(diagnostic.code, 'LU001');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.character], [3, 9, 10]);
    assert.match(diagnostic.message, /`f` is running \(on the call stack at paused\.js:5\)/);

    // Remove the breakpoint and continue: the program still runs the old version. js-debug may
    // apply the removal after the next call of f, so continue again if it stops once more.
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    let lastStop = stop;
    for (;;) {
      const lines = live.dap.output.length;
      const stopsBefore = live.dap.stopped.length;
      await session.customRequest('continue', { threadId: lastStop.threadId });
      const next = await eventually('two more ticks, or another stop', () =>
        live.dap.stopped.length > stopsBefore ? { stop: live.dap.stopped.at(-1)! } : live.dap.output.slice(lines).filter((l) => TICK.test(l)).length >= 2 ? { stop: undefined } : undefined,
      );
      if (!next.stop) break;
      lastStop = next.stop;
    }
    assert.match(live.dap.output.filter((l) => TICK.test(l)).at(-1)!, /^tick \d+ v1 pid/);

    // Saving again now applies, and the diagnostic goes away.
    reports = live.recorder.reports.length;
    const linesBefore = live.dap.output.length;
    await editAndSave(file, "'v2'", "'v3'");
    const applied = await nextReport(reports, file);
    assert.equal(applied.outcome, 'applied', applied.summary);
    await live.dap.waitForLine(/^tick \d+ v3 pid/, linesBefore);
    await eventually('the diagnostic to clear', () => liveDiagnostics(file).length === 0);
  });

  it('holds a TypeScript edit that introduces a type error, and applies it from the Quick Fix', async () => {
    const file = workspaceFile('typed.ts');
    const start = live.dap.output.length;
    await launch(file, 'live typed.ts');
    await live.dap.waitForLine(/^tick \d+ v1 pid/, start);

    let reports = live.recorder.reports.length;
    await editAndSave(file, "return 'v1';", 'return 42;');
    const held = await nextReport(reports, file);
    assert.equal(held.outcome, 'rejected', held.summary);
    assert.match(held.targets[0]!.reason ?? '', /type error/);
    const diagnostic = await eventually('the type error as a Live Update diagnostic', () => liveDiagnostics(file).find((d) => d.code === 'LU007'));
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diagnostic.range.start.line, 4);
    assert.match(diagnostic.message, /^Not applied: the edit introduces a type error \(line 5: Type 'number' is not assignable to type 'string'\)/);
    const lines = live.dap.output.length;
    await live.dap.waitForLine(/^tick \d+ v1 pid/, lines);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, diagnostic.range);
    const apply = actions.find((a) => a.title === 'Apply this update anyway (ignore its type errors)');
    assert.ok(apply?.command, `the Quick Fix is offered (got: ${actions.map((a) => a.title).join('; ')})`);
    reports = live.recorder.reports.length;
    const before = live.dap.output.length;
    await vscode.commands.executeCommand(apply.command.command, ...(apply.command.arguments ?? []));
    const applied = await nextReport(reports, file);
    assert.equal(applied.outcome, 'applied', applied.summary);
    await live.dap.waitForLine(/^tick \d+ 42 pid/, before);
  });

  it('keeps module state whose initializer changed, says so on its line, and runs the statement from the Quick Fix', async () => {
    const file = workspaceFile('stateful.js');
    const start = live.dap.output.length;
    await launch(file, 'live stateful.js');
    await live.dap.waitForLine(/^tick \d+ v1 pid/, start);

    let reports = live.recorder.reports.length;
    let lines = live.dap.output.length;
    await editAndSave(file, 'let counter = 0;', 'let counter = 5000;');
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'applied', report.summary);
    const kept = await eventually('the kept-state diagnostic', () => liveDiagnostics(file).find((d) => d.code === 'LU009'));
    assert.equal(kept.severity, vscode.DiagnosticSeverity.Information);
    assert.deepEqual([kept.range.start.line, kept.range.start.character, kept.range.end.character], [1, 4, 11]);
    assert.match(kept.message, /^`counter` holds state/);
    const tick = parseTick(await live.dap.waitForLine(/^tick \d+ v1 pid/, lines));
    assert.ok(tick.count < 5000, `the running value was kept (${tick.count})`);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', file, kept.range);
    const run = actions.find((a) => a.title === 'Run this statement in the running program now');
    assert.ok(run?.command, `the Quick Fix is offered (got: ${actions.map((a) => a.title).join('; ')})`);
    reports = live.recorder.reports.length;
    lines = live.dap.output.length;
    await vscode.commands.executeCommand(run.command.command, ...(run.command.arguments ?? []));
    const line = await live.dap.waitForLine(/^tick 50\d\d v1 pid/, lines);
    assert.equal(parseTick(line).pid, tick.pid, 'same process');
  });
});
