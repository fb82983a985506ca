// Golden tests of the language server's change analysis and diagnostics, over real LSP against
// real programs. One folder per case under test/fixtures/lsp-cases/; for each case a debuggee runs
// the case's program with the runtime, a language server (dist/server/main.js over stdio) gets it
// as its one target, the saves are sent one after another, and what the server answers is
// compared with the case's golden file.
//
//   node --test dist/test/server/goldens.test.js
//       compares: every case must produce exactly its expected.json.
//   LIVE_UPDATE_UPDATE_GOLDENS=1 node --test dist/test/server/goldens.test.js
//       regenerates: rewrites every expected.json from what the server produces now (checks.json
//       is still enforced). Review the diff of the expected.json files before committing them.
//   LIVE_UPDATE_GOLDENS=<substring> narrows either mode to the cases whose folder name contains it.
//
// A case folder holds:
//
//   main.{js,cjs,mjs,ts,cts,mts}
//                  the program's entry (exactly one), next to any other files it uses (or, for a
//                  tsc-built case, tsconfig.json + src/ + out/main.js that tsc built). It stays
//                  alive (a timer), exposes what the checks evaluate on `globalThis.fixture`, and
//                  prints a line `ready` once it has loaded everything the case edits.
//   saves.json     [{ "file": "main.js", "replace": "…", "with": "…" }, …]: one save per entry,
//                  in order. Edits apply cumulatively to the in-memory text of their file (which
//                  starts as the file on disk, or empty when there is none; the disk is never
//                  written); `replace` must occur exactly once in the current text. The save
//                  carries the whole text. Optional fields:
//                    "uri": "untitled:…"   saves that URI instead of a file of the case (the text
//                                          starts empty; `file` is then only the record's name);
//                    "quick": true         sent right after the previous save, without waiting
//                                          for the server to finish it: the saves of such a group
//                                          are recorded as one entry (see expected.json);
//                    "with" may be generated: a string, { "repeat": "…", "times": N }, or an array
//                                          of these, concatenated (a 10 MB save is a few bytes).
//   generated.json optional: [{ "file": "<path in the case>", "text": <as "with">, "encoding"? }]: files made at
//                  run time, for names or sizes that do not belong in git (quotes, newlines, a
//                  `<` folder, 10 MB). Such a case runs in a temporary copy of its folder.
//   checks.json    optional, hand-written: [{ "eval": "fixture.f()", "equals": <JSON>, "note"? }, …],
//                  evaluated in the program after the last save and polled until each holds (5 s),
//                  so the case proves the program really runs (or really does not run) the new
//                  code. They state what the program does today; a `note` says why, and starts
//                  with FINDING where that contradicts what the server reported.
//                  A check { "runs": "main.js", "is": "saved" | "original" | "either", "note"? }
//                  asks the runtime for the file's running text (`scriptState`) and requires its
//                  hash to equal the running text of the last save of that file, of the file as
//                  the program loaded it, or one of the two: never a mix of versions.
//   expected.json  the golden, written by the regeneration mode:
//                  { "saves": [{ "file",
//                                "update": null | { "outcome", "functions", "summary",
//                                                   "targets": [{ "outcome", "reason"?, "scripts"? }] },
//                                "patch"?: [{ "function", "closureRisk"? }],
//                                "diagnostics": { "<file>": [Diagnostic] } }] }
//                  A group of quick saves is one entry: its last save's `file`, `"quick": N` (the
//                  saves in the group) and `updates` (every DidUpdate of the group, in order)
//                  instead of `update`; `patch` and `diagnostics` as above, over the whole group.
//                  `update` is the DidUpdate of that save (null when the server sent none),
//                  `patch` the functions of the patch the server sent (absent when it sent none),
//                  `diagnostics` the last publication per file during that save (a file the
//                  server published nothing for is absent). Diagnostic: { "code", "severity",
//                  "range": "line:col-line:col" (1-based), "message", "relatedInformation"? }.
//                  Files are relative to the case folder; durations in summaries read `N ms`.
//
// After each save the test waits until the server is idle (LanguageServerClient.settle), so a save
// that makes the server send nothing is recorded as such, not as a timeout.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { hashText } from '../../common/patch';
import type { UpdateReport } from '../../common/protocol';
import { toRunningText } from '../../common/runningText';
import { serverCompilers } from '../../server/src/core/savedText';
import { planDeclarations } from '../../server/src/analysis/declarations';
import { collectFunctions } from '../../server/src/analysis/functions';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { LanguageServerClient } from '../support/languageServer';
import { fixture } from '../support/paths';

