// Helpers for end-to-end tests in the real extension host: start a real Node program under the
// real js-debug, watch what it prints (DAP output events), edit and save through the editor.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveUpdateApi, UpdateReport } from '../../../client/src/api';
import { eventually as poll } from '../../support/eventually';

/** Polls like the other layers' `eventually`, with more patience: a real workbench is slower. */
export const eventually = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> =>
  poll(what, probe as () => T | undefined, timeoutMs, 50);

export const EXTENSION_ID = 'live-update.live-update';

export function workspaceFile(...parts: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need an open folder');
  return vscode.Uri.file(path.join(folder.uri.fsPath, ...parts));
}

/** Records every DAP message js-debug sends for every session. */
export class DapRecorder implements vscode.Disposable {
  readonly output: string[] = [];
  readonly stopped: { sessionId: string; threadId: number; reason: string }[] = [];
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: any }) => {
          if (m.type !== 'event') return;
          if (m.event === 'output' && typeof m.body?.output === 'string') this.output.push(...m.body.output.split('\n').filter(Boolean));
          if (m.event === 'stopped') this.stopped.push({ sessionId: session.id, threadId: m.body?.threadId, reason: m.body?.reason });
        },
      }),
    });
  }

  /** Waits for an output line matching `pattern` printed after line index `from`. */
  waitForLine(pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<string> {
    return eventually(`program output matching ${pattern} (last lines: ${this.output.slice(-3).join(' | ')})`, () => this.output.slice(from).find((l) => pattern.test(l)), timeoutMs);
  }

  dispose(): void {
    this.registration.dispose();
  }
}

export async function liveUpdateApi(): Promise<LiveUpdateApi> {
  const extension = vscode.extensions.getExtension<LiveUpdateApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  return extension.activate();
}

/** Collects update reports from the extension API. */
export function recordReports(api: LiveUpdateApi): { reports: UpdateReport[]; dispose(): void } {
  const reports: UpdateReport[] = [];
  const sub = api.onDidUpdate((r) => reports.push(r));
  return { reports, dispose: () => sub.dispose() };
}

/** Launches `program` with an ordinary `node` launch configuration, as a user would. */
export async function launch(program: vscode.Uri, name: string): Promise<vscode.DebugSession> {
  const folder = vscode.workspace.workspaceFolders![0]!;
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.name === name || s.parentSession?.name === name) {
        if (s.configuration.__pendingTargetId) {
          sub.dispose();
          resolve(s);
        }
      }
    });
  });
  const ok = await vscode.debug.startDebugging(folder, {
    type: 'node',
    request: 'launch',
    name,
    program: program.fsPath,
    // The program runs on the Node the tests were started with, not code-server's own.
    runtimeExecutable: process.env.LIVE_UPDATE_TEST_NODE || 'node',
    skipFiles: ['<node_internals>/**'],
  });
  if (!ok) throw new Error(`could not start ${name}`);
  const session = await started;
  // The program is a target once its runtime answered the extension's handshake.
  const api = await liveUpdateApi();
  await eventually(`${name} to become a Live Update target`, () => api.targets().some((t) => t.id === session.id));
  return session;
}

/** Sessions that have started and not yet terminated. */
const running = new Map<string, vscode.DebugSession>();
/** Every session that started, in order. */
export const startedSessions: vscode.DebugSession[] = [];
vscode.debug.onDidStartDebugSession((s) => {
  running.set(s.id, s);
  startedSessions.push(s);
});
vscode.debug.onDidTerminateDebugSession((s) => running.delete(s.id));

/** Whether the session has started and not terminated. */
export const isRunning = (session: vscode.DebugSession): boolean => running.has(session.id);

/** Stops every debug session and waits until each has terminated. */
export async function stopAll(): Promise<void> {
  await vscode.debug.stopDebugging();
  await eventually(
    `every debug session to terminate (left: ${[...running.values()].map((s) => s.name).join(', ')})`,
    () => running.size === 0,
    20_000,
  );
}

/** Replaces `search` by `replacement` in the document through an editor edit, then saves it. */
export async function editAndSave(uri: vscode.Uri, search: string, replacement: string): Promise<void> {
  await editAllAndSave(uri, [[search, replacement]]);
}

/** Several replacements in one editor edit, then one save. */
export async function editAllAndSave(uri: vscode.Uri, replacements: [search: string, replacement: string][]): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  const ranges = replacements.map(([search, replacement]) => {
    const offset = document.getText().indexOf(search);
    if (offset < 0) throw new Error(`"${search}" not found in ${uri.fsPath}`);
    return [new vscode.Range(document.positionAt(offset), document.positionAt(offset + search.length)), replacement] as const;
  });
  if (!(await editor.edit((e) => ranges.forEach(([range, replacement]) => e.replace(range, replacement))))) throw new Error('the edit was refused');
  await eventually('the edit to make the document dirty', () => document.isDirty);
  // Save as the user does (Ctrl+S on the active editor), then wait for the save to finish.
  await vscode.commands.executeCommand('workbench.action.files.save');
  await eventually(`${path.basename(uri.fsPath)} to be saved`, () => !document.isDirty, 15_000);
}

export function liveDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Live Update');
}

/**
 * The mocha hooks a suite of live programs needs: the extension's API, a recorder of DAP events and
 * of update reports (from `before`, read them in tests), and after each test no breakpoints and no
 * debug sessions left.
 */
export function liveSuite(): { api: LiveUpdateApi; dap: DapRecorder; recorder: ReturnType<typeof recordReports> } {
  const live = {} as { api: LiveUpdateApi; dap: DapRecorder; recorder: ReturnType<typeof recordReports> };
  before(async () => {
    live.api = await liveUpdateApi();
    live.dap = new DapRecorder();
    live.recorder = recordReports(live.api);
  });
  after(() => {
    live.dap.dispose();
    live.recorder.dispose();
  });
  afterEach(async () => {
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await stopAll();
    // A test that changed a policy leaves the default behind, even when it failed.
    const settings = vscode.workspace.getConfiguration('liveUpdate');
    for (const key of ['whenActive', 'deferTimeoutMs']) {
      if (settings.inspect(key)?.workspaceValue !== undefined) await settings.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
  return live;
}

/**
 * Saves `'a'` → `'b'`, then `'b'` → `'c'`, … in `file` (the string literals of `values`, in turn),
 * each applied before the next: its report says so and the program prints `printed(value)`.
 */
export async function saveEachApplied(live: ReturnType<typeof liveSuite>, file: vscode.Uri, values: readonly string[], printed: (value: string) => RegExp): Promise<void> {
  for (let i = 1; i < values.length; i++) {
    const reports = live.recorder.reports.length;
    const lines = live.dap.output.length;
    await editAndSave(file, `'${values[i - 1]}'`, `'${values[i]}'`);
    const report = await eventually(`an update report for ${file.fsPath}`, () => live.recorder.reports.slice(reports).find((r) => r.file === file.fsPath));
    if (report.outcome !== 'applied') throw new Error(`'${values[i]}' was not applied: ${report.summary}`);
    await live.dap.waitForLine(printed(values[i]!), lines);
  }
}
