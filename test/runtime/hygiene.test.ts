// The runtime lives inside the user's program: it must not keep it alive, open ports, or throw.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it, after } from 'node:test';
import { runtimeCallExpression } from '../../common/runtimeApi';
import { runtimeNodeOptions } from '../../common/nodeOptions';
import { eventually } from '../support/eventually';
import { InspectedProcess, testNode } from '../support/inspectedProcess';
import { fixture, runtimeDir } from '../support/paths';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';

const processes: InspectedProcess[] = [];
after(() => Promise.all(processes.map((p) => p.kill())));

/** Runs a program to its end with the runtime in NODE_OPTIONS, as the extension launches it. */
function runToEnd(script: string) {
  return spawnSync(testNode(), [script], { env: { ...process.env, NODE_OPTIONS: runtimeNodeOptions(runtimeDir) }, encoding: 'utf8', timeout: 20_000 });
}

describe('runtime: hygiene', () => {
  it('lets a JavaScript program end by itself, with nothing on stderr', () => {
    const result = runToEnd(fixture('ends', 'main.js'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'done\n');
    assert.equal(result.stderr, '');
  });

  it('lets a TypeScript module program end by itself', () => {
    const result = runToEnd(fixture('ends', 'main.ts'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'done 42\n');
    assert.equal(result.stderr, '');
  });

  it("keeps CommonJS's full require (cache, extensions, main) in the user's modules", () => {
    const result = runToEnd(fixture('ends', 'require-api.js'));
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'object object function true\n');
  });

  it('answers bad input with an error report and never throws into the program', async () => {
    const p = await InspectedProcess.start(fixture('counter-js', 'main.js'));
    processes.push(p);
    await p.waitForLine(/^tick/);
    for (const method of ['apply', 'check'] as const) {
      for (const bad of ['not json', '{"format":99,"id":"x","scripts":[]}', '{"format":1,"id":"y","scripts":[{"file":42}]}']) {
        const report = JSON.parse(await p.evaluate<string>(runtimeCallExpression(method, bad)));
        assert.notEqual(report.ok, true, `${method} ${bad}`);
        assert.ok(report.error || report.scripts.every((s: { outcome: string }) => s.outcome !== 'applied'), `${method} ${bad}`);
      }
    }
    const lines = p.output.length;
    await p.waitForLine(/^tick/, lines);
    assert.equal(p.exitCode, undefined, 'still running');
  });

  // A runtime call runs at an interrupt, anywhere in the program: even while Node loads one of its
  // own modules. A module the call loads then can be met half built (on Node 24, an apply failed
  // with "setDispatchBufferFull is not a function": its first `performance.now()` loaded Node's
  // perf modules while the program was loading them). So what the runtime uses is taken when it
  // loads, and a program that fakes the clock (test fake timers) does not reach into it either.
  it('loads no Node module during its calls, and keeps its own clock when the program fakes one', async () => {
    const file = fixture('counter-js', 'main.js');
    const p = await InspectedProcess.start(file);
    processes.push(p);
    await p.waitForLine(/^tick/);
    await p.evaluate('globalThis.loadedBefore = process.moduleLoadList.length');
    await p.evaluate('performance.now = Date.now = () => { throw new Error("a fake clock that throws"); }');
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce("return 'v1';", "return 'v2';"))));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.ok(report.blockedMs > 0 && report.blockedMs < 60_000, `blockedMs ${report.blockedMs}`);
    await p.pending(0);
    await p.scriptState({ file });
    assert.deepEqual(await p.evaluateInModule({ file, expression: 'f()' }), { ok: true, value: "'v2'" });
    await p.callRuntime('history', {});
    const loaded = await p.evaluate<string[]>('process.moduleLoadList.slice(globalThis.loadedBefore)');
    assert.deepEqual(loaded, [], 'modules loaded by the runtime\'s calls');
  });

  it('registers once: a second load of the runtime changes nothing', async () => {
    const p = await InspectedProcess.start(fixture('counter-js', 'main.js'));
    processes.push(p);
    await eventually('the fixture', () => p.evaluate<boolean>('typeof fixture === "object"'));
    const same = await p.evaluate<boolean>(
      `(() => { const k = Symbol.for('liveUpdate.runtime'); const a = globalThis[k]; const r = process.getBuiltinModule('module').createRequire(${JSON.stringify(runtimeDir + '/')}); const f = r.resolve('./index.js'); delete r.cache[f]; r(f); return globalThis[k] === a; })()`,
    );
    assert.equal(same, true);
  });
});
