// Loading: ES modules and TypeScript written with import/export, on the Node under test.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { findBuiltOutput } from '../../server/src/core/builtOutput';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const processes: InspectedProcess[] = [];
after(() => Promise.all(processes.map((p) => p.kill())));

async function start(script: string, firstLine = /^tick \d+/): Promise<InspectedProcess> {
  const p = await InspectedProcess.start(script);
  processes.push(p);
  await p.waitForLine(firstLine).catch((e) => {
    throw new Error(`${e.message}\nstderr: ${p.stderr()}`);
  });
  return p;
}

describe('runtime: ES modules and TypeScript modules', () => {
  it('runs a TypeScript ES module entry with imports, positions exact, and patches an imported function', async () => {
    const main = fixture('esm-ts', 'main.ts');
    const lib = fixture('esm-ts', 'lib.ts');
    const p = await start(main);
    assert.match(await p.evaluate<string>('fixture.where()'), /lib\.ts:10:10\)?$/);
    const report = await p.apply(patchOf(scriptPatch(lib, replaceOnce("return 'v1';", "return 'v2';"))));
    assert.equal(report.ok, true, JSON.stringify(report));
    await p.waitForLine(/ v2$/, p.output.length);
  });

  it('patches a function of a JavaScript ES module', async () => {
    const lib = fixture('esm-js', 'lib.mjs');
    const p = await start(fixture('esm-js', 'main.mjs'));
    const report = await p.apply(patchOf(scriptPatch(lib, replaceOnce("prefix + '1'", "prefix + '2'"))));
    assert.equal(report.ok, true, JSON.stringify(report));
    await p.waitForLine(/ v2$/, p.output.length);
  });

  it("refuses a change to an ES module's top level, with V8's reason, and changes nothing", async () => {
    const lib = fixture('esm-js', 'lib.mjs');
    const p = await start(fixture('esm-js', 'main.mjs'));
    const report = await p.apply(patchOf(scriptPatch(lib, replaceOnce("export const prefix = 'v';", "export const prefix = 'w';"))));
    assert.equal(report.ok, false);
    assert.equal(report.scripts[0]!.v8Status, 'BlockedByTopLevelEsModuleChange');
    assert.match(report.scripts[0]!.reason ?? '', /top level of an ES module/);
    assert.equal(await p.evaluate('fixture.label()'), 'v1');
  });

  it('runs TypeScript that cannot be blanked (enum) through a transform that keeps its lines, and patches it', async () => {
    const file = fixture('ts-enum', 'main.ts');
    const p = await start(file, /^tick v1$/);
    assert.equal(await p.evaluate('fixture.level'), 1);
    // Each statement runs on its line of the file: a stack names the line of the source.
    const where = await p.evaluate<string>('fixture.where()');
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('new Error().stack')) + 1;
    assert.match(where, new RegExp(`main\\.ts:${line}:\\d+`), where);
    assert.doesNotMatch(p.stderr(), /\[live-update\]/, 'nothing to warn of');
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce("return 'v1';", "return 'v2';"))));
    assert.equal(report.ok, true, JSON.stringify(report));
    await p.waitForLine(/^tick v2$/, p.output.length);
  });

  it('runs a program built ahead of time by tsc (out/*.js with its own source map) and patches it', async () => {
    const built = fixture('tsc-built', 'out', 'main.js');
    const p = await start(built);
    const state = await p.scriptState({ file: built });
    assert.match(state.code ?? '', /\/\/# sourceMappingURL=main\.js\.map/, "tsc's own map is kept");
    assert.doesNotMatch(state.code ?? '', /data:application\/json/, 'no identity map over it');
    const report = await p.apply(patchOf(scriptPatch(built, replaceOnce("return 'v1';", "return 'v2';"))));
    assert.equal(report.ok, true, JSON.stringify(report));
    await p.waitForLine(/ v2$/, p.output.length);
  });

  it('patches a tsc-built ES module with what the server compiles from the edited TypeScript alone', async () => {
    const source = fixture('tsc-built-esm', 'src', 'lib.ts');
    const output = findBuiltOutput(source);
    assert.ok(output);
    const p = await start(fixture('tsc-built-esm', 'out', 'main.js'), /^tick \d+ esm v1$/);
    const compiled = output.compile(replaceOnce("return 'v1';", "return 'v2';")(fs.readFileSync(source, 'utf8')));
    assert.ok('code' in compiled, JSON.stringify(compiled));
    const report = await p.apply(patchOf(scriptPatch(output.jsFile, () => compiled.code)));
    assert.equal(report.ok, true, JSON.stringify(report));
    await p.waitForLine(/ esm v2$/, p.output.length);
  });
});
