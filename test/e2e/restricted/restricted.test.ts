// End-to-end: Live Update in Restricted Mode, in a real VS Code (code-server) whose workspace trust
// is on and whose folder is not trusted (scripts/e2e.mjs --restricted). The extension runs there
// ("limited" support), says in the status bar that it is off, and that item leads to VS Code's
// Workspace Trust editor; trusting the folder there turns Live Update on, says so, and a program
// started then is live. (VS Code asks for trust before it starts any debug session, with a modal
// dialog the smoke-test driver refuses to show, so no program can run under the debugger while the
// folder is untrusted.) The tests run in order: the second trusts the folder.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LiveUpdateApi } from '../../../client/src/api';
import { buttons, clickStatusBarItem, notifications, pressButton, statusBarItems } from '../suite/screen';
import { DapRecorder, editAndSave, EXTENSION_ID, eventually, liveUpdateApi, recordReports, stopAll, workspaceFile } from '../suite/support';

const RESTRICTED = 'Live Update: Restricted Mode';

describe('Live Update in Restricted Mode (an untrusted folder)', function () {
  let api: LiveUpdateApi;
  let dap: DapRecorder;
  let recorder: ReturnType<typeof recordReports>;

  before(async () => {
    api = await liveUpdateApi();
    dap = new DapRecorder();
    recorder = recordReports(api);
  });

  after(async () => {
    await stopAll();
    dap.dispose();
    recorder.dispose();
  });

  it('is active in Restricted Mode, sends the server no target, and says in the status bar that it is off', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is not trusted');
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true, 'Live Update runs in Restricted Mode ("limited" support)');
    assert.deepEqual(api.targets(), []);
    await eventually('the status bar to say Live Update is in Restricted Mode', async () => (await statusBarItems()).some((i) => i.text.includes(RESTRICTED)));
  });

  it('turns on when the user trusts the folder from its status bar item, says so, and a program started then is live', async () => {
    assert.ok(await clickStatusBarItem(RESTRICTED), 'the status bar item is there to click');
    // The item opens VS Code's Workspace Trust editor, where the user trusts the folder.
    let shown: string[] = [];
    try {
      await eventually('the Workspace Trust editor to offer "Trust"', async () => (await pressButton('Trust')) || ((shown = await buttons()), false));
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; buttons shown: ${shown.join(' | ')}`);
    }
    await eventually('the folder to be trusted', () => vscode.workspace.isTrusted);
    let drawn: { message: string }[] = [];
    // The smoke-test driver draws no toasts: the user's other way to read them is the center.
    await vscode.commands.executeCommand('notifications.showList');
    await eventually('a notification that Live Update is on', async () => (drawn = await notifications()).find((n) => n.message.startsWith('Live Update is on: this folder is now trusted'))).catch((e: Error) => {
      throw new Error(`${e.message}; notifications drawn: ${drawn.map((n) => n.message).join(' | ')}`);
    });
    await eventually('the status bar to leave Restricted Mode', async () => !(await statusBarItems()).some((i) => i.text.includes(RESTRICTED)));

    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0]!, {
      type: 'node',
      request: 'launch',
      name: 'Ticker',
      program: workspaceFile('ticker.js').fsPath,
      runtimeExecutable: process.env.LIVE_UPDATE_TEST_NODE || 'node',
      skipFiles: ['<node_internals>/**'],
    });
    assert.equal(started, true);
    assert.equal(await dap.waitForLine(/^runtime /), 'runtime true', 'the runtime was added to the launch');
    await eventually('the ticker to become a Live Update target', () => api.targets().length === 1);
    const lines = dap.output.length;
    await editAndSave(workspaceFile('ticker.js'), "'v1'", "'v2'");
    const report = await eventually('an update report for ticker.js', () => recorder.reports.find((r) => r.file === workspaceFile('ticker.js').fsPath));
    assert.equal(report.outcome, 'applied', report.summary);
    await dap.waitForLine(/^tick \d+ v2$/, lines);
  });
});
