// Builds patches the way the language server does (its planner, the same running text), for
// runtime-level tests.
import * as fs from 'node:fs';
import { PATCH_FORMAT_VERSION, hashText, type Patch, type ScriptPatch } from '../../common/patch';
import { compareCollected, patchFunctions } from '../../server/src/analysis/changes';
import { collectFunctions } from '../../server/src/analysis/functions';
import { plan, type Plan } from '../../server/src/core/planner';
import { DEFAULT_POLICY } from '../../server/src/core/policy';
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

export function patchOf(...scripts: ScriptPatch[]): Patch {
  return { format: PATCH_FORMAT_VERSION, id: `t${++counter}`, scripts };
}

export function replaceOnce(search: string, replacement: string): (text: string) => string {
  return (text) => {
    if (!text.includes(search)) throw new Error(`"${search}" not found`);
    return text.replace(search, replacement);
  };
}

/** What the planner (server/src/core/planner.ts) makes of a save, from `before` (a source text, or the text the program runs now) to source `after`. */
export function planSave(file: string, before: string | { runningCode: string }, after: string): Plan {
  const code = typeof before === 'string' ? running(file, before).code : before.runningCode;
  const baseline = { hash: hashText(code), text: code, functions: collectFunctions(file, code) };
  return plan({ view: { running: file, saved: runningTextOf(file, after), splice: false, source: after }, baseline }, { ...DEFAULT_POLICY, newPatchId: () => `t${++counter}` });
}

/**
 * What the update engine does with a save, short of talking to a program: the patch it sends, or
 * why it holds the update (the planner's reason and the diagnostic's code: a syntax error, a name
 * removed but still read, a kind change V8 would not carry out, a statement mixing new and
 * existing top-level names).
 */
export function serverUpdate(file: string, before: string, after: string): { patch: ScriptPatch } | { held: string } {
  const planned = planSave(file, before, after);
  if (planned.kind === 'held') return { held: `${planned.reason} (${planned.diagnostics[0]?.code ?? 'no diagnostic'})` };
  if (planned.kind !== 'patch') return { held: 'nothing to update' };
  return { patch: planned.patch.scripts[0]! };
}

/** The patch the engine sends for a save it would send (a test's own mistake otherwise). */
export function serverPatch(file: string, before: string | { runningCode: string }, after: string): ScriptPatch {
  // A new text that does not parse still makes a patch: the runtime must refuse it by itself.
  if (!runningTextOf(file, after).ok) {
    const code = typeof before === 'string' ? running(file, before).code : before.runningCode;
    return { file, baseHash: hashText(code), code: after, functions: [] };
  }
  const planned = planSave(file, before, after);
  if (planned.kind !== 'patch') throw new Error(`the server would not send this save: ${planned.kind === 'held' ? planned.reason : planned.kind}`);
  return planned.patch.scripts[0]!;
}
