// The files the running programs run, and how a module argument names one of them: a path
// relative to the root or absolute, or a unique basename or path suffix.
import * as path from 'node:path';
import type { TargetInfo } from '../../../common/reports';
import type { TargetPort } from '../core/targetPort';
import { displayPath } from './format';

/** The user modules each target runs (targets that cannot answer are left out). */
export async function runningModules(port: TargetPort, targets: TargetInfo[] = port.targets()): Promise<Map<string, string[]>> {
  const byTarget = new Map<string, string[]>();
  await Promise.all(
    targets.map(async (t) => {
      // A target that cannot answer contributes no module: resolution says what it found.
      const answer = await port.call(t.id, 'modules', {});
      if (!('error' in answer)) byTarget.set(t.id, answer.files);
    }),
  );
  return byTarget;
}

export function allFiles(byTarget: Map<string, string[]>): string[] {
  return [...new Set([...byTarget.values()].flat())].sort();
}

/** The file an argument names among `files`, or why it names none. */
export function resolveModule(argument: string, files: readonly string[], root: string): { file: string } | { error: string } {
  const absolute = path.resolve(root, argument);
  if (files.includes(absolute)) return { file: absolute };
  const normalized = argument.split(path.sep).join('/').replace(/^\.\//, '');
  const matches = files.filter((f) => {
    const shown = f.split(path.sep).join('/');
    return shown.endsWith(`/${normalized}`) || shown === normalized;
  });
  if (matches.length === 1) return { file: matches[0]! };
  if (matches.length > 1) return { error: `${argument} is ambiguous: ${matches.map((f) => displayPath(root, f)).join(', ')}` };
  // A file no program has loaded: still a file, when it exists by that path (updates say so).
  if (path.isAbsolute(argument) || argument.includes('/') || /\.[cm]?[jt]sx?$/.test(argument)) {
    return { error: `No running program has loaded ${argument}.` };
  }
  return { error: `No module ${argument} among the files the programs run.` };
}

/** Whether an argument looks like a path rather than a function name. */
export function looksLikePath(argument: string): boolean {
  return argument.includes('/') || argument.includes(path.sep) || /\.[cm]?[jt]sx?$/.test(argument);
}
