// `live-update attach <pid>` to a plain JavaScript program started without Live Update: the
// runtime is loaded over the inspector, an edit of a function the program loaded before applies,
// the documented limit is shown, and `quit` detaches while the program goes on.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { eventually } from '../support/eventually';
import { testNode } from '../support/inspectedProcess';
import { TmuxTerminal } from '../support/tmuxTerminal';
import { cliCommand, edit, readEvents, scratchCopy } from './cliSupport';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

test('attach <pid>: a function edit applies to a program started without Live Update; quit detaches', async () => {
  const dir = scratchCopy('cli-attach-js');
  const program = spawn(testNode(), ['main.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  cleanups.push(() => program.kill());
  let output = '';
  program.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  await eventually('the program to tick', () => output.includes('hello world'));

  const events = path.join(dir, 'events.jsonl');
  const terminal = TmuxTerminal.start(cliCommand('attach', `--json=${events}`, String(program.pid)), { cwd: dir, env: { LIVE_UPDATE_HISTORY: path.join(dir, 'history'), NO_COLOR: '1' } });
  cleanups.push(() => terminal.kill());
  await terminal.waitFor(/attached to process \d+ .*eval` in their scope is unavailable/s);
  await terminal.waitFor(/live> $/m);

  edit(path.join(dir, 'greet.js'), 'return `${PREFIX} ${name}`;', 'return `${PREFIX}, ${name}!`;');
  await terminal.waitFor(/greet\.js: Live: greet in 1 program/, 60_000);
  const mark = output.length;
  await eventually('the new greeting', () => output.slice(mark).includes('hello, world!'), 60_000);

  terminal.type('quit');
  terminal.press('Enter');
  await terminal.waitFor(/detached from process/);
  await terminal.waitFor(/\[exit 0\]/);
  // Detaching leaves the program running, on the new code.
  const later = output.length;
  await eventually('the program to go on', () => output.slice(later).includes('hello, world!'));
  assert.equal(program.exitCode, null);
  assert.deepEqual(readEvents(events).filter((e) => e.event !== 'ready').map((e) => [e.event, e['outcome']]), [['attached', undefined], ['update', 'applied'], ['detached', undefined]]);
});
