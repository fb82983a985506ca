// The sentences for updates that wait (LU014, the state `waiting` of common/liveStates.ts) and frames restarted into new code (LU016), placed on
// the functions they concern.
import * as path from 'node:path';
import type { Activation, PendingUpdate } from '../../../common/patch';
import { stated } from '../../../common/liveStates';
import { DiagnosticCodes } from '../../../common/reports';
import type { FileChanges } from '../analysis/changes';
import type { FunctionInfo } from '../analysis/functions';
import type { LiveDiagnostic } from './diagnostics';

/** Where a function named as in a pending update is in the text the diagnostics go on. */
export type FunctionByName = (name: string) => FunctionInfo | undefined;

/** The changed function of that name, in the saved text. */
export const changedFunction =
  (changes: FileChanges): FunctionByName =>
  (name) =>
    changes.changed.find((c) => c.after.displayName === name)?.after;

/** The function of that name in a file's text (a pending update a restarted server adopted). */
export const functionIn =
  (functions: readonly FunctionInfo[]): FunctionByName =>
  (name) =>
    functions.find((f) => f.displayName === name);

export function pendingDiagnostics(find: FunctionByName, pending: PendingUpdate, targetId: string, restartFailure?: string): LiveDiagnostic[] {
  const seconds = Math.round((pending.deadline - pending.since) / 1000);
  const lead = restartFailure ? `The frame was not restarted (${restartFailure}), so the update waits instead. ` : '';
  const tail = ` It is dropped if still waiting after ${seconds} s; “Live Update: Cancel Pending Updates” drops it now.`;
  const out: LiveDiagnostic[] = [];
  for (const name of pending.functions) {
    const fn = find(name);
    if (!fn) continue;
    const why = pending.waitingFor?.length
      ? `\`${name}\` waits until ${list(pending.waitingFor)} ${pending.waitingFor.length === 1 ? 'is' : 'are'} idle, as asked`
      : `\`${name}\` ${activity(name, pending.activations)}`;
    out.push({
      severity: 'information',
      code: DiagnosticCodes.pendingUpdate,
      message: `${lead}${stated('waiting', `${why}.`)} Its new code applies as soon as ${pending.waitingFor?.length ? 'they are' : 'it is'} inactive (checked at every event-loop turn and update point).${tail}`,
      start: fn.nameStart,
      end: fn.nameEnd,
      data: { pendingId: pending.id, targetId },
    });
  }
  return out;
}

function activity(name: string, activations: Activation[]): string {
  const mine = activations.filter((a) => a.function === name);
  const frame = mine.find((a) => a.kind === 'stack');
  if (frame) return `is running (on the call stack at ${path.basename(frame.file ?? '')}:${(frame.line ?? 0) + 1})`;
  if (mine.some((a) => a.kind === 'suspended')) return 'has a suspended activation (an async function waiting at an await, or a generator at a yield)';
  const others = [...new Set(activations.map((a) => a.function))];
  return others.length ? `goes together with ${list(others)}, which ${others.length === 1 ? 'is' : 'are'} active` : 'is active';
}

export function restartedDiagnostic(changes: FileChanges, name: string): LiveDiagnostic[] {
  const fn = changedFunction(changes)(name);
  if (!fn) return [];
  return [
    {
      severity: 'information',
      code: DiagnosticCodes.frameRestarted,
      message: `\`${name}\` was paused; its frame restarted from the beginning in the new code (its local variables start over; what it already did stays done).`,
      start: fn.nameStart,
      end: fn.nameEnd,
    },
  ];
}

function list(names: string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}
