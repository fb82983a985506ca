// Save → live in the real editor (issue 22): code-server with this repository's extension and
// its bundled js-debug, a two-file TypeScript HTTP server started by an ordinary `node` launch
// configuration, and N saves of a one-function edit made through the VS Code API by
// test/e2e/editorBench/index.ts in the real extension host (the end-to-end tests' harness:
// scripts/lib/extensionTests.mjs). Per save: from just before `document.save()` to the first HTTP
// response with the new code (cold: the first save after start), when `onDidUpdate` fired against
// that, and the program's longest event-loop stall over the save. Beside it, from the same run,
// the direct path's figures (latency.bench.ts: the server straight into the runtime over its own
// inspector connection), the floor the editor path is held to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EditorBenchOutput, EditorSample } from '../../test/e2e/editorBench/samples';
import { repoRoot } from '../../test/support/paths';
import type { FigureCase } from './figureCase';
import { runLatencyCase, type LatencyCaseResult } from './latency.bench';
import { ms, summarize, type Summary } from './stats';

/** The direct path's case: its server → runtime figures are the floor. */
export const FLOOR_CASE = 'latency small HTTP server';

const TARGET = { p50: 60, p95: 150, cold: 500, didUpdateLagMs: 10 };

interface Session {
  node: string;
  launchMs: number;
  cold: EditorSample;
  warm: EditorSample[];
}

export interface EditorResult {
  sessions: Session[];
  figures: {
    cold: Summary;
    serves: Summary;
    /** onDidUpdate − first new response, per warm save (positive: the event came after). */
    didUpdateLag: Summary;
    didUpdate: Summary;
    server: Summary;
    /** From just before save() to the server handling didSave. */
    serverReceived: Summary;
    saveEvent: Summary;
    stall: Summary;
    blocked: Summary;
    /** The update's LiveEdits through js-debug's session (round trips, summed per save), when it made them. */
    edits?: Summary;
  };
  floor?: { servesMs: Summary; clientMs: Summary; blockedMs: Summary };
}

/** The program: server.ts answers `GET /` with what routes.ts's greet() returns, and `GET /stall` with its longest event-loop delay since the last ask. */
const PROGRAM: Record<string, string> = {
  'routes.ts': `// What the bench edits: greet()'s string, one save after another.
export function greet(name: string): string {
  return 'hello v0';
}

export function route(url: string): string {
  return url === '/' ? greet('bench') : 'no such route';
}
`,
  'server.ts': `import * as http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { route } from './routes.ts';

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const server = http.createServer((req, res) => {
  if (req.url === '/stall') {
    const maxMs = delay.max / 1e6;
    delay.reset();
    return res.end(JSON.stringify({ maxMs }));
  }
  res.end(route(req.url ?? '/'));
});
server.listen(0, '127.0.0.1', () => {
  console.log('node ' + process.version);
  const address = server.address();
  console.log('listening ' + (typeof address === 'object' && address ? address.port : address));
});
`,
  'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, allowImportingTsExtensions: true, types: ['node'] } }, null, 2),
};

/** scripts/lib/extensionTests.mjs, the end-to-end tests' runner (plain JavaScript: typed here). */
interface ExtensionTestsModule {
  runExtensionTests(options: { fixture: string; scratch: string; extensionPath: string; testsPath: string }): Promise<number>;
}

/** One code-server session: start, launch, `saves` saves, stop. */
async function runSession(dir: string, index: number, saves: number, log: (line: string) => void): Promise<Session> {
  const base = path.join(dir, `editor-${index}`);
  const fixture = path.join(base, 'fixture');
  fs.mkdirSync(fixture, { recursive: true });
  for (const [name, text] of Object.entries(PROGRAM)) fs.writeFileSync(path.join(fixture, name), text);
  const out = path.join(base, 'samples.json');
  const { runExtensionTests } = (await import(pathToFileURL(path.join(repoRoot, 'scripts/lib/extensionTests.mjs')).href)) as ExtensionTestsModule;
  const { ensureTools } = (await import(pathToFileURL(path.join(repoRoot, 'scripts/lib/tools.mjs')).href)) as { ensureTools(): void };
  ensureTools();
  // The extension host inherits these through code-server.
  process.env.LIVE_UPDATE_TEST_NODE = process.execPath;
  process.env.LIVE_UPDATE_EDITOR_BENCH_OUT = out;
  process.env.LIVE_UPDATE_EDITOR_BENCH_SAVES = String(saves + 1);
  const code = await runExtensionTests({ fixture, scratch: path.join(base, 'scratch'), extensionPath: repoRoot, testsPath: path.join(repoRoot, 'dist/test/e2e/editorBench/index.js') });
  if (code !== 0 || !fs.existsSync(out)) throw new Error(`the editor session failed (exit ${code}; logs in ${base})`);
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as EditorBenchOutput;
  log(`  session ${index + 1}: Node ${result.node}, launched in ${result.launchMs.toFixed(0)} ms, cold save ${ms(result.samples[0]!.servesMs)}`);
  return { node: result.node, launchMs: result.launchMs, cold: result.samples[0]!, warm: result.samples.slice(1) };
}

