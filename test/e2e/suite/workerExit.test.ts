// End-to-end (issue 9, faults): a worker thread ends in the middle of an update. The main thread
// and a worker both run shared.js; the update's state transformer ends the worker when it runs
// there (process.exit in a worker ends that thread), so the worker's part never completes. The
// main thread must have it, the worker be reported as ended, and nothing hang or stay behind.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { editAllAndSave, eventually, launch, liveDiagnostics, liveSuite, workspaceFile } from './support';

describe('A worker thread that exits during an update', function () {
  const live = liveSuite();

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  it('applies the update to the main thread and reports the worker as ended, with nothing left behind', async () => {
    const shared = workspaceFile('workers', 'shared.js');
    const start = live.dap.output.length;
    const main = await launch(workspaceFile('workers', 'main.js'), 'live workers');
    await live.dap.waitForLine(/^worker s1 \d+ worker$/, start);
    // The main thread and the worker answer the runtime's handshake.
    const targets = await eventually('two targets', () => live.api.targets().length >= 2 && live.api.targets());
    const worker = targets.find((t) => t.id !== main.id)!;
    const counted = Number(/^main s1 (\d+) main$/.exec(await live.dap.waitForLine(/^main s1 \d+ main$/, start))![1]);

    const reports = live.recorder.reports.length;
    const lines = live.dap.output.length;
    await editAllAndSave(shared, [
      ['let calls = 0;', 'let calls = { n: 0 };\nvoid function transform$calls(old) {\n  if (!isMainThread) process.exit(3);\n  return { n: old };\n};'],
      ['calls++;\n  return `s1 ${calls}', 'calls.n++;\n  return `s2 ${calls.n}'],
    ]);
    const report = await nextReport(reports, shared);

    // The worker ended inside the update: the main thread runs the new version with its state
    // converted, the worker's exit is the program's own.
    const after = await live.dap.waitForLine(/^main s2 \d+ main$/, lines);
    assert.ok(Number(/^main s2 (\d+)/.exec(after)![1]) > counted, 'the transformer carried the main thread\'s count over');
    await live.dap.waitForLine(/^worker exited 3$/, lines);

    assert.deepEqual(
      report.targets.map((t) => [t.targetId === main.id ? 'main' : t.targetId === worker.id ? 'worker' : t.targetName, t.outcome]).sort(),
      [['main', 'applied'], ['worker', 'ended']],
      `${report.summary}: ${report.targets.map((t) => `${t.targetName} ${t.outcome} (${t.reason ?? ''})`).join('; ')} in ${Math.round(report.milliseconds)} ms; diagnostics: ${liveDiagnostics(shared).map((d) => `${d.code} ${d.message}`).join(' | ')}`,
    );
    assert.equal(report.outcome, 'applied', report.summary);
    assert.match(report.summary, /^Live: label in 1 program .*; .*worker.* ended during the update/);
    await eventually('the worker to be no target any more', () => live.api.targets().every((t) => t.id !== worker.id));
    // What the save says is about the main thread only: nothing names the ended worker.
    assert.ok(liveDiagnostics(shared).every((d) => !d.message.includes(worker.name)), liveDiagnostics(shared).map((d) => d.message).join('\n'));
  });
});
