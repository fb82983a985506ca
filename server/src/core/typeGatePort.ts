// How the update engine asks whether a save type-checks, and how it shows the answer. The language
// server backs it with the incremental TypeScript service of server/src/typecheck; the engine only
// sees problems the edit introduced (errors that were already there never hold an update).
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
 * Problems in the saved file go where they are; a problem in another file (a caller that no longer
 * type-checks) goes on the saved file's first line with a link to the caller, since the update of
 * this file is what it holds.
 */
export function typeDiagnostics(file: string, result: TypeProblems, blocking: boolean): LiveDiagnostic[] {
  const lead = blocking ? 'Held: ' : 'Applied with a type error: ';
  const tail = blocking ? ' The program keeps the previous version; fix it, or apply anyway (Quick Fix).' : '';
  return result.problems.map((p) => {
    const text = p.message.replace(/\.$/, '');
    const own = path.resolve(p.file) === path.resolve(file);
    const where = `${path.basename(p.file)}:${p.start.line + 1}`;
    return {
      severity: blocking ? 'error' : 'warning',
      code: DiagnosticCodes.typeErrors,
      message: own ? `${lead}${text} (TS${p.code}).${tail}` : `${lead}a caller no longer type-checks (${where}): ${text} (TS${p.code}).${tail}`,
      start: own ? p.start : { line: 0, column: 0 },
      end: own ? p.end : { line: 0, column: 0 },
      ...(own ? {} : { related: [{ file: p.file, start: p.start, end: p.end, message: p.message }] }),
      data: { applyIgnoringTypeErrors: blocking },
    };
  });
}