export const EDITOR_CASE: FigureCase<EditorResult> = {
  name: 'editor save → live',
  key: 'editor',
  async run({ dir, runs, quick, log, earlier }) {
    // Each session is a code-server start (cold save) and its warm saves.
    const sessions: Session[] = [];
    const count = quick ? 1 : Math.max(3, Math.min(runs, 5));
    log(`editor save → live: ${count} code-server session(s), ${quick ? 8 : 20} warm saves each, Node ${process.version}`);
    for (let i = 0; i < count; i++) sessions.push(await runSession(dir, i, quick ? 8 : 20, log));
    const warm = sessions.flatMap((s) => s.warm);
    const floorResult: LatencyCaseResult | undefined =
      earlier?.latency?.find((r) => r.case === FLOOR_CASE) ?? (await runLatencyCase(FLOOR_CASE, dir, { quick: true }, log));
    return {
      sessions,
      figures: {
        cold: summarize(sessions.map((s) => s.cold.servesMs)),
        serves: summarize(warm.map((s) => s.servesMs)),
        didUpdateLag: summarize(warm.map((s) => s.didUpdateMs - s.servesMs)),
        didUpdate: summarize(warm.map((s) => s.didUpdateMs)),
        server: summarize(warm.map((s) => s.serverMs)),
        serverReceived: summarize(warm.map((s) => s.serverReceivedMs)),
        saveEvent: summarize(warm.map((s) => s.saveEventMs)),
        stall: summarize(warm.map((s) => s.stallMs)),
        blocked: summarize(warm.map((s) => s.blockedMs)),
        ...(warm.some((s) => Number.isFinite(s.editsMs)) ? { edits: summarize(warm.map((s) => s.editsMs).filter((m) => Number.isFinite(m))) } : {}),
      },
      ...(floorResult ? { floor: { servesMs: floorResult.figures.servesMs, clientMs: floorResult.figures.clientMs, blockedMs: floorResult.figures.blockedMs } } : {}),
    };
  },
  rows(r) {
    const c = 'editor, 2-file TS server';
    const f = r.figures;
    const n = String(f.serves.runs);
    const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
    const rows = [
      ['editor: save() → serves the edit, warm', c, n, ms(f.serves.median), ms(f.serves.p95), `p50 ≤ ${TARGET.p50}, p95 ≤ ${TARGET.p95} ms`, verdict(f.serves.median <= TARGET.p50 && f.serves.p95 <= TARGET.p95)],
      ['editor: save() → serves the edit, first save (cold)', c, String(f.cold.runs), ms(f.cold.median), ms(f.cold.p95), `≤ ${TARGET.cold} ms`, verdict(f.cold.median <= TARGET.cold)],
      ['editor: onDidUpdate − serves the edit', c, n, ms(f.didUpdateLag.median), ms(f.didUpdateLag.p95), `≤ ${TARGET.didUpdateLagMs} ms`, verdict(f.didUpdateLag.median <= TARGET.didUpdateLagMs)],
      ['editor: save() → server has didSave', c, n, ms(f.serverReceived.median), ms(f.serverReceived.p95), '—', '—'],
      ['editor: server didSave → report', c, n, ms(f.server.median), ms(f.server.p95), '—', '—'],
      ['editor: program stall over a save (event loop)', c, n, ms(f.stall.median), ms(f.stall.p95), r.floor ? `≤ direct (${ms(r.floor.blockedMs.median)})` : '—', r.floor ? verdict(f.stall.median <= r.floor.blockedMs.median) : '—'],
      ['editor: runtime blockedMs', c, n, ms(f.blocked.median), ms(f.blocked.p95), '—', '—'],
    ];
    if (f.edits) rows.push(['editor: of which the LiveEdits through js-debug', c, String(f.edits.runs), ms(f.edits.median), ms(f.edits.p95), '—', '—']);
    if (r.floor) {
      rows.push(['direct (floor): save → serves the edit', FLOOR_CASE.replace(/^latency /, ''), String(r.floor.servesMs.runs), ms(r.floor.servesMs.median), ms(r.floor.servesMs.p95), '—', '—']);
      rows.push(['direct (floor): runtime blockedMs', FLOOR_CASE.replace(/^latency /, ''), String(r.floor.blockedMs.runs), ms(r.floor.blockedMs.median), ms(r.floor.blockedMs.p95), '—', '—']);
      rows.push(['ratio editor / direct (serves, medians)', c, '—', `${(f.serves.median / r.floor.servesMs.median).toPrecision(2)}×`, '—', '—', '—']);
    }
    return rows;
  },
  notes(r) {
    return [
      `Editor: code-server ${r.sessions.length} session(s) (Node ${r.sessions[0]?.node}), each a fresh launch and ${r.sessions[0]?.warm.length ?? 0} warm saves after the cold one; timed from just before document.save() in the extension host ` +
        `to the first HTTP response with the new code (asked continuously). Stall: the program's own longest event-loop delay over the save (perf_hooks). Floor: the direct path of the same run.`,
    ];
  },
};
