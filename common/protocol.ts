/**
 * Every custom message between the extension (client) and the language server, in one place.
 * Each message is a namespace with a literal `method` under the `liveUpdate/` prefix and a typed
 * request or notification; the doc comment says who sends it. No other module may spell a method
 * name.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { CancelRequest, Position, EvaluateRequest, EvaluateResult, HistoryQuery, LiveStack, ModulesState, UpdatePointsState, Patch, PatchReport, PendingQuery, PendingState, PendingUpdate, ScriptState, ScriptStateQuery, VersionHistory, VersionStep, VersionTexts, VersionTextsQuery } from './patch';
import type { ReplCompletion, ReplEvaluation, ReplResponse } from './repl';

/** A debuggee the client can deliver patches to: one js-debug child session (process or worker). */
export interface TargetInfo {
  /** The debug session id. */
  id: string;
  /** What the user sees in the Call Stack view, e.g. `demo.ts [1234]`. */
  name: string;
}

/** Client → server: the set of live targets changed (a session started or ended). */
export namespace TargetsChanged {
  export const method = 'liveUpdate/targetsChanged' as const;
  export interface Params {
    targets: TargetInfo[];
    /**
     * After the server restarted: the pending updates the client showed as waiting when the
     * previous server ended. Their settlement, if it happened meanwhile, is news; every other
     * event a target kept is history its predecessor already reported.
     */
    unsettled?: { targetId: string; pendingIds: string[] }[];
  }
  export const type = new NotificationType<Params>(method);
}

/**
 * Server → client: a new target runs files whose text differs from the files on disk (a program
 * attached to again after saves made while it was not). Sent once per target, when it appears.
 */
export namespace RunningTextDiffers {
  export const method = 'liveUpdate/runningTextDiffers' as const;
  export interface Params {
    targetId: string;
    targetName: string;
    files: string[];
  }
  export const type = new NotificationType<Params>(method);
}