/** Text in a case's JSON: made at run time when large (a string, a repetition, or a concatenation). */
type Generated = string | { repeat: string; times: number } | Generated[];
const generate = (g: Generated): string => (typeof g === 'string' ? g : Array.isArray(g) ? g.map(generate).join('') : g.repeat.repeat(g.times));
interface Save {
  file: string;
  uri?: string;
  replace: string;
  with: Generated;
  quick?: boolean;
}
type Check =
  | {
      eval: string;
      equals: unknown;
      /** Why the program does (or does not) run the new code here; shown when the check fails. */
      note?: string;
    }
  | { runs: string; is: 'saved' | 'original' | 'either'; note?: string };
interface RecordedDiagnostic {
  code: string | number | undefined;
  severity: string;
  range: string;
  message: string;
  relatedInformation?: { location: string; message: string }[];
}
interface RecordedSave {
  file: string;
  quick?: number;
  updates?: RecordedUpdate[];
  update?: RecordedUpdate;
  patch?: { function: string; closureRisk?: string }[];
  diagnostics: Record<string, RecordedDiagnostic[]>;
}
type RecordedUpdate = null | {
    outcome: UpdateReport['outcome'];
    functions: string[];
    summary: string;
    targets: { outcome: string; reason?: string; scripts?: unknown[] }[];
  };
interface Golden {
  saves: RecordedSave[];
}

const regenerate = process.env.LIVE_UPDATE_UPDATE_GOLDENS === '1';
const only = process.env.LIVE_UPDATE_GOLDENS;
const casesDir = fixture('lsp-cases');
const cases = fs
  .readdirSync(casesDir)
  .filter((name) => fs.statSync(path.join(casesDir, name)).isDirectory() && (!only || name.includes(only)))
  .sort();
const TARGET = { id: 'target-1', name: 'main [goldens]' };
/** How long one request of the server may take to answer: a 10 MB apply takes 10–30 s on a busy machine. */
const SETTLE_MS = 60_000;
const cleanups = new Set<() => Promise<void>>();
after(() => Promise.all([...cleanups].map((c) => c())));

describe(`language server goldens (${regenerate ? 'regenerating' : 'comparing'})`, { concurrency: Number(process.env.LIVE_UPDATE_GOLDENS_CONCURRENCY) || 2 }, () => {
  for (const name of cases) it(name, { timeout: 120_000 }, () => runCase(path.join(casesDir, name)));
});

