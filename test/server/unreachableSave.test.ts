// A save whose target could not be asked what it runs (the call failed: a program dying, or an
// inspector error) was reported "No change to apply", as if the program ran the saved text. It
// may run anything: the save is not applied, and the report says why.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { fixture } from '../support/paths';

const file = fixture('counter-js', 'main.js');
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('a save no target could be asked about', { timeout: 60_000 }, () => {
  it('is not applied and says why: not "no change", which the program may not run', async () => {
    const program = await InspectedProcess.start(file);
    cleanups.push(() => program.kill());
    await program.waitForLine(/^tick \d+ v1$/);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());
    const main = { id: 'main', name: 'main.js [main]', process: program };
    await client.setTargets([main]);
    client.answerScriptState = async () => ({ error: 'Cannot find context with specified id' });
    await client.save(file, fs.readFileSync(file, 'utf8').replace("return 'v1';", "return 'v2';"));
    const report = await client.nextUpdate(0);
    assert.equal(report.outcome, 'rejected', report.summary);
    assert.deepEqual(report.targets.map((t) => [t.targetId, t.outcome]), [['main', 'unreachable']]);
    assert.match(report.summary, /Cannot find context with specified id/);

    // Asked again, the program answers: the same save goes live.
    client.answerScriptState = undefined;
    await client.save(file, fs.readFileSync(file, 'utf8').replace("return 'v1';", "return 'v2';"));
    const next = await client.nextUpdate(1);
    assert.equal(next.outcome, 'applied', next.summary);
    await program.waitForLine(/^tick \d+ v2$/);
  });
});
