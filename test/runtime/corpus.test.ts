// A corpus of live updates, one folder per case under test/fixtures/corpus/, each run against a
// real Node process started with the runtime. A case folder holds:
//
//   main.{js,cjs,mjs,ts,cts,mts}
//                  the program's entry (exactly one), next to any other files it uses; it exposes
//                  what the case evaluates on `globalThis.fixture` and stays alive (setInterval).
//   edits.json     the update: [{ "file", "replace", "with" }, …]. `replace` must occur exactly
//                  once; the edits of one file apply in order and make one script of the patch,
//                  several files make one transaction. An edit with `"baseline": true` changes
//                  the text the patch is computed from instead (a stale baseline).
//   expected.json  {
//                    "before": [Check],               evaluated before the update
//                    "pause": { "file", "line" },     paused at a breakpoint there during the update
//                    "ok": true, "scripts": [Script], the report (scripts in edits.json file order)
//                    "after": [Check],                evaluated after the update (after resuming)
//                    "retry": { "before", "ok", "scripts", "after" }   the same patch, once more
//                  }
//     Script: { "file", "outcome", "v8Status"?, "reason"? (a substring),
//               "activations"?: [{ "function", "kind", "line"? }], "staleClosures"?: [{ "function", "count" }] }
//             A field left out must be absent from the report; a list left out must be empty.
//     Check:  { "eval": "fixture.f()", "equals": <JSON> } or { "eval", "throws": "<substring>" };
//             a promise is awaited; with "eventually": true it is polled until it holds.
//   Lines are 1-based, as in an editor.
//
// Every case also checks: no runtime error; an applied script is verified; a refused update left
// every file running exactly what it ran before, an accepted one runs the patch's code; the
// program is still alive at the end.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { hashText, type Patch, type PatchReport, type ScriptReport } from '../../common/patch';
import { eventually } from '../support/eventually';
import { InspectedProcess } from '../support/inspectedProcess';
import { patchOf, scriptPatch } from '../support/patches';
import { fixture } from '../support/paths';

interface Edit {
  file: string;
  replace: string;
  with: string;
  baseline?: boolean;
}
interface Check {
  eval: string;
  equals?: unknown;
  throws?: string;
  eventually?: boolean;
}
interface ScriptExpectation {
  file: string;
  outcome: string;
  v8Status?: string;
  reason?: string;
  activations?: { function: string; kind: string; line?: number }[];
  staleClosures?: { function: string; count: number }[];
}
interface Round {
  before?: Check[];
  ok: boolean;
  scripts: ScriptExpectation[];
  after?: Check[];
}
interface Expected extends Round {
  pause?: { file: string; line: number };
  retry?: Round;
}

const corpusDir = fixture('corpus');
const cases = fs.readdirSync(corpusDir).filter((name) => fs.statSync(path.join(corpusDir, name)).isDirectory()).sort();
const processes = new Set<InspectedProcess>();
after(() => Promise.all([...processes].map((p) => p.kill())));

describe('runtime: update corpus', { concurrency: 2 }, () => {
  for (const name of cases) it(name, () => runCase(path.join(corpusDir, name)));
});

async function runCase(dir: string): Promise<void> {
  const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
  const edits = read<Edit[]>('edits.json');
  const expected = read<Expected>('expected.json');
  const entries = fs.readdirSync(dir).filter((f) => /^main\.([cm]?js|[cm]?ts)$/.test(f));
  assert.equal(entries.length, 1, `${dir} needs exactly one main.* entry`);
  const patch = buildPatch(dir, edits);

  const p = await InspectedProcess.start(path.join(dir, entries[0]!));
  processes.add(p);
  try {
    await eventually('globalThis.fixture', () => p.evaluate<boolean>('typeof globalThis.fixture === "object"'));
    await runChecks(p, expected.before);
    const resume = expected.pause ? await pauseAt(p, path.join(dir, expected.pause.file), expected.pause.line) : undefined;
    await applyAndCompare(p, dir, patch, expected);
    await resume?.();
    await runChecks(p, expected.after);
    if (expected.retry) {
      await runChecks(p, expected.retry.before);
      await applyAndCompare(p, dir, { ...patch, id: `${patch.id}-retry` }, expected.retry);
      await runChecks(p, expected.retry.after);
    }
    assert.equal(p.exitCode, undefined, 'the program is still running');
  } catch (e) {
    if (e instanceof Error) e.message += `\nprogram stderr: ${p.stderr().slice(-2000)}`;
    throw e;
  } finally {
    processes.delete(p);
    await p.kill();
  }
}

/** One script per file, in the order files first appear in the edits. */
function buildPatch(dir: string, edits: Edit[]): Patch {
  const files = [...new Set(edits.map((e) => e.file))];
  return patchOf(
    ...files.map((file) => {
      const full = path.join(dir, file);
      const replaceAll = (text: string, list: Edit[]) => list.reduce((t, e) => replaceUnique(t, e, file), text);
      const base = replaceAll(fs.readFileSync(full, 'utf8'), edits.filter((e) => e.file === file && e.baseline));
      return scriptPatch(full, (text) => replaceAll(text, edits.filter((e) => e.file === file && !e.baseline)), base);
    }),
  );
}

