// Starts the Live Update language server and answers its requests to reach running programs.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { EvaluateResult, LiveStack, ModulesState, Patch, PatchReport, SetScriptSourceResult, PendingState, RuntimeMethod, ScriptState, UpdatePointsState, VersionHistory, VersionTexts } from '../../common/patch';
import { ApplyPatch, CancelPending, DidUpdate, EvaluateInModule, PendingChanged, QueryHistory, QueryModules, QueryPending, QueryStack, QueryUpdatePoints, QueryScriptState, QueryVersionTexts, RestartFrame, TargetsChanged, type TargetPending, type UpdateReport } from '../../common/protocol';
import { applyThroughDebugger } from '../../common/debuggerApply';
import { cdpProxy } from './cdpProxy';
import { callRuntime } from './delivery';
import { isPaused } from './pauses';
import { restartFrameInto } from './restartFrame';
import { liveUpdateOn } from './restrictedMode';
import { RestartPolicy, watchServer, type ServerState } from './serverLifecycle';
import type { TargetTracker } from './targets';

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  tracker: TargetTracker,
  log: vscode.LogOutputChannel,
  onReport: (report: UpdateReport) => void,
  onPending: (targets: TargetPending[]) => void,
  server: { onState(state: ServerState): void; pending(): readonly TargetPending[] },
): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server/main.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map((language) => ({ scheme: 'file', language })),
    outputChannel: log,
    // The server reads `liveUpdate.*` (type-check policy) from workspace/didChangeConfiguration.
    synchronize: { configurationSection: 'liveUpdate' },
    errorHandler: new RestartPolicy((state) => server.onState(state)),
  };
  const client = new LanguageClient('liveUpdate', 'Live Update', serverOptions, clientOptions);

  /**
   * Runs `call` in the target's session; `failed(reason)` when there is none, when it fails, or
   * when the program ends before it answers (an exit or a kill in the middle of an update is told
   * at once, not after the call's timeout).
   */
  const reach = async <T>(targetId: string, call: (session: vscode.DebugSession) => Promise<T>, failed: (reason: string, session?: vscode.DebugSession) => T): Promise<T> => {
    const session = tracker.session(targetId);
    if (!session) return failed('the program has ended');
    try {
      return await tracker.unlessEnded(targetId, call(session), () => failed(ENDED_DURING_CALL));
    } catch (e) {
      // js-debug answers a call into a program that is dying with a bare error ("Unable to
      // evaluate") just before the session ends: then the end is the reason to give.
      return (await tracker.endsWithin(targetId, ENDING_GRACE_MS)) ? failed(ENDED_DURING_CALL) : failed(messageOf(e), session);
    }
  };
  const asError = (reason: string) => ({ error: reason });
  /** A query the runtime answers as is (`{error}` when the program cannot be asked). */
  const ask =
    <T>(method: RuntimeMethod, options?: { timeoutMs: number }) =>
    ({ targetId, query }: { targetId: string; query: unknown }): Promise<T | { error: string }> =>
      reach(targetId, (session) => callRuntime<T | { error: string }>(session, method, query, options), asError);

  client.onRequest(QueryScriptState.type, ask<ScriptState>('scriptState'));
  client.onRequest(ApplyPatch.type, ({ targetId, patch }) =>
    reach(
      targetId,
      (session) => applyPatch(session, patch),
      // Ended while the update was under way (a program killed, a worker that exited in it): it runs
      // no version now, and the engine reports it `ended`. Otherwise the call failed or timed out:
      // the runtime may or may not have applied it, and the report says so.
      (reason, session): PatchReport =>
        reason === ENDED_DURING_CALL
          ? { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: ENDED_DURING_UPDATE, ended: true }
          : { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: session ? `could not reach ${session.name}: ${reason}` : reason },
    ),
  );
  client.onRequest(EvaluateInModule.type, ({ targetId, request }) =>
    reach(targetId, (session) => callRuntime<EvaluateResult>(session, 'evaluate', request), (reason, session): EvaluateResult => ({ ok: false, error: session ? `could not reach ${session.name}: ${reason}` : reason })),
  );
  // Asked every 100 ms while something waits: a program that does not answer soon is skipped
  // this round rather than holding up the others.
  client.onRequest(QueryPending.type, ({ targetId, query }) => ask<PendingState>('pending', { timeoutMs: 3_000 })({ targetId, query }));
  client.onRequest(CancelPending.type, ({ targetId, request }) => ask<PendingState>('cancel')({ targetId, query: request }));
  client.onRequest(QueryHistory.type, ask<VersionHistory>('history'));
  client.onRequest(QueryVersionTexts.type, ask<VersionTexts>('versionTexts'));
  client.onRequest(QueryModules.type, ask<ModulesState>('modules'));
  client.onRequest(QueryStack.type, ask<LiveStack>('stack'));
  client.onRequest(QueryUpdatePoints.type, ask<UpdatePointsState>('points'));
  client.onRequest(RestartFrame.type, (params) => reach(params.targetId, (session) => restartFrameInto(session, params), (reason): RestartFrame.Result => ({ ok: false, reason })));

  client.onNotification(PendingChanged.type, ({ targets }) => onPending(targets));
  client.onNotification(DidUpdate.type, onReport);
  // With Live Update turned off or in Restricted Mode, the server sees no targets, so a save
  // changes nothing.
  const sendTargets = (unsettled?: TargetsChanged.Params['unsettled']) =>
    void client.sendNotification(TargetsChanged.type, { targets: liveUpdateOn() ? tracker.targets() : [], ...(unsettled ? { unsettled } : {}) });
  context.subscriptions.push(
    watchServer(client, {
      onState: (state) => server.onState(state),
      // A restarted server knows nothing: what the dead one published is no longer kept true (it
      // republishes what still is: the updates still waiting), and it learns the targets again,
      // with what the user saw waiting in each, whose end meanwhile is still to be reported.
      onRestarted: () => {
        client.diagnostics?.clear();
        sendTargets(server.pending().map((t) => ({ targetId: t.targetId, pendingIds: t.pending.map((p) => p.id) })));
      },
    }),
  );
  await client.start();
  context.subscriptions.push(
    tracker.onDidChange(() => sendTargets()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('liveUpdate.enabled') && sendTargets()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => sendTargets()),
  );
  sendTargets();
  return client;
}

/** How long after a failed call the session's end still counts as its cause. */
const ENDING_GRACE_MS = 2_000;
/** Why a call got no answer when its program ended first (an update's report says it its way). */
const ENDED_DURING_CALL = 'the program ended before it answered (it exited or was killed)';
const ENDED_DURING_UPDATE = 'the program ended during the update (it exited or was killed)';

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Sends a patch to the runtime. Through js-debug the LiveEdits are made by js-debug's own session
 * (its CDP proxy), so its breakpoints stay right (common/debuggerApply.ts); without a proxy, or
 * with a runtime that cannot, the runtime makes them itself.
 */
async function applyPatch(session: vscode.DebugSession, patch: Patch): Promise<PatchReport> {
  const proxy = patch.dryRun ? undefined : await cdpProxy(session);
  if (proxy) {
    const report = await applyThroughDebugger(
      {
        call: (method, argument) => callRuntime(session, method, argument),
        edit: (scriptId, scriptSource) => proxy.send<SetScriptSourceResult>('Debugger.setScriptSource', { scriptId, scriptSource }),
      },
      // A paused program gets its edits one call at a time (client/src/pauses.ts).
      isPaused(session.id) ? { ...patch, paused: true } : patch,
    );
    if (!('unsupported' in report)) return report;
  }
  return callRuntime<PatchReport>(session, 'apply', patch);
}
