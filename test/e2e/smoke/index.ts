// `npm run demo -- --smoke`: runs in the real extension host on a copy of demo/. Starts the demo's
// own launch configuration, edits `banner` in the editor, saves, and succeeds only when the
// running program prints the new text with its state carried on. Prints what it observed.
import * as vscode from 'vscode';
import { drive } from '../driver';
import { editAndSave, eventually, workspaceFile } from '../suite/support';

const LINE = /^\[(\d+)\] (.*) \(pid (\d+)\)$/;

export function run(): Promise<void> {
  return drive('smoke', async ({ dap, reports, say }) => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    if (!(await vscode.debug.startDebugging(folder, 'Live demo'))) throw new Error('could not start the "Live demo" launch configuration');
    const before = LINE.exec(await dap.waitForLine(/version 1/))!;
    say(`smoke: the demo runs: "${before[0]}"`);

    const file = workspaceFile('src', 'main.ts');
    const from = dap.output.length;
    await editAndSave(file, 'Hello from version 1', 'Hello from version 2');
    say('smoke: edited banner() in src/main.ts ("Hello from version 1" → "Hello from version 2") and saved');
    const after = LINE.exec(await dap.waitForLine(/version 2/, from))!;
    say(`smoke: the demo now prints: "${after[0]}"`);
    // The program's output (DAP) and the server's report (LSP) travel separately: wait for both.
    const report = await eventually('the update report', () => reports.reports.find((r) => r.file === file.fsPath), 20_000).catch(() => undefined);
    say(`smoke: update report: ${report?.summary ?? '(none)'}`);

    const samePid = before[3] === after[3];
    const stateKept = Number(after[1]) > Number(before[1]);
    say(`smoke: same process: ${samePid ? 'yes' : 'NO'} (pid ${after[3]}); state kept: ${stateKept ? 'yes' : 'NO'} (tick ${before[1]} → ${after[1]})`);
    if (!samePid || !stateKept || report?.outcome !== 'applied') throw new Error('the demo did not switch to the new code in place');
  });
}
