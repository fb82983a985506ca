// End-to-end: the Live Updates view in a real VS Code — a program's versions appear in the tree as
// saves apply, selecting a version opens the diff of the texts it applied, Roll Back and Re-apply
// from the view change what the program runs, a save the program refuses shows with its reason, and
// an update that waits shows until it is cancelled from the view.
// The tree is read as drawn (getChildren + getTreeItem) through the internal command
// `liveUpdate.view.snapshot`.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RollbackResult, UpdateReport } from '../../../client/src/api';
import { REPL_TERMINAL_NAME } from '../../../client/src/repl/liveRepl';
import type { ViewSnapshot } from '../../../client/src/view/updatesView';
import { VERSION_SCHEME } from '../../../client/src/view/versionDiff';
import { screenAvailable, sideBarViews } from './screen';
import { editAllAndSave, editAndSave, eventually, EXTENSION_ID, launch, liveSuite, saveEachApplied, workspaceFile } from './support';

describe('The Live Updates view in a real VS Code', function () {
  // Launch, three saves, a rollback and a roll forward, each waited for in the program's output.
  this.timeout(240_000);
  const live = liveSuite();

  const snapshot = () => vscode.commands.executeCommand<ViewSnapshot[]>('liveUpdate.view.snapshot');
  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  /** Polls the tree until `check` passes on the target's node (an assertion error is retried, then reported). */
  const targetNode = (sessionId: string, what: string, check: (target: ViewSnapshot) => void): Promise<ViewSnapshot> =>
    eventually(`the view to show ${what}`, async () => {
      const target = (await snapshot()).find((n) => n.node.kind === 'target' && n.node.targetId === sessionId);
      assert.ok(target, 'no node for the target');
      check(target);
      return target;
    });
  const child = (target: ViewSnapshot, label: string): ViewSnapshot => {
    const found = target.children.find((c) => c.label === label);
    assert.ok(found, `no child "${label}" in ${target.children.map((c) => c.label).join(', ')}`);
    return found;
  };
  const outlines = (target: ViewSnapshot) => target.children.map((c) => `${c.label} [${c.contextValue}]`);

  it('offers to start debugging when no program runs, and contributes only commands that exist', async () => {
    // No program: no nodes, so the view shows its welcome text, whose links must work.
    assert.deepEqual(await snapshot(), []);
    if (screenAvailable()) {
      await vscode.commands.executeCommand('liveUpdate.updates.focus');
      await eventually('the welcome text in the Live Updates view', async () => (await sideBarViews()).find((v) => v.title === 'Live Updates')?.welcome.startsWith('No program is live.'));
    }
    const contributes = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes as {
      viewsWelcome: { view: string; contents: string }[];
      commands: { command: string; category?: string }[];
    };
    const commands = new Set(await vscode.commands.getCommands(false));
    const welcome = contributes.viewsWelcome.find((w) => w.view === 'liveUpdate.updates');
    const links = [...(welcome?.contents ?? '').matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]!);
    assert.deepEqual(links, ['workbench.action.debug.start', 'workbench.action.openWalkthrough']);
    for (const command of links) assert.ok(commands.has(command), `${command} exists`);
    for (const { command, category } of contributes.commands.filter((c) => c.command.startsWith('liveUpdate.view.'))) {
      assert.ok(commands.has(command), `${command} is registered`);
      assert.equal(category, 'Live Update');
    }
  });

  it('shows versions, opens a version diff, rolls back and forward, lists a refused save with its reason, and cancels a pending update', async () => {
    await vscode.commands.executeCommand('liveUpdate.updates.focus');

    const file = workspaceFile('view.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live view.js');
    await live.dap.waitForLine(/^view \d+ one$/, start);
    await targetNode(session.id, 'version 0', (t) => {
      assert.equal(t.description, 'version 0');
      assert.deepEqual(outlines(t), ['Version 0 [version.current.start]']);
    });

    await saveEachApplied(live, file, ['one', 'two', 'three'], (to) => new RegExp(`^view \\d+ ${to}$`));
    const two = await targetNode(session.id, 'versions 2, 1, 0', (t) => {
      assert.equal(t.description, 'version 2');
      assert.deepEqual(outlines(t), ['Version 2 [version.current]', 'Version 1 [version.past]', 'Version 0 [version.past.start]']);
    });
    const version2 = child(two, 'Version 2');
    assert.match(version2.description ?? '', /^\d{1,2}:\d\d:\d\d(?:\s?[AP]M)? · running$/);
    assert.match((version2.tooltip ?? '').replace(/\\(.)/g, '$1').replace(/&nbsp;/g, ' '), /view\.js \(f\)/, 'the functions are in the tooltip');
    assert.deepEqual(version2.children.map((c) => [c.label, c.description]), [['f', 'view.js']]);
    assert.match(child(two, 'Version 0').description ?? '', /^as the program started$/);
    // And so the workbench draws it, in the Run and Debug side bar (when the runner can read the screen).
    if (screenAvailable()) {
      await eventually('the Live Updates view to draw versions 2, 1, 0', async () => {
        const drawn = (await sideBarViews()).find((v) => v.title === 'Live Updates');
        assert.ok(drawn, 'no Live Updates view in the side bar');
        assert.equal(drawn.welcome, '');
        assert.deepEqual(drawn.rows.map((r) => r.replace(/\d+:\d+:\d+\s*[AP]?M?/, 'TIME')), [`${two.label} — version 2`, 'Version 2 — TIME · running', 'Version 1 — TIME', 'Version 0 — as the program started']);
        return true;
      });
    }

    // Selecting version 2 (its item's command, what a click runs) opens the diff of what it applied.
    assert.ok(version2.command, 'a version item opens its diff when selected');
    await vscode.commands.executeCommand(version2.command.command, ...(version2.command.arguments ?? []));
    const tab = await eventually('a diff editor of version 2', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff && t.input.original.scheme === VERSION_SCHEME),
    );
    assert.equal(tab.label, 'view.js: version 1 ↔ 2');
    const input = tab.input as vscode.TabInputTextDiff;
    const [before, after] = await Promise.all([input.original, input.modified].map(async (uri) => (await vscode.workspace.openTextDocument(uri)).getText()));
    assert.match(before!, /function f\(\) \{\n  return 'two';\n\}/);
    assert.match(after!, /function f\(\) \{\n  return 'three';\n\}/);
    assert.doesNotMatch(after!, /liveUpdate\.scope|sourceMappingURL/, 'the line Live Update appends is not shown');
    assert.equal(after, (await vscode.workspace.openTextDocument(file)).getText(), 'the text applied is the saved file');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // "Roll Back to This Version" on version 1: the program runs 'two' again, as version 3.
    let lines = live.dap.output.length;
    const back = await vscode.commands.executeCommand<RollbackResult>('liveUpdate.view.rollBack', child(two, 'Version 1').node);
    assert.equal(back.ok, true, back.summary);
    await live.dap.waitForLine(/^view \d+ two$/, lines);
    const three = await targetNode(session.id, 'version 3, restoring 1, with version 2 rolled back', (t) => {
      assert.equal(t.description, 'version 3');
      assert.deepEqual(outlines(t), ['Version 3 [version.current]', 'Version 2 [version.undone]', 'Version 1 [version.past]', 'Version 0 [version.past.start]']);
    });
    assert.match(child(three, 'Version 3').description ?? '', / · restores v1 · running$/);
    assert.match(child(three, 'Version 2').description ?? '', / · rolled back$/);

    // "Re-apply" on version 2, which was rolled back: a roll forward to its texts, as version 4.
    lines = live.dap.output.length;
    const forward = await vscode.commands.executeCommand<RollbackResult>('liveUpdate.view.reapply', child(three, 'Version 2').node);
    assert.equal(forward.ok, true, forward.summary);
    await live.dap.waitForLine(/^view \d+ three$/, lines);
    await targetNode(session.id, 'version 4, restoring 2', (t) => {
      assert.equal(t.description, 'version 4');
      assert.match(child(t, 'Version 4').description ?? '', /restores v2 · running$/);
      assert.equal(child(t, 'Version 2').contextValue, 'version.past');
    });

    // A save with a syntax error is refused: it shows first in the timeline, with its reason.
    const reports = live.recorder.reports.length;
    await editAndSave(file, `return 'three';`, `return 'four' +;`);
    assert.equal((await nextReport(reports, file)).outcome, 'rejected');
    const refused = await targetNode(session.id, 'the refused save', (t) => {
      assert.deepEqual(outlines(t).slice(0, 2), ['Not applied: view.js [rejected]', 'Version 4 [version.current]']);
      assert.equal(t.description, 'version 4', 'a refused save makes no version');
    });
    const rejected = child(refused, 'Not applied: view.js');
    assert.match(rejected.description ?? '', / · syntax error$/);
    assert.deepEqual(rejected.children.map((c) => c.label)[0], 'syntax error');
    // The program still runs version 4's code.
    lines = live.dap.output.length;
    await live.dap.waitForLine(/^view \d+ three$/, lines);

    // "Re-apply" on a refused save applies the file again (as Apply Now, echoed in the REPL): its
    // text still does not parse, so it is refused again, and the timeline shows both.
    const again = live.recorder.reports.length;
    await vscode.commands.executeCommand('liveUpdate.view.reapply', rejected.node);
    assert.equal((await nextReport(again, file)).outcome, 'rejected');
    await targetNode(session.id, 'two refused saves', (t) => assert.deepEqual(outlines(t).slice(0, 3), ['Not applied: view.js [rejected]', 'Not applied: view.js [rejected]', 'Version 4 [version.current]']));
    for (const t of vscode.window.terminals.filter((t) => t.name === REPL_TERMINAL_NAME)) t.dispose();

    // An edit of a function suspended at an await waits: it shows, with why, until cancelled.
    const more = live.recorder.reports.length;
    await editAllAndSave(file, [[`return 'four' +;`, `return 'three';`], [`'w1'`, `'w2'`]]);
    assert.equal((await nextReport(more, file)).outcome, 'pending');
    // That save fixed the syntax error: the refusals of view.js are stale and gone from the timeline.
    const waiting = await targetNode(session.id, 'the pending update, and no refusal', (t) => {
      assert.equal(t.description, 'version 4 · 1 waiting');
      assert.deepEqual(outlines(t).slice(0, 2), ['Waiting: waitForever [pending]', 'Version 4 [version.current]']);
    });
    assert.equal(waiting.children[0]!.description, 'for waitForever (suspended) · view.js');
    await vscode.commands.executeCommand('liveUpdate.view.cancel', waiting.children[0]!.node);
    await targetNode(session.id, 'nothing pending', (t) => {
      assert.equal(t.description, 'version 4');
      assert.ok(!outlines(t).some((o) => o.startsWith('Waiting')), outlines(t).join(', '));
    });
  });
});
