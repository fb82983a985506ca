// A program started outside VS Code, as `live-update run` starts one (cli/src/run.ts): the
// runtime preloaded, the inspector on loopback at a port the system picks. The tests attach to it
// with an ordinary js-debug `attach` configuration and read its output from its own stdout (an
// attached debugger does not own the program's streams).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runtimeNodeArgs } from '../../../common/nodeOptions';
import { EXTENSION_ID, eventually, liveUpdateApi } from './support';

export class OutsideProgram implements vscode.Disposable {
  readonly output: string[] = [];
  readonly port: Promise<number>;
  private readonly child: ChildProcess;

  constructor(program: vscode.Uri) {
    const runtimeDir = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist', 'runtime');
    this.child = spawn(process.env.LIVE_UPDATE_TEST_NODE || 'node', ['--inspect=127.0.0.1:0', ...runtimeNodeArgs(runtimeDir), program.fsPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let rest = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      this.output.push(...lines.filter(Boolean));
    });
    let stderr = '';
    this.port = new Promise((resolve, reject) => {
      this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const port = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1];
        if (port) resolve(Number(port));
      });
      this.child.once('exit', (code) => reject(new Error(`${program.fsPath} exited (${code}) before its inspector listened: ${stderr}`)));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for an output line matching `pattern` printed after line index `from`. */
  waitForLine(pattern: RegExp, from = 0): Promise<string> {
    return eventually(`output matching ${pattern} (last lines: ${this.output.slice(-3).join(' | ')})`, () => this.output.slice(from).find((l) => pattern.test(l)));
  }

  dispose(): void {
    if (this.running) this.child.kill();
  }
}

/**
 * Attaches to `port` with a js-debug `attach` configuration named `name`, as a user would; resolves
 * with the child session js-debug makes for the process once it is a Live Update target.
 */
export async function attach(port: number, name: string): Promise<vscode.DebugSession> {
  const folder = vscode.workspace.workspaceFolders![0]!;
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.configuration.__pendingTargetId && ancestors(s).some((a) => a.name === name)) {
        sub.dispose();
        resolve(s);
      }
    });
  });
  if (!(await vscode.debug.startDebugging(folder, { type: 'node', request: 'attach', name, address: '127.0.0.1', port }))) throw new Error(`could not attach ${name}`);
  const session = await started;
  const api = await liveUpdateApi();
  await eventually(`${name} to become a Live Update target`, () => api.targets().some((t) => t.id === session.id));
  return session;
}

function ancestors(session: vscode.DebugSession): vscode.DebugSession[] {
  const all: vscode.DebugSession[] = [];
  for (let s = session.parentSession; s; s = s.parentSession) all.push(s);
  return all;
}
