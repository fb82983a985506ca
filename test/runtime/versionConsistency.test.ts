// Version consistency per event under load (issue 20; test/support/versionConsistency.ts): 300
// saves of a handler module whose caller and callee both change each time, under 10 keep-alive
// clients. Every request must run one version: an update that arrives while a request runs waits
// for it to end (runtime/src/atTurn.ts), and lands whole. When the handler awaits between caller
// and callee, its activations outlive an event: the update may be split around them, and each
// split is reported (outcome partial, saying what follows).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { InspectedProcess } from '../support/inspectedProcess';
import { runConsistency } from '../support/versionConsistency';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-consistency-'));
const processes: InspectedProcess[] = [];
after(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  fs.rmSync(dir, { recursive: true, force: true });
});
const track = (p: InspectedProcess) => processes.push(p);

describe('runtime: one version per event under load', () => {
  it('300 saves of caller and callee under 10 keep-alive clients: no failed request, no answer mixing versions', { timeout: 300_000 }, async () => {
    const run = await runConsistency({ dir: path.join(dir, 'sync'), form: 'sync', saves: 300, clients: 10, track });
    console.log(`# ${run.requests} requests, ${run.saves} saves: ${JSON.stringify(run.outcomes)}; ${run.mixed} mixed, ${run.failed} failed`);
    assert.ok(run.requests > 1000, `the load kept running (${run.requests} requests)`);
    assert.equal(run.failed, 0);
    assert.deepEqual({ mixed: run.mixed, examples: run.mixedExamples }, { mixed: 0, examples: [] });
    assert.deepEqual(run.outcomes, { applied: 300 });
  });

  it('with the handler awaiting between caller and callee, a split update is reported', { timeout: 300_000 }, async () => {
    const run = await runConsistency({ dir: path.join(dir, 'await'), form: 'await', saves: 300, clients: 10, track });
    console.log(`# ${run.requests} requests, ${run.saves} saves: ${JSON.stringify(run.outcomes)}; ${run.mixed} mixed, ${run.failed} failed`);
    assert.equal(run.failed, 0);
    // Only split updates may mix versions, and every split says what waits.
    assert.ok(run.splits.length > 0, `some update was split around the suspended handlers (${JSON.stringify(run.outcomes)})`);
    for (const summary of run.splits) assert.match(summary, /`handle` will follow when inactive/);
    assert.equal((run.outcomes.applied ?? 0) + (run.outcomes.partial ?? 0), 300, JSON.stringify(run.outcomes));
  });
});
