// `live-update run` as a person uses it, in a tmux terminal: a TypeScript HTTP server started with
// Live Update, a handler edited on disk while it serves, the prompt, Ctrl-C, and the JSON events.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { eventually } from '../support/eventually';
import { TmuxTerminal } from '../support/tmuxTerminal';
import { cliCommand, cliEntry, edit, get, programNodeArgs, readEvents, scratchCopy } from './cliSupport';

const terminals: TmuxTerminal[] = [];
const children: ChildProcess[] = [];
// A test that fails midway leaves its command line running: end it (it ends its program), or this
// file's process would wait for it forever.
after(() => {
  terminals.forEach((t) => t.kill());
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
});

function startRun(dir: string, ...options: string[]): TmuxTerminal {
  const terminal = TmuxTerminal.start(cliCommand('run', ...programNodeArgs(), ...options, 'server.ts'), {
    cwd: dir,
    env: { LIVE_UPDATE_HISTORY: path.join(dir, 'history'), NO_COLOR: '1' },
  });
  terminals.push(terminal);
  return terminal;
}

test('run: an edit of a handler on disk is live at the next request; a type error holds it; quit stops the program', async () => {
  const dir = scratchCopy('cli-http-ts');
  const events = path.join(dir, 'events.jsonl');
  const terminal = startRun(dir, `--json=${events}`);
  const port = Number((await terminal.waitFor(/listening on (\d+)/))[1]);
  await terminal.waitFor(/live> $/m);
  assert.equal(await get(port, '/a'), 'v1 /a #1');

  edit(path.join(dir, 'handler.ts'), 'v1', 'v2');
  // The first update after start waits for the type check's cold start (seconds on a busy machine).
  await terminal.waitFor(/handler\.ts: Live: handle in 1 program/, 60_000);
  // Same process, same module state: the count goes on.
  assert.equal(await get(port, '/b'), 'v2 /b #2');

  // The type gate of the language server holds an update that breaks the handler's type.
  edit(path.join(dir, 'handler.ts'), 'return `v2 ${url} #${count}`;', 'return count;');
  // The way to apply anyway is the command line's, not the editor's Quick Fix.
  await terminal.waitFor(/handler\.ts:\d+:\d+: warning: Not applied: the edit introduces a type error .*or apply anyway: start again with --type-check=warn\. \[LU007\]\n.*handler\.ts:\d+:\d+: note: Type 'number' is not assignable to type 'string'\. \(TS2322\)/);
  assert.equal(await get(port, '/c'), 'v2 /c #3');

  // The prompt, with the command language: eval reads and changes module state.
  terminal.type('eval handler.ts count');
  terminal.press('Enter');
  await terminal.waitFor(/eval handler\.ts count\n(?:.*\n)*?.*\b3\b/);
  terminal.type('eval handler.ts count = 41');
  terminal.press('Enter');
  await terminal.waitFor(/count = 41\n(?:.*\n)*?.*\b41\b/);
  assert.equal(await get(port, '/d'), 'v2 /d #42');
  // rollback restores the handler the program started with; the state stays.
  terminal.type('rollback');
  terminal.press('Enter');
  await terminal.waitFor(/Rolled back to version 0: handle/);
  assert.equal(await get(port, '/e'), 'v1 /e #43');
  terminal.type('quit');
  terminal.press('Enter');
  await terminal.waitFor(/\[exit 143\]/);
  assert.match(fs.readFileSync(path.join(dir, 'history'), 'utf8'), /^eval handler\.ts count\neval handler\.ts count = 41\nrollback\nquit\n$/);

  // `ready` (the type check warm) comes once, whenever the project is built: not in the sequence.
  const all = readEvents(events);
  assert.equal(all.filter((e) => e.event === 'ready').length, 1);
  const log = all.filter((e) => e.event !== 'ready');
  assert.ok(log.every((e) => e.v === 1));
  assert.deepEqual(log.map((e) => [e.event, e['cause']]), [['started', undefined], ['update', 'save'], ['update', 'save'], ['update', 'command'], ['exit', undefined]]);
  const [started, applied, held, rolledBack, exit] = log;
  assert.equal(rolledBack!['outcome'], 'applied');
  assert.equal(rolledBack!['restores'], 0);
  assert.equal(started!['script'], path.join(dir, 'server.ts'));
  assert.equal(applied!['outcome'], 'applied');
  assert.deepEqual(applied!['functions'], ['handle']);
  assert.equal(applied!['targets'][0].outcome, 'applied');
  assert.equal(held!['outcome'], 'rejected');
  assert.ok(held!['diagnostics'].some((d: { code: string }) => d.code === 'LU007'));
  assert.deepEqual([exit!['code'], exit!['signal']], [null, 'SIGTERM']);
});

test('run: Ctrl-C at the prompt goes to the program, and its exit code is the command line\'s', async () => {
  const dir = scratchCopy('cli-http-ts');
  const terminal = startRun(dir);
  await terminal.waitFor(/listening on (\d+)/);
  await terminal.waitFor(/live> $/m);
  // Typed text is dropped by the first Ctrl-C, as in a shell; the second reaches the program.
  terminal.type('some words');
  terminal.press('C-c');
  await eventually('the line to be cleared', () => /live> $/m.test(terminal.screen()) && !terminal.screen().includes('some words'));
  terminal.press('C-c');
  await terminal.waitFor(/interrupted/);
  await terminal.waitFor(/\[exit 7\]/);
});

