// Builds patches the way the language server does (same analysis core, same running text), for
// runtime-level tests.
import * as fs from 'node:fs';
import { PATCH_FORMAT_VERSION, hashText, type Patch, type ScriptPatch } from '../../common/patch';
import { moduleFormat } from '../../common/runningText';
import { compareVersions, patchFunctions } from '../../server/src/analysis/changes';
import { spliceFunctions } from '../../server/src/analysis/splice';
import { runningTextOf } from '../../server/src/core/savedText';
import { stateSteps } from '../../server/src/core/stateUpdates';

let counter = 0;

function running(file: string, source: string): { code: string; hash: string } {
  const saved = runningTextOf(file, source);
  if (!saved.ok) throw new Error(`${file} does not parse: ${saved.syntaxErrors[0]?.message}`);
  return saved;
}

/** A patch of `file` from `before` (what runs; by default the file on disk) to `edit(before)`. */
export function scriptPatch(file: string, edit: (before: string) => string, before = fs.readFileSync(file, 'utf8')): ScriptPatch {
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  const from = running(file, before);
  const to = runningTextOf(file, after);
  // A new text that does not parse still makes a patch: the runtime must refuse it by itself.
  const code = to.ok ? to.code : after;
  return { file, baseHash: from.hash, code, functions: patchFunctions(compareVersions(file, from.code, code)) };
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
 * The patch the server sends for a save of `file` from `before` (what runs) to `after`, with its
 * state steps (transformers, migrations: server/src/core/stateUpdates.ts). An ES module whose top
 * level changed keeps it and takes only the changed functions, as the engine does. `before` is a
 * source text, or the text the program runs now (what the engine diffs against).
 */
export function statePatch(file: string, before: string | { runningCode: string }, after: string): ScriptPatch {
  const from = typeof before === 'string' ? running(file, before) : { code: before.runningCode, hash: hashText(before.runningCode) };
  const to = running(file, after);
  const changes = compareVersions(file, from.code, to.code);
  const esm = moduleFormat(file, after) === 'module' && changes.rawTopLevelChanged;
  const code = esm ? spliceFunctions(from.code, to.code, changes).code : to.code;
  const state = stateSteps(file, from.code, to.code, code);
  return { file, baseHash: from.hash, code, functions: patchFunctions(changes), ...(state.steps.length ? { steps: state.steps } : {}) };
}
