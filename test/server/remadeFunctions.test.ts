// Re-made functions over real LSP, in a real program (server/src/analysis/remadeFunctions.ts): a
// save that moves a helper the module only calls past another function and changes it runs the
// new helper (V8 alone would leave it on old code), says so on the helper's line (LU017, with the
// breakpoint caveat) and warns of no stale closure; a later save that edits only the helper's body
// reaches the re-made copy too (the baseline keeps it stranded, so it is re-made again: a LiveEdit
// of the file alone no longer reaches the function the binding holds).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticCodes } from '../../common/protocol';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { HELPER_AFTER, HELPER_BEFORE } from '../support/movedHelper';

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

// The library is the program here: it keeps running and shows its exports to the test.
const PROGRAM = "globalThis.lib = exports;\nsetInterval(() => {}, 1000);\nconsole.log('ready');\n";
const BEFORE = HELPER_BEFORE + PROGRAM;
const MOVED = HELPER_AFTER + PROGRAM;

describe('language server: functions V8 leaves on old code are re-made', { timeout: 90_000 }, () => {
  it('a moved helper runs its new code, is told on its line, and a later edit of it reaches it too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-remade-'));
    const file = path.join(dir, 'lib.js');
    fs.writeFileSync(file, BEFORE);
    const debuggee = await InspectedProcess.start(file);
    cleanups.push(async () => {
      await debuggee.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await debuggee.waitForLine(/^ready/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    await client.setTargets([{ id: 't1', name: 'lib.js [test]', process: debuggee }]);
    assert.notEqual(MOVED, BEFORE);

    await client.save(file, MOVED);
    const first = await client.nextUpdate(0, 30_000);
    assert.equal(first.outcome, 'applied', JSON.stringify(first));
    assert.deepEqual(await debuggee.evaluate('lib.parse("a ; b")'), ['<a>', '<b>']);
    await client.settle();
    const uri = pathToFileURL(file).href;
    const shown = client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
    assert.deepEqual(shown.filter((d) => d.code === DiagnosticCodes.staleClosures), [], JSON.stringify(shown));
    const told = shown.find((d) => d.code === DiagnosticCodes.definitionReevaluated && /`trim` was re-made/.test(d.message));
    assert.ok(told, JSON.stringify(shown));
    assert.equal(told.range.start.line, MOVED.split('\n').findIndex((l) => l.startsWith('function trim')));
    assert.match(told.message, /breakpoint/);

    // An edit inside the helper's body alone: V8 would patch the file's script, which the binding
    // no longer runs.
    await client.save(file, MOVED.replace("'<' + s.trim() + '>'", "'[' + s.trim() + ']'"));
    const second = await client.nextUpdate(1, 30_000);
    assert.equal(second.outcome, 'applied', JSON.stringify(second));
    assert.deepEqual(await debuggee.evaluate('lib.parse("a ; b")'), ['[a]', '[b]']);
  });
});
