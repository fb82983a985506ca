// How the update engine asks whether a save type-checks, and how it shows the answer. The language
// server backs it with the incremental TypeScript service of server/src/typecheck; the engine only
// sees problems the edit introduced (errors that were already there never hold an update).
import { REASONS, stated } from '../../../common/liveStates';
import { isTypeScriptFile } from '../../../common/runningText';
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

/** Whether a save may go ahead as far as types go, and what to show about them. */
export interface TypeVerdict {
  blocking: boolean;
  reason: string;
  diagnostics: LiveDiagnostic[];
}

/** No type problem: what a save gets when the type gate is not asked. */
export const NO_VERDICT: TypeVerdict = { blocking: false, reason: '', diagnostics: [] };

/** Files longer than this are not type-checked (see typeVerdict). */
const TYPECHECK_MAX_CHARS = 1_000_000;

/** Whether a type error could hold this save (else the check runs after it is applied). */
export function typeCheckMayHold(types: TypeGatePort | undefined, settings: TypeSettings, file: string, ignoreTypeErrors: boolean): boolean {
  if (!types || settings.typeCheck !== 'block' || ignoreTypeErrors) return false;
  return isTypeScriptFile(file) || settings.blockOnJavaScriptErrors;
}

/** The type gate's verdict on a save: problems the edit introduces, blocking or not by settings. */
export async function typeVerdict(types: TypeGatePort | undefined, settings: TypeSettings, file: string, text: string, ignoreTypeErrors: boolean): Promise<TypeVerdict> {
  if (!types || settings.typeCheck === 'off') return NO_VERDICT;
  // A generated or vendored file of megabytes (a bundle, typescript.js) takes the checker tens of
  // seconds and is nobody's source: not checked.
  if (text.length > TYPECHECK_MAX_CHARS) return NO_VERDICT;
  let result: TypeProblems;
  try {
    result = await types.check(file, text);
  } catch (e) {
    // A broken checker must not stop updates: say so once in the log, apply unchecked.
    types.log?.(`type check of ${file} failed: ${e instanceof Error ? e.stack : String(e)}`);
    return NO_VERDICT;
  }
  if (result.problems.length === 0) return NO_VERDICT;
  const blocks = settings.typeCheck === 'block' && !ignoreTypeErrors && (!result.javaScript || settings.blockOnJavaScriptErrors);
  return {
    blocking: blocks,
    reason: REASONS.typeErrors(result.problems.length),
    diagnostics: typeDiagnostics(file, result, blocks),
  };
}

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
