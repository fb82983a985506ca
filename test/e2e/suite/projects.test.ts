// End to end: TypeScript projects laid out as people lay them out (test/fixtures/layouts: an
// Express app as `npm init -y` makes it — CommonJS, extensionless imports — and a NestJS app as
// `nest new` makes it — decorator metadata for its dependency injection), started from an ordinary
// `node` launch configuration, and once with `--import tsx` in it. A breakpoint in a route's code
// stops on its line; the edit saved goes live in the same process; the breakpoint still stops on
// its line. These files run through TypeScript's transform with kept lines (common/transpile.ts).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UpdateReport } from '../../../client/src/api';
import { notifications, screenAvailable } from './screen';
import { execFileSync } from 'node:child_process';
import { EXTENSION_ID, editAndSave, eventually, isRunning, liveSuite, liveUpdateApi, startedSessions, workspaceFile } from './support';

interface Project {
  layout: string;
  entry: string;
  /** The file whose function is edited (and holds the breakpoint), its line's text before and after. */
  file: string;
  before: string;
  after: string;
  runtimeArgs: string[];
  /** The launch's runtimeExecutable, relative to the project (default: the tests' node). */
  runtimeExecutable?: string;
}

const PROJECTS: Project[] = [
  { layout: 'commonjs-express', entry: 'src/server.ts', file: 'src/routes.ts', before: 'return `hello ${name} v1`;', after: 'return `hello ${name} v2`;', runtimeArgs: [] },
  { layout: 'nestjs-cli', entry: 'src/main.ts', file: 'src/app.service.ts', before: "return 'Hello World! v1';", after: "return 'Hello World! v2';", runtimeArgs: [] },
  { layout: 'commonjs-express', entry: 'src/server.ts', file: 'src/routes.ts', before: 'return `hello ${name} v1`;', after: 'return `hello ${name} v2`;', runtimeArgs: ['--import', 'tsx'] },
  { layout: 'commonjs-express', entry: 'src/server.ts', file: 'src/routes.ts', before: 'return `hello ${name} v1`;', after: 'return `hello ${name} v2`;', runtimeArgs: [], runtimeExecutable: 'node_modules/.bin/tsx' },
];

/** A copy of a layout in the workspace, with the layouts' npm packages (.tools/layouts) linked in. */
function copyProject(layout: string, as: string): string {
  const repo = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const dir = workspaceFile('projects', as).fsPath;
  fs.cpSync(path.join(repo, 'test', 'fixtures', 'layouts', layout), dir, { recursive: true, filter: (source) => path.basename(source) !== 'layout.json' });
  const packages = path.join(repo, '.tools', 'layouts', 'node_modules');
  fs.mkdirSync(path.join(dir, 'node_modules'));
  for (const name of fs.readdirSync(packages)) if (name !== '.package-lock.json') fs.symlinkSync(path.join(packages, name), path.join(dir, 'node_modules', name));
  return dir;
}

