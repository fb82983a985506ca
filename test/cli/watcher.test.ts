// The command line's file watcher on a real file system: a save that truncates and then writes,
// with the writer held up in between, is one change, not an emptied module followed by the text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { LoadedFileWatcher } from '../../cli/src/watcher';
import { eventually } from '../support/eventually';

const watchers: LoadedFileWatcher[] = [];
after(() => watchers.forEach((w) => w.close()));

function watched(text: string): { file: string; changes: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-watcher-'));
  const file = path.join(dir, 'module.js');
  fs.writeFileSync(file, text);
  const changes: string[] = [];
  const watcher = new LoadedFileWatcher([], () => undefined, (_file, now) => changes.push(now));
  watchers.push(watcher);
  watcher.scriptParsed(pathToFileURL(file).href, 'main');
  return { file, changes };
}

test('watcher: a truncate, a pause of the writer, then the text is one change', async () => {
  const { file, changes } = watched('exports.v = 1;\n');
  fs.writeFileSync(file, '');
  // The writer held up well past the watcher's settle time (30 ms), as on a busy machine.
  await new Promise((resolve) => setTimeout(resolve, 150));
  fs.writeFileSync(file, 'exports.v = 2;\n');
  await eventually('the change', () => changes.length > 0);
  assert.deepEqual(changes, ['exports.v = 2;\n']);
});

test('watcher: a file that stays empty is an edit', async () => {
  const { file, changes } = watched('exports.v = 1;\n');
  fs.writeFileSync(file, '');
  await eventually('the change', () => changes.length > 0);
  assert.deepEqual(changes, ['']);
});

test('watcher: files the program did not load are not reported', async () => {
  const { file, changes } = watched('exports.v = 1;\n');
  fs.writeFileSync(path.join(path.dirname(file), 'other.js'), 'x');
  fs.writeFileSync(file, 'exports.v = 3;\n');
  await eventually('the change', () => changes.length > 0);
  assert.deepEqual(changes, ['exports.v = 3;\n']);
});
