// `scripts/e2e-reload.mjs`: the extension host restarts (Developer: Restart Extension Host, run by
// the runner from the command palette, as a user does) while a program runs under js-debug with an
// update applied and one pending (issue 9). Not an extension test: in that mode the workbench ends
// the run when its extension host exits. This is the main of a small helper extension the runner
// loads beside Live Update, so every extension host runs it: the first sets the scene and says so
// in the scene file, the second checks what the user sees afterwards — no hang, a true status bar,
// no stale diagnostics in Problems — and that a save works again; it reports `reload: N passed,
// M failed` in the runner's log.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { drive } from '../driver';
import { editAndSave, eventually, launch, liveDiagnostics, workspaceFile } from '../suite/support';
import { liveStatusText, problemRows } from '../suite/screen';

interface Scene {
  pid: number;
  /** When the scene was ready: the runner restarts the extension host then. */
  readyAt: number;
}

export function activate(): void {
  const sceneFile = process.env.LIVE_UPDATE_E2E_RELOAD;
  if (!sceneFile) return;
  const phase = fs.existsSync(sceneFile) ? checkAfterReload(JSON.parse(fs.readFileSync(sceneFile, 'utf8')) as Scene) : setScene(sceneFile);
  phase.catch((e: unknown) => {
    const log = process.env.LIVE_UPDATE_E2E_LOG;
    if (log) fs.appendFileSync(log, `reload: FAILED: ${e instanceof Error ? e.message : String(e)}\nreload: 0 passed, 1 failed\n`);
  });
}

async function setScene(file: string): Promise<void> {
  const program = workspaceFile('faults-crunch.js');
  const session = await launch(program, 'live faults-crunch.js');
  const evaluate = async (expression: string) => String(((await session.customRequest('evaluate', { expression, context: 'watch' })) as { result: string }).result);
  await eventually('crunch to run', async () => Number(await evaluate('state.steps')) > 5);
  await editAndSave(program, "return 'v1';", "return 'v2';");
  await eventually('label v2 to run', async () => (await evaluate('state.last')) === "'v2'");
  await editAndSave(program, "'crunch v1 done'", "'crunch v2 done'");
  await eventually('the waiting diagnostic on crunch', () => liveDiagnostics(program).find((d) => d.code === 'LU014'));
  await eventually('the status bar to show it', async () => /Waiting: crunch/.test(await liveStatusText()));
  // And Problems lists it: what the second host must no longer see.
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await eventually('Problems to list it', async () => (await problemRows())?.some((r) => /Waiting: `crunch` is running/.test(r)));
  const scene: Scene = { pid: Number(await evaluate('process.pid')), readyAt: Date.now() };
  fs.writeFileSync(file, JSON.stringify(scene));
}

async function checkAfterReload(scene: Scene): Promise<void> {
  return drive('reload', async ({ reports, say }) => {
    say(`reload: the extension host restarted; the next one ran the checks ${Math.round((Date.now() - scene.readyAt) / 1000)} s after the scene was ready`);
    const alive = isAlive(scene.pid);
    say(`reload: the program (pid ${scene.pid}) ${alive ? 'outlived its debug adapter' : 'ended with its debug adapter'}`);
    if (alive) process.kill(scene.pid, 'SIGKILL');
    const program = workspaceFile('faults-crunch.js');
    await vscode.window.showTextDocument(program);
    await eventually('the extension to be active', () => vscode.extensions.getExtension('live-update.live-update')?.isActive);
    // No program is live: the status bar claims none, and nothing waits.
    const status = await liveStatusText();
    say(`reload: status bar: "${status}"`);
    if (status !== '') throw new Error(`the status bar shows "${status}" with no program live`);
    // Problems: nothing of Live Update's is left from the host that ended.
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const rows = await eventually('the Problems panel to be drawn', () => problemRows());
    say(`reload: Problems: ${rows.length ? rows.join(' | ') : '(empty)'}`);
    if (rows.some((r) => /Live Update|LU0\d\d|waiting to be updated/.test(r))) throw new Error(`stale diagnostics: ${rows.join(' | ')}`);

    // And it works: a new run of the program is live, and a save applies.
    const session = await launch(program, 'live faults-crunch.js (after reload)');
    const evaluate = async (expression: string) => String(((await session.customRequest('evaluate', { expression, context: 'watch' })) as { result: string }).result);
    await eventually('crunch to run', async () => Number(await evaluate('state.steps')) > 5);
    await editAndSave(program, "return 'v2';", "return 'v3';");
    const report = await eventually('the update report', () => reports.reports.find((r) => r.file === program.fsPath));
    say(`reload: a save after the reload: ${report.summary}`);
    if (report.outcome !== 'applied') throw new Error(`not applied after the reload: ${report.summary}`);
    await eventually('label v3 to run', async () => (await evaluate('state.last')) === "'v3'");
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
