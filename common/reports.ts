// What the language server says about updates to any front end (the editor over LSP, the command
// line, the extension API): targets, update reports, versions and rollbacks, diagnostic codes.
// Plain data and constants, no LSP: the engine and the command line use them without carrying
// the LSP library (common/protocol.ts, which re-exports them, is the LSP messages).
import type { PatchReport, PendingUpdate, VersionHistory, VersionStep } from './patch';

/** A debuggee the client can deliver patches to: one js-debug child session (process or worker). */
export interface TargetInfo {
  /** The debug session id. */
  id: string;
  /** What the user sees in the Call Stack view, e.g. `demo.ts [1234]`. */
  name: string;
  /**
   * The WebSocket URL of js-debug's CDP proxy of the session, when it offers one: the language
   * server calls the runtime through it itself (common/runtimeConnection.ts), else through the
   * extension (`CallRuntime`).
   */
  cdp?: string;
  /**
   * The program's own inspector (a loopback WebSocket URL, `RuntimeInfo.inspector`): when given
   * with `cdp`, the language server makes the runtime's calls there, on a session without the
   * Debugger domain, and only the LiveEdits through `cdp` (decision 050), once js-debug has handled
   * the breakpoints VS Code sends on save (`BreakpointsSettled`).
   */
  inspector?: string;
}

/** A target's pending updates, as the status bar and the extension API show them. */
export interface TargetPending {
  targetId: string;
  targetName: string;
  pending: PendingUpdate[];
}

export interface HistoryRequest {
  /** A target id; absent: every target. */
  target?: string;
  /** At most this many versions per target, the newest. */
  limit?: number;
  /** Only versions after this number, and up to `until` (`since: n - 1, until: n`: version n alone). */
  since?: number;
  until?: number;
  /** Include each file's running texts before and after the version, while the program keeps them (the Live Updates view's diff). */
  texts?: boolean;
}

/** One target's versions, or why they could not be read. */
export interface TargetHistory {
  targetId: string;
  targetName: string;
  history?: VersionHistory;
  error?: string;
}

export interface RollbackRequest {
  /**
   * The version to restore (0: the program as it loaded). Version numbers are per target. Absent:
   * each target goes back one version (to `current - 1`; the REPL's `rollback` without a number).
   */
  version?: number;
  /** A target id; absent: every target (each restores its own version `version`). */
  target?: string;
}

export interface TargetRollback {
  targetId: string;
  targetName: string;
  /**
   * `applied`: the target runs version `version`'s texts again; `partial`: part of it, or part
   * waits; `pending`: it waits for active functions; `no-change`: it already ran them;
   * `rejected`: nothing changed (the reason says why); `unreachable`: the target did not answer.
   */
  outcome: 'applied' | 'partial' | 'pending' | 'no-change' | 'rejected' | 'unreachable';
  /** The target's version before the rollback. */
  from?: number;
  /** The version it restored. */
  to?: number;
  /** The versions the rollback created (one per file it restored). */
  versions: number[];
  /** The report of each file's update (also published as `DidUpdate`). */
  reports: UpdateReport[];
  /** Module steps (state transformers, …) of the versions rolled back, whose state stays as it is. */
  stateKept?: VersionStep[];
  /** Sentences a user reads: what was restored, what was kept, what is on disk. */
  message: string;
}

export interface RollbackResult {
  /** The version asked for (absent: one back in each target, see `TargetRollback.to`). */
  version?: number;
  /** Every target took it (or already ran it). */
  ok: boolean;
  targets: TargetRollback[];
  /** One paragraph for a notification. */
  summary: string;
}

/** The outcome of one save, over all targets. This is also what the extension API publishes. */
export interface UpdateReport {
  /** Absolute path of the saved file. */
  file: string;
  /**
   * `applied`: every target that runs the file took it; `rejected`: none did; `partial`: some, or
   * part of it; `pending`: nothing yet, it waits for active functions (see `PendingChanged`).
   */
  outcome: 'applied' | 'rejected' | 'partial' | 'pending' | 'no-change';
  /** Display names of the functions the update changes. */
  functions: string[];
  targets: TargetUpdateResult[];
  /** One sentence for a status bar or a notification. */
  summary: string;
  /** From the server receiving the save to the last target's report. */
  milliseconds: number;
  /** Wall-clock time the update finished (ms since the epoch). */
  time: number;
  /** Set when the update was a rollback (or roll forward) to this version of its target. */
  restores?: number;
}

export interface TargetUpdateResult {
  targetId: string;
  targetName: string;
  /**
   * `applied` may leave part pending (`report.scripts[].pending`); `pending`: all of it waits;
   * `ended`: the target ended during the update (a worker that exited), so it runs nothing.
   */
  outcome: 'applied' | 'rejected' | 'unreachable' | 'pending' | 'ended';
  reason?: string;
  /** The runtime's own report, when it answered. */
  report?: PatchReport;
  /** The version the update created in the target's history (`VersionRecord.version`), when applied. */
  version?: number;
}

/** Diagnostic codes the server publishes; stable, so users and tests can rely on them. */
export const DiagnosticCodes = {
  activeFunction: 'LU001',
  suspendedActivation: 'LU002',
  syntaxError: 'LU003',
  updateRejected: 'LU004',
  staleBaseline: 'LU005',
  staleClosures: 'LU006',
  typeErrors: 'LU007',
  esmTopLevelKept: 'LU008',
  topLevelKept: 'LU009',
  removedButUsed: 'LU010',
  instancesNotMigrated: 'LU011',
  kindChanged: 'LU012',
  newDeclarationRefused: 'LU013',
  pendingUpdate: 'LU014',
  pendingDropped: 'LU015',
  frameRestarted: 'LU016',
  definitionReevaluated: 'LU017',
  manifestKept: 'LU018',
} as const;

export const DIAGNOSTIC_SOURCE = 'Live Update';

/** A frame to restart into new code (policy `restartFrame`; see `RestartFrame` in common/protocol.ts). */
export interface RestartFrameRequest {
  /** The running file (what the debugger's stack frames name). */
  file: string;
  functionName: string;
  /** Where the function's frame is, 0-based, as the runtime saw it. */
  line: number;
  /** The complete new running text, and the hash of the text it replaces. */
  code: string;
  baseHash: string;
  /** The pending update the runtime keeps for it, cancelled once the restart applied the text. */
  pendingId?: string;
}

/** `running`: the program is not paused, so there is no frame to restart (nothing to say: it waits). */
export type RestartFrameResult = { ok: true; restarted: string; version?: number } | { ok: false; reason: string; running?: true };
