// What the runtime exposes in the user's program (issue 9, Security): it opens no port — the only
// listener is the inspector the debugger itself started, whatever the runtime has done — it never
// starts the inspector, and its entry is not a plain global: a frozen, non-enumerable, read-only
// property under a registered symbol, reached by the debugger's `Runtime.evaluate`
// (`runtimeCallExpression`). Code in the program can still call it, as it could open
// `node:inspector` itself: the runtime adds no way in from outside the process.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { RUNTIME_GLOBAL_KEY } from '../../common/patch';
import { runtimeNodeArgs } from '../../common/nodeOptions';
import { eventually } from '../support/eventually';
import { InspectedProcess, testNode } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture, runtimeDir } from '../support/paths';
import { listeningSockets } from '../support/sockets';

const processes: InspectedProcess[] = [];
const killers: (() => void)[] = [];
after(async () => {
  killers.forEach((kill) => kill());
  await Promise.all(processes.map((p) => p.kill()));
});

describe('runtime: security', () => {
  it('listens on nothing but the inspector the debugger opened, after loading modules and applying updates', async () => {
    const file = fixture('counter-ts', 'main.ts');
    const p = await InspectedProcess.start(file);
    processes.push(p);
    await p.waitForLine(/^tick \d+ v1$/);
    const inspectorPort = Number(/ws:\/\/127\.0\.0\.1:(\d+)\//.exec(p.stderr())?.[1]);
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce("return 'v1';", "return 'v2';"))));
    assert.equal(report.ok, true, report.error);
    const evaluated = await p.ask('evaluate', { file, expression: 'counter' });
    assert.equal(evaluated.ok, true);
    await p.callRuntime('history', {});
    await p.waitForLine(/^tick \d+ v2$/);
    const pid = await p.evaluate<number>('process.pid');
    assert.deepEqual(listeningSockets(pid), { tcp: [{ address: '127.0.0.1', port: inspectorPort }], unix: [] });
  });

  it('never opens the inspector: without --inspect, inspector.url() is undefined and nothing listens, after an update', async () => {
    // The program applies an update to itself through the runtime (its in-process session), the
    // one way in when no debugger is there.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-security-'));
    const main = path.join(dir, 'main.js');
    fs.writeFileSync(
      main,
      [
        "const inspector = require('node:inspector');",
        "function version() { return 'v1'; }",
        `const runtime = globalThis[Symbol.for(${JSON.stringify(RUNTIME_GLOBAL_KEY)})];`,
        // Asked from the program's own code, the update waits for this event to end (atTurn.ts).
        'const first = JSON.parse(runtime.apply(process.env.PATCH));',
        'const done = (report) => console.log(JSON.stringify({ ok: report.ok, error: report.error ?? (report.ok ? undefined : JSON.stringify(report)), version: version(), url: inspector.url() ?? null, pid: process.pid }));',
        'const ask = () => {',
        '  const progress = JSON.parse(runtime.applyProgress(JSON.stringify({ token: first.queued })));',
        "  if (progress.state === 'done') done(progress.report); else setTimeout(ask, 5);",
        '};',
        'if (first.queued) setTimeout(ask, 5); else done(first);',
        'setInterval(() => {}, 1000);',
        '',
      ].join('\n'),
    );
    const patch = patchOf(scriptPatch(main, replaceOnce("return 'v1';", "return 'v2';")));
    const child = spawn(testNode(), [...runtimeNodeArgs(runtimeDir), main], { env: { ...process.env, NODE_OPTIONS: '', PATCH: JSON.stringify(patch) }, stdio: ['ignore', 'pipe', 'pipe'] });
    killers.push(() => child.kill());
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    const line = await eventually('the program to report', () => out.split('\n').find((l) => l.startsWith('{')), 20_000);
    const seen = JSON.parse(line) as { ok: boolean; error?: string; version: string; url: string | null; pid: number };
    assert.deepEqual({ ok: seen.ok, version: seen.version, url: seen.url, error: seen.error }, { ok: true, version: 'v2', url: null, error: undefined });
    assert.deepEqual(listeningSockets(seen.pid), { tcp: [], unix: [] });
    child.kill();
  });

  it('is reached under a symbol, read-only and not enumerable, and adds no global name', () => {
    const probe = [
      `const key = Symbol.for(${JSON.stringify(RUNTIME_GLOBAL_KEY)});`,
      'const d = Object.getOwnPropertyDescriptor(globalThis, key);',
      'let replaced = false;',
      "try { globalThis[key] = { apply: () => 'hijacked' }; replaced = globalThis[key] !== d?.value; } catch { replaced = false; }",
      'console.log(JSON.stringify({',
      '  present: d !== undefined, enumerable: d?.enumerable, writable: d?.writable, configurable: d?.configurable,',
      '  frozen: d ? Object.isFrozen(d.value) : null, replaced,',
      '  names: Object.getOwnPropertyNames(globalThis).sort(), keys: Object.keys(globalThis).sort(),',
      '}));',
    ].join('\n');
    const run = (args: string[]) => {
      const result = spawnSync(testNode(), [...args, '-e', probe], { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8', timeout: 20_000 });
      assert.equal(result.status, 0, result.stderr);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    const withRuntime = run(runtimeNodeArgs(runtimeDir));
    const without = run([]);
    assert.deepEqual(
      { present: withRuntime.present, enumerable: withRuntime.enumerable, writable: withRuntime.writable, configurable: withRuntime.configurable, frozen: withRuntime.frozen, replaced: withRuntime.replaced },
      { present: true, enumerable: false, writable: false, configurable: false, frozen: true, replaced: false },
    );
    assert.equal(without.present, false);
    assert.deepEqual(withRuntime.names, without.names, 'no string-named global added');
    assert.deepEqual(withRuntime.keys, without.keys);
  });
});
