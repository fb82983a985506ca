// Entry point of the Live Update extension. Wires the pieces; owns no logic of its own.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ClientCommands, RunningTextDiffers, ServerCommands, type RollbackRequest, type UpdateReport } from '../../common/protocol';
import type { ReplStyle } from '../../common/repl';
import { PendingView, UpdateHistory, type LiveUpdateApi } from './api';
import { registerLiveEditor } from './editor/liveEditor';
import { pollLandings } from './landings';
import { trackPauses } from './pauses';
import { startLanguageClient } from './languageClient';
import { adviceShown } from './launchAdvice';
import { NODE_DEBUG_TYPES, RuntimeInjector } from './launchConfig';
import { InlineResult } from './repl/inlineResult';
import { LiveRepl } from './repl/liveRepl';
import { applyFile, applyNow, evaluateSelection, replBackend } from './repl/replCommands';
import { ReplHistory } from './repl/replHistory';
import { BreakpointRebinder } from './breakpointRebind';
import { BreakpointSends } from './breakpointSends';
import { APPLY_FILES_COMMAND, RunningTextNotices } from './runningTextNotice';
import { restartServer } from './serverLifecycle';
import { LiveStatusBar } from './statusBar';
import { ProgramEnds } from './programEnds';
import { TargetTracker } from './targets';
import { rollBack, rollBackToVersion, showHistory, versionHistories } from './versions';
import { registerUpdatesView } from './view/updatesView';
import { notify, openRepl } from './notify';
import { onTrustGranted } from './restrictedMode';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<LiveUpdateApi> {
  const log = vscode.window.createOutputChannel('Live Update', { log: true });
  const history = new UpdateHistory();
  const tracker = new TargetTracker(log);
  const status = new LiveStatusBar();
  const pending = new PendingView();
  context.subscriptions.push(log, history, tracker, status, pending, trackPauses(tracker, log), pollLandings(tracker, pending));
  status.setRestricted(!vscode.workspace.isTrusted);
  context.subscriptions.push(onTrustGranted(() => status.setRestricted(false), log));

  const injector = new RuntimeInjector(context.asAbsolutePath('dist/runtime'), log);
  for (const type of NODE_DEBUG_TYPES) {
    context.subscriptions.push(vscode.debug.registerDebugConfigurationProvider(type, injector));
  }
  context.subscriptions.push(
    tracker.onDidChange((targets) => {
      status.setTargets(targets);
      // The editor's context menu offers Evaluate Selection only while a program is live.
      void vscode.commands.executeCommand('setContext', 'liveUpdate.hasTargets', targets.length > 0);
    }),
    vscode.commands.registerCommand('liveUpdate.showOutput', () => log.show()),
    // Code actions of the server point at other files (a caller that no longer type-checks).
    vscode.commands.registerCommand(ClientCommands.openLocation, (uri: string, line: number, character: number) =>
      vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: new vscode.Range(line, character, line, character) }),
    ),
    vscode.workspace.onDidSaveTextDocument((d) => log.trace(`saved ${d.uri.toString()}`)),
  );

  // Created on first use, when the language client exists; update reports are echoed to it.
  let repl: LiveRepl | undefined;
  const programEnds = new ProgramEnds(tracker, log, (message) => repl?.notify([{ text: message, style: 'warn' }]));
  context.subscriptions.push(programEnds);
  const breakpoints = new BreakpointRebinder(tracker, log);
  const breakpointSends = new BreakpointSends();
  context.subscriptions.push(breakpointSends);
  client = await startLanguageClient(
    context,
    tracker,
    breakpointSends,
    log,
    (report) => {
      // A save of a file no program runs: kept for the views it makes current, said nowhere.
      const quiet = report.outcome === 'no-change' && report.targets.length === 0;
      if (!quiet) log.info(`${report.file}: ${report.summary}`);
      for (const t of report.targets) if (t.reason) log.info(`  ${t.targetName}: ${t.outcome} — ${t.reason}`);
      status.showReport(report);
      void breakpoints.afterUpdate(report);
      history.add(report);
      programEnds.updated(report);
      if (!quiet) repl?.notify([{ text: `${vscode.workspace.asRelativePath(report.file, false)}: ${report.summary}`, style: REPORT_STYLE[report.outcome] }]);
    },
    (targets) => {
      status.setPending(targets);
      pending.set(targets);
    },
    { onState: (state) => status.setServer(state), pending: () => pending.all() },
  );
  const languageClient = client;
  const notices = new RunningTextNotices(log);
  context.subscriptions.push(notices);
  languageClient.onNotification(RunningTextDiffers.type, (notice) => notices.add(notice));
  registerLiveEditor(context, languageClient, { history, pending, tracker });
  repl = new LiveRepl(replBackend(languageClient), new ReplHistory(context.globalState));
  const liveRepl = repl;
  const inline = new InlineResult();
  context.subscriptions.push(
    liveRepl,
    inline,
    vscode.commands.registerCommand('liveUpdate.openRepl', () => void liveRepl.show(false)),
    // Returns what it shows inline (the tests read it; so may a keybinding's `runCommands`).
    vscode.commands.registerCommand('liveUpdate.evaluateSelection', () => evaluateSelection(languageClient, liveRepl, inline)),
    vscode.commands.registerCommand('liveUpdate.applyNow', () => applyNow(languageClient, liveRepl)),
    vscode.commands.registerCommand('liveUpdate.breakpointWarnings', () => breakpoints.shown.slice()),
    vscode.commands.registerCommand('liveUpdate.launchAdvice', () => adviceShown.slice()),
    vscode.commands.registerCommand('liveUpdate.runningTextNotices', () => notices.shown.slice()),
    vscode.commands.registerCommand('liveUpdate.programEndNotices', () => programEnds.shown.slice()),
    // Apply Now of that notice: each file as the editor shows it, to every program that runs it.
    vscode.commands.registerCommand(APPLY_FILES_COMMAND, async (files: string[]) => {
      for (const file of files) await applyFile(languageClient, liveRepl, file);
    }),
    vscode.commands.registerCommand('liveUpdate.restartServer', () => restartServer(languageClient)),
  );
  // "Cancel Pending Updates" is the server's own command (the language client registers those).
  context.subscriptions.push(
    vscode.commands.registerCommand('liveUpdate.applyWhenIdle', () => applyWhenIdle(languageClient)),
    vscode.commands.registerCommand('liveUpdate.showHistory', () => showHistory(languageClient)),
    vscode.commands.registerCommand('liveUpdate.rollBackToVersion', (request?: RollbackRequest) => rollBackToVersion(languageClient, request)),
  );
  // The Live Updates view (Run and Debug side bar).
  context.subscriptions.push(registerUpdatesView({ client: languageClient, tracker, pending, history, reapplyFile: (file) => applyFile(languageClient, liveRepl, file) }));

  void autoStart(log);
  return {
    onDidUpdate: history.onDidUpdate,
    history: () => history.all(),
    targets: () => tracker.targets(),
    onDidChangePending: pending.onDidChange,
    pending: () => pending.all(),
    versions: (request) => versionHistories(languageClient, request),
    rollback: (request) => rollBack(languageClient, request),
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

const REPORT_STYLE = { applied: 'ok', 'no-change': 'dim', pending: 'warn', partial: 'warn', rejected: 'error' } as const satisfies Record<UpdateReport['outcome'], ReplStyle>;

/**
 * "Apply When Idle…" (DYMOS' `update … when … idle`): the active editor's text is applied once the
 * chosen functions of the running program are all inactive; the document is then saved, and that
 * save is this update (the server does not apply it a second time).
 */
async function applyWhenIdle(languageClient: LanguageClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== 'file') {
    void notify('warning', 'Live Update: open the file to update first.', openRepl);
    return;
  }
  const file = editor.document.uri.fsPath;
  const names = (await languageClient.sendRequest('workspace/executeCommand', { command: ServerCommands.runningFunctions, arguments: [file] })) as string[] | null;
  if (!names?.length) {
    void notify('warning', 'Live Update: no running program has loaded this file.', openRepl);
    return;
  }
  const picked = await vscode.window.showQuickPick(names, { canPickMany: true, title: 'Apply this file when these functions are idle' });
  if (!picked?.length) return;
  const text = editor.document.getText();
  const sent = languageClient.sendRequest('workspace/executeCommand', { command: ServerCommands.applyFileWhenIdle, arguments: [file, picked, text] });
  if (editor.document.isDirty) await editor.document.save();
  await sent;
}

/** Starts the launch configuration named by `liveUpdate.autoStartLaunchConfig` (the demo uses it). */
async function autoStart(log: vscode.LogOutputChannel): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const name = vscode.workspace.getConfiguration('liveUpdate', folder).get<string>('autoStartLaunchConfig', '');
  // In Restricted Mode starting it would only make VS Code ask for trust as the folder opens.
  if (!folder || !name || !vscode.workspace.isTrusted) return;
  log.info(`starting launch configuration "${name}"`);
  if (!(await vscode.debug.startDebugging(folder, name))) {
    void vscode.window.showErrorMessage(`Live Update could not start the launch configuration "${name}".`, 'Show Log').then((pick) => pick && log.show());
  }
}
