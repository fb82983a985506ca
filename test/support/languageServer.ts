// The Live Update language server as a child process, driven over real LSP (stdio). The test plays
// the extension's part: it reports targets, and answers the server's requests by calling the
// runtime inside real debuggees (InspectedProcess), the way the client does through js-debug.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { CallRuntime, DidUpdate, PendingChanged, RunningTextDiffers, TargetsChanged, type TargetPending, type UpdateReport } from '../../common/protocol';
import { DidChangeConfigurationNotification } from 'vscode-languageserver-protocol/node';
import type { Patch, PatchReport, ScriptStateQuery } from '../../common/patch';

/** A baseline the server asked for, and a patch it sent: what the tests look at. */
export interface ScriptStateCall {
  targetId: string;
  query: ScriptStateQuery;
}
export interface ApplyCall {
  targetId: string;
  patch: Patch;
}
import { eventually } from './eventually';
import type { InspectedProcess } from './inspectedProcess';
import { serverEntry } from './paths';

/** A method no server implements: `settle` uses it as a barrier. */
const UNIMPLEMENTED_REQUEST = 'liveUpdateTest/barrier';

export interface Target {
  id: string;
  name: string;
  process: InspectedProcess;
}

export class LanguageServerClient {
  /** Everything the server sent, in arrival order. */
  readonly queries: ScriptStateCall[] = [];
  readonly applyRequests: ApplyCall[] = [];
  readonly updates: UpdateReport[] = [];
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly log: string[] = [];
  /** Every RunningTextDiffers notification, in order. */
  readonly runningTextDiffers: RunningTextDiffers.Params[] = [];
  /** Every PendingChanged notification's targets, in order. */
  readonly pendingChanges: TargetPending[][] = [];
  /**
   * Answers an ApplyPatch instead of the target's runtime when it returns a report: what the
   * extension answers when it cannot reach a target (e.g. one that ended during the update).
   */
  answerApply: ((params: ApplyCall) => Promise<PatchReport | undefined>) | undefined;
  /** Answers the server's `scriptState` calls instead of the target, when it returns something. */
  answerScriptState: ((params: ScriptStateCall) => Promise<unknown>) | undefined;
  private targets: Target[] = [];
  private readonly opened = new Set<string>();
  /** Requests of the server this client is still answering. */
  private inFlight = 0;
  private stderr = '';
  private exited = false;

