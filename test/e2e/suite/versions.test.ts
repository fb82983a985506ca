// End-to-end: versions and rollback in a real VS Code — two saves make versions 1 and 2, and the
// command "Roll Back to Version…" restores version 1 and then 0 in the running program, keeping its
// state, each time as an update of its own.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RollbackResult, UpdateReport } from '../../../client/src/api';
import { eventually, launch, liveSuite, saveEachApplied, workspaceFile } from './support';

describe('Versions and rollback in a real VS Code', function () {
  const live = liveSuite();

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  const countOf = (line: string) => Number(line.split(' ')[1]);

  it('saves two edits, then rolls back across them to version 1 and to 0 through the command, keeping the counter', async () => {
    const file = workspaceFile('versions.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live versions.js');
    await live.dap.waitForLine(/^count \d+ v1$/, start);

    await saveEachApplied(live, file, ['v1', 'v2', 'v3'], (to) => new RegExp(`^count \\d+ ${to}$`));
    const [history] = await live.api.versions({ target: session.id });
    assert.deepEqual(history?.history?.versions.map((v) => [v.version, v.functions]), [[1, ['f']], [2, ['f']]]);

    let count = countOf(live.dap.output.filter((l) => l.startsWith('count ')).at(-1)!);
    for (const [version, expected, made] of [[1, 'v2', 3], [0, 'v1', 4]] as const) {
      const reports = live.recorder.reports.length;
      const lines = live.dap.output.length;
      const result = await vscode.commands.executeCommand<RollbackResult>('liveUpdate.rollBackToVersion', { version });
      assert.equal(result.ok, true, result.summary);
      assert.deepEqual(result.targets.map((t) => [t.outcome, t.versions]), [['applied', [made]]]);
      assert.match(result.summary, new RegExp(`rolled back to version ${version} \\(from ${made - 1}; now version ${made}\\): \`f\` in versions\\.js\\. The file on disk still holds the newer text`));
      const report = await nextReport(reports, file);
      assert.equal(report.restores, version);
      assert.match(report.summary, new RegExp(`^Rolled back to version ${version}: f in `));
      const line = await live.dap.waitForLine(new RegExp(`^count \\d+ ${expected}$`), lines);
      assert.ok(countOf(line) > count, `the counter went on (${count} → ${countOf(line)}): state kept`);
      count = countOf(line);
    }
    const [after] = await live.api.versions();
    assert.deepEqual(after?.history?.versions.map((v) => [v.version, v.restores ?? null]), [[1, null], [2, null], [3, 1], [4, 0]]);
    assert.equal(after?.history?.current, 4);
    // The editor still holds the newest text: the rollback changed the program, not the file.
    assert.match((await vscode.workspace.openTextDocument(file)).getText(), /return 'v3';/);

    // As a user does it: the command lists the versions to restore, newest first; take the first
    // (version 3, which restored version 1: f() returns v2).
    const lines = live.dap.output.length;
    const picked = await answerQuickPick(vscode.commands.executeCommand<RollbackResult | undefined>('liveUpdate.rollBackToVersion'), 'workbench.action.acceptSelectedQuickOpenItem');
    assert.deepEqual(picked?.targets.map((t) => [t.outcome, t.to, t.versions]), [['applied', 3, [5]]]);
    await live.dap.waitForLine(/^count \d+ v2$/, lines);

    // "Show Update History" lists them (closed here without picking).
    await answerQuickPick(vscode.commands.executeCommand('liveUpdate.showHistory'), 'workbench.action.closeQuickOpen');
  });
});

/**
 * Runs `action` (accept or close) on the Quick Pick a command opens, polling until the command has
 * finished: the workbench gives no event for "the Quick Pick is showing", and an action sent
 * before it shows does nothing.
 */
async function answerQuickPick<T>(command: Thenable<T>, action: string): Promise<T> {
  let done = false;
  const result = Promise.resolve(command).finally(() => (done = true));
  await eventually(`the Quick Pick to take ${action}`, async () => {
    if (!done) await vscode.commands.executeCommand(action);
    return done || undefined;
  });
  return result;
}
