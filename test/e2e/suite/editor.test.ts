// End-to-end: the editor shows each changed function's live state, in a real VS Code with the real
// js-debug — the CodeLens (live v1, v2; pending while the program is paused inside it; rejected
// with the reason), the hover (version and time), and the gutter marks of the paused stack.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { editAndSave, eventually, launch, liveSuite, workspaceFile } from './support';

/** A time as the editor's locale writes it (`7:48:01 PM`, `19:48:01`). */
const CLOCK = '\\d{1,2}:\\d\\d:\\d\\d(?:\\s?[AP]M)?';

/** The titles of Live Update's lenses (other extensions may add their own) in the document, by line (0-based). */
async function lenses(file: vscode.Uri): Promise<Map<number, string>> {
  await vscode.workspace.openTextDocument(file); // the command answers for open documents only
  const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file);
  return new Map(all.filter((l) => /^\$\((pass|watch|error)\) /.test(l.command?.title ?? '')).map((l) => [l.range.start.line, l.command!.title]));
}

async function hoverText(file: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', file, position);
  // Only Live Update's: the TypeScript extension answers hovers on the same names.
  // As read: the Markdown's escapes undone (names and paths are escaped where they are rendered).
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).filter((t) => t.includes('Live Update')).join('\n').replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** The lines the gutter marks of the paused stack are on now, in that file (0-based). */
async function activeFrameLines(file: vscode.Uri): Promise<number[]> {
  const applied = await vscode.commands.executeCommand<Record<string, number[]>>('liveUpdate.activeFrameLines');
  return applied[file.fsPath] ?? [];
}

describe('The editor shows live state', function () {
  const live = liveSuite();

  const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(from).find((r) => r.file === file.fsPath));

  /** Waits until the lens on `line` matches, and returns its title. */
  const lensOn = (file: vscode.Uri, line: number, pattern: RegExp) =>
    eventually(`the lens on line ${line + 1} to match ${pattern}`, async () => {
      const title = (await lenses(file)).get(line);
      return title !== undefined && pattern.test(title) ? title : undefined;
    });

  it('says pending while paused inside it, with its frame in the gutter; live v1 once it lands, v2 after the next save, with the time', async () => {
    // The policy that lets a paused frame finish on its old code (the default restarts it).
    await vscode.workspace.getConfiguration('liveUpdate').update('whenActive', 'defer', vscode.ConfigurationTarget.Workspace);
    const file = workspaceFile('lens.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live lens.js');
    await live.dap.waitForLine(/^tick \d+ v1$/, start);
    assert.deepEqual([...(await lenses(file)).keys()], [], 'no lens before any update');

    // Paused at `return tag;` (line 7) inside f: its line and its caller's get the gutter mark.
    // (Before any update: a breakpoint set after one may not bind yet, see breakpoints.test.ts.)
    await vscode.window.showTextDocument(file);
    const stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(6, 0)))]);
    const stop = await eventually('the program to stop in f', () => live.dap.stopped.slice(stops).find((s) => s.sessionId === session.id));
    const marked = await eventually('the paused frames to be marked', async () => ((await activeFrameLines(file)).includes(6) ? activeFrameLines(file) : undefined));
    assert.deepEqual(marked, [6, 11], 'f at its return, and the interval callback that called it');

    let reports = live.recorder.reports.length;
    await editAndSave(file, "'v1'", "'v2'");
    const waiting = await nextReport(reports, file);
    assert.equal(waiting.outcome, 'pending', waiting.summary);
    await lensOn(file, 4, /^\$\(watch\) waiting — active in 1 frame$/);
    assert.match(await hoverText(file, new vscode.Position(4, 9)), new RegExp(`Live Update: waiting\\*\\* in lens\\.js \\[\\d+\\].* since ${CLOCK}, active in 1 frame \\(line 7\\)`));

    // Continue (js-debug may stop once more before the breakpoint is gone): the marks go, the update lands.
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    let threadId = stop.threadId;
    for (;;) {
      const before = live.dap.stopped.length;
      await session.customRequest('continue', { threadId });
      const next = await eventually('the program to run on, or stop again', async () =>
        live.dap.stopped.length > before ? { stop: live.dap.stopped.at(-1)! } : (await activeFrameLines(file)).length === 0 ? { stop: undefined } : undefined,
      );
      if (!next.stop) break;
      threadId = next.stop.threadId;
    }
    const landed = await nextReport(reports + 1, file);
    assert.equal(landed.outcome, 'applied', landed.summary);
    await lensOn(file, 4, new RegExp(`^\\$\\(pass\\) live v1 · ${CLOCK}$`));
    assert.deepEqual(await activeFrameLines(file), [], 'no marks while the program runs');

    reports = live.recorder.reports.length;
    await editAndSave(file, "'v2'", "'v3'");
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'applied', report.summary);
    await lensOn(file, 4, new RegExp(`^\\$\\(pass\\) live v2 · ${CLOCK}$`));
    const hover = await hoverText(file, new vscode.Position(4, 9));
    assert.match(hover, new RegExp(`Live Update: live\\*\\* \\(version 2\\) in lens\\.js \\[\\d+\\].* since ${CLOCK}, applied and verified in \\d+ ms`));
    assert.match(hover, /\[Show Update History\]\(command:liveUpdate\.showHistory\)/);
    assert.equal(await hoverText(file, new vscode.Position(2, 5)), '', 'no hover off the changed function');
    await live.dap.waitForLine(/^tick \d+ v3$/, live.dap.output.length);
  });

  it('says rejected, and why, on a function whose edit introduces a type error; liveUpdate.codeLens turns the lens off', async () => {
    const file = workspaceFile('lens.ts');
    const start = live.dap.output.length;
    await launch(file, 'live lens.ts');
    await live.dap.waitForLine(/^tick \d+ v1$/, start);

    const reports = live.recorder.reports.length;
    await editAndSave(file, "return 'v1';", 'return 42;');
    const held = await nextReport(reports, file);
    assert.equal(held.outcome, 'rejected', held.summary);
    await lensOn(file, 4, /^\$\(error\) not applied — the edit introduces a type error$/);
    assert.match(await hoverText(file, new vscode.Position(4, 9)), new RegExp(`Live Update: not applied\\*\\* in lens\\.ts \\[\\d+\\].* at ${CLOCK}: the edit introduces a type error`));

    const settings = vscode.workspace.getConfiguration('liveUpdate');
    try {
      await settings.update('codeLens', false, vscode.ConfigurationTarget.Workspace);
      await eventually('no lens with liveUpdate.codeLens off', async () => (await lenses(file)).size === 0);
    } finally {
      await settings.update('codeLens', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await lensOn(file, 4, /^\$\(error\) not applied/);
  });
});