async function runCase(caseDir: string): Promise<void> {
  const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(caseDir, file), 'utf8')) as T;
  const saves = read<Save[]>('saves.json');
  const checks = fs.existsSync(path.join(caseDir, 'checks.json')) ? read<Check[]>('checks.json') : [];
  // A case with generated files runs in a temporary copy of its folder, with those files written.
  const generatedFiles = fs.existsSync(path.join(caseDir, 'generated.json')) ? read<{ file: string; text: Generated; encoding?: BufferEncoding }[]>('generated.json') : [];
  const dir = generatedFiles.length ? fs.mkdtempSync(path.join(os.tmpdir(), `lu-golden-${path.basename(caseDir)}-`)) : caseDir;
  if (dir !== caseDir) {
    fs.cpSync(caseDir, dir, { recursive: true });
    for (const g of generatedFiles) {
      fs.mkdirSync(path.dirname(path.join(dir, g.file)), { recursive: true });
      fs.writeFileSync(path.join(dir, g.file), generate(g.text), g.encoding ?? 'utf8');
    }
  }
  const entries = fs.readdirSync(dir).filter((f) => /^main\.([cm]?js|[cm]?ts)$/.test(f));
  // A tsc-built case runs what tsc built from src/ into out/ (both committed), and saves src/ files.
  if (entries.length === 0 && fs.existsSync(path.join(dir, 'out', 'main.js'))) entries.push(path.join('out', 'main.js'));
  assert.equal(entries.length, 1, `${dir} needs exactly one main.* entry (or out/main.js built by tsc)`);
  assert.ok(saves.length > 0, 'saves.json lists at least one save');

  // The server's start (a 14 MB bundle) is most of a case's time: it overlaps the program's.
  const server = LanguageServerClient.start().then(({ client }) => client);
  const program = InspectedProcess.start(path.join(dir, entries[0]!), { cwd: dir });
  const stop = async (): Promise<void> => {
    await Promise.allSettled([server.then((c) => c.stop()), program.then((p) => p.kill())]);
    if (dir !== caseDir) fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.add(stop);
  let debuggee: InspectedProcess | undefined;
  let client: LanguageServerClient | undefined;
  try {
    debuggee = await program;
    await debuggee.waitForLine(/^ready$/);
    client = await server;
    await client.setTargets([{ ...TARGET, process: debuggee }]);
    await client.settle();

    const texts = new Map<string, string>();
    /** Every saved text of each file, in order. */
    const history = new Map<string, string[]>();
    const recorded: RecordedSave[] = [];
    for (let i = 0; i < saves.length; ) {
      // A group: this save and the quick ones right after it, sent back to back.
      let end = i + 1;
      while (end < saves.length && saves[end]!.quick) end++;
      const group = saves.slice(i, end);
      i = end;
      const marks = { updates: client.updates.length, diagnostics: client.diagnostics.length, applies: client.applyRequests.length };
      let full = '';
      for (const save of group) {
        full = save.uri ?? path.join(dir, save.file);
        const text = replaceUnique(texts.get(full) ?? (save.uri || !fs.existsSync(full) ? '' : fs.readFileSync(full, 'utf8')), save);
        texts.set(full, text);
        history.set(full, [...(history.get(full) ?? []), text]);
        await (save.uri ? client.saveUri(save.uri, text) : client.save(full, text));
      }
      await client.settle(SETTLE_MS);
      const updates = client.updates.slice(marks.updates);
      assert.ok(updates.length <= group.length, `one save, at most one DidUpdate: ${JSON.stringify(updates)}`);
      const file = group.at(-1)!.file;
      const projected = updates.map((u) => projectUpdate(u, dir, full));
      recorded.push({
        file,
        ...(group.length > 1 ? { quick: group.length, updates: projected } : { update: projected[0] ?? null }),
        ...projectPatch(client.applyRequests.slice(marks.applies).map((r) => r.patch)),
        diagnostics: projectDiagnostics(client.diagnostics.slice(marks.diagnostics), dir),
      });
    }

    const golden: Golden = { saves: recorded };
    const expectedFile = path.join(caseDir, 'expected.json');
    if (regenerate) fs.writeFileSync(expectedFile, `${JSON.stringify(golden, null, 2)}\n`);
    else {
      assert.ok(fs.existsSync(expectedFile), `${expectedFile} is missing: run with LIVE_UPDATE_UPDATE_GOLDENS=1 and review it`);
      assert.deepEqual(golden, read<Golden>('expected.json'), `${path.basename(caseDir)}: the server's answers differ from expected.json`);
    }

    for (const check of checks) {
      if ('runs' in check) await runningTextCheck(debuggee, dir, check, history);
      else await runCheck(debuggee, check);
    }
    assert.equal(debuggee.exitCode, undefined, 'the program is still running');
  } catch (e) {
    if (e instanceof Error) e.message += `\nprogram stderr: ${debuggee?.stderr().slice(-2000)}${client ? `\nserver: ${client.describe()}` : ''}`;
    throw e;
  } finally {
    await stop();
    cleanups.delete(stop);
  }
}

function replaceUnique(text: string, save: Save): string {
  if (save.replace === '' && text === '') return generate(save.with); // a file that starts empty
  const at = text.indexOf(save.replace);
  if (at < 0 || text.indexOf(save.replace, at + 1) >= 0) throw new Error(`${save.file}: "${save.replace}" must occur exactly once`);
  return text.slice(0, at) + generate(save.with) + text.slice(at + save.replace.length);
}

const relative = (dir: string, file: string): string => path.relative(dir, file).split(path.sep).join('/');
const withoutUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function projectUpdate(report: UpdateReport, dir: string, saved: string): NonNullable<RecordedUpdate> {
  assert.equal(report.file, saved.startsWith('file:') ? fileURLToPath(saved) : saved, 'the report names the saved file');
  return {
    outcome: report.outcome,
    functions: report.functions,
    summary: report.summary.replace(/\d+ ms\b/g, 'N ms'),
    targets: report.targets.map((t) => {
      assert.equal(t.targetId, TARGET.id);
      return withoutUndefined({
        outcome: t.outcome,
        reason: t.reason,
        scripts: t.report?.scripts.map((s) =>
          withoutUndefined({
            file: relative(dir, s.file),
            outcome: s.outcome,
            v8Status: s.v8Status,
            reason: s.reason,
            activations: s.activations?.map((a) => withoutUndefined({ function: a.function, kind: a.kind, line: a.line === undefined ? undefined : a.line + 1 })),
            staleClosures: s.staleClosures?.map((c) => ({ function: c.function, count: c.count })),
          }),
        ),
      });
    }),
  };
}

