// Closures V8 keeps apart from the script, over real LSP in a real program
// (server/src/analysis/apartClosures.ts, decision 053): ms 0.7.1 → 0.7.2 goes in body first, and
// the function the importer holds runs 0.7.2 though V8 took it for a new function. No later
// LiveEdit reaches that closure: a later edit of the function must say so (LU006, partial), not
// "applied" while the importer's closure runs 0.7.2's body.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticCodes } from '../../common/protocol';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { fixture } from '../support/paths';

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

const V071 = fs.readFileSync(fixture('npm-releases', 'ms', '0.7.1', 'index.js'), 'utf8');
const V072 = fs.readFileSync(fixture('npm-releases', 'ms', '0.7.2', 'index.js'), 'utf8');
const MESSAGE = 'val is not a non-empty string or a valid number';
const THROWN = "(() => { try { return held(''); } catch (e) { return e.message; } })()";

describe('language server: closures an update leaves apart from the script', { timeout: 90_000 }, () => {
  it('a later edit of a function whose held closure V8 keeps apart is partial, with LU006 on it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-apart-'));
    const file = path.join(dir, 'ms.js');
    fs.writeFileSync(file, V071);
    fs.writeFileSync(path.join(dir, 'main.js'), "globalThis.held = require('./ms');\nsetInterval(() => {}, 1000);\nconsole.log('ready');\n");
    const debuggee = await InspectedProcess.start(path.join(dir, 'main.js'));
    cleanups.push(async () => {
      await debuggee.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await debuggee.waitForLine(/^ready/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    await client.setTargets([{ id: 't1', name: 'main.js [test]', process: debuggee }]);
    const uri = pathToFileURL(file).href;
    const stale = () => (client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? []).filter((d) => d.code === DiagnosticCodes.staleClosures);

    await client.save(file, V072);
    const first = await client.nextUpdate(0, 30_000);
    // Partial only for `module.exports =` not run again (its statement holds the function's text).
    assert.equal(first.outcome, 'partial', JSON.stringify(first));
    assert.match(first.targets[0]?.reason ?? '', /^top-level code not run again: `module.exports =`/);
    assert.match(await debuggee.evaluate(THROWN), /^val is not a non-empty string or/, 'the held closure runs 0.7.2');
    await client.settle();
    assert.deepEqual(stale(), []);

    // The held closure is out of every LiveEdit's reach now: it keeps 0.7.2's message.
    assert.ok(V072.includes(MESSAGE));
    await client.save(file, V072.replace(MESSAGE, 'ms: expected a non-empty string or a number'));
    const second = await client.nextUpdate(1, 30_000);
    assert.equal(second.outcome, 'partial', JSON.stringify(second));
    assert.doesNotMatch(second.targets[0]?.reason ?? '', /^top-level code not run again/);
    assert.match(await debuggee.evaluate(THROWN), /^val is not a non-empty string or/, 'V8 could not reach it');
    await client.settle();
    assert.equal(stale().length, 1, JSON.stringify(stale()));
  });
});
