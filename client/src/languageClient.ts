// Starts the Live Update language server and answers its requests to reach running programs.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { BreakpointsSettled, CallRuntime, DidUpdate, PendingChanged, RestartFrame, TargetPaused, TargetsChanged, type TargetPending, type UpdateReport } from '../../common/protocol';
import type { RuntimeError } from '../../common/runtimeApi';
import type { BreakpointSends } from './breakpointSends';
import { callRuntime } from './delivery';
import { onDidChangePause, pausedSessions } from './pauses';
import { restartFrameInto } from './restartFrame';
import { liveUpdateOn } from './restrictedMode';
import { RestartPolicy, watchServer, type ServerState } from './serverLifecycle';
import type { TargetTracker } from './targets';

export async function startLanguageClient(
  context: vscode.ExtensionContext,
  tracker: TargetTracker,
  breakpointSends: BreakpointSends,
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
    // package.json too: Node resolves modules with it only at start, so a save that changes how is
    // told to need a restart (server/src/core/manifestSave.ts).
    documentSelector: [...['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map((language) => ({ scheme: 'file', language })), { scheme: 'file', language: 'json', pattern: '**/package.json' }],
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
  // The server calls each runtime through js-debug's CDP proxy itself (TargetInfo.cdp); a target
  // without one is called from here, through its debug session.
  client.onRequest(CallRuntime.type, ({ targetId, method, argument }) =>
    reach(
      targetId,
      (session) => callRuntime(session, method, argument),
      // Ended during the call (a program killed, a worker that exited in it): the server says so
      // its way (an update's target is then `ended`). Otherwise the call failed or timed out.
      (reason, session): RuntimeError => {
        log.info(`${session?.name ?? targetId}: ${method} through the debug session failed: ${reason}`);
        return reason === ENDED_DURING_CALL ? { error: reason, ended: true } : { error: session ? `could not reach ${session.name}: ${reason}` : reason };
      },
    ),
  );
  client.onRequest(BreakpointsSettled.type, async ({ targetId, files }): Promise<BreakpointsSettled.Result> => {
    const session = tracker.session(targetId);
    if (!session) return { waitedMs: 0, timedOut: false };
    const settled = await breakpointSends.settled(session, files);
    if (settled.waitedMs > 0) log.info(`${session.name}: the update waited ${settled.waitedMs} ms for the debugger's breakpoints of ${files.join(', ')}${settled.timedOut ? ' (none came: it went on)' : ''}`);
    return settled;
  });
  client.onRequest(RestartFrame.type, (params) => reach(params.targetId, (session) => restartFrameInto(session, params), (reason): RestartFrame.Result => ({ ok: false, reason })));

  client.onNotification(PendingChanged.type, ({ targets }) => onPending(targets));
  client.onNotification(DidUpdate.type, onReport);
  // With Live Update turned off or in Restricted Mode, the server sees no targets, so a save
  // changes nothing.
  const sendTargets = (unsettled?: TargetsChanged.Params['unsettled']) =>
    void client.sendNotification(TargetsChanged.type, { targets: liveUpdateOn() ? tracker.targets() : [], ...(unsettled ? { unsettled } : {}) });
  // The server applies an update of a paused program its own way (`Patch.paused`): it hears each pause.
  const sendPaused = (targetId: string, paused: boolean) => void client.sendNotification(TargetPaused.type, { targetId, paused });
  context.subscriptions.push(
    watchServer(client, {
      onState: (state) => server.onState(state),
      // A restarted server knows nothing: what the dead one published is no longer kept true (it
      // republishes what still is: the updates still waiting), and it learns the targets again,
      // with what the user saw waiting in each, whose end meanwhile is still to be reported.
      onRestarted: () => {
        client.diagnostics?.clear();
        sendTargets(server.pending().map((t) => ({ targetId: t.targetId, pendingIds: t.pending.map((p) => p.id) })));
        for (const id of pausedSessions()) sendPaused(id, true);
      },
    }),
  );
  await client.start();
  context.subscriptions.push(
    tracker.onDidChange(() => sendTargets()),
    onDidChangePause(({ sessionId, paused }) => sendPaused(sessionId, paused)),
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

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
