// What the command line shows of updates: the update service's news (server/src/host/service.ts)
// as lines above the prompt (`file: summary`, then `file:line:col: severity message [code]`, the
// form terminals and editors link) and as JSON events (`--json`).
import * as path from 'node:path';
import type { ReplLine } from '../../common/repl';
import { DiagnosticCodes, type UpdateReport } from '../../common/reports';
import type { LiveDiagnostic } from '../../server/src/core/diagnostics';
import type { UpdateSink } from '../../server/src/host/service';
import { updateEvent, type EventLog } from './events';

export interface TerminalOutput {
  message(lines: ReplLine[]): void;
}

export function terminalSink(out: TerminalOutput, events: EventLog): UpdateSink {
  return {
    // A report carries its diagnostics; late type warnings are shown as they come.
    diagnostics: (file, _all, { cause, fresh }) => {
      if (cause === 'types' && fresh.length) out.message(diagnosticLines(file, fresh));
    },
    report: (report, cause, diagnostics) => {
      out.message([{ text: `${display(report.file)}: ${report.summary}`, style: reportStyle(report) }, ...diagnosticLines(report.file, diagnostics)]);
      events.write(updateEvent(cause, report, diagnostics));
    },
    pendingChanged: () => undefined,
    warn: (message) => out.message([{ text: `live-update: ${message}`, style: 'warn' }]),
    warmedUp: () => events.write({ event: 'ready' }),
  };
}

function reportStyle(report: UpdateReport): ReplLine['style'] {
  return report.outcome === 'applied' ? 'ok' : report.outcome === 'rejected' ? 'error' : report.outcome === 'no-change' ? 'dim' : 'warn';
}

/**
 * Each diagnostic, then what it links (TypeScript's errors behind LU007): an editor shows those
 * itself, a terminal has only these lines.
 */
function diagnosticLines(file: string, diagnostics: readonly LiveDiagnostic[]): ReplLine[] {
  return diagnostics.flatMap((d): ReplLine[] => [
    {
      text: `${display(file)}:${d.start.line + 1}:${d.start.column + 1}: ${d.severity}: ${terminalMessage(d)} [${d.code}]`,
      style: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warn' : 'dim',
    },
    ...(d.related ?? []).map((r): ReplLine => ({ text: `${display(r.file)}:${r.start.line + 1}:${r.start.column + 1}: note: ${r.message}`, style: 'dim' })),
  ]);
}

/**
 * The message as a terminal user can act on it: the editor's "apply anyway" is a Quick Fix, the
 * command line's is its `--type-check=warn` option.
 */
function terminalMessage(d: LiveDiagnostic): string {
  return d.code === DiagnosticCodes.typeErrors ? d.message.replace('or apply anyway (Quick Fix).', 'or apply anyway: start again with --type-check=warn.') : d.message;
}

/** A path relative to the working folder when it is below it. */
function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
