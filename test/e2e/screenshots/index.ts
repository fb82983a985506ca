// `npm run screenshots`: the README's pictures, taken from the real thing. Runs in the real
// extension host on a copy of demo/ (scripts/screenshots.mjs): starts the demo under js-debug,
// edits banner() in the editor, saves, and asks the runner to capture the workbench once the
// program printed the new lines with its state carried on and the editor shows the edit; then
// pauses in banner(), edits it again and captures the frame restarted in the new code.
import * as vscode from 'vscode';
import { drive } from '../driver';
import { capture, debugConsoleRows, editorScreen, sideBarViews } from '../suite/screen';
import { editAndSave, eventually, workspaceFile } from '../suite/support';

export function run(): Promise<void> {
  return drive('screenshots', async ({ dap, reports, say }) => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    const file = workspaceFile('src', 'main.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    // The Run and Debug side bar, where the Live Updates view lives; no chat beside the editor.
    await vscode.commands.executeCommand('workbench.view.debug');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    if (!(await vscode.debug.startDebugging(folder, 'Live demo'))) throw new Error('could not start the "Live demo" launch configuration');
    await dap.waitForLine(/\[3\] Hello from version 1/);

    const from = dap.output.length;
    await editAndSave(file, 'Hello from version 1', 'Hello from version 2');
    // The cursor where the user typed, as they would see it.
    const editor = vscode.window.activeTextEditor!;
    const at = editor.document.positionAt(editor.document.getText().indexOf('Hello from version 2') + 'Hello from version 2'.length);
    editor.selection = new vscode.Selection(at, at);
    await eventually('the update report', () => reports.reports.find((r) => r.file === file.fsPath && r.outcome === 'applied'));
    // Two lines of the new version under the old ones, and the edit drawn in the editor.
    await eventually('two lines of version 2', () => dap.output.slice(from).filter((l) => /version 2/.test(l)).length >= 2 || undefined);
    await eventually('the editor to draw the edit', async () => (await editorScreen()).lines.some((l) => l.includes('Hello from version 2')));
    // The Live Updates view open in the side bar, with the program and its versions drawn.
    await vscode.commands.executeCommand('liveUpdate.updates.focus');
    await eventually('the Live Updates view to draw the versions', async () => (await sideBarViews()).some((v) => /live updates/i.test(v.title) && v.rows.some((r) => /version 1/i.test(r))));
    await vscode.window.showTextDocument(editor.document, { preserveFocus: false });
    await capture('live-update');
    say(`screenshots: live-update.png (${dap.output.length - from} lines after the save)`);

    // The edit while paused: stopped in banner(), its text changed and saved, the frame restarted
    // in the new code (the Debug Console says so), the debugger stopped at its start.
    const lines = editor.document.getText().split('\n');
    const inBanner = lines.findIndex((l) => l.includes('Hello from version 2'));
    let stops = dap.stopped.length;
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(inBanner, 0)))]);
    await eventually('the program to stop in banner()', () => dap.stopped[stops]);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    stops = dap.stopped.length;
    const saves = reports.reports.length;
    await editAndSave(file, 'Hello from version 2', 'Hello from version 3');
    const restarted = await eventually('the report of the save', () => reports.reports.slice(saves).find((r) => r.file === file.fsPath));
    say(`screenshots: paused edit: ${restarted.summary}`);
    await eventually('the restarted frame to stop', () => dap.stopped[stops]);
    // The restart is version 2 of the program: in the view (and the lens above banner).
    await eventually('the Live Updates view to draw version 2', async () => (await sideBarViews()).some((v) => /live updates/i.test(v.title) && v.rows.some((r) => /^Version 2\b/.test(r))));
    await eventually('the lens above banner to say live v2', async () => (await editorScreen()).lenses.some((l) => /live v2 /.test(l)));
    await vscode.commands.executeCommand('workbench.debug.action.focusRepl');
    await eventually('the Debug Console to say the frame restarted', async () => (await debugConsoleRows())?.some((r) => r.includes('its frame restarted')));
    await vscode.window.showTextDocument(editor.document, { preserveFocus: false });
    await capture('paused-edit');
    say('screenshots: paused-edit.png');
    // A problem in the picture would be a problem of the demo: say it.
    for (const [uri, list] of vscode.languages.getDiagnostics()) for (const d of list) say(`screenshots: diagnostic ${uri.fsPath}:${d.range.start.line + 1} [${d.source}] ${d.message}`);
  });
}
