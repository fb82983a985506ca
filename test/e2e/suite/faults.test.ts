// End-to-end faults (issue 9) in a real VS Code with the real js-debug: the language server killed
// with updates applied and pending, killed until it is not restarted, and a program that exits or
// is killed in the middle of an update. In every case: no hang, a true status, no stale diagnostics.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { editAllAndSave, editAndSave, eventually, liveDiagnostics, liveSuite, launch, workspaceFile } from './support';
import { liveStatusText, notifications, screenAvailable, statusShows } from './screen';

/** The pid of the Live Update language server: this extension host's child running dist/server/main.js. */
function serverPid(): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name in parentheses: state, ppid, …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').some((a) => a.endsWith(path.join('dist', 'server', 'main.js')))) return Number(entry);
    } catch {
      // The process ended while being read.
    }
  }
  return undefined;
}

/** Kills the running server with SIGKILL; resolves with its pid. */
async function killServer(): Promise<number> {
  const pid = await eventually('the language server to run', () => serverPid());
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** Waits for a server other than `dead` to run; resolves with its pid. */
const restartedServer = (dead: number): Promise<number> => eventually('a new language server to run', () => serverPid() !== dead && serverPid());

describe('Faults in a real VS Code', function () {
  const live = liveSuite();

  const reportsFor = (from: number, file: vscode.Uri): UpdateReport[] => live.recorder.reports.slice(from).filter((r) => r.file === file.fsPath);
  const nextReport = (from: number, file: vscode.Uri, timeoutMs?: number): Promise<UpdateReport> =>
    eventually(`an update report for ${file.fsPath}`, () => reportsFor(from, file)[0], timeoutMs);

  it('a killed language server is restarted, learns the programs again, and what waited still lands and is reported', async () => {
    const file = workspaceFile('faults-crunch.js');
    const session = await launch(file, 'live faults-crunch.js');
    const evaluate = async (expression: string) => String(((await session.customRequest('evaluate', { expression, context: 'watch' })) as { result: string }).result);
    await eventually('crunch to run', async () => Number(await evaluate('state.steps')) > 5);

    let reports = live.recorder.reports.length;
    await editAndSave(file, "return 'v1';", "return 'v2';");
    assert.equal((await nextReport(reports, file)).outcome, 'applied');
    await eventually('label v2 to run', async () => (await evaluate('state.last')) === "'v2'");
    reports = live.recorder.reports.length;
    await editAndSave(file, "'crunch v1 done'", "'crunch v2 done'");
    assert.equal((await nextReport(reports, file)).outcome, 'pending');
    await eventually('the waiting diagnostic on crunch', () => liveDiagnostics(file).find((d) => d.code === 'LU014'));

    const afterCrash = live.recorder.reports.length;
    // What the file shows at each change from now on: the dead server's LU014 is withdrawn, and the
    // new one's is published from what the program says.
    const shown: string[][] = [];
    const watch = vscode.languages.onDidChangeDiagnostics((e) => e.uris.some((u) => u.fsPath === file.fsPath) && shown.push(liveDiagnostics(file).map((d) => String(d.code))));
    const dead = await killServer();
    await restartedServer(dead);
    // The restarted server asked the program: what waits is shown again, from the program itself.
    const line = (await vscode.workspace.openTextDocument(file)).getText().split('\n').findIndex((l) => l.startsWith('function crunch'));
    await eventually('the waiting diagnostic withdrawn, then published again', () => {
      const cleared = shown.findIndex((codes) => !codes.includes('LU014'));
      return cleared >= 0 && shown.slice(cleared).some((codes) => codes.includes('LU014'));
    }).finally(() => watch.dispose());
    const waiting = liveDiagnostics(file).find((d) => d.code === 'LU014')!;
    assert.deepEqual([waiting.range.start.line, waiting.range.start.character], [line, 9]);
    assert.match(waiting.message, /^Waiting: `crunch` is running \(on the call stack at faults-crunch\.js:\d+\)/);
    assert.deepEqual(live.api.pending().flatMap((t) => t.pending.flatMap((p) => p.functions)), ['crunch']);
    if (screenAvailable()) await statusShows(/Waiting: crunch/);

    // It lands when crunch returns, and the restarted server reports it.
    const marks = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-faults-'));
    const stop = path.join(marks, 'stop');
    await evaluate(`state.stopFile = ${JSON.stringify(stop)}`);
    fs.writeFileSync(stop, '');
    const landed = await nextReport(afterCrash, file);
    assert.equal(landed.outcome, 'applied', landed.summary);
    assert.match(landed.summary, /Live: crunch in .*once it was inactive/);
    await eventually('the waiting diagnostic to go', () => liveDiagnostics(file).length === 0);
    await eventually('nothing pending', () => live.api.pending().length === 0);

    // The next save is compared with what the program runs: state kept, versions go on.
    const steps = Number(await evaluate('state.steps'));
    reports = live.recorder.reports.length;
    await editAndSave(file, "return 'v2';", "return 'v3';");
    const next = await nextReport(reports, file);
    assert.equal(next.outcome, 'applied', next.summary);
    assert.equal(next.targets.find((t) => t.targetId === session.id)?.version, 3, 'versions 1 (label) and 2 (crunch) came before');
    await eventually('label v3 to run', async () => (await evaluate('state.last')) === "'v3'");
    assert.equal(Number(await evaluate('state.steps')), steps, 'the same state');
    if (screenAvailable()) await statusShows(/Live/);
    assert.equal(reportsFor(afterCrash, file).length, 2, 'the landing and the save, nothing the dead server already reported');
    fs.rmSync(marks, { recursive: true, force: true });
  });

  it('a language server that keeps crashing is given up on with a notification, and "Restart Language Server" brings it back', async function () {
    if (!screenAvailable()) this.skip();
    let kills = 0;
    for (;;) {
      const dead = await killServer();
      kills++;
      const next = await eventually('a new server, or the status saying it stopped', async () => serverPid() !== dead && (serverPid() ?? ((await liveStatusText()).includes('server stopped') ? 'stopped' : undefined)));
      if (next === 'stopped') break;
      assert.ok(kills < 5, `still restarted after ${kills} kills`);
    }
    await statusShows(/Live Update: server stopped/);
    let drawn: { message: string; buttons: string[] }[] = [];
    const notice = await eventually('the notification', async () => {
      // Toasts hide after a while; the notification center lists them all.
      await vscode.commands.executeCommand('notifications.showList');
      return (drawn = await notifications()).find((n) => /language server crashed 5 times/.test(n.message));
    }).catch((e: unknown) => {
      throw new Error(`${String(e)}; drawn: ${JSON.stringify(drawn)}`);
    });
    assert.match(notice.message, /was not restarted\. Saves are not applied to running programs until it runs again\./);
    assert.deepEqual(notice.buttons, ['Restart Server', 'Show Log']);

    await vscode.commands.executeCommand('liveUpdate.restartServer');
    await eventually('the language server to run again', () => serverPid());
    await eventually('the status bar to leave "server stopped"', async () => !(await liveStatusText()).includes('server'));
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');

    // It works: a program is a target and a save applies.
    const file = workspaceFile('faults-exit.js');
    const start = live.dap.output.length;
    await launch(file, 'live faults-exit.js');
    await live.dap.waitForLine(/^tick \d+ v1/, start);
    const reports = live.recorder.reports.length;
    await editAndSave(file, "return 'v1';", "return 'v2';");
    assert.equal((await nextReport(reports, file)).outcome, 'applied');
  });

  /** The edit that adds a state transformer of `binding` running `body`. */
  const transformer = (binding: string, body: string): [string, string][] => [
    [`let ${binding} = 0;`, `let ${binding} = 0;\nvoid function transform$${binding}(old) {\n  ${body}\n  return old;\n};`],
  ];

  it('a program that exits in the middle of an update: reported at once as ended, no diagnostics left', async () => {
    const file = workspaceFile('faults-exit.js');
    const start = live.dap.output.length;
    await launch(file, 'live faults-exit.js');
    await live.dap.waitForLine(/^tick \d+ v\d/, start);

    const reports = live.recorder.reports.length;
    const saved = Date.now();
    await editAllAndSave(file, transformer('count', 'process.exit(3);'));
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'rejected', report.summary);
    assert.match(report.targets[0]?.reason ?? '', /the program ended during the update \(it exited or was killed\)/);
    assert.ok(Date.now() - saved < 10_000, `reported after ${Date.now() - saved} ms`);
    await eventually('no program left', () => live.api.targets().length === 0);
    await eventually('no diagnostics for the ended program', () => liveDiagnostics(file).length === 0);
    if (screenAvailable()) await eventually('the status bar to hide with no program', async () => (await liveStatusText()) === '');
  });

  it('a program killed while a slow state transformer runs: reported at once as ended, no diagnostics left', async () => {
    const file = workspaceFile('faults-exit.js');
    const start = live.dap.output.length;
    const session = await launch(file, 'live faults-exit.js');
    const pid = Number((await live.dap.waitForLine(/^tick \d+ v\d pid \d+$/, start)).split(' ').at(-1));
    const marks = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-faults-'));
    const running = path.join(marks, 'running');
    // Busy until killed (or, should the kill fail, for 60 s: the test then fails, it never hangs).
    const body = `require('node:fs').writeFileSync(${JSON.stringify(running)}, ''); const until = Date.now() + 60000; while (Date.now() < until) {}`;

    const reports = live.recorder.reports.length;
    await editAllAndSave(file, transformer('ticks', body));
    await eventually('the transformer to run', () => fs.existsSync(running));
    const killed = Date.now();
    process.kill(pid, 'SIGKILL');
    const report = await nextReport(reports, file);
    assert.equal(report.outcome, 'rejected', report.summary);
    assert.match(report.targets.find((t) => t.targetId === session.id)?.reason ?? '', /the program ended during the update \(it exited or was killed\)/);
    assert.ok(Date.now() - killed < 10_000, `reported ${Date.now() - killed} ms after the kill`);
    await eventually('no program left', () => live.api.targets().length === 0);
    await eventually('no diagnostics for the ended program', () => liveDiagnostics(file).length === 0);
    if (screenAvailable()) await eventually('the status bar to hide with no program', async () => (await liveStatusText()) === '');
    fs.rmSync(marks, { recursive: true, force: true });
  });

  it('a program that ends right after an update is told of with that update, unless the user stopped it', async () => {
    const file = workspaceFile('faults-crash.js');
    const notices = async () => (await vscode.commands.executeCommand('liveUpdate.programEndNotices')) as { sessionId: string; message: string }[];
    // Stopped by the user right after an update: no news.
    let start = live.dap.output.length;
    const first = await launch(file, 'live faults-crash.js');
    await live.dap.waitForLine(/^crash tick v1 pid \d+$/, start);
    let reports = live.recorder.reports.length;
    start = live.dap.output.length;
    await editAndSave(file, "return 'v1';", "return 'v2';");
    assert.equal((await nextReport(reports, file)).outcome, 'applied');
    await live.dap.waitForLine(/^crash tick v2 pid \d+$/, start);
    await vscode.debug.stopDebugging(first.parentSession ?? first);
    // The notice would be made as the session's end is handled, before the target is gone.
    await eventually('no program left', () => live.api.targets().length === 0);
    assert.deepEqual(await notices(), []);

    // Its new code aborts the process: nothing in the Debug Console, no exit code, the session just
    // goes; the user hears which update came just before.
    start = live.dap.output.length;
    const second = await launch(file, 'live faults-crash.js');
    await live.dap.waitForLine(/^crash tick v2 pid \d+$/, start);
    // It aborts once the update is reported (an abort during the update is reported as ended there).
    const marks = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-crash-'));
    const mark = path.join(marks, 'abort');
    reports = live.recorder.reports.length;
    await editAndSave(file, "return 'v2';", `if (require('node:fs').existsSync(${JSON.stringify(mark)})) process.abort();\n  return 'v3';`);
    assert.equal((await nextReport(reports, file)).outcome, 'applied');
    fs.writeFileSync(mark, '');
    const notice = await eventually("the notice of the program's end", async () => (await notices())[0]);
    assert.equal(notice.sessionId, second.id);
    assert.match(notice.message, /^faults-crash\.js \[\d+\] « live faults-crash\.js ended \d+\.\d s after Live Update applied f \(faults-crash\.js\)\. If the new code ended it/);
    assert.equal((await notices()).length, 1, 'told once');
    fs.rmSync(marks, { recursive: true, force: true });
  });
});
