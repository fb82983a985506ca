// Activeness: which changed function blocks an update, including suspended async activations that
// are not on the synchronous stack, and the query that checks without applying.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runtimeCallExpression } from '../../common/runtimeApi';
import { fixturePrograms } from '../support/inspectedProcess';
import { patchOf, replaceOnce, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

const file = fixture('async-js', 'main.js');
const programs = fixturePrograms(after);
const start = () => programs.start(file);

const bothChanged = (text: string) => replaceOnce("return 'q1';", "return 'q2';")(replaceOnce("return 'waited';", "return 'waited!';")(text));

describe('runtime: activeness', () => {
  it('names the suspended async function that blocks an update, not the other changed one', async () => {
    const p = await start();
    const report = await p.apply(patchOf(scriptPatch(file, bothChanged)));
    assert.equal(report.ok, false);
    assert.equal(report.scripts[0]!.v8Status, 'BlockedByActiveGenerator');
    assert.deepEqual(report.scripts[0]!.activations, [{ function: 'waiter', kind: 'suspended' }]);
    assert.equal(await p.evaluate('fixture.quick().then(String) && "checked"'), 'checked');
  });

  it('applies an edit of an async function that is not suspended', async () => {
    const p = await start();
    const report = await p.apply(patchOf(scriptPatch(file, replaceOnce("return 'q1';", "return 'q2';"))));
    assert.equal(report.ok, true, JSON.stringify(report));
  });

  it('answers the activeness query without applying anything', async () => {
    const p = await start();
    const before = await p.scriptState({ file });
    const blocked = JSON.parse(await p.evaluate<string>(checkExpression(patchOf(scriptPatch(file, bothChanged)))));
    assert.equal(blocked.ok, false);
    assert.deepEqual(blocked.scripts[0].activations, [{ function: 'waiter', kind: 'suspended' }]);
    const fine = JSON.parse(await p.evaluate<string>(checkExpression(patchOf(scriptPatch(file, replaceOnce("return 'q1';", "return 'q2';"))))));
    assert.equal(fine.ok, true);
    assert.equal(fine.scripts[0].outcome, 'applicable');
    assert.equal((await p.scriptState({ file })).hash, before.hash, 'nothing changed');
  });
});

function checkExpression(patch: unknown): string {
  return runtimeCallExpression('check', JSON.stringify(patch));
}
