// New and removed top-level declarations over real LSP, in real programs: CommonJS and ES modules,
// JavaScript and TypeScript. A function, a `const` and an import (or `require`) added and used by
// changed code work at once; the new function changes again; a declaration nothing uses is removed;
// the program's state is kept throughout. A name the program already has globally, and a new
// initializer that throws, leave the program as it was, with the reason on the line; a name the
// global object only inherits is added when declared with the value it has there.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticCodes } from '../../common/protocol';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { fixture, repoRoot } from '../support/paths';

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

const variants = [
  { name: 'CommonJS JavaScript', file: 'cjs.js', global: 'fixtureCjsJs', esm: false },
  { name: 'CommonJS TypeScript', file: 'cjs.ts', global: 'fixtureCjsTs', esm: false },
  { name: 'ES module JavaScript', file: 'esm.mjs', global: 'fixtureEsmJs', esm: true },
  { name: 'ES module TypeScript', file: 'esm.mts', global: 'fixtureEsmTs', esm: true },
];

async function session(source: string) {
  // A copy per test, beside a node_modules with @types/node, as in a project.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-decl-'));
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  const file = path.join(dir, path.basename(source));
  fs.copyFileSync(source, file);
  const debuggee = await InspectedProcess.start(file);
  cleanups.push(async () => {
    await debuggee.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const { client } = await LanguageServerClient.start();
  cleanups.push(() => client.stop());
  await client.setTargets([{ id: 't1', name: `${path.basename(file)} [test]`, process: debuggee }]);
  return { file, debuggee, client, original: fs.readFileSync(file, 'utf8') };
}

function shown(client: LanguageServerClient, file: string) {
  const uri = pathToFileURL(file).href;
  return client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
}

const replace = (text: string, search: string | RegExp, replacement: string): string => {
  const out = text.replace(search, replacement);
  assert.notEqual(out, text, `"${String(search)}" not found`);
  return out;
};

describe('language server: new and removed top-level declarations', { timeout: 90_000 }, () => {
  for (const v of variants) {
    it(`${v.name}: adds a function, a const and an import used by changed code, changes the new function, removes an unused one; state kept`, async () => {
      const { file, debuggee, client, original } = await session(fixture('declarations', v.file));
      const report = () => debuggee.evaluate<string>(`globalThis.${v.global}.report()`);
      await eventually('the program to tick', async () => {
        if (debuggee.exitCode !== undefined) throw new Error(`the program exited: ${debuggee.stderr()}`);
        return /^v1 [1-9]/.test(await report());
      }, 30_000);
      const counted = (text: string) => Number(/\d+/.exec(text)?.[0]);

      const importLine = v.esm ? "import { basename } from 'node:path';" : "const { basename } = require('node:path');";
      let text = replace(original, /^(let counter.*)$/m, `$1\nconst VERSION = 'v2';\n${importLine}`);
      text = replace(text, 'function report()', "function describe(n) {\n  return 'n=' + n;\n}\n\nfunction report()");
      text = replace(text, "return 'v1 ' + counter;", "return describe(counter) + ' ' + VERSION + ' ' + basename('/a/b.txt');");
      if (v.file.endsWith('ts')) text = text.replace('function describe(n)', 'function describe(n: number): string');
      const before = counted(await report());
      await client.save(file, text);
      const added = await client.nextUpdate(0, 30_000);
      assert.equal(added.outcome, 'applied', JSON.stringify(added));
      const now = await report();
      assert.match(now, /^n=\d+ v2 b\.txt$/);
      assert.ok(counted(now) >= before, `state kept: ${before} → ${now}`);
      assert.deepEqual(
        shown(client, file).filter((d) => d.severity === 1),
        [],
        'no error on the file',
      );

      // The function the update declared changes again: its new text runs.
      text = replace(text, "return 'n=' + n;", "return 'count=' + n;");
      await client.save(file, text);
      assert.equal((await client.nextUpdate(1)).outcome, 'applied');
      assert.match(await report(), /^count=\d+ v2 b\.txt$/);

      // A declaration nothing reads is removed; existing closures keep running new code.
      text = replace(text, /function unused\(\) \{\n.*\n\}\n\n/, '');
      text = replace(text, "' ' + VERSION + ' ' + basename('/a/b.txt')", "' v3'");
      await client.save(file, text);
      const removed = await client.nextUpdate(2);
      assert.equal(removed.outcome, 'applied', JSON.stringify(removed));
      assert.match(await report(), /^count=\d+ v3$/);
      assert.ok(counted(await report()) >= counted(now), 'the counter kept counting');
    });
  }

  it('adds a name the global object inherits when declared with the value it has there (`const { hasOwnProperty } = Object.prototype`), and refuses another value for it', async () => {
    const { file, debuggee, client, original } = await session(fixture('declarations', 'cjs.js'));
    const report = () => debuggee.evaluate<string>('globalThis.fixtureCjsJs.report()');
    await eventually('the program to tick', async () => /^v1 [1-9]/.test(await report()));

    let text = replace(original, /^(let counter.*)$/m, '$1\nconst { hasOwnProperty } = Object.prototype;');
    text = replace(text, "return 'v1 ' + counter;", "return 'v2 ' + hasOwnProperty.call({ a: 1 }, 'a') + ' ' + counter;");
    await client.save(file, text);
    const added = await client.nextUpdate(0);
    assert.equal(added.outcome, 'applied', JSON.stringify(added));
    assert.match(await report(), /^v2 true \d+$/);
    // Code elsewhere that names it bare sees what it saw before.
    assert.equal(await debuggee.evaluate('hasOwnProperty === Object.prototype.hasOwnProperty'), true);

    text = replace(text, 'const { hasOwnProperty } = Object.prototype;', "const hasOwnProperty = () => 'mine';");
    await client.save(file, text);
    const other = await client.nextUpdate(1);
    assert.equal(other.outcome, 'rejected', JSON.stringify(other));
    await client.settle();
    const [diagnostic] = shown(client, file).filter((d) => d.severity === 1);
    assert.match(diagnostic?.message ?? '', /every module sees `hasOwnProperty` on the global object/);
    assert.match(await report(), /^v2 true \d+$/, 'the program runs the version it ran before');
    assert.equal(await debuggee.evaluate('hasOwnProperty === Object.prototype.hasOwnProperty'), true);
  });

  it('refuses a new name the program already has globally, and a new initializer that throws; the program keeps its version', async () => {
    const { file, debuggee, client, original } = await session(fixture('declarations', 'cjs.js'));
    const report = () => debuggee.evaluate<string>('globalThis.fixtureCjsJs.report()');
    await eventually('the program to tick', async () => /^v1 [1-9]/.test(await report()));

    let text = replace(original, /^(let counter.*)$/m, '$1\nconst URL = 1;');
    text = replace(text, "return 'v1 ' + counter;", "return 'v2 ' + URL + counter;");
    await client.save(file, text);
    const clash = await client.nextUpdate(0);
    assert.equal(clash.outcome, 'rejected', JSON.stringify(clash));
    await client.settle();
    const [diagnostic] = shown(client, file).filter((d) => d.severity === 1);
    assert.match(diagnostic?.message ?? '', /already has a global `URL`/);
    assert.equal(diagnostic?.range.start.line, 2);
    assert.match(await report(), /^v1 /);

    text = replace(original, /^(let counter.*)$/m, "$1\nconst BAD = (() => { throw new Error('boom'); })();");
    text = replace(text, "return 'v1 ' + counter;", "return 'v2 ' + BAD + counter;");
    await client.save(file, text);
    const threw = await client.nextUpdate(1);
    assert.equal(threw.outcome, 'rejected', JSON.stringify(threw));
    await client.settle();
    const [boom] = shown(client, file).filter((d) => d.severity === 1);
    assert.match(boom?.message ?? '', /threw Error: boom/);
    assert.equal(boom?.range.start.line, 2);
    assert.match(await report(), /^v1 /, 'the program runs the version it ran before');
    assert.ok(DiagnosticCodes.updateRejected);
  });
});
