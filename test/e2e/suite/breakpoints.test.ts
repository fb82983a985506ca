// End-to-end: a breakpoint keeps stopping on the statement it was set on after an update adds
// lines above it. VS Code moves the breakpoint with the edit and sends its new line on save; the
// program must run the new text at the file's positions for js-debug to bind it there.
// Also after an update made while the program is paused, and after one that waited and landed later:
// js-debug's own session makes every edit (docs/decisions/029, "Breakpoints after an update").
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import * as path from 'node:path';
import { editorScreen, screenAvailable } from './screen';
import { editAndSave, eventually, launch, liveSuite, workspaceFile } from './support';

const STATEMENT = 'console.log(line);';

/** A fresh copy of a fixture in the workspace, so each test edits its own file. */
function freshCopy(name: string, suffix: string): vscode.Uri {
  const copy = name.replace(/\.(\w+)$/, `-${suffix}.$1`);
  fs.copyFileSync(workspaceFile(name).fsPath, workspaceFile(copy).fsPath);
  return workspaceFile(copy);
}

/** The 0-based line whose statement is STATEMENT (the fixtures have exactly one). */
function statementLine(document: vscode.TextDocument): number {
  for (let line = 0; line < document.lineCount; line++) if (document.lineAt(line).text.trim() === STATEMENT) return line;
  throw new Error(`${STATEMENT} not found in ${document.uri.fsPath}`);
}

