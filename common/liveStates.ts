/**
 * The one vocabulary of what an update did, for every place that says it: the status bar, the
 * CodeLens, the hover, diagnostics, the Live Updates view, the REPL and the API docs. Three
 * states, each with its reason:
 *
 * - **Live**: the program runs the new code (`live v3`; partly, when existing closures kept the
 *   old code or part of the update waits);
 * - **Waiting**: the update waits for its functions to become inactive;
 * - **Not applied**: the program keeps the previous version (a syntax or type error, a refusal,
 *   a wait that timed out or was cancelled).
 *
 * Also: one time format (the user's locale), honest durations, and which later report makes an
 * earlier failure of a file stale. Types and pure functions only (shared by client and server).
 */
import type { UpdateReport } from './protocol';

export type LiveState = 'live' | 'waiting' | 'notApplied';

/** How each state is written: `label` starts a sentence or a status (`Not applied: …`), `word` goes inside one. */
export const STATE_TEXT: Record<LiveState, { label: string; word: string }> = {
  live: { label: 'Live', word: 'live' },
  waiting: { label: 'Waiting', word: 'waiting' },
  notApplied: { label: 'Not applied', word: 'not applied' },
};

/** The state a report leaves its file in; undefined when nothing was to apply. */
export function stateOf(outcome: UpdateReport['outcome']): LiveState | undefined {
  switch (outcome) {
    case 'applied':
    case 'partial':
      return 'live';
    case 'pending':
      return 'waiting';
    case 'rejected':
      return 'notApplied';
    case 'no-change':
      return undefined;
  }
}

/** `Live: render`, `Not applied: syntax error`: a state and what it is about. */
export function stated(state: LiveState, text: string): string {
  return `${STATE_TEXT[state].label}: ${text}`;
}

/** Reasons said the same way wherever they appear. */
export const REASONS = {
  syntaxError: 'syntax error',
  typeErrors: (count: number): string => `the edit introduces ${count === 1 ? 'a type error' : `${count} type errors`}`,
  cancelled: 'cancelled',
} as const;

/**
 * How long a save took, saying what happened in that time: `applied and verified in 35 ms`,
 * `refused in 13 ms` — never "verified" when nothing was.
 */
export function durationText(outcome: UpdateReport['outcome'], milliseconds: number): string {
  const ms = `${Math.round(milliseconds)} ms`;
  switch (outcome) {
    case 'applied':
      return `applied and verified in ${ms}`;
    case 'partial':
      return `applied in part in ${ms}`;
    case 'pending':
      return `held back in ${ms}, waiting`;
    case 'rejected':
      return `refused in ${ms}`;
    case 'no-change':
      return `checked in ${ms}`;
  }
}

/**
 * A wall-clock time as the user's locale writes it (`7:48:01 PM`, `19:48:01`), the one time format
 * of every view. `locale` is the editor's display language; the command line passes none (the
 * system's).
 */
export function clockTime(epochMs: number, locale?: string): string {
  try {
    return new Date(epochMs).toLocaleTimeString(locale);
  } catch {
    return new Date(epochMs).toLocaleTimeString();
  }
}

/** A reason's first clause, at most about `max` characters: for places with little room (CodeLens, status bar). */
export function shortReason(reason: string, max = 60): string {
  const first = reason.split(/(?<=[.;:])\s/)[0]!.replace(/[.;:]$/, '').replace(/`/g, '');
  return shorten(first, max);
}

/** `text`, cut with `…` past `max` characters. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Whether `later` makes an earlier failure of its file in `targetId` stale: the program now runs
 * (or waits to run) a newer save of that file, or runs exactly what was saved (a save with nothing
 * to apply names no program). A failure is shown until then, and no longer.
 */
export function supersedesFailure(later: UpdateReport, targetId: string): boolean {
  if (later.outcome === 'no-change') return true;
  const mine = later.targets.find((t) => t.targetId === targetId);
  return mine !== undefined && (mine.outcome === 'applied' || mine.outcome === 'pending');
}
