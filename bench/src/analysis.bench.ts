// The analysis benchmark: how long the server takes, from a saved text, to know what changed in a
// one-function edit — the saved file's running text (types blanked) and its comparison with the
// baseline the server keeps — exactly as the update engine does it (core/savedText +
// analysis/compareSaved). Cases: a generated 5,000-line file (JavaScript and TypeScript) and one
// module of the generated 200-module project. Target (issue 4): median ≤ 20 ms.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compareSaved } from '../../server/src/analysis/compareSaved';
import { collectFunctions, type FileFunctions } from '../../server/src/analysis/functions';
import { runningTextOf } from '../../server/src/core/savedText';
import { editFunction, generateProject } from './generateProject';
import { summarize, type Summary } from './stats';

export const ANALYSIS_TARGET_MS = 20;

export interface AnalysisCaseResult {
  case: string;
  description: string;
  runs: number;
  targetMs: number;
  analysisMs: Summary;
  /** How many saves took the incremental path (one function reparsed). */
  incremental: number;
  /** The same saves analysed by parsing the whole saved file (what the incremental path avoids). */
  fullParseMs: Summary;
}

export const ANALYSIS_CASES = ['analysis 5,000-line .js', 'analysis 5,000-line .ts', 'analysis 200-module project'];

export function runAnalysisCase(name: string, dir: string, runs: number, log: (line: string) => void): AnalysisCaseResult {
  const { file, text, edit, description } = makeCase(name, dir);
  log(`${name}: ${description}`);
  const saved0 = runningTextOf(file, text);
  if (!saved0.ok) throw new Error(`the generated ${file} does not parse`);
  // The server keeps each target's baseline parsed (it parses it once, when the runtime sends it).
  let baselineText = saved0.code;
  let baseline: FileFunctions = collectFunctions(file, baselineText);
  const times: number[] = [];
  const full: number[] = [];
  let incremental = 0;
  let current = text;
  // The engine also keeps the previous save's running text: TypeScript is then blanked per function.
  let previous = { source: text, running: saved0.code, functions: baseline };
  // A few unmeasured saves first: the first calls of a code path include V8 compiling it.
  for (let run = -3; run < runs; run++) {
    const next = edit(current, run + 10);
    const t0 = performance.now();
    const saved = runningTextOf(file, next, previous);
    if (!saved.ok) throw new Error(`run ${run}: the edit does not parse`);
    const analysis = compareSaved(file, baseline, baselineText, saved.code);
    const t1 = performance.now();
    if (analysis.changes.changed.length !== 1) throw new Error(`run ${run}: ${analysis.changes.changed.length} functions changed, not 1`);
    const t2 = performance.now();
    collectFunctions(file, saved.code);
    const t3 = performance.now();
    if (run >= 0) {
      times.push(t1 - t0);
      full.push(t3 - t2);
      if (analysis.incremental) incremental++;
      log(`  run ${run + 1}/${runs}: ${(t1 - t0).toFixed(2)} ms (${analysis.incremental ? 'incremental' : 'whole file'}); whole-file parse alone ${(t3 - t2).toFixed(1)} ms`);
    }
    baseline = analysis.after();
    baselineText = saved.code;
    current = next;
    previous = { source: next, running: saved.code, functions: baseline };
  }
  return { case: name, description, runs, targetMs: ANALYSIS_TARGET_MS, analysisMs: summarize(times), incremental, fullParseMs: summarize(full) };
}

function makeCase(name: string, dir: string): { file: string; text: string; edit: (text: string, n: number) => string; description: string } {
  if (name.includes('200-module')) {
    const project = generateProject(path.join(dir, 'analysis-project'));
    const i = 100;
    const file = project.files[i]!;
    return {
      file,
      text: project.texts.get(file)!,
      edit: (text, n) => editFunction(text, i, n % 3, 1_000 + n),
      description: `one module (${project.texts.get(file)!.split('\n').length} lines) of a generated ${project.files.length}-module, ${project.lines}-line TypeScript project`,
    };
  }
  const ts = name.endsWith('.ts');
  const file = path.join(dir, ts ? 'big.ts' : 'big.js');
  const text = bigFile(ts);
  fs.writeFileSync(file, text);
  return {
    file,
    text,
    // Each save edits a different function's body.
    edit: (current, n) => current.replace(new RegExp(`(function f${(n * 37) % 250}\\(a${ts ? ': number' : ''}, b${ts ? ': number' : ''}\\)[^{]*\\{\\n  const x = a \\+ b \\* )\\d+;`), `$1${n * 1000};`),
    description: `a generated ${text.split('\n').length}-line ${ts ? 'TypeScript' : 'CommonJS'} file of 250 functions`,
  };
}

function bigFile(ts: boolean): string {
  const t = (type: string) => (ts ? `: ${type}` : '');
  const lines = ["'use strict';", `let count${t('number')} = 0;`, 'const TABLE = { a: 1 };'];
  for (let i = 0; i < 250; i++) {
    lines.push(`function f${i}(a${t('number')}, b${t('number')})${t('number')} {`, `  const x = a + b * ${i};`);
    for (let j = 0; j < 16; j++) lines.push(`  if (x > ${j}) count += TABLE.a + ${j};`);
    lines.push('  return x;', '}');
  }
  lines.push('module.exports = { f0, f1 };', '');
  return lines.join('\n');
}
