// Project layouts as users have them (test/fixtures/layouts/<name>/, each with a layout.json):
// copied to a scratch folder with the real npm packages linked in (.tools/layouts, installed by
// scripts/install-tools.sh), run once by the reference (tsx, or tsc then node for what tsx cannot
// run: decorator metadata) and once by `live-update run`, and edited while it runs.
//
// A layout's program prints `value: …` whenever the value it computes (through a function of a
// second file) changes; the edit turns `v1` into `v2` in that file.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fixture, repoRoot } from './paths';

export interface Layout {
  name: string;
  description: string;
  /** The program's entry, relative to the layout. */
  entry: string;
  edit: { file: string; from: string; to: string };
  /** What the program's output is compared with: tsx, or tsc's build run by node (decorator metadata). */
  reference: 'tsx' | 'tsc';
  tscEntry?: string;
  tscProject?: string;
  /** Options for node before the entry, as the user's launch has them (-r tsconfig-paths/register, --import tsx). */
  nodeArgs?: string[];
  /** The oldest Node major the layout's launch runs on (Node's own type stripping: 22). */
  minNode?: number;
  /**
   * What the program prints where its reference cannot run it (tsx runs no TypeScript worker on
   * Node 20): the lines up to its first value.
   */
  expected?: string[];
  /** Symbolic links to make in the copy (workspace packages): link → target, both relative to it. */
  links?: Record<string, string>;
}

export const layoutsRoot = fixture('layouts');
export const layoutPackages = path.join(repoRoot, '.tools', 'layouts', 'node_modules');

export function allLayouts(): Layout[] {
  return fs
    .readdirSync(layoutsRoot)
    .filter((name) => fs.existsSync(path.join(layoutsRoot, name, 'layout.json')))
    .sort()
    .map((name) => ({ name, ...(JSON.parse(fs.readFileSync(path.join(layoutsRoot, name, 'layout.json'), 'utf8')) as Omit<Layout, 'name'>) }));
}

/** A scratch copy of a layout with its npm packages linked into node_modules. */
export function prepareLayout(layout: Layout): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `live-update-layout-${layout.name}-`));
  fs.cpSync(path.join(layoutsRoot, layout.name), dir, { recursive: true, filter: (source) => path.basename(source) !== 'layout.json' });
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(layoutPackages)) {
    if (name.startsWith('.')) continue;
    fs.symlinkSync(path.join(layoutPackages, name), path.join(modules, name));
  }
  for (const [link, target] of Object.entries(layout.links ?? {})) {
    const at = path.join(dir, link);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(at), path.join(dir, target)), at);
  }
  return dir;
}

/** The major version of a Node executable. */
export function nodeMajor(node: string): number {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
}

/** A program's stdout as lines, and its stderr, while it runs. */
export class RunningProgram {
  readonly lines: string[] = [];
  stderr = '';
  exited: number | null | undefined;
  private rest = '';
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const text = this.rest + chunk;
      const parts = text.split('\n');
      this.rest = parts.pop()!;
      this.lines.push(...parts);
      this.notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    child.on('exit', (code, signal) => {
      this.exited = code ?? (signal ? -1 : null);
      this.notify();
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** The index of the first line at or after `from` that matches, once it is printed. */
  waitForLine(pattern: RegExp, from: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const at = this.lines.findIndex((line, i) => i >= from && pattern.test(line));
        if (at >= 0) return done(() => resolve(at));
        if (this.exited !== undefined) return done(() => reject(new Error(`the program ended (${this.exited}) before printing ${pattern}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms`))), timeoutMs);
      const done = (then: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        then();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Ends the program (its process group: a launcher's children too) and waits for it. */
  async stop(): Promise<void> {
    if (this.exited === undefined) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try {
        process.kill(-this.child.pid!, 'SIGTERM');
      } catch {
        this.child.kill('SIGTERM');
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-this.child.pid!, 'SIGKILL');
        } catch {
          // Gone already.
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunningProgram {
  return new RunningProgram(spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NODE_OPTIONS: '', ...env } }));
}

/** What a run printed before its first value, and that value; or why there was none. */
export type FirstOutput = { ok: true; lines: string[]; value: string } | { ok: false; error: string };

export async function firstOutput(program: RunningProgram, timeoutMs: number): Promise<FirstOutput> {
  try {
    const at = await program.waitForLine(/^value: /, 0, timeoutMs);
    return { ok: true, lines: program.lines.slice(0, at + 1), value: program.lines[at]!.slice('value: '.length) };
  } catch (e) {
    return { ok: false, error: firstError(program.stderr) ?? (e as Error).message };
  }
}

/** The line of a program's stderr that says what went wrong (its error's message), if any. */
export function firstError(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(?:\w*Error|error)\b|Error:|ERR_/.test(l)) ?? lines[0];
}

/** The reference run of a layout: what tsx prints for it, or what tsc's build prints under node. */
export async function referenceOutput(layout: Layout, dir: string, node: string): Promise<FirstOutput> {
  let program: RunningProgram;
  if (layout.reference === 'tsc') {
    const tsc = spawnSync(node, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', layout.tscProject ?? 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
    if (tsc.status !== 0) return { ok: false, error: `tsc failed: ${(tsc.stdout + tsc.stderr).trim().split('\n')[0]}` };
    program = start(node, [layout.tscEntry!], dir);
  } else {
    program = start(node, [path.join(layoutPackages, 'tsx', 'dist', 'cli.mjs'), layout.entry], dir);
  }
  try {
    return await firstOutput(program, 30_000);
  } finally {
    await program.stop();
  }
}

/** tsx's own result on a layout (shown beside the reference when the reference is tsc). */
export async function tsxOutput(layout: Layout, dir: string, node: string): Promise<FirstOutput> {
  if (layout.reference === 'tsx') return referenceOutput(layout, dir, node);
  const program = start(node, [path.join(layoutPackages, 'tsx', 'dist', 'cli.mjs'), layout.entry], dir);
  try {
    return await firstOutput(program, 30_000);
  } finally {
    await program.stop();
  }
}

export function editLayout(dir: string, layout: Layout): void {
  const file = path.join(dir, layout.edit.file);
  const text = fs.readFileSync(file, 'utf8');
  if (!text.includes(layout.edit.from)) throw new Error(`"${layout.edit.from}" is not in ${layout.edit.file}`);
  fs.writeFileSync(file, text.replace(layout.edit.from, layout.edit.to));
}