/** Server → client: ask one target's runtime what text a file runs as (its baseline). */
export namespace QueryScriptState {
  export const method = 'liveUpdate/queryScriptState' as const;
  export interface Params {
    targetId: string;
    query: ScriptStateQuery;
  }
  /** `error` when the target could not be asked (ended, runtime not loaded). */
  export type Result = ScriptState | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/** Server → client: deliver a patch to one target and return the runtime's report. */
export namespace ApplyPatch {
  export const method = 'liveUpdate/applyPatch' as const;
  export interface Params {
    targetId: string;
    patch: Patch;
  }
  export const type = new RequestType<Params, PatchReport, void>(method);
}

/** Server → client: evaluate code in one module's scope in one target (runs a statement on request). */
export namespace EvaluateInModule {
  export const method = 'liveUpdate/evaluateInModule' as const;
  export interface Params {
    targetId: string;
    request: EvaluateRequest;
  }
  export const type = new RequestType<Params, EvaluateResult, void>(method);
}

/** Server → client: one target's pending updates and how earlier ones ended (runtime `pending`). */
export namespace QueryPending {
  export const method = 'liveUpdate/queryPending' as const;
  export interface Params {
    targetId: string;
    query: PendingQuery;
  }
  export type Result = PendingState | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/** Server → client: drop pending updates in one target (runtime `cancel`). */
export namespace CancelPending {
  export const method = 'liveUpdate/cancelPending' as const;
  export interface Params {
    targetId: string;
    request: CancelRequest;
  }
  export type Result = PendingState | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/** Server → client: one target's numbered versions (runtime `history`). */
export namespace QueryHistory {
  export const method = 'liveUpdate/queryHistory' as const;
  export interface Params {
    targetId: string;
    query: HistoryQuery;
  }
  export type Result = VersionHistory | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/** Server → client: the user modules one target runs (runtime `modules`; REPL module arguments). */
export namespace QueryModules {
  export const method = 'liveUpdate/queryModules' as const;
  export interface Params {
    targetId: string;
    query: Record<string, never>;
  }
  export type Result = ModulesState | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/** Server → client: one target's stack below the runtime (runtime `stack`; the REPL's `stack`). */
export namespace QueryStack {
  export const method = 'liveUpdate/queryStack' as const;
  export interface Params {
    targetId: string;
    query: Record<string, never>;
  }
  export type Result = LiveStack | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/** Server → client: the update points one target reached (runtime `points`; the REPL's `points`). */
export namespace QueryUpdatePoints {
  export const method = 'liveUpdate/queryUpdatePoints' as const;
  export interface Params {
    targetId: string;
    query: Record<string, never>;
  }
  export type Result = UpdatePointsState | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/** Server → client: the running texts one target had at a version, to restore it (runtime `versionTexts`). */
export namespace QueryVersionTexts {
  export const method = 'liveUpdate/queryVersionTexts' as const;
  export interface Params {
    targetId: string;
    query: VersionTextsQuery;
  }
  export type Result = VersionTexts | { error: string };
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Server → client: the program is paused inside a changed function and the policy is
 * `restartFrame`. The client restarts the frame of `functionName` (and deeper ones, to make it the
 * top frame) and sets the script's new text through the debugger's own session with
 * `allowTopFrameEditing`, which V8 allows only for the sole top frame and only from the session
 * that paused the program (the runtime's in-process session cannot: its own frames are on top).
 */
export namespace RestartFrame {
  export const method = 'liveUpdate/restartFrame' as const;
  export interface Params {
    targetId: string;
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
  export type Result = { ok: true; restarted: string; version?: number } | { ok: false; reason: string; running?: true };
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Client → server: the functions of a document's current text (saved or not), named as update
 * reports and pending updates name them (`FunctionInfo.displayName`, the server's own parse), so
 * the editor can put each function's live state on the right lines (CodeLens, hover).
 */
export namespace DocumentFunctions {
  export const method = 'liveUpdate/documentFunctions' as const;
  export interface Params {
    /** Absolute path (decides the language: .ts is parsed as TypeScript). */
    file: string;
    text: string;
  }
  export interface FunctionRange {
    /** The display name (`greet`, `Greeter.greet`, `main/<arrow 1>`). */
    name: string;
    /** 0-based, the whole function. */
    start: Position;
    end: Position;
    /** The name (or the `function` keyword / `=>` when anonymous). */
    nameStart: Position;
    nameEnd: Position;
  }
  export interface Result {
    functions: FunctionRange[];
  }
  export const type = new RequestType<Params, Result, void>(method);
}

/** A target's pending updates, as the status bar and the extension API show them. */
export interface TargetPending {
  targetId: string;
  targetName: string;
  pending: PendingUpdate[];
}

/** Server → client: the set of pending updates changed (one entry per target that has any). */
export namespace PendingChanged {
  export const method = 'liveUpdate/pendingChanged' as const;
  export interface Params {
    targets: TargetPending[];
  }
  export const type = new NotificationType<Params>(method);
}

/**
 * Commands the server executes (`workspace/executeCommand`); code actions carry them. The client
 * registers `openLocation` itself: it opens an editor, which only the client can do.
 */
/** Client → server: runs one line of the command language (the Live REPL). */
export namespace ReplCommand {
  export const method = 'liveUpdate/replCommand' as const;
  export interface Params {
    line: string;
    /** The file of the active editor, the default module of `eval` and `update`. */
    activeFile?: string;
    /**
     * The text of every editor with unsaved changes (absolute paths): what `update` applies for
     * those files (the server otherwise only hears of a document's text when it opens or saves).
     */
    unsaved?: { file: string; text: string }[];
  }
  export const type = new RequestType<Params, ReplResponse, void>(method);
}

/** Client → server: completions of a REPL line at the cursor (commands, module paths, functions). */
export namespace ReplComplete {
  export const method = 'liveUpdate/replComplete' as const;
  export interface Params {
    line: string;
    cursor: number;
  }
  export const type = new RequestType<Params, ReplCompletion, void>(method);
}

/** Client → server: evaluates text in a module's scope in the running programs (Evaluate Selection). */
export namespace ReplEvaluate {
  export const method = 'liveUpdate/replEvaluate' as const;
  export interface Params {
    /** Absolute path of the module whose scope the expression runs in. */
    file: string;
    expression: string;
    /** A target id; absent: every target that runs the file. */
    targetId?: string;
  }
  export const type = new RequestType<Params, ReplEvaluation, void>(method);
}

export const ServerCommands = {
  /** Args: [file]. Applies the file's last save although it introduces type errors. */
  applyIgnoringTypeErrors: 'liveUpdate.applyIgnoringTypeErrors',
  /** Args: [file, statementKey]. Runs one top-level statement of the saved file in every target. */
  runStatement: 'liveUpdate.runStatement',
  /**
   * Args: [file, statementKey]. Re-initializes a top-level binding from its initializer in the
   * saved file, in every target, as a transaction (a patch with one `reinit` step).
   */
  reinitialize: 'liveUpdate.reinitialize',
  /**
   * Args: [pendingIds?]. Drops pending updates (all when no ids). The language client registers
   * every server command in VS Code, so this is also the palette's "Cancel Pending Updates".
   */
  cancelPending: 'liveUpdate.cancelPending',
  /** Args: [file, functionNames, text?]. Applies the text once those functions are all idle (the palette's "Apply When Idle…" asks which). */
  applyFileWhenIdle: 'liveUpdate.applyFileWhenIdle',
  /** Args: [file]. The functions of the file as the programs run it (for "Apply When Idle…"). */
  runningFunctions: 'liveUpdate.runningFunctions',
  /**
   * Args: [HistoryRequest?]. Returns `TargetHistory[]`: each target's numbered versions (what
   * "Show Update History" lists, and the REPL's `history`).
   */
  history: 'liveUpdate.history',
  /**
   * Args: [RollbackRequest]. Restores a version's running texts in each target (or the one named),
   * as an update of its own, and returns a `RollbackResult` (what "Roll Back to Version…" and the
   * REPL's `rollback <version>` call). The files on disk are not changed.
   */
  rollback: 'liveUpdate.rollback',
} as const;

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

export const ClientCommands = {
  /** Args: [uri, line, character]. */
  openLocation: 'liveUpdate.openLocation',
} as const;

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

/** Server → client: a save was processed (applied, rejected, or nothing to do). */
export namespace DidUpdate {
  export const method = 'liveUpdate/didUpdate' as const;
  export type Params = UpdateReport;
  export const type = new NotificationType<Params>(method);
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
} as const;

export const DIAGNOSTIC_SOURCE = 'Live Update';
