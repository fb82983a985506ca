// The Live Update language server: a thin LSP layer over the update engine. It listens for saves,
// runs the engine, and publishes the engine's diagnostics and reports.
import * as fs from 'node:fs/promises';
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
import { stated } from '../../common/liveStates';
import { DIAGNOSTIC_SOURCE, DiagnosticCodes, DidUpdate, DocumentFunctions, PendingChanged, ReplCommand, RunningTextDiffers, ReplComplete, ReplEvaluate, ServerCommands, TargetsChanged, type HistoryRequest, type RollbackRequest, type RollbackResult, type TargetInfo } from '../../common/protocol';
import { collectFunctions } from './analysis/functions';
import { codeActionsFor } from './codeActions';
import { revertAction } from './revertAction';
import { ofLiveTargets, type LiveDiagnostic, type Severity } from './core/diagnostics';
import { DEFAULT_POLICY } from './core/policy';
import { DEFAULT_ENGINE_SETTINGS, UpdateEngine, type EngineSettings, type PendingOutcome, type SaveOutcome } from './core/updateEngine';
import { LspTargetPort } from './lspPort';
import { rollback, targetHistories } from './core/rollback';
import { SourceTexts } from './core/sourceTexts';
import { filesRunningOtherText } from './core/drift';
import { typeGatePort } from './typecheck/enginePort';
import { CommandInterpreter } from './repl/interpreter';
import { TypeGate } from './typecheck/typeGate';

const connection = createConnection(ProposedFeatures.all);
const port = new LspTargetPort(connection);
let settings: EngineSettings = DEFAULT_ENGINE_SETTINGS;
const typeGate = new TypeGate();
const engine = new UpdateEngine(port, typeGatePort(typeGate, (m) => connection.console.warn(m)), () => settings);
/** Saves per file, so late results of an older save never overwrite a newer one's. */
const saveCounts = new Map<string, number>();
/** What each file currently shows, so it can be cleared when the programs it describes end. */
const published = new Map<string, LiveDiagnostic[]>();
/** The last text the client sent per open document (at open, then at each save): what the REPL's `update` applies. */
const documents = new Map<string, string>();
/** The texts of each file as written that the server saw: what a version's diff shows. */
const sources = new SourceTexts();
/** The editors' unsaved texts the client sent with the REPL command running now. */
let unsaved = new Map<string, string>();
/** The workspace folder (from initialize): the REPL shows and resolves module paths relative to it. */
let root = process.cwd();
/** The editor's display language (from initialize): the REPL writes times as the editor does. */
let locale: string | undefined;

const interpreter = new CommandInterpreter({
  engine,
  port,
  // Read when a command runs: the workspace folder is known only once the client initialized.
  get root() {
    return root;
  },
  get locale() {
    return locale;
  },
  frontEnd: 'editor',
  textOf: async (file) => unsaved.get(file) ?? (await textOf(file)),
  // As a save's outcome: the report now, type warnings that could not hold it when known (unless
  // a newer update of the file came since).
  publish: async (file, outcome) => {
    const save = (saveCounts.get(file) ?? 0) + 1;
    saveCounts.set(file, save);
    await publishOutcome(file, outcome);
    void outcome.later
      ?.then((later) => (later && saveCounts.get(file) === save ? publish(file, later) : undefined))
      .catch((e: unknown) => connection.console.warn(`type warnings of ${file} failed: ${e instanceof Error ? e.message : String(e)}`));
  },
});

