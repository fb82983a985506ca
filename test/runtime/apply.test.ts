// The runtime against real Node processes, reached only through the inspector's Runtime.evaluate.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { hashText } from '../../common/patch';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const processes: InspectedProcess[] = [];
after(() => Promise.all(processes.map((p) => p.kill())));

async function start(script: string): Promise<InspectedProcess> {
  const p = await InspectedProcess.start(script);
  processes.push(p);
  await p.waitForLine(/^tick \d+/);
  return p;
}

function lastTick(p: InspectedProcess): { count: number; value: string } {
  const line = p.output.filter((l) => l.startsWith('tick ')).at(-1)!;
  const [, count, value] = /^tick (\d+) (.*)$/.exec(line)!;
  return { count: Number(count), value: value! };
}

describe('runtime: applying patches', () => {
  it('makes an edited function live on its next call and keeps the program state', async () => {
    const file = fixture('counter-js', 'main.js');
    const p = await start(file);
    const before = lastTick(p);
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce("return 'v1';", "return 'v2';"))));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(report.scripts.map((s) => [s.outcome, s.v8Status, s.verified]), [['applied', 'Ok', true]]);
    const line = await p.waitForLine(/ v2$/, p.output.length);
    assert.ok(Number(line.split(' ')[1]) > before.count, 'the counter continued');
  });

  it('runs the new code in closures created before the patch', async () => {
    const file = fixture('counter-js', 'main.js');
    const p = await start(file);
    assert.equal(await p.evaluate('fixture.greetAda()'), 'hello Ada');
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce('`hello ${name}`', '`welcome ${name}`'))));
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.equal(await p.evaluate('fixture.greetAda()'), 'welcome Ada');
  });

  it('rejects a patch to a function on the paused stack, says where, and changes nothing', async () => {
    const file = fixture('counter-js', 'main.js');
    const p = await start(file);
    await p.send('Debugger.enable');
    const paused = new Promise<void>((resolve) => p.on('Debugger.paused', () => resolve()));
    // Line 4 (0-based) is `return 'v1';` inside f.
    const { breakpointId } = await p.send('Debugger.setBreakpointByUrl', { lineNumber: 4, url: pathToFileURL(file).href });
    await paused;
    const stateBefore = await p.scriptState({ file });
    const patch = patchOf(scriptPatch(file, replaceOnce("return 'v1';", "return 'v2';")));
    const report = await p.apply(patch);
    assert.equal(report.ok, false);
    const script = report.scripts[0]!;
    assert.equal(script.outcome, 'rejected');
    assert.equal(script.v8Status, 'BlockedByActiveFunction');
    assert.deepEqual(script.activations?.map((a) => [a.function, a.kind, a.line]), [['f', 'stack', 4]]);
    assert.equal((await p.scriptState({ file })).hash, stateBefore.hash, 'nothing was applied');

    await p.send('Debugger.removeBreakpoint', { breakpointId });
    await p.resume();
    const retry = await p.apply(patch);
    assert.equal(retry.ok, true, JSON.stringify(retry));
    await p.waitForLine(/ v2$/, p.output.length);
  });

  it('refuses a stale baseline and applies nothing', async () => {
    const file = fixture('counter-js', 'main.js');
    const p = await start(file);
    const patch = scriptPatch(file, replaceOnce("return 'v1';", "return 'v3';"));
    const report = await p.apply(patchOf({ ...patch, baseHash: hashText('// some other version\n') }));
    assert.equal(report.ok, false);
    assert.match(report.scripts[0]!.reason ?? '', /stale baseline/);
    assert.equal(await p.evaluate('fixture.f()'), 'v1');
  });

  it('applies all scripts of a transaction or none', async () => {
    const main = fixture('two-files', 'main.js');
    const helper = fixture('two-files', 'helper.js');
    const p = await InspectedProcess.start(main);
    processes.push(p);
    await eventually('the fixture to load', () => p.evaluate<boolean>('typeof fixture === "object"'));
    const good = scriptPatch(helper, replaceOnce("'helper-v1'", "'helper-v2'"));
    const broken = scriptPatch(main, replaceOnce("return 'main-v1';", "return 'main-v2' +;"));
    const report = await p.apply(patchOf(good, broken));
    assert.equal(report.ok, false);
    assert.deepEqual(report.scripts.map((s) => s.outcome), ['rejected', 'rejected']);
    assert.equal(report.scripts[1]!.v8Status, 'CompileError');
    assert.equal(await p.evaluate('fixture.helper() + " " + fixture.main()'), 'helper-v1 main-v1');

    const fixed = scriptPatch(main, replaceOnce("return 'main-v1';", "return 'main-v2';"));
    const ok = await p.apply(patchOf(good, fixed));
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(await p.evaluate('fixture.helper() + " " + fixture.main()'), 'helper-v2 main-v2');
  });
});

describe('runtime: TypeScript', () => {
  it('runs TypeScript with every position equal to the file', async () => {
    const file = fixture('counter-ts', 'main.ts');
    const p = await start(file);
    // `where()` reports its own frame: line 14 (1-based) in main.ts, column of `new Error`.
    assert.match(await p.evaluate<string>('fixture.where()'), /main\.ts:14:10\)?$/);
  });

  it('applies an edit to a TypeScript function and keeps the state', async () => {
    const file = fixture('counter-ts', 'main.ts');
    const p = await start(file);
    const before = lastTick(p);
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce("return 'v1';", "const v: string = 'v2';\n  return v;"))));
    assert.equal(report.ok, true, JSON.stringify(report));
    const line = await p.waitForLine(/ v2$/, p.output.length);
    assert.ok(Number(line.split(' ')[1]) > before.count);
    // Lines added above `where` moved it down by one; the running positions follow the file.
    assert.match(await p.evaluate<string>('fixture.where()'), /main\.ts:15:10\)?$/);
    const state = await p.scriptState({ file });
    // The baseline is what V8 runs: the TypeScript with its types blanked, positions kept.
    assert.match(state.code ?? '', /^  const v {9}= 'v2';$/m);
    assert.match(state.code ?? '', /\/\/# sourceMappingURL=data:application\/json/);
  });
});
