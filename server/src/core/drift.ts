// What a program runs that differs from the files on disk, asked once when it becomes a target. A
// program attached to again after saves made while it was not (or changed by another tool) runs
// older text than its files: the user is told, since a save then applies more than its own edit.
import type { TargetPort } from './targetPort';
import { runningTextOf } from './savedText';

/**
 * The files of `targetId`'s user modules whose running text is not what their text on disk (or
 * as last saved: `textOf`) would run as. Files that cannot be read or do not parse are left out:
 * they say nothing about what the program runs. Empty when the target cannot be asked.
 */
export async function filesRunningOtherText(port: TargetPort, targetId: string, textOf: (file: string) => Promise<string | undefined>): Promise<string[]> {
  const modules = await port.call(targetId, 'modules', {});
  if ('error' in modules) return [];
  // A file whose update waits in the program (a server restarted meanwhile) runs its older text
  // until the update lands: that is said by the pending update's own diagnostic, not as news.
  const pending = await port.call(targetId, 'pending', {});
  const waiting = new Set('error' in pending ? [] : pending.pending.map((p) => p.file));
  const differ: string[] = [];
  for (const file of modules.files) {
    if (waiting.has(file)) continue;
    const text = await textOf(file);
    if (text !== undefined && (await runsOtherText(port, targetId, file, text))) differ.push(file);
  }
  return differ;
}

/**
 * Whether `targetId` has loaded `file` and runs other text than `text` would run as. False when the
 * text does not parse or the target cannot be asked: that says nothing about what it runs.
 */
export async function runsOtherText(port: TargetPort, targetId: string, file: string, text: string): Promise<boolean> {
  const saved = runningTextOf(file, text);
  if (!saved.ok) return false;
  // With the saved text's hash known, the runtime sends no text when they agree.
  const state = await port.call(targetId, 'scriptState', { file, knownHash: saved.hash });
  return !('error' in state) && state.loaded && state.hash !== saved.hash;
}
