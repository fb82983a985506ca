// Save → live latency (issue 8, figure 1): how long after a save of a one-function edit the
// running program runs the new code, through the real language server (dist/server/main.js over
// stdio LSP) and the real runtime in a real program (over CDP), the headless path of the tests.
// The bench plays the extension: it answers the server's requests by calling the runtime.
//
// Per save, three figures:
//   - server: the server's own UpdateReport.milliseconds, from handling didSave to the last
//     target's report (analysis, type gate, patch, the runtime's apply and verification);
//   - client: from sending didSave to receiving the DidUpdate notification (adds LSP transport and
//     the server's queue);
//   - serves: client, then one GET to the program that answers with the edited function's new
//     result (what the restart baselines measure too).
// Saves alternate between three functions. The first save is reported alone: it includes the
// type gate's cold start (the server type-checks every save of a file a program runs — TypeScript
// blocking, JavaScript as checkJs would, only warning — and its first check builds the project's
// program) and the first read of the file's baseline from the program.
//
// What a user does instead: restart on save with `node --watch` and with `tsx watch`, timed from
// writing the edited file to the moment the restarted program serves the edit. The live program
// and both watchers run side by side on their own copies of the program, and runs alternate.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DidUpdate, type UpdateReport } from '../../common/protocol';
import { InspectedProcess } from '../../test/support/inspectedProcess';
import { LanguageServerClient } from '../../test/support/languageServer';
import { smallServer, typescriptJs, typescriptProject, type LatencyProgram, type ProgramKind } from './latencyPrograms';
import { ms, summarize, type Summary } from './stats';
import { cachedNode, get, tsxCli, Watcher, type WatcherSpec } from './watchers';

export const LATENCY_CASES = ['latency small HTTP server', 'latency 200-module TS project', 'latency typescript.js 9 MB'];
/**
 * Not run with --quick (which must stay under 2 minutes in all): one save of typescript.js takes
 * tens of seconds (V8 LiveEdit), and the TypeScript project's watchers need a minute to set up.
 */
export const LATENCY_FULL_ONLY = ['latency typescript.js 9 MB', 'latency 200-module TS project'];

interface CasePlan {
  kind: ProgramKind;
  /** Saves after the first (the issue: at least 20, or 5 for typescript.js). */
  saves: { full: number; quick: number };
  restarts: { full: number; quick: number };
  target: { p50: number; p95: number };
}

const PLANS: Record<string, CasePlan> = {
  'latency small HTTP server': { kind: smallServer, saves: { full: 20, quick: 8 }, restarts: { full: 7, quick: 3 }, target: { p50: 40, p95: 100 } },
  'latency 200-module TS project': { kind: typescriptProject, saves: { full: 20, quick: 6 }, restarts: { full: 5, quick: 3 }, target: { p50: 40, p95: 100 } },
  'latency typescript.js 9 MB': { kind: typescriptJs, saves: { full: 5, quick: 0 }, restarts: { full: 5, quick: 0 }, target: { p50: 150, p95: 150 } },
};

export interface LiveSample {
  save: number;
  slot: string;
  /** The first save of this function's file in the session (the gate's first check of it). */
  firstOfFile: boolean;
  serverMs: number;
  clientMs: number;
  servesMs: number;
  /** The runtime's own time inside its apply. */
  blockedMs: number;
  /** Functions of the patch the server marked for the runtime's closure check (a heap walk). */
  closureChecks: number;
}

export interface RestartFigures {
  tool: string;
  command: string;
  samples: Array<{ slot: string; ms: number }>;
  figures?: Summary;
  /** Set when this baseline could not run (the reason). */
  error?: string;
}

export interface LatencyCaseResult {
  case: string;
  description: string;
  node: string;
  target: { p50Ms: number; p95Ms: number };
  /** The program started until it listened (with the runtime and inspector). */
  liveStartMs: number;
  firstSave: LiveSample;
  samples: LiveSample[];
  figures: { serverMs: Summary; clientMs: Summary; servesMs: Summary; blockedMs: Summary };
  verdict: { server: string; client: string };
  restart: RestartFigures[];
  /** Restart median / live-update "serves" median, per tool. */
  ratios: Record<string, number>;
}

