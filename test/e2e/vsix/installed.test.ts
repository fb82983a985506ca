// End-to-end test of the packaged extension: scripts/e2e-vsix.mjs installs the .vsix into a fresh
// code-server extensions folder and opens a copy of test/fixtures/vsix-workspace. Nothing here may
// rely on the repository: the extension must run from what the package holds.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveUpdateApi, UpdateReport } from '../../../client/src/api';
import { DapRecorder, editAndSave, eventually, EXTENSION_ID, liveDiagnostics, recordReports, stopAll, workspaceFile } from '../suite/support';

const TICK = /^tick (\d+) (\S+) pid (\d+)$/;

/** The installed extension; fails unless it lives in the extensions folder the driver installed into. */
function installedExtension(): vscode.Extension<LiveUpdateApi> {
  const extension = vscode.extensions.getExtension<LiveUpdateApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is installed`);
  const extensionsDir = process.env.LIVE_UPDATE_VSIX_EXTENSIONS_DIR;
  assert.ok(extensionsDir, 'the driver names the extensions folder');
  assert.ok(extension.extensionPath.startsWith(extensionsDir + path.sep), `${extension.extensionPath} is under ${extensionsDir}`);
  return extension;
}

/** Writes a line to the driver's report (it checks the activation line). */
function report(line: string): void {
  const log = process.env.LIVE_UPDATE_E2E_LOG;
  if (log) fs.appendFileSync(log, line + '\n');
}

describe('Live Update installed from its .vsix', function () {
  let extension: vscode.Extension<LiveUpdateApi>;
  let api: LiveUpdateApi;

  before(async () => {
    extension = installedExtension();
    api = await extension.activate();
    report(`e2e-vsix: activated ${extension.id} ${extension.packageJSON.version} from ${extension.extensionPath}`);
  });

  it('holds the bundles and the files they read beside them, and nothing of the source tree', () => {
    const root = extension.extensionPath;
    for (const file of ['dist/client/extension.js', 'dist/server/main.js', 'dist/server/lib.es2022.d.ts', 'dist/runtime/index.js', 'dist/runtime/amaro.js', 'media/icon.png', 'LICENSE.txt']) {
      assert.ok(fs.existsSync(path.join(root, file)), `${file} is in the package`);
    }
    for (const absent of ['node_modules', 'client', 'server', 'runtime', 'common', 'test', 'bench', 'scripts', 'dist/test', 'dist/bench', 'dist/server/main.js.map']) {
      assert.ok(!fs.existsSync(path.join(root, absent)), `${absent} is not in the package`);
    }
  });

  describe('a program started from its launch configuration', () => {
    let dap: DapRecorder;
    let recorder: ReturnType<typeof recordReports>;
    let first: RegExpExecArray;

    before(async () => {
      dap = new DapRecorder();
      recorder = recordReports(api);
      const folder = vscode.workspace.workspaceFolders![0]!;
      assert.ok(await vscode.debug.startDebugging(folder, 'Live program'), 'the "Live program" launch configuration starts');
      await eventually('the program to become a Live Update target', () => api.targets().length > 0);
      first = TICK.exec(await dap.waitForLine(/^tick \d+ v1 pid/))!;
    });

    after(async () => {
      await stopAll();
      dap.dispose();
      recorder.dispose();
    });

    const nextReport = (from: number, file: vscode.Uri): Promise<UpdateReport> =>
      eventually(`an update report for ${file.fsPath}`, () => recorder.reports.slice(from).find((r) => r.file === file.fsPath));

    it("runs with the installed extension's runtime", async () => {
      const options = await dap.waitForLine(/^node options: /);
      assert.ok(options.includes(path.join(extension.extensionPath, 'dist', 'runtime')), options);
    });

    it('applies a saved edit of a TypeScript function and keeps its state', async () => {
      const file = workspaceFile('src', 'main.ts');
      const reports = recorder.reports.length;
      const lines = dap.output.length;
      await editAndSave(file, "return 'v1';", "return 'v2';");
      const update = await nextReport(reports, file);
      assert.equal(update.outcome, 'applied', update.summary);
      assert.deepEqual(update.functions, ['value']);
      const after = TICK.exec(await dap.waitForLine(/^tick \d+ v2 pid/, lines))!;
      assert.equal(after[3], first[3], 'same process');
      assert.ok(Number(after[1]) > Number(first[1]), `the count went on (${first[1]} → ${after[1]})`);
    });

    it("holds an edit that introduces a type error (the server's TypeScript finds its lib files)", async () => {
      const file = workspaceFile('src', 'main.ts');
      const reports = recorder.reports.length;
      await editAndSave(file, "return 'v2';", 'return 2;');
      const held = await nextReport(reports, file);
      assert.equal(held.outcome, 'rejected', held.summary);
      const diagnostic = await eventually('the type error as a Live Update diagnostic', () => liveDiagnostics(file).find((d) => d.code === 'LU007'));
      assert.match(diagnostic.message, /Type 'number' is not assignable to type 'string'/);
      const lines = dap.output.length;
      await dap.waitForLine(/^tick \d+ v2 pid/, lines);
    });
  });

  // Opening it proves nothing: `workbench.action.openWalkthrough` opens the Welcome page even for
  // an unknown id. So check what VS Code would show: the media files and the command links.
  it('contributes a Getting Started walkthrough whose media and commands exist', async () => {
    const walkthroughs = extension.packageJSON.contributes.walkthroughs as {
      id: string;
      steps: { id: string; description: string; media: Record<string, string> }[];
    }[];
    assert.equal(walkthroughs.length, 1);
    const commands = new Set(await vscode.commands.getCommands(false));
    for (const step of walkthroughs[0]!.steps) {
      const media = step.media.markdown ?? step.media.svg ?? step.media.image;
      assert.ok(media && fs.existsSync(path.join(extension.extensionPath, media)), `${step.id}: ${media} is in the package`);
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
        assert.ok(commands.has(command!), `${step.id}: the command ${command} exists`);
      }
    }
  });
});
