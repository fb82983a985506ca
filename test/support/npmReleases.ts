// The npm replay (issues 6 and 20): consecutive published releases of CommonJS libraries
// (vendored under test/fixtures/npm-releases/<package>/<version>/ by scripts/vendor-npm-releases.mjs),
// each loaded at release N in a real Node process under the runtime as the user's own code, its
// files then saved as release N+1 through the update engine (the command line's engine, over the
// test's inspector connection: analysis, holds, steps, delivery, report), and compared on a corpus
// of calls (npmCorpus.ts) with a fresh process at N+1. Each pair is:
//   correct — the live process answers every call as a fresh N+1;
//   honest  — it does not, and the engine said so (some save was not reported `applied`, or left
//             a warning or an error on its file);
//   silent  — it does not, and every save was reported `applied` with at most information-level
//             notes: what must never happen.
// Each call of the corpus is compiled and run on its own, after the saves (live) or at start
// (fresh): it builds its own arguments, so both processes compute on their own copy.
// The test runs a reduced set (test/runtime/npmReleases.test.ts); the full set:
// `npm run test:npm-releases` (after a build).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { UpdateReport } from '../../common/reports';
import type { LiveDiagnostic } from '../../server/src/core/diagnostics';
import { UpdateEngine } from '../../server/src/core/updateEngine';
import { CORPUS } from './npmCorpus';
import { InspectedPort } from './inspectedPort';
import { InspectedProcess, testNode } from './inspectedProcess';
import { fixture } from './paths';

export { CORPUS };

export const releasesDir = fixture('npm-releases');