  private constructor(private readonly child: ChildProcess, readonly connection: ProtocolConnection) {
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    child.on('exit', () => (this.exited = true));
    // The extension's part: each runtime call goes to the target's runtime as it is (the
    // baselines asked and the patches sent are recorded for the tests).
    connection.onRequest(CallRuntime.type, ({ targetId, method, argument }) =>
      this.answering(async () => {
        if (method === 'scriptState') this.queries.push({ targetId, query: argument as ScriptStateQuery });
        if (method === 'apply') this.applyRequests.push({ targetId, patch: argument as Patch });
        const target = this.targets.find((t) => t.id === targetId);
        if (!target) return { error: `no target ${targetId}` };
        if (method === 'apply') return (await this.answerApply?.({ targetId, patch: argument as Patch })) ?? target.process.callRuntime(method, argument);
        if (method === 'scriptState') return (await this.answerScriptState?.({ targetId, query: argument as ScriptStateQuery })) ?? target.process.callRuntime(method, argument);
        return target.process.callRuntime(method, argument);
      }),
    );
    connection.onNotification(PendingChanged.type, ({ targets }) => this.pendingChanges.push(targets));
    connection.onNotification(DidUpdate.type, (report) => this.updates.push(report));
    connection.onNotification(RunningTextDiffers.type, (notice) => this.runningTextDiffers.push(notice));
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => this.diagnostics.push(params));
    connection.onNotification(LogMessageNotification.type, ({ message }) => this.log.push(message));
  }

  private async answering<T>(answer: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await answer();
    } finally {
      this.inFlight--;
    }
  }

  /** Starts `node dist/server/main.js --stdio` and runs the LSP handshake. */
  static async start(): Promise<{ client: LanguageServerClient; initialize: InitializeResult }> {
    const child = spawn(process.execPath, [serverEntry, '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const reader = new StreamMessageReader(child.stdout!);
    // No partial-message timer: vscode-jsonrpc re-arms it every 10 s for as long as a message stays
    // half read, and disposing the reader does not clear it, so a server killed in the middle of a
    // message kept the test file from ever ending (a goldens run, all its tests passed, hung).
    reader.partialMessageTimeout = 0;
    const connection = createProtocolConnection(reader, new StreamMessageWriter(child.stdin!));
    const client = new LanguageServerClient(child, connection);
    connection.listen();
    const initialize = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, initialize };
  }

  /** Sends `liveUpdate.*` settings, as the extension does when the configuration changes. */
  async configure(liveUpdate: Record<string, unknown>): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { liveUpdate } });
  }

  /** `unsettled`: as the extension sends to a restarted server, what the user saw waiting. */
  async setTargets(targets: Target[], unsettled?: TargetsChanged.Params['unsettled']): Promise<void> {
    this.targets = targets;
    await this.connection.sendNotification(TargetsChanged.type, { targets: targets.map(({ id, name }) => ({ id, name })), ...(unsettled ? { unsettled } : {}) });
  }

  /**
   * Saves `file` with `text` (the file on disk is not touched: the save carries the text). The
   * first save of a file opens it first with its text on disk, as an editor would have.
   */
  async save(file: string, text: string): Promise<void> {
    await this.saveUri(pathToFileURL(file).href, text, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  }

  /** Saves a document by its URI (any scheme), opened first with `openText` as `save` does. */
  async saveUri(uri: string, text: string, openText = ''): Promise<void> {
    if (!this.opened.has(uri)) await this.openUri(uri, openText);
    await this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri }, text });
  }

  /** Opens `file` with `text`, as an editor does (a restarted client opens its editors again). */
  open(file: string, text: string): Promise<void> {
    return this.openUri(pathToFileURL(file).href, text);
  }

  private async openUri(uri: string, text: string): Promise<void> {
    this.opened.add(uri);
    const languageId = /\.[cm]?tsx?$/.test(uri) ? 'typescript' : 'javascript';
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** The first DidUpdate after the first `from` ones. */
  nextUpdate(from: number, timeoutMs?: number): Promise<UpdateReport> {
    return eventually(`a DidUpdate notification (log: ${this.describe()})`, () => this.updates[from], timeoutMs);
  }

  /** The first diagnostics published for `file` after the first `from` publications. */
  nextDiagnostics(file: string, from: number): Promise<PublishDiagnosticsParams> {
    const uri = pathToFileURL(file).href;
    return eventually(`diagnostics for ${uri} (log: ${this.describe()})`, () => this.diagnostics.slice(from).find((d) => d.uri === uri));
  }

  /**
   * Waits until the server has finished with everything sent so far: no request of the server is
   * being answered, and a round trip to the server (a request it does not implement, answered
   * with MethodNotFound behind everything it queued before) brought no new message. The server
   * handles messages one at a time and writes in order, so whatever a save makes it send (queries,
   * patches, diagnostics, DidUpdate) arrives before that answer unless it waits for us. (Work the
   * server would do off that path, on a timer or in a worker, is not covered: it would need a signal.)
   * `timeoutMs` bounds the wait for one request (default 10 s; a 10 MB apply takes longer).
   */
  async settle(timeoutMs?: number): Promise<void> {
    for (;;) {
      await eventually(`the requests being answered (log: ${this.describe()})`, () => this.inFlight === 0, timeoutMs);
      const seen = this.messagesReceived();
      await this.connection.sendRequest(UNIMPLEMENTED_REQUEST).catch(() => undefined);
      if (this.inFlight === 0 && this.messagesReceived() === seen) return;
    }
  }

  private messagesReceived(): number {
    return this.queries.length + this.applyRequests.length + this.updates.length + this.diagnostics.length + this.log.length + this.runningTextDiffers.length;
  }

  describe(): string {
    return JSON.stringify({ log: this.log, stderr: this.stderr.slice(-2000), exited: this.exited });
  }

  async stop(): Promise<void> {
    this.connection.dispose();
    if (!this.exited && this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill();
      // A test file must end: a server that does not go on SIGTERM is killed.
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
  }
}