const verdictOf = (s: Summary, t: { p50: number; p95: number }): string => {
  const missed = [...(s.median > t.p50 ? ['p50'] : []), ...(s.p95 > t.p95 ? ['p95'] : [])];
  return missed.length ? `missed (${missed.join(', ')})` : 'met';
};

export async function runLatencyCase(name: string, dir: string, options: { quick: boolean }, log: (line: string) => void): Promise<LatencyCaseResult> {
  const plan = PLANS[name];
  if (!plan) throw new Error(`no latency case ${name}`);
  const { kind } = plan;
  const saves = options.quick ? plan.saves.quick : plan.saves.full;
  const restarts = options.quick ? plan.restarts.quick : plan.restarts.full;
  // TypeScript runs on the Node whose type stripping the `node --watch` baseline needs; all three
  // ways of running the program use the same Node.
  const node = kind.typescript ? cachedNode(24) ?? cachedNode(22) : process.execPath;
  if (!node) throw new Error('Node 22 or 24 is not installed in .tools (scripts/install-tools.sh)');
  const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();

  const base = path.join(dir, name.replace(/[^a-z0-9]+/gi, '-'));
  const live = kind.write(path.join(base, 'live'));
  const copies: Record<string, LatencyProgram> = { 'node --watch': kind.write(path.join(base, 'node-watch')), 'tsx watch': kind.write(path.join(base, 'tsx-watch')) };
  const description = `${kind.describe(live)}; Node ${nodeVersion}`;
  log(`${name}: ${description}; edits ${live.slots.map((s) => s.name).join(', ')} in turn`);

  const stops: Array<() => Promise<unknown>> = [];
  try {
    // The live program, with the runtime and the inspector, as the extension starts it.
    let started = performance.now();
    const debuggee = await InspectedProcess.start(live.entry, { node, cwd: live.dir });
    stops.push(() => debuggee.kill());
    const line = await debuggee.waitForLine(/^listening \d+$/, 0, 120_000).catch((e: Error) => {
      throw new Error(`${e.message}; stderr: ${debuggee.stderr().slice(-1500)}`);
    });
    const liveStartMs = performance.now() - started;
    const port = Number(line.split(' ')[1]);
    for (const slot of live.slots) {
      const body = await get(port, `/probe/${slot.id}`);
      if (body === 'no such probe' || body.startsWith('threw')) throw new Error(`probe ${slot.id} answers ${body} before any edit`);
    }
    log(`  program listening after ${liveStartMs.toFixed(0)} ms`);

    const { client } = await LanguageServerClient.start();
    stops.push(() => client.stop());
    await client.setTargets([{ id: 'target-1', name: `${path.basename(live.entry)} [bench]`, process: debuggee }]);
    // DidUpdate as it arrives (the client's own wait polls every 20 ms, too coarse here).
    let arrived: (() => void) | undefined;
    client.connection.onNotification(DidUpdate.type, (report) => {
      client.updates.push(report);
      arrived?.();
    });
    const nextUpdate = (count: number, timeoutMs: number): Promise<UpdateReport> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no DidUpdate within ${timeoutMs} ms (${client.describe()})`)), timeoutMs);
        const check = () => {
          if (client.updates.length <= count) return;
          clearTimeout(timer);
          arrived = undefined;
          resolve(client.updates[count]!);
        };
        arrived = check;
        check();
      });

    // The restart baselines, side by side.
    const specs: WatcherSpec[] = [
      { tool: 'node --watch', node, args: [...(kind.typescript ? ['--experimental-strip-types'] : []), '--watch', copies['node --watch']!.entry] },
      { tool: 'tsx watch', node, args: [tsxCli, 'watch', '--clear-screen=false', copies['tsx watch']!.entry] },
    ];
    const restart: RestartFigures[] = [];
    const watchers = new Map<string, Watcher>();
    for (const spec of specs) {
      const figures: RestartFigures = { tool: spec.tool, command: [path.basename(spec.node), ...spec.args.map((a) => (path.isAbsolute(a) ? path.basename(a) : a))].join(' '), samples: [] };
      restart.push(figures);
      if (restarts === 0) continue;
      try {
        started = performance.now();
        const w = await Watcher.start(spec, copies[spec.tool]!.dir, 120_000);
        stops.push(() => w.stop());
        watchers.set(spec.tool, w);
        log(`  ${spec.tool}: program listening after ${(performance.now() - started).toFixed(0)} ms`);
      } catch (e) {
        figures.error = e instanceof Error ? e.message : String(e);
        log(`  ${spec.tool} could not run: ${figures.error}`);
      }
    }

    const texts = new Map<string, Map<string, string>>([['live', new Map(live.originals)], ...Object.entries(copies).map(([tool, p]) => [tool, new Map(p.originals)] as const)]);
    const samples: LiveSample[] = [];
    const seenFiles = new Set<string>();
    const rounds = Math.max(saves + 1, restarts);
    for (let r = 0; r < rounds; r++) {
      const at = r % live.slots.length;
      const n = r + 1;
      if (r <= saves) {
        const slot = live.slots[at]!;
        const text = kind.edit(texts.get('live')!.get(slot.file)!, slot, n);
        texts.get('live')!.set(slot.file, text);
        const expected = kind.expected(slot, n);
        const count = client.updates.length;
        const t0 = performance.now();
        await client.save(slot.file, text);
        const report = await nextUpdate(count, 600_000);
        const t1 = performance.now();
        const body = await get(port, `/probe/${slot.id}`);
        const t2 = performance.now();
        // The editor writes the file too (after the save here, so the first save's didOpen
        // carries the text before the edit, as an editor that opened the file earlier would).
        fs.writeFileSync(slot.file, text);
        const target = report.targets[0];
        const scripts = target?.report?.scripts ?? [];
        if (report.outcome !== 'applied' || target?.outcome !== 'applied' || !scripts.length || scripts.some((s) => s.outcome === 'applied' && s.verified !== true)) {
          throw new Error(`save ${n}: not applied and verified: ${JSON.stringify(report).slice(0, 1500)}`);
        }
        if (body !== expected) throw new Error(`save ${n}: the program answers ${body}, not ${expected}, after the update`);
        const sample: LiveSample = {
          save: n,
          slot: slot.id,
          firstOfFile: !seenFiles.has(slot.file),
          serverMs: report.milliseconds,
          clientMs: t1 - t0,
          servesMs: t2 - t0,
          blockedMs: target.report!.blockedMs,
          closureChecks: client.applyRequests.at(-1)?.patch.scripts.flatMap((s) => s.functions).filter((f) => f.closureRisk).length ?? 0,
        };
        seenFiles.add(slot.file);
        samples.push(sample);
        log(
          `  save ${n}/${saves + 1} ${slot.name}${r === 0 ? ' (first: cold type gate)' : sample.firstOfFile ? ' (first of its file)' : ''}: ` +
            `server ${ms(sample.serverMs)}, client ${ms(sample.clientMs)}, serves ${ms(sample.servesMs)} (runtime blocked ${ms(sample.blockedMs)}${sample.closureChecks ? `, ${sample.closureChecks} closure check(s)` : ''})`,
        );
        await client.settle();
      }
      if (r < restarts) {
        // Alternate which watcher goes first.
        const order = r % 2 === 0 ? specs : [...specs].reverse();
        for (const spec of order) {
          const w = watchers.get(spec.tool);
          const figures = restart.find((f) => f.tool === spec.tool)!;
          if (!w || figures.error) continue;
          const copy = copies[spec.tool]!;
          const slot = copy.slots[at]!;
          const text = kind.edit(texts.get(spec.tool)!.get(slot.file)!, slot, n);
          texts.get(spec.tool)!.set(slot.file, text);
          try {
            const restartMs = await w.timeRestart(slot.file, text, `/probe/${slot.id}`, kind.expected(slot, n), 120_000);
            figures.samples.push({ slot: slot.id, ms: restartMs });
            log(`  restart ${r + 1}/${restarts} ${spec.tool} ${slot.name}: serves the edit after ${ms(restartMs)}`);
          } catch (e) {
            figures.error = e instanceof Error ? e.message : String(e);
            log(`  ${spec.tool} failed: ${figures.error}`);
          }
        }
      }
    }

    const warm = samples.slice(1);
    const figures = {
      serverMs: summarize(warm.map((s) => s.serverMs)),
      clientMs: summarize(warm.map((s) => s.clientMs)),
      servesMs: summarize(warm.map((s) => s.servesMs)),
      blockedMs: summarize(warm.map((s) => s.blockedMs)),
    };
    const ratios: Record<string, number> = {};
    for (const f of restart) {
      if (f.samples.length) {
        f.figures = summarize(f.samples.map((s) => s.ms));
        ratios[f.tool] = f.figures.median / figures.servesMs.median;
      }
    }
    return {
      case: name,
      description,
      node: nodeVersion,
      target: { p50Ms: plan.target.p50, p95Ms: plan.target.p95 },
      liveStartMs,
      firstSave: samples[0]!,
      samples: warm,
      figures,
      verdict: { server: verdictOf(figures.serverMs, plan.target), client: verdictOf(figures.clientMs, plan.target) },
      restart,
      ratios,
    };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}

/** Rows for the benchmark's table: figure, case, runs, median, p95, target, met/missed. */
export function latencyRows(results: LatencyCaseResult[]): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    const c = r.case.replace(/^latency /, '');
    const target = r.target.p50Ms === r.target.p95Ms ? `p50, p95 ≤ ${r.target.p50Ms} ms` : `p50 ≤ ${r.target.p50Ms}, p95 ≤ ${r.target.p95Ms} ms`;
    const runs = String(r.samples.length);
    const { serverMs, clientMs, servesMs } = r.figures;
    rows.push(['save → live, server (didSave → verified)', c, runs, ms(serverMs.median), ms(serverMs.p95), target, r.verdict.server]);
    rows.push(['save → live, client (save sent → DidUpdate)', c, runs, ms(clientMs.median), ms(clientMs.p95), target, r.verdict.client]);
    rows.push(['save → serves the edit (client + 1 GET)', c, runs, ms(servesMs.median), ms(servesMs.p95), '—', '—']);
    rows.push(['of which the runtime apply (blockedMs)', c, runs, ms(r.figures.blockedMs.median), ms(r.figures.blockedMs.p95), '—', '—']);
    rows.push(['first save (cold type gate), server / client', c, '1', ms(r.firstSave.serverMs), ms(r.firstSave.clientMs), '—', '—']);
    for (const f of r.restart) {
      if (f.figures) rows.push([`restart: ${f.tool} (write → serves the edit)`, c, String(f.figures.runs), ms(f.figures.median), ms(f.figures.p95), '—', '—']);
      else if (f.error) rows.push([`restart: ${f.tool}`, c, '0', 'failed', '—', '—', '—']);
      if (r.ratios[f.tool] !== undefined) rows.push([`ratio ${f.tool} / live update (serves, medians)`, c, '—', `${r.ratios[f.tool]!.toPrecision(2)}×`, '—', '—', '—']);
    }
  }
  return rows;
}

export const LATENCY_NOTE =
  `Save → live: server = UpdateReport.milliseconds (didSave handled → last target's verified report), client = save sent → DidUpdate received; first save alone\n` +
  `(it pays the type gate's cold start: every save is type-checked, TypeScript blocking, JavaScript warning only). Restarts: edited file written → restarted program serves the edit.`;