function replaceUnique(text: string, edit: Edit, file: string): string {
  const at = text.indexOf(edit.replace);
  if (at < 0 || text.indexOf(edit.replace, at + 1) >= 0) throw new Error(`${file}: "${edit.replace}" must occur exactly once`);
  return text.slice(0, at) + edit.with + text.slice(at + edit.replace.length);
}

async function applyAndCompare(p: InspectedProcess, dir: string, patch: Patch, expected: Round): Promise<void> {
  const hashesBefore = await Promise.all(patch.scripts.map(async (s) => (await p.scriptState({ file: s.file })).hash));
  const report: PatchReport = await p.apply(patch);
  const json = `\nreport: ${JSON.stringify(report, null, 1)}`;
  assert.equal(report.error, undefined, json);
  assert.equal(report.ok, expected.ok, `ok${json}`);
  assert.deepEqual(report.scripts.map((s) => project(s, dir)), expected.scripts.map(normalize), `scripts${json}`);
  for (const [i, s] of report.scripts.entries()) {
    const want = expected.scripts[i]!;
    if (want.reason !== undefined) assert.ok(s.reason?.includes(want.reason), `reason of ${want.file} includes "${want.reason}"${json}`);
    if (s.outcome === 'applied') assert.equal(s.verified, true, `${want.file} verified${json}`);
    for (const a of s.activations ?? []) if (a.file !== undefined) assert.equal(a.file, s.file, `activation file${json}`);
  }
  for (const [i, script] of patch.scripts.entries()) {
    const now = (await p.scriptState({ file: script.file })).hash;
    const applied = report.scripts[i]?.outcome === 'applied';
    assert.equal(now, applied ? hashText(script.code) : hashesBefore[i], `${path.relative(dir, script.file)} runs ${applied ? 'the patch' : 'what it ran before'}${json}`);
  }
}

function project(s: ScriptReport, dir: string): ScriptExpectation {
  return normalize({
    file: path.relative(dir, s.file),
    outcome: s.outcome,
    v8Status: s.v8Status,
    activations: s.activations?.map((a) => ({ function: a.function, kind: a.kind, line: a.line === undefined ? undefined : a.line + 1 })),
    staleClosures: s.staleClosures?.map(({ function: fn, count }) => ({ function: fn, count })),
  });
}

/** The comparable part of a script's expectation: no reason, no undefined fields, lists present. */
function normalize(s: ScriptExpectation): ScriptExpectation {
  const drop = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return drop({
    file: s.file,
    outcome: s.outcome,
    v8Status: s.v8Status,
    activations: (s.activations ?? []).map(drop),
    staleClosures: s.staleClosures ?? [],
  });
}

async function runChecks(p: InspectedProcess, checks: Check[] = []): Promise<void> {
  for (const check of checks) {
    const probe = async (): Promise<true> => {
      const result = await p.send('Runtime.evaluate', { expression: check.eval, returnByValue: true, awaitPromise: true });
      const error: string | undefined = result.exceptionDetails ? (result.exceptionDetails.exception?.description ?? result.exceptionDetails.text) : undefined;
      const holds = check.throws !== undefined ? !!error?.includes(check.throws) : !error && isDeepStrictEqual(result.result.value, check.equals);
      if (!holds) {
        const wanted = check.throws !== undefined ? `to throw "${check.throws}"` : `to equal ${JSON.stringify(check.equals)}`;
        throw new Error(`${check.eval} ${wanted}, got ${error ? `error ${error.split('\n')[0]}` : JSON.stringify(result.result.value)}`);
      }
      return true;
    };
    if (check.eventually) await eventually(check.eval, probe);
    else await probe();
  }
}

/** Pauses the program at a breakpoint on `line` (1-based) of `file`; returns how to resume. */
async function pauseAt(p: InspectedProcess, file: string, line: number): Promise<() => Promise<void>> {
  let paused: { callFrames: { location: { lineNumber: number } }[] } | undefined;
  p.on('Debugger.paused', (params) => (paused = params));
  await p.send('Debugger.enable');
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const urlRegex = `^(${escape(pathToFileURL(file).href)}|${escape(file)})$`;
  const { breakpointId } = await p.send('Debugger.setBreakpointByUrl', { lineNumber: line - 1, urlRegex });
  await eventually(`a pause at ${path.basename(file)}:${line}`, () => paused);
  assert.equal(paused!.callFrames[0]!.location.lineNumber, line - 1, 'paused on the breakpoint line');
  return async () => {
    await p.send('Debugger.removeBreakpoint', { breakpointId });
    await p.resume();
  };
}
