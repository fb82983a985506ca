// The Live Update language server: LSP translation over the update service (server/src/host/).
// Documents opened and saved, targets, commands and the REPL's requests go in; diagnostics,
// reports and pending updates come out as LSP messages. Nothing here decides anything.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocumentSyncKind,
  type Diagnostic,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { DIAGNOSTIC_SOURCE, DidUpdate, DocumentFunctions, PendingChanged, ReplCommand, RunningTextDiffers, ReplComplete, ReplEvaluate, ServerCommands, TargetPaused, TargetsChanged, type HistoryRequest, type RollbackRequest, type RollbackResult, type TargetInfo } from '../../../common/protocol';
import { collectFunctions } from '../analysis/functions';
import type { LiveDiagnostic, Severity } from '../core/diagnostics';
import { filesRunningOtherText } from '../core/drift';
import { DEFAULT_POLICY } from '../core/policy';
import { rollback, targetHistories } from '../core/rollback';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../core/updateEngine';
import { LiveService, type UpdateSink } from '../host/service';
import { codeActionsFor } from './codeActions';
import { revertAction } from './revertAction';
import { LspTargetPort } from './lspPort';

const connection = createConnection(ProposedFeatures.all);
let settings: EngineSettings = DEFAULT_ENGINE_SETTINGS;
/** The workspace folder (from initialize): the REPL shows and resolves module paths relative to it. */
let root = process.cwd();
/** The editor's display language (from initialize): the REPL writes times as the editor does. */
let locale: string | undefined;

const sink: UpdateSink = {
  diagnostics: (file, all) => connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: all.map((d) => toLsp(file, d)) }),
  report: (report) => connection.sendNotification(DidUpdate.type, report),
  superseded: (report) => connection.sendNotification(DidUpdate.type, report),
  pendingChanged: (targets) => void connection.sendNotification(PendingChanged.type, { targets }),
  warn: (message) => connection.console.warn(message),
  warmedUp: () => connection.console.info('the type check is ready: its project was built in the background'),
};
const port = new LspTargetPort(connection);
const service = new LiveService(port, sink, { settings: () => settings, root: () => root, locale: () => locale, warm: 'each', frontEnd: 'editor' });
const { engine } = service;

connection.onInitialize(({ rootUri, workspaceFolders, locale: clientLocale }) => {
  // The language client sends the editor's display language (LSP `locale`).
  locale = clientLocale;
  const folder = workspaceFolders?.[0]?.uri ?? rootUri;
  const local = folder ? localPath(folder) : undefined;
  if (local) root = local;
  return initializeResult;
});

const initializeResult: InitializeResult = {
  capabilities: {
    // Open gives the text before any edit: type errors it already had are not news at the next save.
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.None, save: { includeText: true } },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    executeCommandProvider: { commands: Object.values(ServerCommands) },
  },
  serverInfo: { name: 'Live Update' },
};

/**
 * The local path of a document, or undefined for one that has none: another scheme (untitled:,
 * vscode-remote:) or a file URL with a host (`file://server/share/x.js`, where `fileURLToPath`
 * throws on this platform). Issue 9: such a save threw outside any try, and the rejection ended
 * the server.
 */
function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

connection.onDidOpenTextDocument(({ textDocument }) => {
  const file = localPath(textDocument.uri);
  if (file !== undefined) service.opened(file, textDocument.text);
});

connection.onDidCloseTextDocument(({ textDocument }) => {
  const file = localPath(textDocument.uri);
  if (file !== undefined) service.closed(file);
});

connection.onDidSaveTextDocument(async ({ textDocument, text }) => {
  const file = localPath(textDocument.uri);
  if (text !== undefined && file !== undefined) await service.saved(file, text);
});

connection.onDidChangeConfiguration(({ settings: all }) => {
  const section = (all as { liveUpdate?: { typeCheck?: string; typeCheckJavaScript?: boolean; whenActive?: string; deferTimeoutMs?: number } } | undefined)?.liveUpdate;
  const typeCheck = section?.typeCheck === 'warn' || section?.typeCheck === 'off' ? section.typeCheck : 'block';
  const whenActive = section?.whenActive === 'reject' || section?.whenActive === 'defer' ? section.whenActive : DEFAULT_POLICY.whenActive;
  const timeout = Number(section?.deferTimeoutMs);
  settings = {
    typeCheck,
    blockOnJavaScriptErrors: section?.typeCheckJavaScript === true,
    whenActive,
    deferTimeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_ENGINE_SETTINGS.deferTimeoutMs,
  };
});

connection.onNotification(TargetsChanged.type, ({ targets, unsettled }) => {
  for (const target of service.setTargets(targets, unsettled)) {
    void tellRunningTextDiffers(target);
    void warmFor(target);
  }
});

/** The type gate is built for a new target's modules while it starts, unless a file is open already. */
async function warmFor(target: TargetInfo): Promise<void> {
  const modules = await port.call(target.id, 'modules', {});
  if (!('error' in modules)) await service.programLoaded(modules.files);
}