describe('Breakpoints after an update', function () {
  const live = liveSuite();
  // Each test reads "the" breakpoint: none may be left from another.
  beforeEach(() => vscode.debug.removeBreakpoints(vscode.debug.breakpoints));

  /** Waits for the next stop of `session` after stop number `from`; its top frame's line (1-based) and file. */
  async function nextStop(session: vscode.DebugSession, from: number): Promise<{ threadId: number; line: number; path: string; frameId: number }> {
    const stop = await eventually('the program to stop at the breakpoint', () => live.dap.stopped.slice(from).find((s) => s.sessionId === session.id));
    const trace = await session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 });
    const top = trace.stackFrames[0];
    // In code-server the frame's source path comes back as a vscode-remote URI.
    const path: string = top.source?.path ?? '';
    return { threadId: stop.threadId, line: top.line, path: /^[\w-]+:\/\//.test(path) ? vscode.Uri.parse(path).path : path, frameId: top.id };
  }

  /**
   * As a user sets one: the breakpoint drawn in the editor before the edit. VS Code moves a
   * breakpoint with an edit through its decoration, so one added through the API and edited at
   * once stays where it was (the Electron runner cannot see the screen: it goes on).
   */
  async function breakpointDrawn(): Promise<void> {
    if (screenAvailable()) await eventually('the breakpoint drawn in the editor', async () => (await editorScreen()).breakpointGlyphs > 0);
  }

  /** Adds two lines to label(), above the breakpoint, saves, and waits for the update to apply. */
  async function addLinesAboveAndSave(file: vscode.Uri, added: string): Promise<void> {
    const reports = live.recorder.reports.length;
    await editAndSave(file, "return 'v1';", added);
    const report: UpdateReport = await eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(reports).find((r) => r.file === file.fsPath));
    assert.equal(report.outcome, 'applied', report.summary);
    assert.deepEqual(report.functions, ['label']);
  }

  /** VS Code moves the breakpoint with the edit; waits for that and checks it is on the same statement. */
  async function movedBreakpointLine(document: vscode.TextDocument, setLine: number): Promise<number> {
    const movedLine = await eventually(`the breakpoint to move from line ${setLine + 1}`, () => {
      const line = (vscode.debug.breakpoints[0] as vscode.SourceBreakpoint).location.range.start.line;
      return line !== setLine && line;
    });
    assert.equal(movedLine, setLine + 2, 'the breakpoint moved down with the two added lines');
    assert.equal(document.lineAt(movedLine).text.trim(), STATEMENT);
    return movedLine;
  }

  /** Starts a fresh copy of `name` and pauses it at a breakpoint on STATEMENT, checked to be there. */
  async function pausedOnStatement(name: string, suffix: string) {
    const file = freshCopy(name, suffix);
    const start = live.dap.output.length;
    const session = await launch(file, `breakpoint ${name} (${suffix})`);
    await live.dap.waitForLine(/^tick \d+ v1 pid/, start);
    const document = await vscode.workspace.openTextDocument(file);
    const setLine = statementLine(document);
    const stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(setLine, 0)))]);
    const first = await nextStop(session, stops);
    assert.equal(first.line, setLine + 1, 'stopped on the line the breakpoint was set on');
    assert.equal(first.path, file.path);
    return { file, session, document, setLine, first };
  }

  const breakpointWarnings = async (file: vscode.Uri) => ((await vscode.commands.executeCommand('liveUpdate.breakpointWarnings')) as string[]).filter((m) => m.includes(path.basename(file.fsPath)));

  /** The stop is on the breakpoint's line, in the file, and label() ran its new code on the way. */
  async function assertStoppedOn(session: vscode.DebugSession, stop: { line: number; path: string; frameId: number }, file: vscode.Uri, line: number): Promise<void> {
    assert.equal(stop.line, line + 1, `stopped on line ${stop.line}, the breakpoint is on line ${line + 1}`);
    assert.equal(stop.path, file.path);
    const value = await session.customRequest('evaluate', { expression: 'line', frameId: stop.frameId, context: 'watch' });
    assert.match(value.result, /^'?tick \d+ v2 pid/);
  }

  for (const [name, added] of [
    ['breakpoint.js', "const added = 'v2';\n  // two lines added above the breakpoint\n  return added;"],
    ['breakpoint.ts', "const added: string = 'v2';\n  // two lines added above the breakpoint\n  return added;"],
  ] as const) {
    it(`stops on the statement it was set on after lines are added above it in ${name} while it runs`, async () => {
      const file = freshCopy(name, 'running');
      const start = live.dap.output.length;
      const session = await launch(file, `breakpoint ${name}`);
      await live.dap.waitForLine(/^tick \d+ v1 pid/, start);

      // Break on `console.log(line);` in step(), which runs every 100 ms, once label() runs the
      // new code: until the update applies, the program runs on.
      const document = await vscode.workspace.openTextDocument(file);
      const setLine = statementLine(document);
      await vscode.window.showTextDocument(document);
      vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(setLine, 0)), true, "label() === 'v2'")]);
      await breakpointDrawn();
      const stops = live.dap.stopped.length;
      await addLinesAboveAndSave(file, added);
      const movedLine = await movedBreakpointLine(document, setLine);
      await assertStoppedOn(session, await nextStop(session, stops), file, movedLine);
    });

    it(`stops on the statement it was set on after lines are added above it in ${name} while the program is paused there`, async () => {
      // Paused on the breakpoint in step(): label() is not active, so the update applies now,
      // its edits made by js-debug's session one call at a time (Patch.paused).
      const { file, session, document, setLine, first } = await pausedOnStatement(name, 'paused');
      await vscode.window.showTextDocument(document);
      await breakpointDrawn();
      await addLinesAboveAndSave(file, added);
      const movedLine = await movedBreakpointLine(document, setLine);
      assert.deepEqual(await breakpointWarnings(file), [], 'no warning: the breakpoints are exact');
      const stops = live.dap.stopped.length;
      await session.customRequest('continue', { threadId: first.threadId });
      await assertStoppedOn(session, await nextStop(session, stops), file, movedLine);
    });

    it(`stops on the statement it was set on after lines are added above it in ${name} by an update that waited for the paused function`, async () => {
      // Paused inside label() with the policy that lets a paused frame finish (\`defer\`): the
      // update waits, lands on Continue once label() returned, its edits made by js-debug's
      // session (the extension polls for them while something waits).
      await vscode.workspace.getConfiguration('liveUpdate').update('whenActive', 'defer', vscode.ConfigurationTarget.Workspace);
      const file = freshCopy(name, 'waited');
      const start = live.dap.output.length;
      const session = await launch(file, `breakpoint ${name} (waited)`);
      await live.dap.waitForLine(/^tick \d+ v1 pid/, start);
      const document = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(document);
      const inLabel = document.getText().split('\n').findIndex((l) => l.includes("return 'v1';"));
      let stops = live.dap.stopped.length;
      vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(inLabel, 0)))]);
      const paused = await nextStop(session, stops);
      assert.equal(paused.line, inLabel + 1);
      vscode.debug.removeBreakpoints(vscode.debug.breakpoints);

      const reports = live.recorder.reports.length;
      await editAndSave(file, "return 'v1';", added);
      const waiting: UpdateReport = await eventually('the waiting report', () => live.recorder.reports.slice(reports).find((r) => r.file === file.fsPath));
      assert.equal(waiting.outcome, 'pending', waiting.summary);
      await session.customRequest('continue', { threadId: paused.threadId });
      const landed: UpdateReport = await eventually('the update to land', () => live.recorder.reports.slice(reports + 1).find((r) => r.file === file.fsPath));
      assert.equal(landed.outcome, 'applied', landed.summary);

      const setLine = statementLine(document);
      stops = live.dap.stopped.length;
      vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(setLine, 0)))]);
      await assertStoppedOn(session, await nextStop(session, stops), file, setLine);
      assert.deepEqual(await breakpointWarnings(file), [], 'no warning: the breakpoints are exact');
    });
  }
});
