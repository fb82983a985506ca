// End-to-end: busy code in a real VS Code with the real js-debug — a server whose main never
// returns, a CPU-bound loop with an update point, and frames restarted into new code.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { editAndSave, eventually, launch, liveDiagnostics, liveSuite, workspaceFile } from './support';

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body));
    }).on('error', reject);
  });
}

function breakpointAt(file: vscode.Uri, line: number): vscode.SourceBreakpoint {
  return new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(line, 0)));
}

async function setting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('liveUpdate').update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('Busy code in a real VS Code', function () {
  const live = liveSuite();

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  const nextStop = (from: number, session: vscode.DebugSession) =>
    eventually('the program to stop', () => live.dap.stopped.slice(from).find((s) => s.sessionId === session.id));

  /** Continues until the program runs on without stopping (js-debug may remove a breakpoint late). */
  async function continueFreely(session: vscode.DebugSession, threadId: number, running: () => Promise<boolean>): Promise<void> {
    for (;;) {
      const stops = live.dap.stopped.length;
      await session.customRequest('continue', { threadId });
      const next = await eventually('the program to run on, or stop again', async () =>
        live.dap.stopped.length > stops ? { stop: live.dap.stopped.at(-1)! } : (await running()) ? { stop: undefined } : undefined,
      );
      if (!next.stop) return;
      threadId = next.stop.threadId;
    }
  }

  it('serves with a new handler at once while main waits forever; an edit of main waits, says why, and is dropped after the timeout', async () => {
    await setting('deferTimeoutMs', 4000);
    const file = workspaceFile('busy-server.js');
    const start = live.dap.output.length;
    await launch(file, 'live busy-server.js');
    const port = Number((await live.dap.waitForLine(/^listening on \d+$/, start)).split(' ')[2]);
    assert.match(await get(port), /^v1 1$/);

    let reports = live.recorder.reports.length;
    await editAndSave(file, '`v1 ${served}`', '`v2 ${served}`');
    assert.equal((await nextReport(reports, file)).outcome, 'applied');
    assert.equal(await get(port), 'v2 2', 'the next request runs the new handler, with the count kept');

    reports = live.recorder.reports.length;
    await editAndSave(file, "'main v1 done'", "'main v2 done'");
    const waiting = await nextReport(reports, file);
    assert.equal(waiting.outcome, 'pending', waiting.summary);
    const diagnostic = await eventually('the waiting diagnostic on main', () => liveDiagnostics(file).find((d) => d.code === 'LU014'));
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Information);
    assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.character], [10, 15]);
    assert.match(diagnostic.message, /^Waiting: `main` has a suspended activation \(an async function waiting at an await/);
    assert.deepEqual(live.api.pending().flatMap((t) => t.pending.flatMap((p) => p.functions)), ['main']);
    assert.equal(await get(port), 'v2 3', 'the server keeps serving');

    const dropped = await eventually('the pending update to time out', () => live.recorder.reports.slice(reports + 1).find((r) => r.file === file.fsPath), 20_000);
    assert.equal(dropped.outcome, 'rejected');
    assert.match(dropped.summary, /waited 4 s and was dropped: `main` was still active/);
    const error = await eventually('the reason on main', () => liveDiagnostics(file).find((d) => d.code === 'LU015'));
    assert.equal(error.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(error.message, /^Not applied: /);
    await eventually('nothing pending', () => live.api.pending().length === 0);
  });

  it("applies an edit of a CPU-bound loop's work at its update point while the loop keeps running", async () => {
    await setting('whenActive', 'defer'); // paused in `step`: it waits instead of restarting
    const file = workspaceFile('simulation.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live simulation.js');
    await live.dap.waitForLine(/^simulation starts$/, start);
    const evaluate = async (expression: string) => String(((await session.customRequest('evaluate', { expression, context: 'watch' })) as { result: string }).result);
    await eventually('the loop to run', async () => Number(await evaluate('world.ticks')) > 1000);

    // Stop inside `step` (`w.version = 'v1';`, line 7): the update finds it active and waits.
    const stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([breakpointAt(file, 7)]);
    const stop = await nextStop(stops, session);
    const reports = live.recorder.reports.length;
    await editAndSave(file, "w.version = 'v1';", "w.version = 'v2';");
    const waiting = await nextReport(reports, file);
    assert.equal(waiting.outcome, 'pending', waiting.summary);
    await eventually('the waiting diagnostic on step', () => liveDiagnostics(file).find((d) => d.code === 'LU014' && /^Waiting: `step`/.test(d.message)));

    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const landed = () => live.recorder.reports.slice(reports + 1).find((r) => r.file === file.fsPath);
    await continueFreely(session, stop.threadId, async () => landed() !== undefined);
    const report = landed()!;
    assert.equal(report.outcome, 'applied', report.summary);
    assert.match(report.summary, /at an update point/);
    await eventually('the loop to run the new step', async () => (await evaluate('world.version')) === "'v2'");
    const ticks = Number(await evaluate('world.ticks'));
    await eventually('the same world to keep counting', async () => Number(await evaluate('world.ticks')) > ticks);
    await eventually('the diagnostic to go', () => liveDiagnostics(file).length === 0);
  });

  it('with whenActive "restartFrame", restarts the paused frame in the new code, and stepping shows it', async () => {
    await setting('whenActive', 'restartFrame');
    const file = workspaceFile('restart.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live restart.js');
    await live.dap.waitForLine(/^tick \d+ v1 \d+$/, start);

    // Pause in f at its return (line 5), after `tag` was set.
    let stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([breakpointAt(file, 5)]);
    await nextStop(stops, session);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);

    const reports = live.recorder.reports.length;
    stops = live.dap.stopped.length;
    await editAndSave(file, "const tag = 'v1';", "const tag = 'v2';");
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'applied', report.summary);
    const note = await eventually('the restart note on f', () => liveDiagnostics(file).find((d) => d.code === 'LU016'));
    assert.match(note.message, /`f` was paused; its frame restarted from the beginning in the new code/);

    // V8 restarted f and js-debug stopped again at its first statement; one step runs the new one.
    const restarted = await nextStop(stops, session);
    const top = async () => ((await session.customRequest('stackTrace', { threadId: restarted.threadId, startFrame: 0, levels: 1 })) as { stackFrames: { id: number; name: string; line: number }[] }).stackFrames[0]!;
    const first = await top();
    assert.match(first.name, /\bf$/);
    assert.equal(first.line, 5);
    stops = live.dap.stopped.length;
    await session.customRequest('next', { threadId: restarted.threadId });
    await nextStop(stops, session);
    const stepped = await top();
    assert.match(stepped.name, /\bf$/);
    assert.equal(stepped.line, 6);
    const tag = (await session.customRequest('evaluate', { expression: 'tag', frameId: stepped.id, context: 'watch' })) as { result: string };
    assert.equal(tag.result, "'v2'");

    const lines = live.dap.output.length;
    await session.customRequest('continue', { threadId: restarted.threadId });
    await live.dap.waitForLine(/^tick \d+ v2 \d+$/, lines);
  });

  it('with whenActive "restartFrame", an async frame is not restarted: the update waits, and says why', async () => {
    await setting('whenActive', 'restartFrame');
    const file = workspaceFile('restart.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live restart.js (async)');
    await live.dap.waitForLine(/^tick \d+ v\d \d+$/, start);

    // Pause in g after its await (line 10).
    const stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([breakpointAt(file, 10)]);
    const stop = await nextStop(stops, session);
    const reports = live.recorder.reports.length;
    await editAndSave(file, "'g v1'", "'g v2'");
    const waiting = await nextReport(reports, file);
    assert.equal(waiting.outcome, 'pending', waiting.summary);
    const diagnostic = await eventually('the fallback message on g', () => liveDiagnostics(file).find((d) => d.code === 'LU014'));
    assert.match(diagnostic.message, /^The frame was not restarted \(`g` is an async function, whose frame V8 cannot restart\), so the update waits instead\. Waiting: `g`/);

    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const ticks = () => live.dap.output.filter((l) => /^tick /.test(l)).length;
    const before = ticks();
    await continueFreely(session, stop.threadId, async () => ticks() >= before + 2);
    // V8 counts g as suspended for a few seconds after it last ran (async stack traces keep its
    // activation): once the program stops calling it, the update lands.
    await session.customRequest('evaluate', { expression: 'stopCallingG()', context: 'repl' });
    const landed = await eventually('the update to land', () => live.recorder.reports.slice(reports + 1).find((r) => r.file === file.fsPath));
    assert.equal(landed.outcome, 'applied', landed.summary);
    await eventually('the diagnostic to go', () => liveDiagnostics(file).length === 0);
  });
});
