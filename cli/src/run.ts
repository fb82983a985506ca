// `live-update run <script> [args…]`: starts the program with the runtime preloaded and its
// inspector on loopback (a port the system picks), connects, and applies every saved edit until
// the program ends. Its worker threads and child processes are targets too (programTargets.ts).
// Exits with the program's exit code, and never before the program has ended.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants, tmpdir } from 'node:os';
import * as path from 'node:path';
import { runtimeNodeOptions, TARGETS_DIR_VARIABLE } from '../../common/nodeOptions';
import { END_AFTER_UPDATE_MS } from '../../common/endAfterUpdate';
import type { Command } from './args';
import { CdpConnection } from '../../common/cdpConnection';
import { openFrontEnd, type FrontEnd } from './frontEnd';
import { inspectorNoise, INSPECTOR_URL } from './inspectorOutput';
import { TARGET_ID } from './liveSession';
import { handshake, ProgramTargets } from './programTargets';

/** How long the program has to print its inspector URL, and its runtime to answer. */
const INSPECTOR_TIMEOUT_MS = 10_000;

export async function runProgram(command: Extract<Command, { kind: 'run' }>, runtimeDir: string): Promise<number> {
  const script = path.resolve(command.script);
  if (!fs.existsSync(script)) throw new Error(`cannot find ${command.script}`);
  const node = command.node ?? process.execPath;
  // The runtime rides in NODE_OPTIONS, as under the extension, so that child processes get it too
  // and announce their inspectors in a folder of ours (runtime/src/announce.ts). Its preloads come
  // before any loader the command line names (see runtime/src/otherLoaders.ts).
  const targetsDir = fs.mkdtempSync(path.join(tmpdir(), 'live-update-targets-'));
  const nodeOptions = [process.env.NODE_OPTIONS, runtimeNodeOptions(runtimeDir)].filter(Boolean).join(' ');
  // Its own process group, so that a Ctrl-C at the terminal reaches only us: at the prompt it may
  // mean "clear the line"; otherwise we pass it on (once).
  const child = spawn(node, ['--inspect=127.0.0.1:0', ...command.nodeArgs, script, ...command.args], {
    stdio: [command.repl ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, NODE_OPTIONS: nodeOptions, [TARGETS_DIR_VARIABLE]: targetsDir },
  });
  if (!command.repl) process.stdin.pipe(child.stdin!).on('error', () => undefined);
  const spawned = new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', (e) => reject(new Error(`cannot start ${node}: ${e.message}`))));
  await spawned;

  let frontEnd: FrontEnd | undefined;
  let cdp: CdpConnection | undefined;
  const targets = new ProgramTargets({
    added: (target, session) => void frontEnd?.session.addTarget(target, session).catch(() => undefined),
    removed: (targetId) => frontEnd?.session.removeTarget(targetId),
  });
  // Until the terminal exists, output is held (the inspector URL is read from it first).
  const early: ['stdout' | 'stderr', string][] = [];
  const emit = (stream: 'stdout' | 'stderr', text: string) => (frontEnd ? frontEnd.terminal.output(stream, text) : early.push([stream, text]));
  const flushEarly = () => {
    for (const [stream, text] of early.splice(0)) (stream === 'stderr' ? process.stderr : process.stdout).write(text);
  };
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
      // A program ended by a signal nobody here sent (a crash, an abort) printed nothing of it: say
      // so, with the update that went live just before, if one did.
      if (signal && !stopping) {
        const last = frontEnd?.session.lastApplied;
        const after = last && Date.now() - last.time <= END_AFTER_UPDATE_MS ? `, ${((Date.now() - last.time) / 1000).toFixed(1)} s after ${last.what} went live` : '';
        process.stderr.write(`live-update: the program was ended by ${signal}${after}.\n`);
      }
      targets.close();
      fs.rmSync(targetsDir, { recursive: true, force: true });
      frontEnd?.terminal.close();
      frontEnd?.session.close();
      frontEnd?.events.write({ event: 'exit', code, signal });
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    }),
  );
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  // A terminal closing or a `kill` of the command line ends the program too: it is in its own group.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  /**
   * The program ran, or started, without Live Update: say why, show what it printed (its own
   * error first of all), and end with it. The command line never leaves it running behind.
   */
  const withoutLiveUpdate = async (why: string): Promise<number> => {
    // `why` empty: the program is ending by itself (it closed its inspector connection).
    if (why && child.exitCode === null && child.signalCode === null) {
      flushEarly();
      process.stderr.write(`live-update: ${why}; the program is stopped.\n`);
      stop('SIGTERM');
      const killer = setTimeout(() => stop('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(killer);
      flushEarly();
      return code;
    }
    const code = await exited;
    flushEarly();
    process.stderr.write(`live-update: the program ended (${describeExit(child)}) before Live Update could update it${why ? ` (${why})` : ''}.\n`);
    return code;
  };

  const url = await Promise.race([urlPromise, exited.then(() => undefined), timeout(INSPECTOR_TIMEOUT_MS)]);
  if (url === undefined) return withoutLiveUpdate(child.exitCode === null && child.signalCode === null ? `${path.basename(node)} did not open its inspector within ${INSPECTOR_TIMEOUT_MS / 1000} s` : '');
  try {
    cdp = await CdpConnection.open(url);
  } catch (e) {
    return withoutLiveUpdate(e instanceof Error ? e.message : String(e));
  }
  const info = await handshake(cdp, INSPECTOR_TIMEOUT_MS, () => child.exitCode !== null || child.signalCode !== null || cdp!.closed);
  if ('error' in info) {
    const ended = child.exitCode !== null || child.signalCode !== null || cdp.closed;
    return withoutLiveUpdate(ended ? '' : `the Live Update runtime did not load into the program (${info.error})`);
  }
  const name = `${path.basename(script)} [${child.pid}]`;
  try {
    frontEnd = await openFrontEnd(cdp, { id: TARGET_ID, name }, command, process.cwd(), [runtimeDir], {
      onInterrupt: () => stop('SIGINT'),
      onQuit: () => stop('SIGTERM'),
    });
    for (const [stream, text] of early.splice(0)) frontEnd.terminal.output(stream, text);
    frontEnd.events.write({ event: 'started', pid: child.pid!, script, node: info.node });
    await targets.watchWorkers(cdp, child.pid!, name);
    targets.watchChildren(targetsDir, child.pid!);
  } catch (e) {
    // A program that ends while the command line sets up (a short script) closes the connection
    // under it: that is its end, not an error of ours.
    if (!cdp.closed && child.exitCode === null && child.signalCode === null) return withoutLiveUpdate(e instanceof Error ? e.message : String(e));
    const code = await exited;
    flushEarly();
    return code;
  }
  return exited;
}

function describeExit(child: { exitCode: number | null; signalCode: NodeJS.Signals | null }): string {
  return child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
}

function timeout(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}
