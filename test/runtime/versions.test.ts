// Versions and rollback in a real Node process: every applied update is a numbered version, the
// runtime names the texts around them by hash (the texts are the server's, decision 048), and restoring a version is an update of its own (a new
// version that says which one it restores) that changes code and keeps the program's state.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { hashText, PATCH_FORMAT_VERSION, type HistoryQuery, type Patch, type PatchReport, type VersionHistory, type VersionTexts } from '../../common/patch';
import { compareVersions, patchFunctions } from '../../server/src/analysis/changes';
import { runningTextOf } from '../../server/src/core/savedText';
import type { InspectedProcess } from '../support/inspectedProcess';
import { fixturePrograms } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { eventually } from '../support/eventually';
import { fixture } from '../support/paths';
import type { InProcessSession } from '../../runtime/src/inspectorSession';
import { Versions } from '../../runtime/src/versions';

const file = fixture('counter-js', 'main.js');
const programs = fixturePrograms(after);
const source = fs.readFileSync(file, 'utf8');
/** The source of version n (0: the file as loaded): `f()` returns `v1` at 0, then `one`, `two`, … */
const names = ['v1', 'one', 'two', 'three'];
const sourceAt = (n: number) => (n === 0 ? source : replaceOnce("return 'v1';", `return '${names[n]}';`)(source));

async function history(p: InspectedProcess, query: HistoryQuery = {}): Promise<VersionHistory> {
  return p.ask('history', query);
}

/** The running text of each source version, by hash: what the server's store (server/src/core/runningTexts.ts) holds. */
const store = new Map(names.map((_, n) => (runningTextOf(file, sourceAt(n)) as { code: string; hash: string })).map((t) => [t.hash, t.code]));

/** What the server does for a rollback: the texts of version K (by hash, from its store), applied as an update from what runs. */
async function restore(p: InspectedProcess, version: number): Promise<PatchReport> {
  const texts = await p.callRuntime('versionTexts', { version });
  if ('error' in texts) throw new Error(texts.error);
  const scripts = [];
  for (const t of texts.files) {
    assert.equal(t.code, undefined, 'the runtime keeps no texts');
    const code = store.get(t.hash);
    assert.ok(code !== undefined, `the store holds the text of ${t.file} at version ${version}`);
    const now = (await p.scriptState({ file: t.file })).code!;
    scripts.push({ file: t.file, baseHash: hashText(now), code, functions: patchFunctions(compareVersions(t.file, now, code)) });
  }
  const patch: Patch = { format: PATCH_FORMAT_VERSION, id: `restore-${version}`, scripts, restores: version };
  return p.apply(patch);
}

async function counter(p: InspectedProcess): Promise<number> {
  return p.evaluate<number>('fixture.counter');
}

