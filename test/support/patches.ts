// Builds patches the way the language server does (same analysis core, same running text), for
// runtime-level tests.
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { PATCH_FORMAT_VERSION, hashText, type Patch, type ScriptPatch } from '../../common/patch';
import { moduleFormat } from '../../common/runningText';
import { compareCollected, patchFunctions } from '../../server/src/analysis/changes';
import { planDeclarations } from '../../server/src/analysis/declarations';
import { definitionSteps } from '../../server/src/analysis/definitionSteps';
import { collectFunctions } from '../../server/src/analysis/functions';
import { withGapRisk } from '../../server/src/analysis/gaps';
import { planLiveEdit, withPredictedRisk } from '../../server/src/analysis/liveEditOrder';
import { remadeFunctionSteps } from '../../server/src/analysis/remadeFunctions';
import { spliceFunctions } from '../../server/src/analysis/splice';
import { runningTextOf } from '../../server/src/core/savedText';
import { orderedSteps, stateSteps } from '../../server/src/core/stateUpdates';

let counter = 0;

function running(file: string, source: string): { code: string; hash: string } {
  const saved = runningTextOf(file, source);
  if (!saved.ok) throw new Error(`${file} does not parse: ${saved.syntaxErrors[0]?.message}`);
  return saved;
}

/**
 * A patch of `file` from `before` (what runs; by default the file on disk) to `edit(before)`: the
 * whole new running text and its changed functions, nothing else (what the runtime alone makes of
 * a text; the update corpus checks V8's own refusals with it).
 */
export function scriptPatch(file: string, edit: (before: string) => string, before = fs.readFileSync(file, 'utf8')): ScriptPatch {
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  const from = running(file, before);
  const to = runningTextOf(file, after);
  // A new text that does not parse still makes a patch: the runtime must refuse it by itself.
  const code = to.ok ? to.code : after;
  return { file, baseHash: from.hash, code, functions: patchFunctions(compareCollected(collectFunctions(file, from.code), collectFunctions(file, code))) };
}

export function patchOf(...scripts: ScriptPatch[]): Patch {
  return { format: PATCH_FORMAT_VERSION, id: `t${++counter}`, scripts };
}

export function replaceOnce(search: string, replacement: string): (text: string) => string {
  return (text) => {
    if (!text.includes(search)) throw new Error(`"${search}" not found`);
    return text.replace(search, replacement);
  };
}

/**
 * What the update engine does with a save, short of talking to a program: the patch it sends, or
 * why it holds the update (the analysis's holds: a syntax error, a name removed but still read, a
 * kind change V8 would not carry out, a statement mixing new and existing top-level names).
 */
export function serverUpdate(file: string, before: string, after: string): { patch: ScriptPatch } | { held: string } {
  const to = runningTextOf(file, after);
  if (!to.ok) return { held: `syntax error: ${to.syntaxErrors[0]?.message}` };
  const changes = compareCollected(collectFunctions(file, running(file, before).code), collectFunctions(file, to.code));
  if (changes.dangling.length) return { held: `\`${changes.dangling[0]!.name}\` was removed but is still used (LU010)` };
  const kindOnly = changes.changed.find((c) => c.kindOnly);
  if (kindOnly) return { held: `V8 cannot change the kind of \`${kindOnly.after.displayName}\` alone (LU012)` };
  const patch = enginePatch(file, before, after);
  return 'refused' in patch ? { held: `a new top-level declaration ${patch.refused} (LU013)` } : { patch };
}

/**
 * The patch of `file` from `before` (a source text, or the text the program runs now) to source
 * `after`, as the update engine builds it (server/src/core/updateEngine.ts): new or removed
 * top-level declarations keep the running layout (analysis/declarations), an ES module whose top
 * level changed keeps it and takes only the changed functions, and the module steps are new
 * declarations, re-made functions V8 is predicted to leave on old code, re-evaluated definitions,
 * then state transformers and migrations.
 */
function enginePatch(file: string, before: string | { runningCode: string }, after: string): ScriptPatch | { refused: string } {
  const from = typeof before === 'string' ? running(file, before) : { code: before.runningCode, hash: hashText(before.runningCode) };
  const to = runningTextOf(file, after);
  // A new text that does not parse still makes a patch: the runtime must refuse it by itself.
  if (!to.ok) return { file, baseHash: from.hash, code: after, functions: [] };
  const old = collectFunctions(file, from.code);
  const saved = collectFunctions(file, to.code);
  const esModule = moduleFormat(file, after) === 'module';
  const declarations = planDeclarations(pathToFileURL(file).href, old, to.code, saved, { blankNew: !esModule });
  if (declarations && 'refused' in declarations) return { refused: declarations.refused };
  const text = declarations && !esModule ? declarations.code : to.code;
  const next = text === to.code ? saved : collectFunctions(file, text);
  const changes = withGapRisk(compareCollected(old, next), old, from.code, next, text);
  const code = esModule && changes.rawTopLevelChanged ? spliceFunctions(from.code, to.code, changes).code : text;
  const definitions = changes.topLevel.length > 0 ? definitionSteps(old, next, changes, { esModule }).steps : [];
  const state = stateSteps(file, from.code, to.code, code).steps;
  const functions = patchFunctions(changes);
  const plan = planLiveEdit(file, changes, from.code, code, functions, old, () => next, code !== text);
  const remade = code === text ? remadeFunctionSteps(file, pathToFileURL(file).href, from.code, code, next, new Set(changes.changed.map((c) => c.after.path)), [...plan.unmatched, ...changes.moved]) : [];
  const steps = orderedSteps(declarations?.steps ?? [], [...remade, ...definitions], state);
  return {
    file,
    baseHash: from.hash,
    code,
    functions: withPredictedRisk(functions, plan, () => next),
    ...(steps.length ? { steps } : {}),
    ...(plan.twoStep ? { twoStep: plan.twoStep } : {}),
    ...(plan.accessorAfter ? { accessorAfter: true as const } : {}),
  };
}

/** The patch the engine sends for a save it would send (a test's own mistake otherwise). */
export function serverPatch(file: string, before: string | { runningCode: string }, after: string): ScriptPatch {
  const patch = enginePatch(file, before, after);
  if ('refused' in patch) throw new Error(`the server would hold this save: ${patch.refused}`);
  return patch;
}