connection.onNotification(TargetPaused.type, ({ targetId, paused }) => port.setPaused(targetId, paused));

/** A new target that runs other text than the files (attached again after saves): the user hears it once. */
async function tellRunningTextDiffers(target: TargetInfo): Promise<void> {
  try {
    const files = await filesRunningOtherText(port, target.id, (file) => service.textOf(file));
    if (files.length) await connection.sendNotification(RunningTextDiffers.type, { targetId: target.id, targetName: target.name, files });
  } catch (e) {
    connection.console.warn(`comparing what ${target.name} runs with the files failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

connection.onCodeAction(async ({ textDocument, context }) => {
  const file = localPath(textDocument.uri);
  // First, the safe one: the file back to the text the program runs.
  const revert = file === undefined ? undefined : await revertAction(textDocument.uri, context.diagnostics, await service.textOf(file), port, service.sources);
  return [...(revert ? [revert] : []), ...codeActionsFor(textDocument.uri, context.diagnostics)];
});

connection.onExecuteCommand(async ({ command, arguments: args = [] }) => {
  if (command === ServerCommands.cancelPending) {
    const ids = Array.isArray(args[0]) ? args[0].map(String) : undefined;
    const count = await engine.cancelPending(ids);
    void connection.window.showInformationMessage(count ? `Live Update: cancelled ${count} waiting update${count === 1 ? '' : 's'}.` : 'Live Update: no update is waiting.');
    return count;
  }
  if (command === ServerCommands.history) {
    const request = (args[0] ?? {}) as HistoryRequest;
    const histories = await targetHistories(port, request, engine.texts);
    // A version's diff shows the file as written (TypeScript with its types), where it is known.
    return request.texts ? histories.map((h) => (h.history ? { ...h, history: service.sources.addSources(h.history) } : h)) : histories;
  }
  if (command === ServerCommands.rollback) {
    const request = (args[0] ?? {}) as RollbackRequest;
    if (request.version !== undefined && (!Number.isInteger(request.version) || request.version < 0)) {
      return { ok: false, targets: [], summary: `There is no version ${String(request.version)}: versions are 0 (the program as it started), 1, 2, …` } satisfies RollbackResult;
    }
    return rollback(engine, port, request, (file, outcome) => service.publishOutcome(file, outcome));
  }
  const file = typeof args[0] === 'string' ? args[0] : undefined;
  if (!file) return undefined;
  if (command === ServerCommands.applyIgnoringTypeErrors) {
    const outcome = engine.applyIgnoringTypeErrors(file);
    if (!outcome) void connection.window.showWarningMessage('Live Update: save the file again to apply it.');
    else await service.publishOutcome(file, await outcome);
  } else if (command === ServerCommands.applyFileWhenIdle && Array.isArray(args[1])) {
    const outcome = engine.applyWhenIdle(file, args[1].map(String), typeof args[2] === 'string' ? args[2] : undefined);
    if (!outcome) void connection.window.showWarningMessage('Live Update: save the file first.');
    else await service.publishOutcome(file, await outcome);
  } else if (command === ServerCommands.runningFunctions) {
    return engine.runningFunctions(file);
  } else if ((command === ServerCommands.runStatement || command === ServerCommands.reinitialize) && typeof args[1] === 'string') {
    const { ok, message } = await (command === ServerCommands.runStatement ? engine.runStatement(file, args[1]) : engine.reinitialize(file, args[1]));
    void (ok ? connection.window.showInformationMessage(message) : connection.window.showErrorMessage(message));
  }
  return undefined;
});

// The command interpreter (issue 7): the Live REPL terminal's lines, completion, Evaluate Selection.
connection.onRequest(ReplCommand.type, ({ line, activeFile, unsaved }) => service.command(line, activeFile, unsaved));
connection.onRequest(ReplComplete.type, ({ line, cursor }) => service.interpreter.complete(line, cursor));
connection.onRequest(ReplEvaluate.type, ({ file, expression, targetId }) => service.interpreter.evaluate(file, expression, targetId));

// The editor's CodeLens and hover: the functions of a document's text, named as reports name them.
connection.onRequest(DocumentFunctions.type, ({ file, text }) => ({
  functions: collectFunctions(file, text).functions.map((f) => ({ name: f.displayName, start: f.start, end: f.end, nameStart: f.nameStart, nameEnd: f.nameEnd })),
}));

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

function toLsp(file: string, d: LiveDiagnostic): Diagnostic {
  return {
    severity: severities[d.severity],
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    message: d.message,
    range: { start: { line: d.start.line, character: d.start.column }, end: { line: d.end.line, character: d.end.column } },
    ...(d.related
      ? {
          relatedInformation: d.related.map((r) => ({
            location: { uri: pathToFileURL(r.file).href, range: { start: { line: r.start.line, character: r.start.column }, end: { line: r.end.line, character: r.end.column } } },
            message: r.message,
          })),
        }
      : {}),
    ...(d.data ? { data: { file, ...d.data } } : {}),
  };
}

connection.listen();