/** Numeric order of `1.10.0` after `1.9.0`. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export function releasesOf(pkg: string): string[] {
  return fs.readdirSync(path.join(releasesDir, pkg)).sort(compareVersions);
}

export const packages = (): string[] => Object.keys(CORPUS).filter((p) => fs.existsSync(path.join(releasesDir, p)));

/** A release's files (relative paths, `/`-separated) and texts; `package.json` names the entry when there is one. */
export function filesOf(pkg: string, version: string): Map<string, string> {
  const root = path.join(releasesDir, pkg, version);
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.set(path.relative(root, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return out;
}

// The program: the library as the user's own code under `lib/`, an importer holding its exports
// from the start (`lib`), and `__corpus(calls)` giving each call's outcome as text. Each call is
// compiled and run on its own, so its arguments are its own.
const MAIN = `const util = require('node:util');
const lib = require('./lib');
globalThis.__corpus = (calls) => JSON.stringify(calls.map((src) => {
  try {
    return 'ok ' + util.inspect((0, eval)('(lib) => ' + src)(lib), { depth: 6, sorted: true });
  } catch (e) {
    return 'throws ' + (e && e.name) + ': ' + (e && e.message);
  }
}));
if (process.argv[2] === 'once') process.stdout.write(globalThis.__corpus(JSON.parse(process.argv[3])));
else {
  setInterval(() => {}, 1000);
  console.log('ready');
}
`;

function programDir(files: Map<string, string>): { dir: string; lib: string; main: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lu-npm-'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }\n');
  fs.writeFileSync(path.join(dir, 'main.js'), MAIN);
  const lib = path.join(dir, 'lib');
  writeFiles(lib, files);
  return { dir, lib, main: path.join(dir, 'main.js') };
}

function writeFiles(root: string, files: Map<string, string>): void {
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
}

const freshCache = new Map<string, string[]>();
/** The corpus in a fresh Node process (no Live Update) at one release. */
export function fresh(pkg: string, version: string): string[] {
  const key = `${pkg}@${version}`;
  const cached = freshCache.get(key);
  if (cached) return cached;
  const { dir, main } = programDir(filesOf(pkg, version));
  try {
    const out = execFileSync(testNode(), [main, 'once', JSON.stringify(CORPUS[pkg])], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024 });
    const results = JSON.parse(out) as string[];
    freshCache.set(key, results);
    return results;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The files to save for an update from `before` to `after`, in the order a save of each is made:
 * what a file requires before the file (dependencies are new when their users' definitions run
 * again, as in a fresh start). Files only in `after` are written, not saved (no program runs them
 * yet); files only in `before` stay as they were loaded.
 */
export function savesOf(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = [...after.keys()].filter((f) => /\.[cm]?js$/.test(f) && before.has(f) && before.get(f) !== after.get(f)).sort();
  const requires = (file: string): string[] => {
    const text = after.get(file) ?? '';
    const out: string[] = [];
    for (const m of text.matchAll(/\brequire\s*\(\s*(['"])(\.[^'"]*)\1\s*\)/g)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[2]!));
      const found = [base, `${base}.js`, `${base}/index.js`].find((c) => after.has(c));
      if (found) out.push(found);
    }
    return out;
  };
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string): void => {
    if (state.has(file)) return; // done, or a cycle: the file already on the way comes first
    state.set(file, 'visiting');
    for (const dep of requires(file)) visit(dep);
    state.set(file, 'done');
    if (changed.includes(file)) order.push(file);
  };
  for (const file of changed) visit(file);
  // A manifest the new release changed is saved too, last, as a user's edit of it would be.
  const manifests = [...after.keys()].filter((f) => path.posix.basename(f) === 'package.json' && before.has(f) && before.get(f) !== after.get(f)).sort();
  return [...order, ...manifests];
}

export const pairName = (r: { pkg: string; from: string; to: string }): string => `${r.pkg} ${r.from} → ${r.to}`;

export type Verdict = 'correct' | 'honest' | 'silent';

export interface SaveRecord {
  file: string;
  outcome: UpdateReport['outcome'] | 'none';
  summary?: string;
  /** Warnings and errors the save left on the file (code: message). */
  warnings: string[];
  /** Information and hints it left (code: message). */
  notes: string[];
}

export interface PairResult {
  pkg: string;
  from: string;
  to: string;
  /** Fresh N and fresh N+1 answer the corpus differently. */
  differs: boolean;
  verdict: Verdict;
  /** Every save was reported `applied` (or changed nothing) and left no warning or error. */
  claimedApplied: boolean;
  saves: SaveRecord[];
  /** Why not correct: the calls that differ. */
  failure?: string;
}

/** Loads `from` under the runtime, saves `to` over it through the update engine, and compares. */
export async function livePair(pkg: string, from: string, to: string): Promise<PairResult> {
  const calls = CORPUS[pkg]!;
  const expected = fresh(pkg, to);
  const differs = JSON.stringify(fresh(pkg, from)) !== JSON.stringify(expected);
  const before = filesOf(pkg, from);
  const after = filesOf(pkg, to);
  const { dir, lib, main } = programDir(before);
  let p: InspectedProcess | undefined;
  let engine: UpdateEngine | undefined;
  try {
    p = await InspectedProcess.start(main, { cwd: dir });
    await p.waitForLine(/^ready/);
    const process = p;
    engine = new UpdateEngine(new InspectedPort([{ id: 't', name: pkg, process }]));
    // The new release's files are on disk before the first save: a save that runs a `require`
    // again finds them, as a fresh start would.
    writeFiles(lib, after);
    const saves: SaveRecord[] = [];
    let got: string[];
    try {
      for (const file of savesOf(before, after)) {
        const outcome = await engine.onSave(path.join(lib, file), after.get(file)!, { before: before.get(file)! });
        saves.push(record(file, outcome.report, outcome.diagnostics));
      }
      got = JSON.parse(await p.evaluate<string>(`__corpus(${JSON.stringify(calls)})`)) as string[];
    } catch (e) {
      // The program died (or stopped answering) during a save or the calls: no call answers.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const last = p.stderr().trim().split('\n').filter((l) => !/Debugger|inspector|help, see/.test(l)).slice(-1)[0];
      const exit = p.exitCode === undefined ? '' : ` (exit code ${p.exitCode})`;
      got = calls.map(() => `the program died: ${e instanceof Error ? e.message : String(e)}${exit}${last ? ` (${last.trim()})` : ''}`);
    }
    const claimedApplied = saves.every((s) => (s.outcome === 'applied' || s.outcome === 'no-change' || s.outcome === 'none') && s.warnings.length === 0);
    const wrong = calls.map((c, i) => ({ c, got: got[i], want: expected[i] })).filter((r) => r.got !== r.want);
    const base = { pkg, from, to, differs, claimedApplied, saves };
    if (wrong.length === 0) return { ...base, verdict: 'correct' };
    const shown = wrong.slice(0, 2).map((w) => `${w.c} → ${clip(w.got)} (fresh: ${clip(w.want)})`).join('; ');
    return { ...base, verdict: claimedApplied ? 'silent' : 'honest', failure: `${wrong.length} of ${calls.length} calls differ: ${shown}` };
  } finally {
    engine?.forgetTarget('t');
    await p?.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function record(file: string, report: UpdateReport, diagnostics: LiveDiagnostic[]): SaveRecord {
  const text = (d: LiveDiagnostic): string => `${d.code}: ${d.message}`;
  const warnings = diagnostics.filter((d) => d.severity === 'warning' || d.severity === 'error').map(text);
  const notes = diagnostics.filter((d) => d.severity !== 'warning' && d.severity !== 'error').map(text);
  return { file, outcome: report.outcome, summary: report.summary, warnings, notes };
}

function clip(text: string | undefined): string {
  return text === undefined ? 'undefined' : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export interface LibraryFigure {
  pkg: string;
  pairs: number;
  correct: number;
  honest: number;
  silent: number;
  /** Correct pairs reported partial anyway (the engine could not prove what it did). */
  cautious: number;
}

export interface Figure {
  libraries: LibraryFigure[];
  total: LibraryFigure;
  results: PairResult[];
}

export async function runPairs(pairs: { pkg: string; from: string; to: string }[], concurrency = 2): Promise<Figure> {
  const results: PairResult[] = new Array(pairs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < pairs.length) {
        const i = next++;
        const { pkg, from, to } = pairs[i]!;
        results[i] = await livePair(pkg, from, to);
      }
    }),
  );
  const tally = (pkg: string, of: PairResult[]): LibraryFigure => ({
    pkg,
    pairs: of.length,
    correct: of.filter((r) => r.verdict === 'correct').length,
    honest: of.filter((r) => r.verdict === 'honest').length,
    silent: of.filter((r) => r.verdict === 'silent').length,
    cautious: of.filter((r) => r.verdict === 'correct' && !r.claimedApplied).length,
  });
  const libraries = [...new Set(results.map((r) => r.pkg))].map((pkg) => tally(pkg, results.filter((r) => r.pkg === pkg)));
  return { libraries, total: tally('total', results), results };
}

/** Every consecutive pair of the packages `only` names (all when absent); `name@version` names the one pair from that release. */
export function allPairs(only?: string[]): { pkg: string; from: string; to: string }[] {
  const out: { pkg: string; from: string; to: string }[] = [];
  for (const pkg of packages()) {
    const wanted = only?.filter((o) => o === pkg || o.startsWith(`${pkg}@`));
    if (only && !wanted?.length) continue;
    const versions = releasesOf(pkg);
    for (let i = 0; i + 1 < versions.length; i++) {
      if (wanted?.length && !wanted.some((o) => o === pkg || o === `${pkg}@${versions[i]}`)) continue;
      out.push({ pkg, from: versions[i]!, to: versions[i + 1]! });
    }
  }
  return out;
}

/** The last `n` consecutive pairs of each package. */
export function lastPairs(n: number): { pkg: string; from: string; to: string }[] {
  return packages().flatMap((pkg) => {
    const v = releasesOf(pkg).slice(-(n + 1));
    return v.slice(0, -1).map((from, i) => ({ pkg, from, to: v[i + 1]! }));
  });
}

export const percent = (a: number, b: number): string => (b ? ((100 * a) / b).toFixed(1) : '100.0');

/** The table: per library pairs, correct, honest partial, silent; then the totals and every pair that is not correct. */
export function describeFigure(f: Figure): string {
  const row = (l: LibraryFigure) =>
    `${l.pkg.padEnd(16)} ${String(l.pairs).padStart(5)} ${String(l.correct).padStart(8)} ${String(l.honest).padStart(15)} ${String(l.silent).padStart(7)} ${String(l.cautious).padStart(9)}`;
  const lines = [
    `${'library'.padEnd(16)} ${'pairs'.padStart(5)} ${'correct'.padStart(8)} ${'honest partial'.padStart(15)} ${'silent'.padStart(7)} ${'cautious'.padStart(9)}`,
    ...f.libraries.map(row),
    row(f.total),
    `npm releases: ${f.total.pairs} release pairs of ${f.libraries.length} libraries: ${f.total.correct} correct (${percent(f.total.correct, f.total.pairs)}%), ${f.total.honest} honest partial, ${f.total.silent} silent; ${f.total.cautious} correct pairs were reported partial.`,
  ];
  for (const r of f.results.filter((x) => x.verdict !== 'correct')) {
    const said = r.saves.filter((s) => s.outcome !== 'applied').map((s) => `${s.file}: ${s.outcome}${s.summary ? ` (${clip(s.summary)})` : ''}`);
    const saved = r.saves.map((s) => s.file).join(', ') || 'none';
    lines.push(`  ${r.verdict.toUpperCase()} ${pairName(r)}${r.differs ? '' : ' (same behaviour)'} [saved: ${saved}]: ${r.failure}${said.length ? ` — said: ${said.join('; ')}` : ''}`);
    if (!process.env.LIVE_UPDATE_NPM_DETAILS) continue;
    for (const s of r.saves) for (const w of new Set(s.warnings)) lines.push(`      ${s.file}: ${w}`);
    for (const s of r.saves) for (const n of [...new Set(s.notes)]) lines.push(`      ${s.file} (note): ${clip(n)}`);
  }
  return lines.join('\n');
}
