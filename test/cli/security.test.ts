// The command line and the network (issue 9, Security): `run` opens the program's inspector on
// loopback only — the inspector runs any code it is sent — and `attach` connects only to an
// inspector on this machine's loopback address.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { eventually } from '../support/eventually';
import { isLoopback, listeningSockets } from '../support/sockets';
import { cliEntry, programNodeArgs, readEvents, scratchCopy } from './cliSupport';

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

test('run: the program listens for the inspector on 127.0.0.1 only, and on nothing else', async () => {
  const dir = scratchCopy('cli-attach-js');
  const events = path.join(dir, 'events.jsonl');
  const cli = spawn(process.execPath, [cliEntry, 'run', '--no-repl', `--json=${events}`, ...programNodeArgs(), 'main.js'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => cli.kill());
  let output = '';
  cli.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  const started = await eventually('the started event', () => readEvents(events).find((e) => e.event === 'started'), 20_000);
  await eventually('the program to tick', () => output.includes('hello world'), 20_000);
  const sockets = listeningSockets(started['pid'] as number);
  assert.equal(sockets.tcp.length, 1, `one listener, the inspector: ${JSON.stringify(sockets.tcp)}`);
  assert.equal(sockets.tcp[0]!.address, '127.0.0.1');
  assert.ok(sockets.tcp.every((s) => isLoopback(s.address)));
  assert.deepEqual(sockets.unix, []);
  cli.kill('SIGTERM');
});

test('attach: refuses an inspector URL that is not on a loopback address', () => {
  for (const url of ['ws://192.0.2.1:9229/0f2c', 'ws://0.0.0.0:9229/0f2c', 'ws://example.com:9229/0f2c']) {
    const result = spawnSync(process.execPath, [cliEntry, 'attach', '--no-repl', url], { encoding: 'utf8', timeout: 20_000 });
    assert.notEqual(result.status, 0, url);
    assert.match(result.stderr, /refusing .*only an inspector on this machine's loopback address may be attached/, url);
  }
});