describe('runtime: versions and rollback', () => {
  it('numbers three updates, rolls back to 1, to 0 and forward to 3, keeping the state; numbers stay monotonic', async () => {
    const p = await programs.start(file);
    assert.deepEqual((await history(p)).versions, [], 'nothing applied yet');
    for (let n = 1; n <= 3; n++) {
      const report = await p.apply(patchOf(scriptPatch(file, () => sourceAt(n), sourceAt(n - 1))));
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(report.version, n);
      assert.equal(await p.evaluate('fixture.f()'), names[n]);
    }
    const three = await history(p);
    assert.equal(three.current, 3);
    assert.equal(three.oldestRestorable, 0);
    assert.deepEqual(three.versions.map((v) => [v.version, v.outcome, v.where, v.functions, v.files.map((f) => f.file)]), [
      [1, 'applied', 'apply', ['f'], [file]],
      [2, 'applied', 'apply', ['f'], [file]],
      [3, 'applied', 'apply', ['f'], [file]],
    ]);
    assert.equal(three.versions[1]!.files[0]!.beforeHash, three.versions[0]!.files[0]!.afterHash, 'each version starts where the last ended');

    // Back to 1, back to 0 (the program as it loaded), forward to 3: each a new version.
    let last = await counter(p);
    for (const [target, expected, made] of [[1, 'one', 4], [0, 'v1', 5], [3, 'three', 6]] as const) {
      const report = await restore(p, target);
      assert.equal(report.ok, true, JSON.stringify(report));
      assert.equal(report.version, made);
      assert.equal(await p.evaluate('fixture.f()'), expected, `the program computes what version ${target} computes`);
      const now = await counter(p);
      assert.ok(now >= last, `the counter is kept (${now} after ${last})`);
      last = now;
    }
    const all = await history(p);
    assert.deepEqual(all.versions.map((v) => [v.version, v.restores]), [[1, undefined], [2, undefined], [3, undefined], [4, 1], [5, 0], [6, 3]]);
    assert.equal((await p.scriptState({ file })).code, (runningTextOf(file, sourceAt(3)) as { code: string }).code, 'exactly the text of version 3');
    assert.equal(all.versions[5]!.files[0]!.afterHash, all.versions[2]!.files[0]!.afterHash);

    // The query: since, until, limit, texts.
    assert.deepEqual((await history(p, { since: 4 })).versions.map((v) => v.version), [5, 6]);
    assert.deepEqual((await history(p, { since: 1, until: 2 })).versions.map((v) => v.version), [2], 'one version alone');
    assert.deepEqual((await history(p, { limit: 2 })).versions.map((v) => v.version), [5, 6]);
    // Texts are the server's: the runtime answers hashes, even when texts are asked for.
    const withTexts = await history(p, { since: 4, limit: 1, texts: true });
    assert.equal(withTexts.versions[0]!.files[0]!.before, undefined, 'no texts in the program');
    assert.match(store.get(withTexts.versions[0]!.files[0]!.afterHash)!, /return 'three';/);
    assert.match(store.get(withTexts.versions[0]!.files[0]!.beforeHash)!, /return 'v1';/);

    // Restoring the version that runs changes nothing; a version that never was is refused.
    assert.deepEqual((await p.ask('versionTexts', { version: 3 })).files, []);
    const missing = await p.callRuntime('versionTexts', { version: 7 });
    assert.ok('error' in missing, JSON.stringify(missing));
    assert.match(missing.error, /no version 7 \(its versions are 0 to 6\)/);
  });

  it('lists the module steps a rollback undoes the code of: their state stays as it is', async () => {
    const p = await programs.start(file);
    const one = patchOf(scriptPatch(file, () => sourceAt(1)));
    one.scripts[0]!.steps = [{ kind: 'transformer', label: 'transformer of counter', line: 1, code: 'counter += 1000', assigns: ['counter'] }];
    const applied = await p.apply(one);
    assert.equal(applied.ok, true, JSON.stringify(applied));
    assert.deepEqual((await history(p)).versions[0]!.steps, [{ file, kind: 'transformer', label: 'transformer of counter' }]);
    assert.ok((await counter(p)) >= 1000);

    const texts = await p.ask('versionTexts', { version: 0 });
    assert.deepEqual(texts.steps, [{ file, kind: 'transformer', label: 'transformer of counter', version: 1 }]);
    const back = await restore(p, 0);
    assert.equal(back.ok, true, JSON.stringify(back));
    assert.equal(await p.evaluate('fixture.f()'), 'v1', 'the code of version 0');
    assert.ok((await counter(p)) >= 1000, 'the state the transformer made is kept');
  });

  it('a deferred part that lands later is a version of its own', async () => {
    const server = fixture('busy-js', 'server.js');
    const p = await programs.start(server);
    const both = (t: string) => replaceOnce("return 'main v1';", "return 'main v2';")(replaceOnce('`v1:${request}`', '`v2:${request}`')(t));
    const report = await p.apply({ ...patchOf(scriptPatch(server, both)), whenActive: 'defer' });
    assert.equal(report.version, 1, JSON.stringify(report));
    // As the server does after a split update (server/src/core/deliverer.ts): the text that runs
    // now, which no one sent, is read and kept.
    const split = (await p.scriptState({ file: server })).code!;
    store.set(hashText(split), split);
    await p.evaluate('fixture.release()');
    const landed = await eventually('the pending part to land as version 2', async () => {
      const h = await history(p);
      return h.current === 2 ? h : undefined;
    });
    assert.deepEqual(landed.versions.map((v) => [v.version, v.outcome, v.where, v.functions]), [
      [1, 'partial', 'apply', ['handle']],
      [2, 'applied', 'turn', ['main']],
    ]);
    assert.equal((await p.pending()).events.find((e) => e.outcome === 'applied')?.version, 2);
    // Version 1 is the handler alone: restoring it puts `main` back and keeps `handle` new.
    const back = await restore(p, 1);
    assert.equal(back.ok, true, JSON.stringify(back));
    const code = (await p.scriptState({ file: server })).code!;
    assert.match(code, /main v1/);
    assert.match(code, /`v2:\$\{request\}`/);
  });
});

describe('runtime: the records a history keeps are bounded', () => {
  /** A session stand-in: `Versions` asks it only for a file's running text (of a split update). */
  const session = { runningText: () => undefined } as unknown as InProcessSession;
  const running = new Map<string, string>();
  const apply = (versions: Versions, f: string, code: string, n: number) => {
    const before = running.get(f)!;
    const patch: Patch = { format: PATCH_FORMAT_VERSION, id: `b${n}`, scripts: [{ file: f, baseHash: hashText(before), code, functions: [] }] };
    running.set(f, code);
    const report: PatchReport = { id: patch.id, ok: true, blockedMs: 0, scripts: [{ file: f, outcome: 'applied', currentHash: hashText(code) }] };
    return versions.record(patch, report, 'apply');
  };

  it('keeps the last N records; a version older than they reach can no longer be restored', () => {
    const versions = new Versions(session, { records: 2 });
    running.set('/a.js', 'a0');
    running.set('/b.js', 'b0');
    apply(versions, '/a.js', 'a1', 1);
    apply(versions, '/b.js', 'b1', 2);
    apply(versions, '/a.js', 'a2', 3);
    const h = versions.history({});
    assert.deepEqual(h.versions.map((v) => v.version), [2, 3]);
    assert.equal(h.oldestRestorable, 1);
    assert.match((versions.textsAt(0) as { error: string }).error, /can no longer be restored.*oldest it can restore is 1/);
    assert.deepEqual((versions.textsAt(1) as VersionTexts).files.map((f) => [f.file, f.hash]), [['/b.js', hashText('b0')], ['/a.js', hashText('a1')]]);
    assert.deepEqual((versions.textsAt(2) as VersionTexts).files.map((f) => [f.file, f.hash]), [['/a.js', hashText('a1')]]);
  });
});
