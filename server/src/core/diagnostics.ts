// Editor-agnostic diagnostics: what the engine wants shown on which range of a file. The LSP
// layer converts them to LSP diagnostics; the command line prints them.
import type { Position } from '../../../common/patch';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface LiveDiagnostic {
  severity: Severity;
  /** One of `DiagnosticCodes` in the protocol module. */
  code: string;
  message: string;
  start: Position;
  end: Position;
  /** Another file the diagnostic concerns, e.g. the caller a signature change breaks. */
  related?: { file: string; start: Position; end: Position; message: string }[];
  /** What a code action needs to act on it (kept with the diagnostic by the editor). */
  data?: Record<string, unknown>;
  /** The targets it describes: when they have all ended, it is no longer true. */
  targets?: string[];
}

/**
 * The diagnostics that describe at least one live target (and those of no target): an outcome that
 * arrives after its program ended (it exited or was killed during the update) must not leave
 * diagnostics nobody will withdraw.
 */
export function ofLiveTargets(diagnostics: LiveDiagnostic[], live: Set<string>): LiveDiagnostic[] {
  return diagnostics.filter((d) => !d.targets?.length || d.targets.some((t) => live.has(t)));
}
