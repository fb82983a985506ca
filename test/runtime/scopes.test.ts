// The scope accessor each user module hands to the runtime: evaluation in that module's scope.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import type { EvaluateResult } from '../../common/patch';
import { runtimeCallExpression } from '../../common/runtimeApi';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const processes: InspectedProcess[] = [];
after(() => Promise.all(processes.map((p) => p.kill())));

async function evaluateIn(p: InspectedProcess, file: string, expression: string): Promise<EvaluateResult> {
  return JSON.parse(await p.evaluate<string>(runtimeCallExpression('evaluate', JSON.stringify({ file, expression }))));
}

describe('runtime: module scopes', () => {
  it('reads and assigns a CommonJS module’s top-level state; the program sees the change', async () => {
    const file = fixture('counter-js', 'main.js');
    const p = await InspectedProcess.start(file);
    processes.push(p);
    await p.waitForLine(/^tick/);
    const read = await evaluateIn(p, file, 'counter');
    assert.ok(read.ok && Number(read.value) > 0, JSON.stringify(read));
    assert.deepEqual(await evaluateIn(p, file, 'counter = 1000'), { ok: true, value: '1000' });
    await p.waitForLine(/^tick 100[1-9] /, p.output.length);
  });

  it('evaluates in a TypeScript ES module’s scope, and reports errors as results', async () => {
    const lib = fixture('esm-ts', 'lib.ts');
    const p = await InspectedProcess.start(fixture('esm-ts', 'main.ts'));
    processes.push(p);
    await p.waitForLine(/^tick/);
    assert.deepEqual(await evaluateIn(p, lib, 'label({ n: 1 })'), { ok: true, value: "'v1'" });
    const error = await evaluateIn(p, lib, 'nope()');
    assert.equal(error.ok, false);
    assert.match((error as { error: string }).error, /ReferenceError: nope is not defined/);
    const unknown = await evaluateIn(p, fixture('counter-js', 'main.js'), '1');
    assert.match((unknown as { error: string }).error, /is not a loaded module of this program/);
  });

  it('evaluates in a module’s scope before and after updates of it, in both ES and CommonJS modules (Node 24 aborted here)', async () => {
    for (const [main, file, edit] of [
      [fixture('counter-js', 'main.js'), fixture('counter-js', 'main.js'), (v: number) => replaceOnce("'v1'", `'v${v}'`)],
      [fixture('esm-ts', 'main.ts'), fixture('esm-ts', 'lib.ts'), (v: number) => replaceOnce("'v1'", `'v${v}'`)],
    ] as const) {
      const p = await InspectedProcess.start(main);
      processes.push(p);
      await p.waitForLine(/^tick/);
      const source = fs.readFileSync(file, 'utf8');
      assert.equal((await evaluateIn(p, file, '1 + 1')).ok, true);
      for (const v of [2, 3, 4]) {
        const before = v === 2 ? source : edit(v - 1)(source);
        const report = await p.apply(patchOf(scriptPatch(file, () => edit(v)(source), before)));
        assert.equal(report.ok, true, JSON.stringify(report));
        // An update always changes the accessor's spelling in V8, never in what the runtime reports.
        const state = await p.scriptState({ file });
        assert.equal(state.accessorForm, v % 2 === 0 ? 1 : 0);
        assert.doesNotMatch(state.code ?? '', /c\$de/);
        const read = await evaluateIn(p, file, '1 + 1');
        assert.deepEqual(read, { ok: true, value: '2' }, `after update ${v - 1}`);
      }
      assert.equal(p.exitCode, undefined, 'the program is alive');
    }
  });
});

describe('runtime: awaited evaluation and the REPL views', () => {
  it('keeps a promise under a token until it settles (await), and answers a promise as is without await', async () => {
    const file = fixture('repl-js', 'counter.js');
    const p = await InspectedProcess.start(fixture('repl-js', 'main.js'));
    processes.push(p);
    await eventually('the fixture', () => p.evaluate<boolean>('typeof fixture === "object"'));
    const ask = (request: object) => p.ask('evaluate', { file, expression: '', ...request });
    // Without `await` (Quick Fixes, older callers): the promise itself, no token.
    assert.deepEqual(await ask({ expression: 'new Promise(() => {})' }), { ok: true, value: 'Promise { <pending> }' });
    const first = await ask({ expression: 'later(5)', await: true });
    assert.ok(first.ok && first.pending, JSON.stringify(first));
    const settled = await eventually('the promise to settle', async () => {
      const answer = await ask({ expression: '', token: first.pending });
      return answer.ok && answer.pending ? undefined : answer;
    });
    assert.deepEqual(settled, { ok: true, value: '5' });
    assert.deepEqual(await ask({ expression: '', token: first.pending }), { ok: false, error: `no evaluation ${first.pending} is waiting (it was answered or forgotten)` });
    // A rejection is an answer, never an unhandled rejection in the program.
    const rejected = await ask({ expression: "Promise.reject(new TypeError('bad'))", await: true });
    const reason = await eventually('the rejection', async () => {
      const answer = await ask({ expression: '', token: (rejected as { pending: string }).pending });
      return answer.ok ? undefined : answer.error;
    });
    assert.equal(reason, 'rejected: TypeError: bad');
    assert.equal(p.exitCode, undefined);
    assert.doesNotMatch(p.stderr(), /Unhandled|PromiseRejection/);
    // A value that is no promise is answered at once, with or without `await`.
    assert.deepEqual(await ask({ expression: 'count', await: true }), { ok: true, value: '0' });
  });

  it('lists user modules, the user frames of the stack, and samples update-point sites', async () => {
    const main = fixture('repl-js', 'main.js');
    const p = await InspectedProcess.start(main);
    processes.push(p);
    await eventually('the fixture', () => p.evaluate<boolean>('typeof fixture === "object"'));
    assert.deepEqual(await p.callRuntime('modules', {}), { files: [fixture('repl-js', 'counter.js'), main] });
    assert.deepEqual(await p.callRuntime('stack', {}), { frames: [] }, 'a running program has no frame of its own under an evaluate');
    await p.evaluate('fixture.loop(1000)');
    const points = await p.ask('points', {});
    assert.equal(points.total, 1000);
    assert.equal(points.sites.length, 1);
    const site = points.sites[0]!;
    assert.equal(site.file, main);
    assert.equal(site.functionName, 'loop');
    // Samples at calls 1, 2, 4, …, 512: the calls they stand for are 512 of the 1000.
    assert.equal(site.approximateCount, 512);
  });
});
