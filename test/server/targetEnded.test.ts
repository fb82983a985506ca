// Issue 9 (faults): a target that ends while an update is under way (a worker thread that exits
// in it). The real language server over real LSP; the test plays the extension, which answers
// for a target it can no longer reach (client/src/languageClient.ts) and reports the targets left.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticCodes } from '../../common/protocol';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient, type Target } from '../support/languageServer';
import { fixture } from '../support/paths';

const file = fixture('counter-js', 'main.js');
const edited = fs.readFileSync(file, 'utf8').replace("return 'v1';", "return 'v2';");

const cleanups: Array<() => Promise<void>> = [];
after(() => Promise.all(cleanups.map((c) => c())));

/** Two debuggees of the counter fixture ("main" and "worker"), both targets of one server. */
async function twoTargets(): Promise<{ client: LanguageServerClient; main: Target; worker: Target }> {
  const [one, two] = await Promise.all([InspectedProcess.start(file), InspectedProcess.start(file)]);
  cleanups.push(() => one.kill(), () => two.kill());
  await Promise.all([one.waitForLine(/^tick \d+ v1$/), two.waitForLine(/^tick \d+ v1$/)]);
  const { client } = await LanguageServerClient.start();
  cleanups.push(() => client.stop());
  const main = { id: 'main', name: 'main.js [main]', process: one };
  const worker = { id: 'worker', name: '[worker 2]', process: two };
  await client.setTargets([main, worker]);
  return { client, main, worker };
}

/** Every diagnostic code the server published for the file, in order. */
const codesPublished = (client: LanguageServerClient) =>
  client.diagnostics.filter((d) => d.uri === pathToFileURL(file).href).flatMap((d) => d.diagnostics.map((x) => x.code));

describe('a target that ends during an update', { timeout: 60_000 }, () => {
  it('is reported as ended, not as refusing; the others decide the outcome, and nothing is said on the file about it', async () => {
    const { client, main, worker } = await twoTargets();
    client.answerApply = async ({ targetId, patch }) => {
      if (targetId !== worker.id) return undefined;
      // As the extension answers once the worker's debug session ended under the update.
      await client.setTargets([main]);
      return { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: `${worker.name} ended during the update`, ended: true };
    };
    await client.save(file, edited);
    const report = await client.nextUpdate(0);
    assert.equal(report.outcome, 'applied', report.summary);
    assert.deepEqual(
      report.targets.map((t) => [t.targetId, t.outcome, t.reason]),
      [
        ['main', 'applied', undefined],
        ['worker', 'ended', '[worker 2] ended during the update'],
      ],
    );
    assert.match(report.summary, /^Live: f in 1 program \(\d+ ms\); \[worker 2\] ended during the update$/);
    await main.process.waitForLine(/^tick \d+ v2$/);
    await client.settle();
    assert.deepEqual(codesPublished(client).filter((c) => c === DiagnosticCodes.updateRejected), []);
  });

  it('when every target ended, says so and that nothing was applied', async () => {
    const { client, main, worker } = await twoTargets();
    client.answerApply = async ({ targetId, patch }) => ({ id: patch.id, ok: false, scripts: [], blockedMs: 0, error: `${targetId === main.id ? main.name : worker.name} ended during the update`, ended: true });
    await client.save(file, edited);
    const report = await client.nextUpdate(0);
    assert.equal(report.outcome, 'rejected', report.summary);
    assert.equal(report.summary, 'Not applied: main.js [main], [worker 2] ended during the update');
    await client.settle();
    assert.deepEqual(codesPublished(client).filter((c) => c === DiagnosticCodes.updateRejected), []);
  });

  it('withdraws nothing it never shows: what a save says of a target gone before it was published is not published', async () => {
    const { client, main, worker } = await twoTargets();
    client.answerApply = async ({ targetId, patch }) => {
      if (targetId !== worker.id) return undefined;
      // Gone before its answer: the extension reports the targets left, then its failed call.
      await client.setTargets([main]);
      return { id: patch.id, ok: false, scripts: [], blockedMs: 0, error: `could not reach ${worker.name}: Canceled` };
    };
    await client.save(file, edited);
    const report = await client.nextUpdate(0);
    assert.equal(report.outcome, 'partial', report.summary);
    await main.process.waitForLine(/^tick \d+ v2$/);
    await client.settle();
    assert.deepEqual(codesPublished(client).filter((c) => c === DiagnosticCodes.updateRejected), []);
  });
});
