// Issue 9 (faults): a program attached to again after saves made while it was not runs other text
// than its file. The real language server over real LSP tells the client once, when the program
// becomes a target (the extension shows it: client/src/runningTextNotice.ts), and says nothing of
// a program that runs its files as they are.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { fixture } from '../support/paths';

const file = fixture('counter-js', 'main.js');

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

describe('a program that becomes a target', { timeout: 60_000 }, () => {
  it('is said to run other text than a file saved while it was no target, once; a program that runs its files is not', async () => {
    const [stale, fresh] = await Promise.all([InspectedProcess.start(file), InspectedProcess.start(file)]);
    cleanups.push(() => stale.kill(), () => fresh.kill());
    await Promise.all([stale.waitForLine(/^tick \d+ v1$/), fresh.waitForLine(/^tick \d+ v1$/)]);
    const { client } = await LanguageServerClient.start();
    cleanups.push(() => client.stop());

    // Saved while no program was a target: nothing applied, the server keeps the saved text.
    const text = fs.readFileSync(file, 'utf8');
    await client.save(file, text.replace("return 'v1';", "return 'v2';"));
    await client.setTargets([{ id: 'stale', name: 'main.js [stale]', process: stale }]);
    // Polled: the server may be busy a while (the type check's cold start after the open).
    await eventually('the notice', () => client.runningTextDiffers.length > 0);
    assert.deepEqual(client.runningTextDiffers, [{ targetId: 'stale', targetName: 'main.js [stale]', files: [file] }]);
    assert.deepEqual(client.applyRequests, [], 'nothing applied on its own');

    // Saved back as the programs run it: a program that becomes a target now runs its file.
    await client.save(file, text);
    await client.setTargets([
      { id: 'stale', name: 'main.js [stale]', process: stale },
      { id: 'fresh', name: 'main.js [fresh]', process: fresh },
    ]);
    // The new target was asked what it runs; the answer is compared as soon as it comes.
    await eventually('the new target to be asked what it runs', () => client.queries.some((q) => q.targetId === 'fresh' && q.query.file === file));
    await client.settle();
    assert.equal(client.runningTextDiffers.length, 1, 'told once, and nothing of the program that runs its file');
  });
});
