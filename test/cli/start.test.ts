// How `live-update run` starts and ends a program, whatever happens: a program that cannot start
// shows its own error and the command line exits with its code; the command line never exits
// while its program runs on (the end of a redirected stdin is no quit); options after the script
// are the program's.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { eventually } from '../support/eventually';
import { fixture } from '../support/paths';
import { cliEntry, programNodeArgs, readEvents } from './cliSupport';

/** Command lines still running: a failed test must not leave one (its open pipes keep this file from ending). */
const running = new Set<ReturnType<typeof spawn>>();
after(async () => {
  // Asked to stop (the command line then ends its program), killed if it does not within 5 s.
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(killer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
});

function run(dir: string, ...args: string[]) {
  const child = spawn(process.execPath, [cliEntry, 'run', ...programNodeArgs(), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  return { child, exited, out: () => stdout, err: () => stderr };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a program that cannot start: its own error (message, file and line) is shown, and the exit code is its', async () => {
  const cli = run(fixture('cli-start', 'broken'), '--no-repl', 'main.ts');
  const code = await cli.exited;
  assert.equal(code, 1, cli.err());
  assert.match(cli.err(), /SyntaxError: Unterminated template literal\. \(.*greet\.ts:\d+:\d+\)\n    at .*greet\.ts:\d+:\d+/, cli.err());
  assert.doesNotMatch(cli.err().split('\n').filter((l) => l.startsWith('    at ')).join('\n'), /dist\/runtime/, 'no runtime frame in the stack');
});

test('the exit code is the program\'s, and options after the script are its arguments', async () => {
  const cli = run(fixture('cli-start', 'quick'), 'main.ts', '--no-repl', 'x');
  assert.equal(await cli.exited, 3, cli.err());
  assert.match(cli.out(), /args: \["--no-repl","x"\]/);
});

test('the end of a redirected stdin does not stop the program, and the command line stays while it runs', async () => {
  // The prompt is on (no --no-repl before the script) but stdin is not a terminal: it ends at once.
  const events = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-start-')), 'events.jsonl');
  const cli = run(fixture('cli-start', 'quick'), `--json=${events}`, 'main.ts', 'serve');
  // Ready comes after the type check has built the project, long after stdin ended.
  const log = await eventually('the ready event', () => {
    const all = readEvents(events);
    return all.some((e) => e.event === 'ready') ? all : undefined;
  }, 60_000);
  const started = log.findIndex((e) => e.event === 'started');
  assert.ok(started >= 0 && started < log.findIndex((e) => e.event === 'ready'), `ready comes after started: ${JSON.stringify(log)}`);
  const pid = log[started]!['pid'] as number;
  assert.match(cli.out(), /args: \["serve"\]/);
  assert.equal(cli.child.exitCode, null, cli.err());
  assert.ok(alive(pid));
  cli.child.kill('SIGTERM');
  assert.equal(await cli.exited, 143);
  await eventually('the program to end with the command line', () => !alive(pid), 10_000);
});
