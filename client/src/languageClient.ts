// Starts the Live Update language server and answers its requests to reach running programs.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { EvaluateResult, LiveStack, ModulesState, Patch, PatchReport, SetScriptSourceResult, PendingState, RuntimeMethod, ScriptState, UpdatePointsState, VersionHistory, VersionTexts } from '../../common/patch';
import { ApplyPatch, CancelPending, DidUpdate, EvaluateInModule, PendingChanged, QueryHistory, QueryModules, QueryPending, QueryStack, QueryUpdatePoints, QueryScriptState, QueryVersionTexts, RestartFrame, TargetsChanged, type TargetPending, type UpdateReport } from '../../common/protocol';
import { applyThroughDebugger } from '../../common/debuggerApply';
import { cdpProxy } from './cdpProxy';
import { callRuntime, SessionEndedError } from './delivery';
import { restartFrameInto } from './restartFrame';
import { liveUpdateOn } from './restrictedMode';
import type { TargetTracker } from './targets';

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  tracker: TargetTracker,
  log: vscode.LogOutputChannel,
  onReport: (report: UpdateReport) => void,
  onPending: (targets: TargetPending[]) => void,
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
  };
  const client = new LanguageClient('liveUpdate', 'Live Update', serverOptions, clientOptions);

  client.onRequest(QueryScriptState.type, async ({ targetId, query }) => {
    const session = tracker.session(targetId);
    if (!session) return { error: 'the program has ended' };
    try {
      return await callRuntime<ScriptState>(session, 'scriptState', query);
    } catch (e) {
      return { error: messageOf(e) };
    }
  });

  client.onRequest(ApplyPatch.type, async ({ targetId, patch }): Promise<PatchReport> => {
    const session = tracker.session(targetId);
    if (!session) return { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: 'the program has ended' };
    try {
      return await applyPatch(session, patch);
    } catch (e) {
      // Gone while the update was under way (a worker that exited in it): it runs no version now.
      if (e instanceof SessionEndedError) return { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: `${session.name} ended during the update`, ended: true };
      // The evaluate failed or timed out: the runtime may or may not have applied it. Say so.
      return { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: `could not reach ${session.name}: ${messageOf(e)}` };
    }
  });

  client.onRequest(EvaluateInModule.type, async ({ targetId, request }): Promise<EvaluateResult> => {
    const session = tracker.session(targetId);
    if (!session) return { ok: false, error: 'the program has ended' };
    try {
      return await callRuntime<EvaluateResult>(session, 'evaluate', request);
    } catch (e) {
      return { ok: false, error: `could not reach ${session.name}: ${messageOf(e)}` };
    }
  });

  client.onRequest(QueryPending.type, async ({ targetId, query }) => {
    const session = tracker.session(targetId);
    if (!session) return { error: 'the program has ended' };
    try {
      // Asked every 100 ms while something waits: a program that does not answer soon is skipped
      // this round rather than holding up the others.
      return await callRuntime<PendingState>(session, 'pending', query, { timeoutMs: 3_000 });
    } catch (e) {
      return { error: messageOf(e) };
    }
  });

  client.onRequest(CancelPending.type, async ({ targetId, request }) => {
    const session = tracker.session(targetId);
    if (!session) return { error: 'the program has ended' };
    try {
      return await callRuntime<PendingState>(session, 'cancel', request);
    } catch (e) {
      return { error: messageOf(e) };
    }
  });

  /** A query the runtime answers as is (`{error}` when the program cannot be asked). */
  const ask =
    <T>(method: RuntimeMethod) =>
    async ({ targetId, query }: { targetId: string; query: unknown }): Promise<T | { error: string }> => {
      const session = tracker.session(targetId);
      if (!session) return { error: 'the program has ended' };
      try {
        return await callRuntime<T | { error: string }>(session, method, query);
      } catch (e) {
        return { error: messageOf(e) };
      }
    };
  client.onRequest(QueryHistory.type, ask<VersionHistory>('history'));
  client.onRequest(QueryVersionTexts.type, ask<VersionTexts>('versionTexts'));
  client.onRequest(QueryModules.type, ask<ModulesState>('modules'));
  client.onRequest(QueryStack.type, ask<LiveStack>('stack'));
  client.onRequest(QueryUpdatePoints.type, ask<UpdatePointsState>('points'));

  client.onRequest(RestartFrame.type, async (params): Promise<RestartFrame.Result> => {
    const session = tracker.session(params.targetId);
    if (!session) return { ok: false, reason: 'the program has ended' };
    try {
      return await restartFrameInto(session, params);
    } catch (e) {
      return { ok: false, reason: messageOf(e) };
    }
  });

  client.onNotification(PendingChanged.type, ({ targets }) => onPending(targets));
  client.onNotification(DidUpdate.type, onReport);
  await client.start();
  // With Live Update turned off or in Restricted Mode, the server sees no targets, so a save
  // changes nothing.
  const sendTargets = () => void client.sendNotification(TargetsChanged.type, { targets: liveUpdateOn() ? tracker.targets() : [] });
  context.subscriptions.push(
    tracker.onDidChange(sendTargets),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('liveUpdate.enabled') && sendTargets()),
    vscode.workspace.onDidGrantWorkspaceTrust(sendTargets),
  );
  sendTargets();
  return client;
}

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
      patch,
    );
    if (!('unsupported' in report)) return report;
  }
  return callRuntime<PatchReport>(session, 'apply', patch);
}
