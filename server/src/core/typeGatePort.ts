// How the update engine asks whether a save type-checks, and how it shows the answer. The language
// server backs it with the incremental TypeScript service of server/src/typecheck; the engine only
// sees problems the edit introduced (errors that were already there never hold an update).
import { REASONS, stated } from '../../../common/liveStates';
import { DiagnosticCodes } from '../../../common/reports';
import type { Position } from '../../../common/patch';
import * as path from 'node:path';
import type { LiveDiagnostic } from './diagnostics';

export interface TypeProblem {
  file: string;
  start: Position;
  end: Position;
  /** TypeScript's error number, e.g. 2554. */
  code: number;
  message: string;
}

export interface TypeProblems {
  problems: TypeProblem[];
  /** The saved file is JavaScript (checked as `checkJs` would; blocks only if the user opts in). */
  javaScript: boolean;
}

export interface TypeGatePort {
  /** The type errors the saved text introduces, in the file and in the files that use it. */
  check(file: string, text: string): Promise<TypeProblems> | TypeProblems;
  /** The text now runs: errors it has are the user's known state, not news, from now on. */
  accept?(file: string, text: string): void;
  log?(message: string): void;
}

export interface TypeSettings {
  /** `block`: hold updates that introduce type errors; `warn`: apply and show them; `off`: skip. */
  typeCheck: 'block' | 'warn' | 'off';
  /** Hold JavaScript updates too (JavaScript is always checked, but only warns by default). */
  blockOnJavaScriptErrors: boolean;
}

export const DEFAULT_TYPE_SETTINGS: TypeSettings = { typeCheck: 'block', blockOnJavaScriptErrors: false };

/**
 * What the type errors an edit introduces mean for the update, in one diagnostic: TypeScript's own
 * diagnostics already show each error where it is (Live Update repeats none of them), so this one
 * says the update was not applied because of them (or applied with them), at the first error in
 * the saved file (else on its first line, for a caller in another file), with every error linked.
 */
export function typeDiagnostics(file: string, result: TypeProblems, blocking: boolean): LiveDiagnostic[] {
  const problems = result.problems;
  if (problems.length === 0) return [];
  const isOwn = (p: TypeProblem) => path.resolve(p.file) === path.resolve(file);
  const first = problems.find(isOwn) ?? problems[0]!;
  const own = isOwn(first);
  const where = own ? `line ${first.start.line + 1}` : `a caller, ${path.basename(first.file)}:${first.start.line + 1}`;
  const detail = `${where}: ${first.message.replace(/\.$/, '')}${problems.length > 1 ? '; and more, linked' : ''}`;
  const message = blocking
    ? `${stated('notApplied', `${REASONS.typeErrors(problems.length)} (${detail}).`)} The program keeps running the previous version; fix ${problems.length === 1 ? 'it' : 'them'} and save, or apply anyway (Quick Fix).`
    : `${stated('live', `with ${problems.length === 1 ? 'a type error' : `${problems.length} type errors`} the edit introduces (${detail}).`)}`;
  return [
    {
      severity: blocking ? 'warning' : 'information',
      code: DiagnosticCodes.typeErrors,
      message,
      start: own ? first.start : { line: 0, column: 0 },
      end: own ? first.end : { line: 0, column: 0 },
      related: problems.map((p) => ({ file: p.file, start: p.start, end: p.end, message: `${p.message} (TS${p.code})` })),
      // `elsewhere`: the engine puts it on the changed function that broke the caller (anchorElsewhere).
      data: { applyIgnoringTypeErrors: blocking, ...(own ? {} : { elsewhere: true }) },
    },
  ];
}
