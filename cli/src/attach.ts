// `live-update attach <pid|ws-url>`: opens a running program's inspector (for a pid: SIGUSR1,
// which makes Node listen on 127.0.0.1:<port>), loads the runtime into it over the inspector, and
// applies saved edits until `quit` (detach) or the program's end.
import { runtimeLoadExpression } from '../../common/nodeOptions';
import type { RuntimeInfo } from '../../common/patch';
import { cdpRuntimeCall } from '../../common/runtimeCall';
import type { Command } from './args';
import { CdpConnection } from '../../common/cdpConnection';
import { openFrontEnd } from './frontEnd';
import { inspectorWebSocketUrl, isLoopbackUrl } from './inspectorUrl';
import { TARGET_ID } from './liveSession';
import { ATTACH_LIMITS } from './attachLimits';

/** How long a signalled program has to open its inspector. */
const OPEN_TIMEOUT_MS = 5_000;

export async function attachProgram(command: Extract<Command, { kind: 'attach' }>, runtimeDir: string): Promise<number> {
  const { url, pid } = await inspectorOf(command.target, command.port);
  const cdp = await CdpConnection.open(url);
  const programPid = await cdp.evaluate<number>('process.pid');
  if (pid !== undefined && programPid !== pid) {
    cdp.close();
    throw new Error(`the inspector on port ${command.port} belongs to process ${programPid}, not ${pid} (is another program listening there? use --port)`);
  }
  const info = await loadRuntime(cdp, runtimeDir);
  let finished: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finished = resolve));
  const finish = (event: 'exit' | 'detached') => {
    cdp.onClose = () => undefined;
    frontEnd.terminal.close();
    frontEnd.session.close();
    frontEnd.events.write(event === 'exit' ? { event: 'exit', code: null, signal: null } : { event: 'detached' });
    frontEnd.terminal.message([{ text: event === 'exit' ? `live-update: process ${programPid} ended` : `live-update: detached from process ${programPid}`, style: 'dim' }]);
    finished(0);
  };
  const detach = () => {
    cdp.close();
    finish('detached');
  };
  const frontEnd = await openFrontEnd(cdp, { id: TARGET_ID, name: `process ${programPid}` }, command, process.cwd(), [runtimeDir], {
    // Not ours to interrupt: Ctrl-C at an empty prompt detaches, as `quit` does.
    onInterrupt: detach,
    onQuit: detach,
  });
  cdp.onClose = () => finish('exit');
  // A signal to the command line detaches; the program goes on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, detach);
  await watchProgramEnd(cdp);
  frontEnd.events.write({ event: 'attached', pid: programPid, node: info.node, limits: ATTACH_LIMITS });
  frontEnd.terminal.message([{ text: `live-update: attached to process ${programPid} (Node ${info.node}). ${ATTACH_LIMITS}`, style: 'dim' }]);
  return done;
}

/** The inspector URL of `target` (a pid or a WebSocket URL), opening the inspector of a pid. */
async function inspectorOf(target: string, port: number): Promise<{ url: string; pid?: number }> {
  if (/^wss?:\/\//.test(target)) {
    if (!isLoopbackUrl(target)) throw new Error(`refusing ${target}: only an inspector on this machine's loopback address may be attached`);
    return { url: target };
  }
  if (!/^\d+$/.test(target)) throw new Error(`\`${target}\` is neither a process id nor a ws:// inspector URL`);
  const pid = Number(target);
  let url = await inspectorWebSocketUrl(port);
  if (!url) {
    try {
      (process as unknown as { _debugProcess(pid: number): void })._debugProcess(pid);
    } catch (e) {
      throw new Error(`cannot signal process ${pid} to open its inspector: ${e instanceof Error ? e.message : String(e)}`);
    }
    const deadline = Date.now() + OPEN_TIMEOUT_MS;
    while (!url && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      url = await inspectorWebSocketUrl(port);
    }
    if (!url) throw new Error(`process ${pid} did not open its inspector on 127.0.0.1:${port} within ${OPEN_TIMEOUT_MS / 1000} s (is it a Node.js program? started with --inspect-port? use --port)`);
  }
  return { url, pid };
}

/** The runtime's info, loading it first when the program does not have it yet. */
async function loadRuntime(cdp: CdpConnection, runtimeDir: string): Promise<RuntimeInfo> {
  const call = cdpRuntimeCall(cdp);
  const info = () => call('info', {});
  const first = await info();
  if (!('error' in first)) return first;
  try {
    await cdp.evaluate(runtimeLoadExpression(runtimeDir));
  } catch (e) {
    throw new Error(`cannot load the Live Update runtime into the program: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const loaded = await info();
  if ('error' in loaded) throw new Error(`the Live Update runtime did not start in the program (${loaded.error}; see its stderr)`);
  return loaded;
}

/**
 * A program that finishes while a debugger is connected waits for it to leave (Node prints
 * "Waiting for the debugger to disconnect"); its context is destroyed first, so leave then.
 */
async function watchProgramEnd(cdp: CdpConnection): Promise<void> {
  // Only the program's own context: a `vm` context the program drops is destroyed too.
  const main = new Set<number>();
  cdp.on('Runtime.executionContextCreated', ({ context }: { context: { id: number; auxData?: { isDefault?: boolean } } }) => {
    if (context.auxData?.isDefault) main.add(context.id);
  });
  cdp.on('Runtime.executionContextDestroyed', ({ executionContextId }: { executionContextId: number }) => {
    if (main.has(executionContextId)) cdp.close();
  });
  await cdp.send('Runtime.enable');
}

