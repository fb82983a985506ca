// End-to-end (issue 9, faults): a program started outside VS Code with the runtime preloaded,
// attached to with a js-debug `attach` configuration, detached (js-debug leaves an attached program
// running) and attached to again. What it runs is the program's own: its baseline, its versions.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import type { ShownNotice } from '../../../client/src/runningTextNotice';
import type { ViewSnapshot } from '../../../client/src/view/updatesView';
import { attach, OutsideProgram } from './outsideProgram';
import { editAllAndSave, editAndSave, eventually, liveDiagnostics, liveSuite, workspaceFile } from './support';

const TICK = /^tick (\d+) (\S+) pid (\d+)$/;

function parseTick(line: string): { count: number; value: string; pid: number } {
  const [, count, value, pid] = TICK.exec(line)!;
  return { count: Number(count), value: value!, pid: Number(pid) };
}

describe('A program attached to, detached and attached to again', function () {
  // Two attaches, three saves, each waited for in the program's output.
  this.timeout(180_000);
  const live = liveSuite();
  let program: OutsideProgram | undefined;
  afterEach(() => program?.dispose());

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));
  /** The notices that a program runs other text than attached.js, oldest first. */
  const notices = async () => ((await vscode.commands.executeCommand('liveUpdate.runningTextNotices')) as ShownNotice[]).filter((n) => n.message.includes('attached.js'));
  const snapshot = () => vscode.commands.executeCommand<ViewSnapshot[]>('liveUpdate.view.snapshot');
  /** Stops the attach session `name` (its children end with it) and waits until it has ended. */
  const detach = async (session: vscode.DebugSession) => {
    const top = session.parentSession ?? session;
    const ended = new Promise<void>((resolve) => vscode.debug.onDidTerminateDebugSession((s) => s.id === session.id && resolve()));
    await vscode.debug.stopDebugging(top);
    await ended;
  };

  it('applies saves while attached, forgets the program while detached, and when attached again says once that it runs other text than the file, applies the next save against what runs and continues its versions', async () => {
    await vscode.commands.executeCommand('liveUpdate.updates.focus');
    const file = workspaceFile('attached.js');
    program = new OutsideProgram(file);
    const port = await program.port;
    const first = await attach(port, 'attach 1');
    const before = parseTick(await program.waitForLine(/^tick \d+ v1 pid/));
    assert.equal(before.pid, program.pid);

    // Attached: a save applies (version 1), and its note on the kept state is on its line.
    let reports = live.recorder.reports.length;
    let lines = program.output.length;
    await editAllAndSave(file, [
      ["'v1'", "'v2'"],
      ['let counter = 0;', 'let counter = 5000;'],
    ]);
    const applied = await nextReport(reports, file);
    assert.equal(applied.outcome, 'applied', applied.summary);
    assert.equal(applied.targets[0]?.version, 1);
    await program.waitForLine(/^tick \d+ v2 pid/, lines);
    await eventually('the kept-state note', () => liveDiagnostics(file).find((d) => d.code === 'LU009'));

    // Detached: the program runs on, no longer a target anywhere, and nothing said of it stays.
    await detach(first);
    assert.deepEqual(live.api.targets(), []);
    await eventually('the note to be withdrawn', () => liveDiagnostics(file).length === 0);
    await eventually('the view to show no program', async () => (await snapshot()).every((n) => n.node.kind !== 'target'));
    lines = program.output.length;
    await program.waitForLine(/^tick \d+ v2 pid/, lines);
    assert.ok(program.running);

    // A save while detached reaches no program: nothing is applied and nothing claims it was.
    reports = live.recorder.reports.length;
    await editAndSave(file, "'v2'", "'v3'");
    lines = program.output.length;
    await eventually('three more ticks', () => program!.output.slice(lines).filter((l) => TICK.test(l)).length >= 3);
    assert.ok(program.output.slice(lines).every((l) => !TICK.test(l) || parseTick(l).value === 'v2'), 'still v2');

    // Attached again: a target again, whose baseline is what it runs (v2), not the file (v3).
    const second = await attach(port, 'attach 2');
    assert.deepEqual(
      live.recorder.reports.slice(reports).filter((r) => r.file === file.fsPath).map((r) => [r.outcome, r.targets.length]),
      [['no-change', 0]],
      'the save made while detached reached no program',
    );
    const target = await eventually('the view to show the program with its version 1', async () =>
      (await snapshot()).find((n) => n.node.kind === 'target' && n.node.targetId === second.id && n.children.some((c) => /^Version 1\b/.test(c.label) && c.contextValue === 'version.current')),
    );
    assert.ok(target);

    // The user hears once that the program runs other text than the file, with what to do.
    const notice = await eventually('the notice that attached.js differs from what runs', async () => (await notices())[0]);
    assert.match(notice.message, /runs attached\.js as it differs from the file on disk \(saved while the program was not attached/);
    assert.deepEqual(notice.actions, ['Apply Now', 'Show Update History']);
    assert.deepEqual(notice.files, [file.fsPath]);

    // The next save applies against what runs (v2), not the file as it was saved meanwhile (v3).
    reports = live.recorder.reports.length;
    lines = program.output.length;
    const counted = parseTick(program.output.filter((l) => TICK.test(l)).at(-1)!).count;
    await editAndSave(file, "'v3'", "'v4'");
    const next = await nextReport(reports, file);
    assert.equal(next.outcome, 'applied', next.summary);
    assert.equal(next.targets[0]?.version, 2, 'the versions continue');
    const after = parseTick(await program.waitForLine(/^tick \d+ v4 pid/, lines));
    assert.equal(after.pid, program.pid, 'same process');
    assert.ok(after.count > counted, `the counter went on (${counted} → ${after.count}), state kept`);
    assert.deepEqual(liveDiagnostics(file), []);
    assert.equal((await notices()).length, 1, 'told once');

    // Detached and saved again, attached a third time: Apply Now applies the file as the editor has it.
    await detach(second);
    await editAndSave(file, "'v4'", "'v5'");
    await attach(port, 'attach 3');
    const again = await eventually('a second notice', async () => (await notices())[1]);
    reports = live.recorder.reports.length;
    lines = program.output.length;
    await vscode.commands.executeCommand('liveUpdate.applyFiles', again.files);
    const applied3 = await nextReport(reports, file);
    assert.equal(applied3.outcome, 'applied', applied3.summary);
    assert.equal(applied3.targets[0]?.version, 3);
    await program.waitForLine(/^tick \d+ v5 pid/, lines);
  });
});
