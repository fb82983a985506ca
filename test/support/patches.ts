// Builds patches the way the language server does (same analysis core, same running text), for
// runtime-level tests.
import * as fs from 'node:fs';
import { PATCH_FORMAT_VERSION, type Patch, type ScriptPatch } from '../../common/patch';
import { moduleFormat } from '../../common/runningText';
import { compareCollected, patchFunctions } from '../../server/src/analysis/changes';
import { definitionSteps } from '../../server/src/analysis/definitionSteps';
import { collectFunctions } from '../../server/src/analysis/functions';
import { spliceFunctions } from '../../server/src/analysis/splice';
import { runningTextOf } from '../../server/src/core/savedText';

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

/**
 * The patch of `file` from source `before` (what runs) to source `after` as the update engine
 * builds it: an ES module whose top level changed keeps its running top level (only functions
 * spliced in), and changed definitions are re-evaluated (module steps, analysis/definitionSteps).
 */
export function serverPatch(file: string, before: string, after: string): ScriptPatch {
  const from = running(file, before);
  const to = runningTextOf(file, after);
  // A new text that does not parse still makes a patch: the runtime must refuse it by itself.
  const code = to.ok ? to.code : after;
  const old = collectFunctions(file, from.code);
  const next = collectFunctions(file, code);
  const changes = compareCollected(old, next);
  const esModule = moduleFormat(file, before) === 'module';
  const spliced = esModule && changes.rawTopLevelChanged && to.ok ? spliceFunctions(from.code, code, changes).code : code;
  const steps = to.ok && changes.topLevel.length > 0 ? definitionSteps(old, next, changes, { esModule }).steps : [];
  return { file, baseHash: from.hash, code: spliced, functions: patchFunctions(changes), ...(steps.length ? { steps } : {}) };
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
 * kind change V8 would not carry out, a changed function reading a new top-level declaration).
 */
export function serverUpdate(file: string, before: string, after: string): { patch: ScriptPatch } | { held: string } {
  const to = runningTextOf(file, after);
  if (!to.ok) return { held: `syntax error: ${to.syntaxErrors[0]?.message}` };
  const changes = compareCollected(collectFunctions(file, running(file, before).code), collectFunctions(file, to.code));
  if (changes.dangling.length) return { held: `\`${changes.dangling[0]!.name}\` was removed but is still used (LU010)` };
  const kindOnly = changes.changed.find((c) => c.kindOnly);
  if (kindOnly) return { held: `V8 cannot change the kind of \`${kindOnly.after.displayName}\` alone (LU012)` };
  if (changes.usesNew.length) return { held: `\`${changes.usesNew[0]!.fn.displayName}\` uses a new top-level declaration: ${changes.usesNew[0]!.names.join(', ')} (LU013)` };
  return { patch: serverPatch(file, before, after) };
}