function projectPatch(patches: { scripts: { functions: { name: string; closureRisk?: string }[] }[] }[]): Pick<RecordedSave, 'patch'> {
  if (patches.length === 0) return {};
  // A save whose cached baseline turned out stale sends a second patch; that one is the answer.
  const last = patches.at(-1)!;
  return { patch: last.scripts.flatMap((s) => s.functions.map((f) => withoutUndefined({ function: f.name, closureRisk: f.closureRisk }))) };
}

const severityNames = ['', 'error', 'warning', 'information', 'hint'];
const range = (r: { start: { line: number; character: number }; end: { line: number; character: number } }): string =>
  `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;

function projectDiagnostics(publications: PublishDiagnosticsParams[], dir: string): Record<string, RecordedDiagnostic[]> {
  const byFile: Record<string, RecordedDiagnostic[]> = {};
  for (const { uri, diagnostics } of publications) {
    byFile[relative(dir, fileURLToPath(uri))] = diagnostics.map((d) =>
      withoutUndefined({
        code: d.code,
        severity: severityNames[d.severity ?? 0] ?? String(d.severity),
        range: range(d.range),
        message: d.message,
        relatedInformation: d.relatedInformation?.map((r) => ({
          location: `${relative(dir, fileURLToPath(r.location.uri))}:${range(r.location.range)}`,
          message: r.message,
        })),
      }),
    );
  }
  return Object.fromEntries(Object.entries(byFile).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The running text of `check.runs` is one whole version of the file: the last save, the file as
 * the program loaded it, or (`either`) one of these or an earlier save; polled like `runCheck`.
 */
async function runningTextCheck(debuggee: InspectedProcess, dir: string, check: Extract<Check, { runs: string }>, history: Map<string, string[]>): Promise<void> {
  const file = path.join(dir, check.runs);
  const hashOf = (text: string): string | undefined => {
    try {
      return hashText(toRunningText(text, file, serverCompilers).code);
    } catch {
      return undefined; // a save that does not parse has no running text
    }
  };
  const saves = history.get(file) ?? assert.fail(`${check.runs} was never saved`);
  const original = fs.readFileSync(file, 'utf8');
  // A save that adds or removes top-level declarations runs as the text that keeps the running
  // layout (server/src/analysis/declarations.ts): that is the save, as the program runs it.
  const asRun = (before: string, after: string): string | undefined => {
    try {
      const [from, to] = [toRunningText(before, file, serverCompilers).code, toRunningText(after, file, serverCompilers).code];
      const plan = planDeclarations(pathToFileURL(file).href, collectFunctions(file, from), to, collectFunctions(file, to), { blankNew: true });
      return plan && 'code' in plan ? hashText(plan.code) : undefined;
    } catch {
      return undefined;
    }
  };
  const savedAsRun = asRun(saves.at(-2) ?? original, saves.at(-1)!);
  const versions = { original: hashOf(original), saved: hashOf(saves.at(-1)!) };
  const accepted = check.is === 'either' ? [versions.original, ...saves.map(hashOf), savedAsRun] : check.is === 'saved' ? [versions.saved, savedAsRun] : [versions[check.is]];
  let named = '';
  try {
    await eventually(`${check.runs} to run ${check.is}`, async () => {
      const state = await debuggee.scriptState({ file });
      named = !state.loaded ? 'nothing (not loaded)' : state.hash === versions.saved || state.hash === savedAsRun ? 'the last save' : state.hash === versions.original ? 'the original' : saves.map(hashOf).includes(state.hash) ? 'an earlier save' : 'no version (a mix?)';
      return state.loaded && accepted.includes(state.hash);
    }, 5_000);
  } catch {
    assert.fail(`${check.runs} should run ${check.is}, runs ${named}${check.note ? ` (note: ${check.note})` : ''}`);
  }
}

async function runCheck(debuggee: InspectedProcess, check: Extract<Check, { eval: string }>): Promise<void> {
  let last = '';
  try {
    await eventually(
      `${check.eval} to equal ${JSON.stringify(check.equals)}`,
      async () => {
        const result = await debuggee.send('Runtime.evaluate', { expression: check.eval, returnByValue: true, awaitPromise: true });
        if (result.exceptionDetails) last = `error ${(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text).split('\n')[0]}`;
        else last = JSON.stringify(result.result.value);
        return !result.exceptionDetails && isDeepStrictEqual(result.result.value, check.equals);
      },
      5_000,
    );
  } catch {
    assert.fail(`check ${check.eval}: expected ${JSON.stringify(check.equals)}, got ${last}${check.note ? ` (note: ${check.note})` : ''}`);
  }
}
