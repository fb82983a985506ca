// Load (issue 9): a server keeps serving while it is updated (test/support/loadScenarios.ts).
//   - under load: an HTTP server (a user module loaded through the runtime, --expose-gc) under
//     continuous autocannon load while 1,000 consecutive updates (100 with --quick) alternate its
//     request handler between two versions, each a real patch applied through the runtime's
//     `apply` over CDP with `whenActive: 'defer'`, each checked as it lands (the program runs the
//     update's exact text; a request gets the new version). Failed requests (errors, timeouts,
//     non-2xx) and connection resets (reset errors, and connections the server saw reopened):
//     target 0. Memory after a memory-reducing GC and gc() (RSS, heap used) before the first update and after the last:
//     target ≤ +10%. Updates per second.
//   - suspended requests: per update, 50 requests wait inside the async handler (at an await
//     the bench releases) while an update of it is applied with `whenActive: 'defer'`: it must
//     wait, every request must finish on the version it started with, and the update must land
//     once they are done. Figure: from the last response to the update's `applied` event.
//     The runtime spaces its attempts while a suspended activation blocks them (50 × an
//     attempt's cost, 50 ms–5 s, see runtime/src/pending.ts), so each update takes seconds:
//     the full run's 100 updates (as issue 9 asks) take about 7 minutes; 2 with --quick.
//   The full run starts five programs under load (one with --quick): the figures are medians.
import * as path from 'node:path';
import { runSuspended, runUnderLoad, type LoadRun, type SuspendedRun } from '../../test/support/loadScenarios';
import { ms, summarize, type Summary } from './stats';
import { MIN_FIGURE_RUNS, type FigureCase, type FigureContext } from './figureCase';

export const LOAD_TARGET_GROWTH = 0.1;
/** The runtime's own bound: an update waits at most 5 s after its activations are gone. */
export const LANDING_TARGET_MS = 5_000;

export interface LoadResult {
  settings: { updates: number; programs: number; connections: number; suspendedUpdates: number; suspendedRequests: number };
  runs: LoadRun[];
  rssGrowth: Summary;
  /** RSS raw (no forced collection), before the first update to after the last: what the user sees (issue 22). */
  rawRssGrowth: Summary;
  heapUsedGrowth: Summary;
  /** From after the first update to after the last: without the runtime's one-time costs. */
  rssGrowthAfterFirst: Summary;
  heapUsedGrowthAfterFirst: Summary;
  updatesPerSecond: Summary;
  suspended: SuspendedRun;
  landedAfterMs: Summary;
}

async function runLoad({ dir, quick, track, log }: FigureContext): Promise<LoadResult> {
  // An update takes about 200 ms under load here, so a program of 1,000 updates runs about 3
  // minutes: five programs (issue 22 asks for the median of ≥ 5 runs: one program's RSS swings with
  // when V8 last collected), and 100 updates with suspended requests (about 4 s each, see above).
  const settings = { updates: quick ? 100 : 1000, programs: quick ? 1 : MIN_FIGURE_RUNS, connections: 10, suspendedUpdates: quick ? 2 : 100, suspendedRequests: 50 };
  const runs: LoadRun[] = [];
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  for (let i = 0; i < settings.programs; i++) {
    const r = await runUnderLoad({ dir: path.join(dir, 'load', String(i)), updates: settings.updates, connections: settings.connections, warmupRequests: 5_000, track });
    runs.push(r);
    log(
      `load: ${r.updates} updates in ${(r.updatesMs / 1000).toFixed(1)} s (${(r.updates / (r.updatesMs / 1000)).toFixed(1)}/s, median ${r.blockedMs.toFixed(1)} ms in the runtime (first tenth ${r.blockedFirstMs.toFixed(1)}, last tenth ${r.blockedLastMs.toFixed(1)}), ${r.deferred} deferred a turn) ` +
        `under ${r.requests.toLocaleString('en')} requests: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx, ${r.resets} resets, ${r.reconnections} reconnections; ` +
        `RSS raw ${mb(r.rawRssBefore)} → ${mb(r.rawRssAfter)} MB; after GC ${mb(r.before.rss)} → ${mb(r.afterFirst.rss)} (first update) → ${mb(r.after.rss)} MB, heap used ${mb(r.before.heapUsed)} → ${mb(r.afterFirst.heapUsed)} → ${mb(r.after.heapUsed)} MB`,
    );
  }
  const suspended = await runSuspended({ dir: path.join(dir, 'load', 'suspended'), updates: settings.suspendedUpdates, requests: settings.suspendedRequests, track });
  const landedAfterMs = summarize(suspended.landedAfterMs);
  log(
    `load: ${suspended.updates} updates with ${suspended.requestsPerUpdate} requests suspended in the handler: ${suspended.mismatched} finished on another version; ` +
      `landed ${ms(landedAfterMs.median)} after the last request (median, max ${ms(landedAfterMs.max)}; attempts ${JSON.stringify(suspended.attempts)}, ` +
      `an attempt costing ${ms(summarize(suspended.attemptMs).median)} median)`,
  );
  const growth = (key: 'rss' | 'heapUsed', from: 'before' | 'afterFirst' = 'before') => summarize(runs.map((r) => r.after[key] / r[from][key] - 1));
  return {
    settings,
    runs,
    rssGrowth: growth('rss'),
    rawRssGrowth: summarize(runs.map((r) => r.rawRssAfter / r.rawRssBefore - 1)),
    heapUsedGrowth: growth('heapUsed'),
    rssGrowthAfterFirst: growth('rss', 'afterFirst'),
    heapUsedGrowthAfterFirst: growth('heapUsed', 'afterFirst'),
    updatesPerSecond: summarize(runs.map((r) => r.updates / (r.updatesMs / 1000))),
    suspended,
    landedAfterMs,
  };
}