describe('Projects as people lay them out', function () {
  const live = liveSuite();
  beforeEach(() => vscode.debug.removeBreakpoints(vscode.debug.breakpoints));

  /** Starts a project from an ordinary node launch configuration; resolves with its target session. */
  async function launchProject(dir: string, project: Project, name: string): Promise<vscode.DebugSession> {
    // The session of the process that runs the entry (js-debug names it after its script): under a
    // launcher such as tsx, the launch's first child is the launcher's own process.
    const script = path.basename(project.entry);
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => {
        if (s.configuration.__pendingTargetId && s.name.startsWith(`${script} [`)) {
          sub.dispose();
          resolve(s);
        }
      });
    });
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'node',
      request: 'launch',
      name,
      program: path.join(dir, project.entry),
      cwd: dir,
      runtimeExecutable: project.runtimeExecutable ? path.join(dir, project.runtimeExecutable) : process.env.LIVE_UPDATE_TEST_NODE || 'node',
      runtimeArgs: project.runtimeArgs,
      skipFiles: ['<node_internals>/**'],
    });
    assert.ok(ok, `could not start ${name}`);
    const session = await started;
    const api = await liveUpdateApi();
    await eventually(`${name} to become a Live Update target`, () => api.targets().some((t) => t.id === session.id), 60_000);
    return session;
  }

  /** The next stop of `session` after stop number `from`: its top frame's 1-based line and file. */
  async function nextStop(session: vscode.DebugSession, from: number): Promise<{ threadId: number; line: number; path: string }> {
    const stop = await eventually('the program to stop at the breakpoint', () => live.dap.stopped.slice(from).find((s) => s.sessionId === session.id), 60_000);
    const trace = await session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 });
    const top = trace.stackFrames[0];
    const where: string = top.source?.path ?? '';
    return { threadId: stop.threadId, line: top.line, path: /^[\w-]+:\/\//.test(where) ? vscode.Uri.parse(where).path : where };
  }

  /** Sets a breakpoint on `line` (0-based) of `file`, waits for the stop there, checks it, removes it and goes on. */
  async function stopsOn(session: vscode.DebugSession, file: vscode.Uri, line: number): Promise<void> {
    const stops = live.dap.stopped.length;
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(line, 0)))]);
    const stop = await nextStop(session, stops);
    assert.equal(stop.path, file.path, 'stopped in the file of the breakpoint');
    assert.equal(stop.line, line + 1, `stopped on line ${stop.line}, the breakpoint is on line ${line + 1}`);
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    // VS Code sends the removal to js-debug in its own time; the program calls the function every
    // 50 ms and would stop at it again, paused where nobody continues it. The removal is made in
    // js-debug before the program goes on.
    await session.customRequest('setBreakpoints', { source: { path: file.fsPath }, breakpoints: [] });
    await session.customRequest('continue', { threadId: stop.threadId });
  }

  /**
   * Node < 22.15 runs module hooks in a thread of its own, which js-debug lists as a worker
   * (`[worker 1]`): it must not stay in the Call Stack, where only the program's threads belong
   * (issue 21). A later Node has no such thread: then none may appear at all.
   */
  async function noHooksThread(launchName: string): Promise<void> {
    const launchOf = (s: vscode.DebugSession): string => (s.parentSession ? launchOf(s.parentSession) : s.name);
    const workers = () => startedSessions.filter((s) => /^\[worker \d+\]/.test(s.name) && launchOf(s) === launchName);
    const [major, minor] = execFileSync(process.env.LIVE_UPDATE_TEST_NODE || 'node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().split('.').map(Number);
    if (major! < 22 || (major === 22 && minor! < 15)) await eventually("the debugger's session of Node's module-hooks thread", () => workers().length > 0, 30_000);
    // A worker thread of the program stays (tsx's esbuild starts one for its synchronous API, at
    // its own moment): it is a Live Update target. Node's own thread never is one, and goes.
    const own = () => workers().filter((s) => isRunning(s) && !live.api.targets().some((t) => t.id === s.id));
    await eventually(`no session of Node's own thread left (${own().map((s) => s.name).join(', ')})`, () => own().length === 0, 30_000);
  }

  PROJECTS.forEach((project, index) => {
    const launchStyle = project.runtimeExecutable ? `runtimeExecutable ${path.basename(project.runtimeExecutable)}` : project.runtimeArgs.length ? `runtimeArgs ${project.runtimeArgs.join(' ')}` : 'an ordinary node launch configuration';
    it(`${project.layout} from ${launchStyle}: a breakpoint stops on its line, the saved edit goes live in the same process, and the breakpoint still stops on its line`, async function () {
      this.timeout(180_000);
      const dir = copyProject(project.layout, `${project.layout}-${index}`);
      const name = `project ${project.layout} ${index}`;
      const start = live.dap.output.length;
      const session = await launchProject(dir, project, name);
      await live.dap.waitForLine(/^value: .*v1/, start, 60_000);
      await noHooksThread(name);

      const file = vscode.Uri.file(path.join(dir, project.file));
      const document = await vscode.workspace.openTextDocument(file);
      const line = document.getText().split('\n').findIndex((l) => l.trim() === project.before);
      assert.ok(line >= 0, `${project.before} is in ${project.file}`);
      await stopsOn(session, file, line);

      const reports = live.recorder.reports.length;
      const output = live.dap.output.length;
      await editAndSave(file, project.before, project.after);
      const report: UpdateReport = await eventually('the update report', () => live.recorder.reports.slice(reports).find((r) => r.file === file.fsPath), 60_000);
      assert.equal(report.outcome, 'applied', report.summary);
      assert.deepEqual(report.targets.map((t) => t.targetId), [session.id], 'the same process took it');
      await live.dap.waitForLine(/^value: .*v2/, output, 30_000);

      await stopsOn(session, file, line);
    });
  });

  it('a dev script that restarts the program at each change (tsx watch, in the JavaScript Debug Terminal): the user is told what to change', async function () {
    this.timeout(120_000);
    const dir = copyProject('commonjs-express', 'watched');
    const node = process.env.LIVE_UPDATE_TEST_NODE || 'node';
    const start = live.dap.output.length;
    // What `npm run dev` runs when the dev script is `tsx watch src/server.ts`.
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'node-terminal',
      request: 'launch',
      name: 'dev script with tsx watch',
      command: `${JSON.stringify(node)} node_modules/tsx/dist/cli.mjs watch src/server.ts`,
      cwd: dir,
    });
    assert.ok(ok);
    await live.dap.waitForLine(/^value: .*v1/, start, 60_000);
    const expected = /tsx watch restarts this program whenever a file changes.*`tsx src\/server\.ts` instead of `tsx watch src\/server\.ts`/;
    const advice = async () => ((await vscode.commands.executeCommand('liveUpdate.launchAdvice')) as string[]).filter((m) => expected.test(m));
    await eventually('the advice about tsx watch', async () => (await advice()).length > 0, 60_000);
    // On screen, VS Code draws the `code` spans without their backticks.
    const drawn = /tsx watch restarts this program whenever a file changes.*tsx src\/server\.ts instead of tsx watch src\/server\.ts/;
    if (screenAvailable()) {
      await vscode.commands.executeCommand('notifications.showList');
      await eventually('the notification on screen', async () => (await notifications()).find((n) => drawn.test(n.message.replace(/`/g, ''))), 30_000).catch(async (e: Error) => {
        throw new Error(`${e.message}; drawn: ${JSON.stringify(await notifications())}`);
      });
    }
    assert.equal((await advice()).length, 1, 'told once');
  });
});
