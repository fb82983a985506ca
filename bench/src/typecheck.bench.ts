// The type-check benchmark: how long the server's gate takes to say which type errors a
// one-function edit introduces, in a generated 200-module (~50,000-line) TypeScript project,
// once the project is open (the target: ≤ 100 ms for analysis + incremental check).
//
// The project is opened as the server would (each module handed to the gate), a first check pays
// for the cold start (lib files parsed, first program), then each run edits one function of a
// different module twice, as a user saving twice:
//   - first save of that module: the gate has no state for it yet, so it also builds the program
//     with the previous text to know the errors that already existed;
//   - next save: the previous text is the one the first save made current (`accept`), whose
//     errors the gate remembers, so only the new text is checked;
//   - signature save: an optional parameter more, so what importers see changed and the gate
//     checks them too (a body edit checks no importer).
// Analysis is what the server's engine does with a save (running text, then compareSaved).
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compareSaved } from '../../server/src/analysis/compareSaved';
import { collectFunctions } from '../../server/src/analysis/functions';
import { runningTextOf } from '../../server/src/core/savedText';
import { TypeGate } from '../../server/src/typecheck/typeGate';
import { editFunction, editSignature, generateProject, moduleName } from './generateProject';
import { summarize, type Summary } from './stats';

export interface TypecheckSample {
  module: string;
  save: 'first' | 'next' | 'signature';
  analysisMs: number;
  checkMs: number;
  /** Callers checked with the edited module (its importers). */
  callers: number;
}

export interface TypecheckCaseResult {
  case: string;
  description: string;
  modules: number;
  lines: number;
  targetMs: number;
  runs: number;
  /** Handing every module to the gate (no type checking happens there). */
  openMs: number;
  /** The first check: lib files parsed, first program and checker built. */
  firstCheckMs: number;
  samples: TypecheckSample[];
  figures: {
    firstSave: { checkMs: Summary; analysisPlusCheckMs: Summary };
    nextSave: { checkMs: Summary; analysisPlusCheckMs: Summary };
    signatureSave: { checkMs: Summary; analysisPlusCheckMs: Summary };
  };
}

export const TYPECHECK_TARGET_MS = 100;

export function runTypecheckCase(name: string, dir: string, runs: number, log: (line: string) => void): TypecheckCaseResult {
  const project = generateProject(path.join(dir, 'typecheck-project'));
  log(`${name}: ${project.files.length} modules, ${project.lines} lines in ${project.root}`);
  const gate = new TypeGate();

  let started = performance.now();
  for (const file of project.files) gate.didOpen(file, project.texts.get(file)!);
  const openMs = performance.now() - started;

  // The cold start, on a module that is not edited later.
  const coldFile = project.files[0]!;
  started = performance.now();
  const cold = gate.check(coldFile, project.texts.get(coldFile)!);
  const firstCheckMs = performance.now() - started;
  if (cold.introduced.length) throw new Error(`the generated project does not type-check: ${JSON.stringify(cold.introduced.slice(0, 3))}`);
  log(`  opened in ${openMs.toFixed(0)} ms; first check (cold) ${firstCheckMs.toFixed(0)} ms`);

  const samples: TypecheckSample[] = [];
  const count = project.files.length;
  for (let run = 0; run < runs; run++) {
    // Modules spread over the project, each imported by at least one later module.
    const i = Math.floor(((run + 1) * count) / (runs + 2));
    const file = project.files[i]!;
    let current = project.texts.get(file)!;
    // The server's baseline for the module: what the program runs, parsed once.
    let running = (runningTextOf(file, current) as { code: string }).code;
    let baseline = collectFunctions(file, running);
    for (const save of ['first', 'next', 'signature'] as const) {
      const next =
        save === 'signature' ? editSignature(current, i, run % 3, `extra${run}`) : editFunction(current, i, run % 3, 1_000_000 + run * 10 + (save === 'first' ? 1 : 2));
      const t0 = performance.now();
      const saved = runningTextOf(file, next);
      if (!saved.ok) throw new Error(`run ${run + 1}: the edit does not parse`);
      const analysis = compareSaved(file, baseline, running, saved.code);
      const changes = analysis.changes;
      const t1 = performance.now();
      baseline = analysis.after();
      running = saved.code;
      const result = gate.check(file, next);
      const t2 = performance.now();
      if (changes.changed.length !== 1) throw new Error(`run ${run + 1}: the analysis found ${changes.changed.length} changed functions, not 1`);
      if (result.introduced.length) throw new Error(`run ${run + 1}: the edit introduced errors: ${JSON.stringify(result.introduced.slice(0, 3))}`);
      if (!result.comparedWithPrevious) throw new Error(`run ${run + 1}: the gate had no previous text`);
      if (result.exportsChanged !== (save === 'signature')) throw new Error(`run ${run + 1}: ${save} save, yet exportsChanged is ${result.exportsChanged}`);
      if (save === 'signature' && result.callers.length === 0) throw new Error(`run ${run + 1}: ${moduleName(i)} has no importer to check`);
      gate.accept(file, next);
      current = next;
      const sample: TypecheckSample = { module: moduleName(i), save, analysisMs: t1 - t0, checkMs: t2 - t1, callers: result.callers.length };
      samples.push(sample);
      log(`  run ${run + 1}/${runs} ${sample.module} ${save} save: analysis ${sample.analysisMs.toFixed(2)} ms, check ${sample.checkMs.toFixed(1)} ms (${sample.callers} callers)`);
    }
  }

  const figures = (save: TypecheckSample['save']) => {
    const of = samples.filter((s) => s.save === save);
    return { checkMs: summarize(of.map((s) => s.checkMs)), analysisPlusCheckMs: summarize(of.map((s) => s.analysisMs + s.checkMs)) };
  };
  return {
    case: name,
    description: `generated TypeScript project, ${project.files.length} modules, ${project.lines} lines`,
    modules: project.files.length,
    lines: project.lines,
    targetMs: TYPECHECK_TARGET_MS,
    runs,
    openMs,
    firstCheckMs,
    samples,
    figures: { firstSave: figures('first'), nextSave: figures('next'), signatureSave: figures('signature') },
  };
}