const percent = (value: number) => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;
const total = (runs: LoadRun[], count: (r: LoadRun) => number) => runs.reduce((sum, r) => sum + count(r), 0);

export const LOAD_CASE: FigureCase<LoadResult> = {
  name: 'load',
  key: 'load',
  run: runLoad,
  rows: (r) => {
    const what = `HTTP server, ${r.settings.updates.toLocaleString('en')} updates under load`;
    const programs = String(r.runs.length);
    const count = (figure: string, n: number) => [figure, what, programs, String(n), '— (total)', '0', n === 0 ? 'met' : 'missed'];
    const growth = (figure: string, s: Summary) => [figure, what, programs, percent(s.median), percent(s.p95), `≤ +${LOAD_TARGET_GROWTH * 100}%`, s.median <= LOAD_TARGET_GROWTH ? 'met' : 'missed'];
    const suspendedWhat = `${r.suspended.updates} updates, ${r.suspended.requestsPerUpdate} requests suspended`;
    return [
      count('load: failed requests (errors, timeouts, non-2xx)', total(r.runs, (x) => x.errors + x.non2xx)),
      count('load: connection resets and reconnections', total(r.runs, (x) => x.resets + x.reconnections)),
      // Issue 22's figure: RSS as the user sees it, no collection forced (the median of 5 readings each side).
      growth(`load: RSS raw after ${r.settings.updates.toLocaleString('en')} updates under load`, r.rawRssGrowth),
      growth('load: RSS growth, before the first update to after the last (after GC)', r.rssGrowth),
      // The memory target is the process's (RSS). The heap's growth is the version history,
      // bounded at 1,000 records (about 0.8 KB each): flat from update 1,000 on (measured to 2,000).
      [...growth('load: heap used growth, before the first update to after the last (after GC)', r.heapUsedGrowth).slice(0, 5), '— (bounded)', '—'],
      [...growth('load: RSS growth, after the first update to the last', r.rssGrowthAfterFirst).slice(0, 5), '—', '—'],
      [...growth('load: heap used growth, after the first update to the last', r.heapUsedGrowthAfterFirst).slice(0, 5), '—', '—'],
      ['load: updates per second under load', what, programs, r.updatesPerSecond.median.toFixed(1), `${r.updatesPerSecond.min.toFixed(1)} (min)`, '—', '—'],
      [
        'load: apply blocks the server, first → last tenth of the updates',
        what,
        programs,
        `${ms(summarize(r.runs.map((x) => x.blockedFirstMs)).median)} → ${ms(summarize(r.runs.map((x) => x.blockedLastMs)).median)}`,
        '—',
        '—',
        '—',
      ],
      ['load: suspended requests finished on another version', suspendedWhat, '1', String(r.suspended.mismatched), '— (total)', '0', r.suspended.mismatched === 0 ? 'met' : 'missed'],
      ['load: update landed after the last suspended request', suspendedWhat, String(r.landedAfterMs.runs), ms(r.landedAfterMs.median), ms(r.landedAfterMs.p95), `≤ ${LANDING_TARGET_MS / 1000} s`, r.landedAfterMs.median <= LANDING_TARGET_MS ? 'met' : 'missed'],
    ];
  },
  notes: (r) => [
    `Load: autocannon ${r.settings.connections} connections on loopback for the whole run; ${r.runs.length} program(s) of ${r.settings.updates} updates alternating the handler (whenActive: defer), ` +
      `each checked as it lands; memory is read after a memory-reducing collection (HeapProfiler.collectGarbage) and gc() twice, before the first update and after the last. Timeouts count among errors. Suspended: the landing time is bounded by the ` +
      `runtime's spacing of attempts while an activation blocks them (runtime/src/pending.ts: 50 × an attempt's cost, at most 5 s, while the program is busy; at once when it was idle). ` +
      `The heap's growth is the version history (runtime/src/versions.ts keeps 1,000 records, about 0.8 KB each): it stops at update 1,000.`,
  ],
};
