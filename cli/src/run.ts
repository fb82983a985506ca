// `live-update run <script> [args…]`: starts the program with the runtime preloaded and its
// inspector on loopback (a port the system picks), connects, and applies every saved edit until
// the program ends. Exits with the program's exit code.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants } from 'node:os';
import * as path from 'node:path';
import { runtimeNodeArgs } from '../../common/nodeOptions';
import type { Command } from './args';
import { CdpConnection } from '../../common/cdpConnection';
import { openFrontEnd, type FrontEnd } from './frontEnd';
import { inspectorNoise, INSPECTOR_URL } from './inspectorOutput';
import { cdpRuntimeCall } from '../../common/runtimeCall';
import type { RuntimeInfo } from '../../common/patch';
import { TARGET_ID } from './liveSession';

/** How long the program has to print its inspector URL. */
const INSPECTOR_TIMEOUT_MS = 10_000;

export async function runProgram(command: Extract<Command, { kind: 'run' }>, runtimeDir: string): Promise<number> {
  const script = path.resolve(command.script);
  if (!fs.existsSync(script)) throw new Error(`cannot find ${command.script}`);
  const node = command.node ?? process.execPath;
  // Its own process group, so that a Ctrl-C at the terminal reaches only us: at the prompt it may
  // mean "clear the line"; otherwise we pass it on (once).
  const child = spawn(node, ['--inspect=127.0.0.1:0', ...runtimeNodeArgs(runtimeDir), script, ...command.args], {
    stdio: [command.repl ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  if (!command.repl) process.stdin.pipe(child.stdin!);
  const spawned = new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', (e) => reject(new Error(`cannot start ${node}: ${e.message}`))));
  await spawned;

  let frontEnd: FrontEnd | undefined;
  let cdp: CdpConnection | undefined;
  // Until the terminal exists, output is held (the inspector URL is read from it first).
  const early: ['stdout' | 'stderr', string][] = [];
  const emit = (stream: 'stdout' | 'stderr', text: string) => (frontEnd ? frontEnd.terminal.output(stream, text) : early.push([stream, text]));
  let inspectorUrl: string | undefined;
  let urlFound: (url: string) => void = () => undefined;
  const urlPromise = new Promise<string>((resolve) => (urlFound = resolve));
  let stderrRest = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => emit('stdout', chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    const text = stderrRest + chunk;
    const end = text.lastIndexOf('\n') + 1;
    stderrRest = text.slice(end);
    const lines = text.slice(0, end).split('\n').slice(0, -1);
    const kept: string[] = [];
    for (const line of lines) {
      const url = INSPECTOR_URL.exec(line)?.[0];
      if (url && !inspectorUrl) urlFound((inspectorUrl = url));
      // Node waits for the debugger to leave once the program is done: leave.
      if (/^Waiting for the debugger to disconnect/.test(line)) cdp?.close();
      if (!inspectorNoise(line)) kept.push(line + '\n');
    }
    if (kept.length) emit('stderr', kept.join(''));
  });

  const exited = new Promise<number>((resolve) =>
    child.once('exit', (code, signal) => {
      if (stderrRest) emit('stderr', stderrRest);
      frontEnd?.terminal.close();
      frontEnd?.session.close();
      frontEnd?.events.write({ event: 'exit', code, signal });
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    }),
  );
  const stop = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  // A terminal closing or a `kill` of the command line ends the program too: it is in its own group.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));

  const url = await Promise.race([urlPromise, exited.then(() => undefined), timeout(INSPECTOR_TIMEOUT_MS)]);
  if (url === undefined) {
    for (const [stream, text] of early) (stream === 'stderr' ? process.stderr : process.stdout).write(text);
    if (child.exitCode === null) {
      stop('SIGTERM');
      throw new Error(`${path.basename(node)} did not open its inspector within ${INSPECTOR_TIMEOUT_MS / 1000} s`);
    }
    return exited;
  }
  cdp = await CdpConnection.open(url);
  const info = await handshake(cdp, exited);
  if ('error' in info) {
    stop('SIGTERM');
    throw new Error(`the Live Update runtime did not load into the program (${info.error})`);
  }
  frontEnd = await openFrontEnd(cdp, { id: TARGET_ID, name: `${path.basename(script)} [${child.pid}]` }, command, process.cwd(), [runtimeDir], {
    onInterrupt: () => stop('SIGINT'),
    onQuit: () => stop('SIGTERM'),
  });
  for (const [stream, text] of early.splice(0)) frontEnd.terminal.output(stream, text);
  frontEnd.events.write({ event: 'started', pid: child.pid!, script, node: info.node });
  return exited;
}

/**
 * The runtime's info once it answers: the inspector opens before the preloads run, so the first
 * questions may come too early (the extension's client asks the same way, up to 10 s).
 */
async function handshake(cdp: CdpConnection, exited: Promise<number>): Promise<RuntimeInfo | { error: string }> {
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + INSPECTOR_TIMEOUT_MS;
  const call = cdpRuntimeCall(cdp);
  for (;;) {
    const info = await call('info', {}).catch((e: Error) => ({ error: e.message }));
    if (!('error' in info) || ended || Date.now() > deadline) return info;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function timeout(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
