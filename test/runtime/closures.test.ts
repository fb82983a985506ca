// V8 can answer "Ok" and still leave existing closures on the old code. The server marks such
// edits as risky and the runtime checks the live closures: the report must say which stayed old.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fixturePrograms } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const file = fixture('closures-js', 'main.js');
const programs = fixturePrograms(after);
const start = () => programs.start(file);

describe('runtime: closures that keep old code', () => {
  it('reports a closure that now reads an outer local no closure read before as still running old code', async () => {
    const p = await start();
    assert.equal(await p.evaluate('fixture.g()'), 1);
    const patch = scriptPatch(file, replaceOnce('    return a;\n', '    return a + hidden;\n'));
    assert.match(patch.functions.find((f) => f.name === 'make › <function>')?.closureRisk ?? '', /reads `hidden`, which no function read before/);
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, true, 'V8 said Ok');
    assert.deepEqual(report.scripts[0]!.staleClosures?.map((s) => [s.function, s.count]), [['make › <function>', 1]]);
    assert.equal(await p.evaluate('fixture.g()'), 1, 'the existing closure runs the old code');
    assert.equal(await p.evaluate('fixture.make()()'), 42, 'a new closure runs the new code');
  });

  it('finds nothing stale when the newly read local was already captured', async () => {
    const p = await start();
    assert.equal(await p.evaluate('fixture.g()'), 1);
    const patch = scriptPatch(file, replaceOnce('    return a;\n', '    return a + shared;\n'));
    assert.equal(patch.functions.find((f) => f.name === 'make › <function>')?.closureRisk, undefined);
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, true);
    assert.equal(report.scripts[0]!.staleClosures, undefined);
    assert.equal(await p.evaluate('fixture.g()'), 6);
  });

  it('lets a top-level function read any top-level binding (the scope accessor keeps them in a context)', async () => {
    const p = await start();
    const patch = scriptPatch(file, replaceOnce('  return y;\n', '  return y + 100;\n'));
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, true);
    assert.equal(report.scripts[0]!.staleClosures, undefined);
    assert.equal(await p.evaluate('fixture.f()'), 101);
  });

  it('reports an existing arrow closure left on old code by an edit at its last token', async () => {
    const p = await start();
    assert.equal(await p.evaluate('fixture.h()'), 1);
    const patch = scriptPatch(file, replaceOnce('return () => a;', 'return () => a + 100;'));
    assert.match(patch.functions.find((f) => f.name === 'makeConcise › <function>')?.closureRisk ?? '', /first or last token/);
    const report = await p.apply(patchOf(patch));
    assert.equal(report.ok, true);
    assert.deepEqual(report.scripts[0]!.staleClosures?.map((s) => [s.function, s.count]), [['makeConcise › <function>', 1]]);
    assert.equal(await p.evaluate('fixture.h()'), 1, 'the existing closure runs old code');
    assert.equal(await p.evaluate('fixture.makeConcise()()'), 101, 'a new closure runs new code');
  });

  it('reports exactly what the existing closure runs after a risky edit', async () => {
    const p = await start();
    assert.equal(await p.evaluate('fixture.h()'), 1);
    // Wrapping the body in parentheses touches both boundary tokens. Whatever V8 makes of it on
    // the Node under test, the report must match the text the existing closure now has.
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce('return () => a;', 'return () => (a);'))));
    const stale = report.scripts[0]!.staleClosures ?? [];
    const text = await p.evaluate<string>('fixture.h.toString()');
    assert.equal(stale.length === 0, text === '() => (a)', `report ${JSON.stringify(stale)} vs closure text ${text}`);
  });
});
