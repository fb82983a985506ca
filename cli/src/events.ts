// The `--json` event stream: one JSON object per line, each with `"v": 1` and an `event` name.
// A stable surface for scripts and CI (documented in docs/cli.md): add fields freely, never change
// what one means without bumping `v`.
import * as fs from 'node:fs';
import type { UpdateReport } from '../../common/reports';
import type { LiveDiagnostic } from '../../server/src/core/diagnostics';

export const EVENTS_VERSION = 1;

export interface EventTarget {
  name: string;
  outcome: 'applied' | 'rejected' | 'unreachable' | 'pending' | 'ended';
  reason?: string;
  version?: number;
  /** Milliseconds the program was blocked applying it (the runtime's measure). */
  blockedMs?: number;
}

export interface EventDiagnostic {
  severity: LiveDiagnostic['severity'];
  code: string;
  /** 1-based, as printed on the terminal. */
  line: number;
  column: number;
  message: string;
}

export type CliEvent =
  | { event: 'started'; pid: number; script: string; node: string }
  | { event: 'attached'; pid: number; node: string; limits?: string }
  /** The type check has built the program's project: a save from now on is not held up by its cold start. */
  | { event: 'ready' }
  | {
      event: 'update';
      /** `save`: a file changed on disk; `pending`: a waiting part landed or was dropped; `command`: a REPL command (rollback, …). */
      cause: 'save' | 'pending' | 'command';
      file: string;
      outcome: UpdateReport['outcome'];
      functions: string[];
      summary: string;
      milliseconds: number;
      targets: EventTarget[];
      diagnostics: EventDiagnostic[];
      restores?: number;
    }
  | { event: 'exit'; code: number | null; signal: string | null }
  | { event: 'detached' };

/** The event of one update report and the diagnostics shown with it. */
export function updateEvent(cause: 'save' | 'pending' | 'command', report: UpdateReport, diagnostics: readonly LiveDiagnostic[]): CliEvent {
  return {
    event: 'update',
    cause,
    file: report.file,
    outcome: report.outcome,
    functions: report.functions,
    summary: report.summary,
    milliseconds: Math.round(report.milliseconds),
    targets: report.targets.map((t) => ({
      name: t.targetName,
      outcome: t.outcome,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.version !== undefined ? { version: t.version } : {}),
      ...(t.report ? { blockedMs: Math.round(t.report.blockedMs * 10) / 10 } : {}),
    })),
    diagnostics: diagnostics.map((d) => ({ severity: d.severity, code: d.code, line: d.start.line + 1, column: d.start.column + 1, message: d.message })),
    ...(report.restores !== undefined ? { restores: report.restores } : {}),
  };
}

/**
 * Writes events as JSON lines to a file (appended synchronously, so the last event before exit is
 * kept) or to `stderrLine` (the terminal keeps them off the prompt).
 */
export class EventLog {
  private readonly fd: number | undefined;

  constructor(private readonly destination: string | undefined, private readonly stderrLine: (line: string) => void) {
    this.fd = destination ? fs.openSync(destination, 'a') : undefined;
  }

  /** `ready` heard before the program's `started`/`attached`: it follows that line, as it means both. */
  private readyHeld = false;
  private begun = false;

  write(event: CliEvent): void {
    if (event.event === 'ready' && !this.begun) {
      this.readyHeld = true;
      return;
    }
    this.writeLine(event);
    if ((event.event === 'started' || event.event === 'attached') && !this.begun) {
      this.begun = true;
      if (this.readyHeld) this.writeLine({ event: 'ready' });
    }
  }

  private writeLine(event: CliEvent): void {
    if (this.destination === undefined) return;
    const line = JSON.stringify({ v: EVENTS_VERSION, time: Date.now(), ...event });
    if (this.fd !== undefined) fs.writeSync(this.fd, line + '\n');
    else this.stderrLine(line);
  }
}
