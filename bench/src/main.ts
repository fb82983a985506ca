// `npm run bench`: how long a program is blocked while a one-function patch applies, for a
// generated 1 MB script and for the typescript package's own 9 MB lib/typescript.js.
//   npm run bench               7 runs per case
//   npm run bench -- --quick    3 runs per case (well under two minutes)
//   npm run bench -- --runs 11  any number of runs
// Prints a table, and writes the results to bench/results/<date>.json and bench/results/latest.json.
// Exit code 0 when the benchmark ran (a missed target is a result, not an error); 1 when it could not.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InspectedProcess } from '../../test/support/inspectedProcess';
import { repoRoot } from '../../test/support/paths';
import { runPauseCase, type CaseResult } from './pause.bench';
import { markdownTable, ms } from './stats';
import { generatedCase, typescriptCase, type BenchCase } from './targets';

interface Options {
  quick: boolean;
  runs: number;
}

function parseArgs(args: string[]): Options {
  const quick = args.includes('--quick');
  let runs = quick ? 3 : 7;
  const at = args.findIndex((a) => a === '--runs' || a.startsWith('--runs='));
  if (at >= 0) {
    const value = args[at]!.includes('=') ? args[at]!.split('=')[1] : args[at + 1];
    runs = Number(value);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs needs a positive integer, not ${value}`);
  }
  const unknown = args.filter((a, i) => a !== '--quick' && i !== at && !(i === at + 1 && !args[at]!.includes('=')));
  if (unknown.length) throw new Error(`unknown arguments: ${unknown.join(' ')} (use --quick, --runs N)`);
  return { quick, runs };
}

const processes: InspectedProcess[] = [];
let tempDir: string | undefined;

async function cleanUp(): Promise<void> {
  await Promise.allSettled(processes.splice(0).map((p) => p.kill()));
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  tempDir = undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the benchmark programs`);
    void cleanUp().finally(() => process.exit(130));
  });
}

function environment() {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() || undefined;
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: `${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length}`,
    // Other work on the machine makes every figure larger; worth knowing when comparing results.
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    commit: git('rev-parse', 'HEAD'),
    dirty: (git('status', '--porcelain') ?? '').length > 0,
  };
}

function resultTable(results: CaseResult[]): string {
  const rows: string[][] = [];
  for (const r of results) {
    const target = `≤ ${r.targetMs} ms`;
    const verdict = (median: number) => (median <= r.targetMs ? 'met' : 'missed');
    const { blockedMs, stallMs, roundTripMs } = r.figures;
    rows.push(['blocked (runtime blockedMs)', r.case, String(blockedMs.runs), ms(blockedMs.median), ms(blockedMs.p95), target, verdict(blockedMs.median)]);
    rows.push(['event-loop stall (in program)', r.case, String(stallMs.runs), ms(stallMs.median), ms(stallMs.p95), target, verdict(stallMs.median)]);
    rows.push(['evaluate round trip (CDP)', r.case, String(roundTripMs.runs), ms(roundTripMs.median), ms(roundTripMs.p95), '—', '—']);
  }
  return markdownTable(['figure', 'case', 'runs', 'median', 'p95', 'target', 'met/missed'], rows);
}

function breakdownTable(results: CaseResult[]): string {
  const steps = [...new Set(results.flatMap((r) => Object.keys(r.breakdown)))];
  return markdownTable(
    ['step (timed alone in the program, median)', ...results.map((r) => r.case)],
    steps.map((step) => [step, ...results.map((r) => (r.breakdown[step] === undefined ? '—' : ms(r.breakdown[step]!)))]),
  );
}

function writeResults(json: unknown, quick: boolean): string[] {
  const dir = path.join(repoRoot, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  // ISO 8601 in its basic time form, so the name is valid on every file system.
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
  const files = [path.join(dir, `${stamp}${quick ? '-quick' : ''}.json`), path.join(dir, 'latest.json')];
  const text = JSON.stringify(json, null, 2) + '\n';
  for (const file of files) {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  }
  return files.map((f) => path.relative(repoRoot, f));
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const runtimeDir = path.join(repoRoot, 'dist', 'runtime');
  if (!fs.existsSync(runtimeDir)) throw new Error(`${runtimeDir} is missing: build first (npm run bench builds)`);
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-update-bench-'));
  const started = Date.now();
  console.log(`Pause benchmark: ${options.runs} runs per case${options.quick ? ' (quick)' : ''}, Node ${process.version}\n`);

  const makers: Array<(dir: string) => BenchCase> = [generatedCase, typescriptCase];
  const results: CaseResult[] = [];
  const failures: string[] = [];
  for (const make of makers) {
    let name = make.name;
    try {
      const c = make(tempDir);
      name = c.name;
      console.log(`${c.name}: ${c.description}; edits ${c.functionName}()`);
      results.push(
        await runPauseCase(c, {
          runs: options.runs,
          // Each trial costs two more LiveEdit calls, which take seconds on these scripts.
          breakdownTrials: options.quick ? 0 : 1,
          track: (p) => processes.push(p),
          log: (line) => console.log(line),
        }),
      );
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      console.error(`  could not run: ${failures.at(-1)}`);
    }
  }
  await cleanUp();

  if (results.length) {
    console.log(`\n${resultTable(results)}\n`);
    console.log(`Median of the runs; p95 is nearest-rank (the largest value below 20 runs). A target is met when the median is within it.`);
    if (results.some((r) => Object.keys(r.breakdown).length)) {
      console.log(`\nWhere the time goes (each step timed alone in the program; the runtime does these inside blockedMs,`);
      console.log(`except the last two rows, which happen before it is called):\n`);
      console.log(breakdownTable(results));
    } else {
      console.log(`(The breakdown of where the time goes is measured in the full run only.)`);
    }
    const files = writeResults(
      {
        benchmark: 'pause',
        date: new Date().toISOString(),
        mode: options.quick ? 'quick' : 'full',
        runsPerCase: options.runs,
        durationMs: Date.now() - started,
        environment: environment(),
        results,
        failures,
      },
      options.quick,
    );
    console.log(`\nResults: ${files.join(', ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  if (failures.length) {
    console.error(`\nThe benchmark could not run ${failures.length} case(s):\n  ${failures.join('\n  ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    await cleanUp();
    process.exit(1);
  },
);
