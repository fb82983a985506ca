// Builds patches the way the language server does (same analysis core), for runtime-level tests.
import * as fs from 'node:fs';
import { hashText, PATCH_FORMAT_VERSION, type Patch, type ScriptPatch } from '../../common/patch';
import { compareVersions, patchFunctions } from '../../server/src/analysis/changes';

let counter = 0;

export function scriptPatch(file: string, edit: (before: string) => string, before = fs.readFileSync(file, 'utf8')): ScriptPatch {
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  return { file, baseHash: hashText(before), source: after, functions: patchFunctions(compareVersions(file, before, after)) };
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