/** A file's text as last saved (the client sends it at open and at each save), else as on disk. */
async function textOf(file: string): Promise<string | undefined> {
  return documents.get(file) ?? (await fs.readFile(file, 'utf8').catch(() => undefined));
}

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
  if (file === undefined) return;
  documents.set(file, textDocument.text);
  sources.remember(file, textDocument.text);
  typeGate.didOpen(file, textDocument.text);
  // Type-check the opened text soon, in the background of the user's editing: the first save then
  // checks only its own text (the project's cold start costs seconds).
  setTimeout(() => {
    try {
      typeGate.warm(file);
    } catch (e) {
      connection.console.warn(`type check warm-up of ${file} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, 100);
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

// A pending update ended: its "waiting" diagnostics go (replaced by the reason when it was dropped),
// and the user hears how it ended.
engine.onPendingOutcome = (outcome: PendingOutcome) => {
  const current = published.get(outcome.file) ?? [];
  const mine = (d: LiveDiagnostic) => d.code === DiagnosticCodes.pendingUpdate && d.data?.['pendingId'] === outcome.pendingId;
  const next = current.flatMap((d) =>
    !mine(d)
      ? [d]
      : outcome.dropped
        ? [{ ...d, severity: 'warning' as const, code: DiagnosticCodes.pendingDropped, message: stated('notApplied', outcome.dropped), data: {} }]
        : [],
  );
  if (next.length !== current.length || current.some(mine)) void publish(outcome.file, next);
  if (outcome.report) void connection.sendNotification(DidUpdate.type, outcome.report);
};
engine.onPendingChanged = (targets) => void connection.sendNotification(PendingChanged.type, { targets });
// A restarted server found updates waiting: the file says so again (its other diagnostics stay).
engine.onPendingAdopted = (file, pendingIds, diagnostics) => {
  const others = (published.get(file) ?? []).filter((d) => !(d.code === DiagnosticCodes.pendingUpdate && pendingIds.includes(String(d.data?.['pendingId']))));
  void publish(file, [...others, ...diagnostics]);
};

connection.onCodeAction(async ({ textDocument, context }) => {
  const file = localPath(textDocument.uri);
  const revert = file === undefined ? undefined : await revertAction(textDocument.uri, context.diagnostics, documents.get(file), port, sources);
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
    const histories = await targetHistories(port, request);
    // A version's diff shows the file as written (TypeScript with its types), where it is known.
    return request.texts ? histories.map((h) => (h.history ? { ...h, history: sources.addSources(h.history) } : h)) : histories;
  }
  if (command === ServerCommands.rollback) {
    const request = (args[0] ?? {}) as RollbackRequest;
    if (request.version !== undefined && (!Number.isInteger(request.version) || request.version < 0)) {
      return { ok: false, targets: [], summary: `There is no version ${String(request.version)}: versions are 0 (the program as it started), 1, 2, …` } satisfies RollbackResult;
    }
    return rollback(engine, port, request, publishOutcome);
  }
  const file = typeof args[0] === 'string' ? args[0] : undefined;
  if (!file) return undefined;
  if (command === ServerCommands.applyIgnoringTypeErrors) {
    const outcome = engine.applyIgnoringTypeErrors(file);
    if (!outcome) void connection.window.showWarningMessage('Live Update: save the file again to apply it.');
    else await publishOutcome(file, await outcome);
  } else if (command === ServerCommands.applyFileWhenIdle && Array.isArray(args[1])) {
    const outcome = engine.applyWhenIdle(file, args[1].map(String), typeof args[2] === 'string' ? args[2] : undefined);
    if (!outcome) void connection.window.showWarningMessage('Live Update: save the file first.');
    else await publishOutcome(file, await outcome);
  } else if (command === ServerCommands.runningFunctions) {
    return engine.runningFunctions(file);
  } else if ((command === ServerCommands.runStatement || command === ServerCommands.reinitialize) && typeof args[1] === 'string') {
    const { ok, message } = await (command === ServerCommands.runStatement ? engine.runStatement(file, args[1]) : engine.reinitialize(file, args[1]));
    void (ok ? connection.window.showInformationMessage(message) : connection.window.showErrorMessage(message));
  }
  return undefined;
});

// The command interpreter (issue 7): the Live REPL terminal's lines, completion, Evaluate Selection.
connection.onRequest(ReplCommand.type, async ({ line, activeFile, unsaved: texts }) => {
  unsaved = new Map((texts ?? []).map((t) => [t.file, t.text]));
  try {
    return await interpreter.run(line, activeFile ? { activeFile } : {});
  } finally {
    unsaved = new Map();
  }
});
connection.onRequest(ReplComplete.type, ({ line, cursor }) => interpreter.complete(line, cursor));
connection.onRequest(ReplEvaluate.type, ({ file, expression, targetId }) => interpreter.evaluate(file, expression, targetId));

// The editor's CodeLens and hover: the functions of a document's text, named as reports name them.
connection.onRequest(DocumentFunctions.type, ({ file, text }) => ({
  functions: collectFunctions(file, text).functions.map((f) => ({ name: f.displayName, start: f.start, end: f.end, nameStart: f.nameStart, nameEnd: f.nameEnd })),
}));

connection.onNotification(TargetsChanged.type, ({ targets, unsettled }) => {
  const live = new Set(targets.map((t) => t.id));
  const gone = new Set(port.targets().filter((t) => !live.has(t.id)).map((t) => t.id));
  for (const id of gone) engine.forgetTarget(id);
  const known = new Set(port.targets().map((t) => t.id));
  port.setTargets(targets);
  for (const target of targets) {
    if (known.has(target.id)) continue;
    engine.adoptTarget(target, unsettled?.find((u) => u.targetId === target.id)?.pendingIds);
    void tellRunningTextDiffers(target);
  }
  // Diagnostics describe running programs: what only ended ones showed is no longer true.
  if (gone.size === 0) return;
  for (const [file, diagnostics] of published) {
    const still = targets.length === 0 ? [] : ofLiveTargets(diagnostics, live);
    if (still.length !== diagnostics.length) void publish(file, still);
  }
});

/** A new target that runs other text than the files (attached again after saves): the user hears it once. */
async function tellRunningTextDiffers(target: TargetInfo): Promise<void> {
  try {
    const files = await filesRunningOtherText(port, target.id, textOf);
    if (files.length) await connection.sendNotification(RunningTextDiffers.type, { targetId: target.id, targetName: target.name, files });
  } catch (e) {
    connection.console.warn(`comparing what ${target.name} runs with the files failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

connection.onDidCloseTextDocument(({ textDocument }) => {
  const file = localPath(textDocument.uri);
  if (file !== undefined) documents.delete(file);
});

connection.onDidSaveTextDocument(async ({ textDocument, text }) => {
  const file = localPath(textDocument.uri);
  if (text === undefined || file === undefined) return;
  documents.set(file, text);
  sources.remember(file, text);
  if (engine.isIdleSave(file, text)) return;
  try {
    const save = (saveCounts.get(file) ?? 0) + 1;
    saveCounts.set(file, save);
    let published!: () => void;
    const afterPublished = new Promise<void>((resolve) => (published = resolve));
    const outcome = await engine.onSave(file, text, { afterPublished });
    // The report goes out before any work that only informs (deferred type warnings) takes the
    // event loop: that work waits until these messages are written.
    await publishOutcome(file, outcome).finally(published);
    // Type warnings that could not hold the update follow it, unless a newer save came since.
    const later = await outcome.later;
    if (later && saveCounts.get(file) === save) await publish(file, later);
  } catch (e) {
    connection.console.error(`update of ${file} failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
});

async function publishOutcome(file: string, outcome: SaveOutcome): Promise<void> {
  const { report } = outcome;
  const diagnostics = ofLiveTargets(outcome.diagnostics, liveTargets());
  // A save with nothing to apply is reported too: what the client shows of an earlier failure of
  // the file (status bar, CodeLens, view) is stale once the program runs the file as saved.
  if (report.outcome === 'no-change' && diagnostics.length === 0 && report.targets.length === 0) {
    await Promise.all([published.has(file) ? publish(file, []) : undefined, connection.sendNotification(DidUpdate.type, report)]);
    return;
  }
  await Promise.all([publish(file, diagnostics), connection.sendNotification(DidUpdate.type, report)]);
}

function liveTargets(): Set<string> {
  return new Set(port.targets().map((t) => t.id));
}

function publish(file: string, all: LiveDiagnostic[]): Promise<void> {
  // A program that ended while its update was under way is no target any more: what would be said
  // of it alone is not true now, and nothing would withdraw it later.
  const diagnostics = ofLiveTargets(all, liveTargets());
  if (diagnostics.length) published.set(file, diagnostics);
  else published.delete(file);
  return connection.sendDiagnostics({ uri: pathToFileURL(file).href, diagnostics: diagnostics.map((d) => toLsp(file, d)) });
}

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
