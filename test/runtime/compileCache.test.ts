// The runtime's disk cache of type blanking: a second start answers from disk without loading the
// stripper, and an entry that does not match its source is never used.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { cachedStripper } from '../../runtime/src/compileCache';
import type { TypeStripper } from '../../common/runningText';

describe('blanking cache', () => {
  it('blanks once per source, then answers from disk without loading the stripper', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blank-cache-test-'));
    const stripperFile = path.join(dir, 'stripper.js');
    fs.writeFileSync(stripperFile, `// ${Date.now()} ${Math.random()}`); // a build of its own: its own cache folder
    let loads = 0;
    let calls = 0;
    const real: TypeStripper = { transformSync: (code) => (calls++, { code: code.replace(/: number/g, '        ') }) };
    const first = cachedStripper(() => (loads++, real), stripperFile);
    const source = 'let a: number = 1;\n';
    const options = { mode: 'strip-only', filename: '/x/a.ts' };
    assert.equal(first().transformSync(source, options).code, 'let a         = 1;\n');
    assert.deepEqual([loads, calls], [1, 1]);

    // A new process: a fresh wrapper over the same build finds the entry on disk.
    const second = cachedStripper(() => (loads++, real), stripperFile);
    assert.equal(second().transformSync(source, options).code, 'let a         = 1;\n');
    assert.deepEqual([loads, calls], [1, 1], 'answered from disk: the stripper was not loaded');

    // Other options or other text: blanked anew.
    assert.equal(second().transformSync(source, { ...options, mode: 'transform' }).code, 'let a         = 1;\n');
    assert.equal(second().transformSync('let b: number = 2;\n', options).code, 'let b         = 2;\n');
    assert.deepEqual([loads, calls], [3, 3]);
  });

  it('never uses an entry whose recorded source length differs (a damaged or colliding entry)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blank-cache-test-'));
    const stripperFile = path.join(dir, 'stripper.js');
    fs.writeFileSync(stripperFile, `// ${Date.now()} ${Math.random()}`);
    let calls = 0;
    const real: TypeStripper = { transformSync: (code) => (calls++, { code }) };
    const stripper = cachedStripper(() => real, stripperFile);
    stripper().transformSync('let x = 1;\n', { mode: 'strip-only' });
    const folder = fs.readdirSync(path.join(os.tmpdir(), `live-update-${process.getuid!()}`)).map((d) => path.join(os.tmpdir(), `live-update-${process.getuid!()}`, d));
    const entries = folder.flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f))).filter((f) => fs.readFileSync(f, 'utf8').includes('"let x = 1;\\n"'));
    assert.ok(entries.length >= 1);
    for (const entry of entries) {
      const json = JSON.parse(fs.readFileSync(entry, 'utf8'));
      fs.writeFileSync(entry, JSON.stringify({ ...json, length: 999, result: { code: 'EVIL' } }));
    }
    assert.equal(stripper().transformSync('let x = 1;\n', { mode: 'strip-only' }).code, 'let x = 1;\n');
    assert.equal(calls, 2);
  });
});