/** `live-update run --no-repl --json <script>` in `dir`, its output collected as it comes. */
function startNoRepl(dir: string, script: string): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [cliEntry, 'run', '--no-repl', '--json', ...programNodeArgs(), script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out.stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out.stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, exited };
}

/** Runs `body`; a failure carries what the command line printed, the only trace of it in CI. */
async function withOutput(out: { stdout: string; stderr: string }, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (e) {
    if (e instanceof Error) e.message += `\nstdout:\n${out.stdout}\nstderr:\n${out.stderr.slice(-4000)}`;
    throw e;
  }
}

test('run --no-repl: no prompt; updates are reported on stderr and the program\'s stdout stays its own', async () => {
  const dir = scratchCopy('cli-http-ts');
  const { child, out, exited } = startNoRepl(dir, 'server.ts');
  await withOutput(out, async () => {
    // Start-up loads the TypeScript program through the runtime's loader: seconds on a busy machine.
    const port = Number(await eventually('the port', () => /listening on (\d+)/.exec(out.stdout)?.[1], 30_000));
    await eventually('the started event', () => out.stderr.includes('"event":"started"'), 30_000);
    edit(path.join(dir, 'handler.ts'), 'v1', 'v2');
    // The first update waits for the type check's cold start (seconds on a busy machine).
    await eventually('the update on stderr', () => /handler\.ts: Live: handle/.test(out.stderr), 60_000);
    assert.equal(await get(port, '/x'), 'v2 /x #1');
    child.kill('SIGINT');
    assert.equal(await exited, 7);
    assert.equal(out.stdout, `listening on ${port}\ninterrupted\n`);
    const events = out.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; outcome?: string });
    assert.deepEqual(events.map((e) => e.event).filter((e) => e !== 'ready'), ['started', 'update', 'exit']);
    assert.equal(events.find((e) => e.event === 'update')!.outcome, 'applied');
  });
});

test('run --no-repl: a program that dies by a signal right after an update is told of with that update', async () => {
  const dir = scratchCopy('cli-http-ts');
  const { out, exited } = startNoRepl(dir, 'server.ts');
  await withOutput(out, async () => {
    const port = Number(await eventually('the port', () => /listening on (\d+)/.exec(out.stdout)?.[1], 30_000));
    await eventually('the started event', () => out.stderr.includes('"event":"started"'), 30_000);
    // The new code aborts the process (a native crash: Node prints nothing of it).
    edit(path.join(dir, 'handler.ts'), 'count += 1;', 'count += 1;\n  if (url === \'/abort\') (globalThis as unknown as { process: { abort(): void } }).process.abort();');
    await eventually('the update on stderr', () => /handler\.ts: Live: handle/.test(out.stderr), 60_000);
    await get(port, '/abort').catch(() => undefined);
    assert.equal(await exited, 134);
    assert.match(out.stderr, /live-update: the program was ended by SIGABRT, \d+\.\d s after handle \(handler\.ts\) went live\.\n/);
  });
});

test('run: an edit saved while the program loads the file is applied, not taken as the text it runs', async () => {
  const { child, out } = startNoRepl(scratchCopy('cli-edit-at-load'), 'main.js');
  // The program rewrites handler.js as it loads it, so the command line reads the new text, which
  // the program does not run: it must still apply it.
  await withOutput(out, async () => {
    await eventually('the update on stderr', () => /handler\.js: Live: value/.test(out.stderr), 60_000);
    await eventually('the program to run the saved text', () => out.stdout.includes('v2\n'));
    assert.equal(out.stdout, 'v1\nv2\n');
  }).finally(() => child.kill('SIGTERM'));
});

test('run --no-repl: a package.json edit that changes how Node resolves modules is said to need a restart', async () => {
  const dir = scratchCopy('cli-http-ts');
  // The program's manifest, read by Node at start only.
  fs.writeFileSync(path.join(dir, 'package.json'), '{\n  "name": "cli-http-ts",\n  "main": "server.ts"\n}\n');
  const { child, out } = startNoRepl(dir, 'server.ts');
  await withOutput(out, async () => {
    await eventually('the port', () => /listening on (\d+)/.exec(out.stdout)?.[1], 30_000);
    // Ready: the program's files are watched, the manifest with them, as they were at start.
    await eventually('the ready event', () => out.stderr.includes('"event":"ready"'), 30_000);
    edit(path.join(dir, 'package.json'), '"server.ts"', '"handler.ts"');
    await eventually('the warning on stderr', () => /package\.json:3:3: warning: `main` changed: .*restart to get the new `main`\. \[LU018\]/.test(out.stderr), 60_000);
    // The update's JSON event is its own write to stderr, which may come after the warning's.
    const update = () => out.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { event: string; outcome?: string }).find((e) => e.event === 'update');
    assert.equal((await eventually('the update event', update, 30_000)).outcome, 'partial');
  }).finally(() => child.kill('SIGTERM'));
});

test('run: usage errors are one line', async () => {
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cliEntry, 'run', 'no-such-file.ts'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'live-update: cannot find no-such-file.ts\n');
});
