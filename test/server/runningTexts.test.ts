// The server's store of running texts (decision 048): what a restarted server, another window or
// the command line finds by hash, and what it refuses to hand back (a file whose text is not its name's).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { hashText } from '../../common/patch';
import { RunningTexts } from '../../server/src/core/runningTexts';

describe('server: running texts kept on disk by hash', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lu-texts-'));
  const store = path.join(dir, 'texts');

  it('a new store on the same folder (a restarted server) finds what an earlier one kept', () => {
    const hash = new RunningTexts(store).put("function f() { return 'one'; }\n");
    assert.equal(hash, hashText("function f() { return 'one'; }\n"));
    assert.equal(new RunningTexts(store).get(hash), "function f() { return 'one'; }\n");
    assert.equal(new RunningTexts(store).get(hashText('never kept')), undefined);
  });

  it('refuses a file whose text does not have its name as hash', () => {
    const hash = new RunningTexts(store).put('the text sent');
    fs.writeFileSync(path.join(store, hash), 'another text');
    assert.equal(new RunningTexts(store).get(hash), undefined);
  });

  it('keeps texts in memory when the folder is not only this user’s', () => {
    const shared = path.join(dir, 'shared');
    fs.mkdirSync(shared, { mode: 0o777 });
    fs.chmodSync(shared, 0o777);
    const texts = new RunningTexts(shared);
    const hash = texts.put('kept in memory');
    assert.equal(texts.get(hash), 'kept in memory');
    assert.deepEqual(fs.readdirSync(shared), []);
  });
});
