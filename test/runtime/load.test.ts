// Load (issue 9), reduced: an HTTP server updated again and again while it serves, in real Node
// processes (test/support/loadScenarios.ts; the full size runs in `npm run bench -- --case load`).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { InspectedProcess } from '../support/inspectedProcess';
import { runSuspended, runUnderLoad } from '../support/loadScenarios';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-load-test-'));
const processes: InspectedProcess[] = [];
after(async () => {
  await Promise.all(processes.map((p) => p.kill()));
  fs.rmSync(dir, { recursive: true, force: true });
});
const track = (p: InspectedProcess) => processes.push(p);

describe('runtime: updates under load', () => {
  it('applies 100 consecutive updates of the request handler under autocannon load with no failed request and no reset', async () => {
    const run = await runUnderLoad({ dir: path.join(dir, 'load'), updates: 100, connections: 10, warmupRequests: 500, track });
    // Each update was checked as it landed (the program runs its exact text; the handler answers
    // with the new version); the load saw no failure.
    assert.deepEqual(
      { errors: run.errors, timeouts: run.timeouts, non2xx: run.non2xx, resets: run.resets, reconnections: run.reconnections },
      { errors: 0, timeouts: 0, non2xx: 0, resets: 0, reconnections: 0 },
    );
    assert.ok(run.requests > 500, `the load kept running (${run.requests} requests)`);
  });

  it('keeps each suspended request on the code it started with, and lands each update at its first attempt once they are done', async () => {
    const run = await runSuspended({ dir: path.join(dir, 'suspended'), updates: 2, requests: 10, track });
    assert.equal(run.mismatched, 0);
    // The first attempt after the requests finished must apply: finished async activations
    // kept refusing it until a GC (the runtime now asks for one first, pending.ts), and the
    // update then waited a second back-off. Attempts are spaced by 50 × their cost, at most
    // 5 s (pending.ts), so an update lands within about 5 s of the last response.
    assert.deepEqual(run.attempts, [1, 1]);
    for (const ms of run.landedAfterMs) assert.ok(ms <= 6_000, `an update landed ${ms} ms after the last request finished`);
  });
});
