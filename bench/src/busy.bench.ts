// Busy code (issue 5): what waiting updates and update points cost the program.
//   - update point, nothing pending: a loop calling `updatePoint()` after each step against the
//     same loop without it, timed inside the program; nanoseconds per call. Target ≤ 5 ns.
//   - HTTP while an update waits: a server whose `main` waits forever at an await, under autocannon;
//     requests per second while an edit of `main` is pending / while nothing is. The runtime then
//     tries the update at most once per second (V8 scans the heap each time). Target ≥ 0.95.
// Each figure is the median of at least 5 runs (pairs for the ratio, alternating which goes first).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PATCH_FORMAT_VERSION, type Patch } from '../../common/patch';
import { InspectedProcess } from '../../test/support/inspectedProcess';
import { scriptPatch } from '../../test/support/patches';
import { eventually } from '../../test/support/eventually';
import { MIN_FIGURE_RUNS, ratio, type FigureCase, type FigureContext } from './figureCase';
import { summarize, type Summary } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: { url: string; connections: number; duration: number }) => Promise<{ requests: { average: number }; errors: number }>;

export const POINT_TARGET_NS = 5;
export const PENDING_HTTP_TARGET = 0.95;

export interface BusyResult {
  pointNs: Summary;
  pendingRatio: Summary;
  settings: { iterations: number; httpSeconds: number; connections: number };
}

const LOOP = `
const { updatePoint } = require('live-update');
const world = { ticks: 0 };
function step(w) { w.ticks = (w.ticks + 1) | 0; }
function plain(n) { for (let i = 0; i < n; i++) step(world); }
function pointed(n) { for (let i = 0; i < n; i++) { step(world); updatePoint(); } }
const n = Number(process.argv[2]);
const runs = Number(process.argv[3]);
for (let r = 0; r < runs + 2; r++) {
  const order = r % 2 ? [pointed, plain] : [plain, pointed];
  const t = {};
  for (const fn of order) { const s = process.hrtime.bigint(); fn(n); t[fn.name] = Number(process.hrtime.bigint() - s); }
  if (r >= 2) console.log('ns ' + ((t.pointed - t.plain) / n));
}
globalThis.fixture = {};
`;

const SERVER = `
const http = require('node:http');
const { once } = require('node:events');
function handle(request, response) { response.end('ok'); }
async function main() {
  const server = http.createServer((q, s) => handle(q, s));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  globalThis.fixture = { port: server.address().port };
  await once(server, 'close');
  return 'v1';
}
main();
`;

async function runBusy({ dir, runs, quick, track, log }: FigureContext): Promise<BusyResult> {
  const n = Math.max(runs, MIN_FIGURE_RUNS);
  const settings = { iterations: quick ? 2_000_000 : 20_000_000, httpSeconds: quick ? 0.6 : 3, connections: 10 };
  fs.mkdirSync(dir, { recursive: true });
  const loopFile = path.join(dir, 'busy-loop.js');
  fs.writeFileSync(loopFile, LOOP);
  const loop = await InspectedProcess.start(loopFile, { args: [String(settings.iterations), String(n)] });
  track(loop);
  await eventually('the loop figures', () => (loop.output.filter((l) => l.startsWith('ns ')).length >= n ? true : undefined), 120_000);
  const pointNs = summarize(loop.output.filter((l) => l.startsWith('ns ')).map((l) => Math.max(0, Number(l.slice(3)))));
  log(`busy: update point ${pointNs.median.toFixed(2)} ns per call`);

  const serverFile = path.join(dir, 'busy-server.js');
  fs.writeFileSync(serverFile, SERVER);
  const server = await InspectedProcess.start(serverFile);
  track(server);
  const port = await eventually('the server', () => server.evaluate<number>('globalThis.fixture?.port'));
  const url = `http://127.0.0.1:${port}/`;
  const load = async () => (await autocannon({ url, connections: settings.connections, duration: settings.httpSeconds })).requests.average;
  const pending = (): Patch => ({ ...patchOfMain(serverFile), whenActive: 'defer', deferTimeoutMs: 3_600_000 });
  await load(); // warm-up
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    let idle = 0;
    let waiting = 0;
    const measureWaiting = async () => {
      const report = await server.apply(pending());
      if (report.scripts[0]?.outcome !== 'pending') throw new Error(`the edit of main did not wait: ${JSON.stringify(report)}`);
      waiting = await load();
      await server.cancel({});
    };
    if (i % 2) {
      await measureWaiting();
      idle = await load();
    } else {
      idle = await load();
      await measureWaiting();
    }
    ratios.push(waiting / idle);
  }
  const pendingRatio = summarize(ratios);
  log(`busy: requests/s while an update waits / idle = ${pendingRatio.median.toFixed(3)}`);
  return { pointNs, pendingRatio, settings };
}

function patchOfMain(file: string): Patch {
  return { format: PATCH_FORMAT_VERSION, id: `busy-${Date.now()}`, scripts: [scriptPatch(file, (t) => t.replace("return 'v1';", "return 'v2';"))] };
}

export const BUSY_CASE: FigureCase<BusyResult> = {
  name: 'busy',
  key: 'busy',
  run: runBusy,
  rows: (r) => [
    ['busy code: update point, nothing pending', 'ns per updatePoint() call', String(r.pointNs.runs), `${r.pointNs.median.toFixed(2)} ns`, `${r.pointNs.p95.toFixed(2)} ns`, `≤ ${POINT_TARGET_NS} ns`, r.pointNs.median <= POINT_TARGET_NS ? 'met' : 'missed'],
    ['busy code: requests/s while an update waits / idle', 'server, main waiting forever', String(r.pendingRatio.runs), ratio(r.pendingRatio.median), `${ratio(r.pendingRatio.min)} (min)`, `≥ ${PENDING_HTTP_TARGET}`, r.pendingRatio.median >= PENDING_HTTP_TARGET ? 'met' : 'missed'],
  ],
  notes: (r) => [
    `Busy code: ${r.settings.iterations.toLocaleString('en')} loop iterations per run with and without updatePoint() (alternating order, timed in the program); HTTP: autocannon ${r.settings.connections} connections, ${r.settings.httpSeconds} s per variant, pairs alternating which goes first.`,
  ],
};
