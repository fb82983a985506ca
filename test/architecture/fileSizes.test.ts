// Small files named for what they own: no source file of ours over 500 lines (issue 19's bar).
// A file that grows past it is a file that owns two things; split it rather than raise the bar.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/paths';

const MAX_LINES = 500;
/** The folders of our code; fixtures are other people's shapes of code, not ours. */
const OURS = ['client/src', 'server/src', 'runtime/src', 'common', 'cli/src', 'scripts', 'bench/src', 'test'];
const SKIPPED = new Set(['fixtures', 'node_modules', 'dist']);
const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/;

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE.test(entry.name)) out.push(full);
  }
  return out;
}

/** Each file over `max` lines, as `path: N lines`. */
function oversized(files: readonly string[], max: number): string[] {
  return files
    .map((file) => ({ file, lines: fs.readFileSync(file, 'utf8').split('\n').length }))
    .filter((f) => f.lines > max)
    .map((f) => `${path.relative(repoRoot, f.file)}: ${f.lines} lines`);
}

describe('file sizes', () => {
  const files = OURS.flatMap((folder) => sourceFiles(path.join(repoRoot, folder)));

  it(`no source file of ours is over ${MAX_LINES} lines`, () => {
    assert.ok(files.length > 200, `only ${files.length} source files found: the walk missed the tree`);
    assert.deepEqual(oversized(files, MAX_LINES), []);
  });

  it('names a file over the bar', () => {
    // The same check with a bar every large file passes: it must name them, so the test can fail.
    const found = oversized(files, 400);
    assert.ok(found.some((f) => f.startsWith('server/src/analysis/')), found.join('\n'));
  });
});
