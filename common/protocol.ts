/**
 * Every custom message between the extension (client) and the language server, in one place.
 * Each message is a namespace with a literal `method` under the `liveUpdate/` prefix and a typed
 * request or notification; the doc comment says who sends it. No other module may spell a method
 * name.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Position } from './patch';
import type { ReplCompletion, ReplEvaluation, ReplResponse } from './repl';
import type { RestartFrameRequest, RestartFrameResult, TargetInfo, TargetPending, UpdateReport } from './reports';
import type { AnswerOf, ArgumentOf, RuntimeError, RuntimeMethod } from './runtimeApi';

// The plain data the messages carry (reports, targets, diagnostic codes) lives in common/reports.ts.
export * from './reports';

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
 * Client → server: a target's program paused in the debugger (DAP `stopped`), or runs again. An
 * update of a paused program has the debugger's session make its LiveEdits one call at a time
 * (`Patch.paused`, runtime/src/debuggerEditor.ts), since the program gives the runtime no turn.
 */
export namespace TargetPaused {
  export const method = 'liveUpdate/targetPaused' as const;
  export interface Params {
    targetId: string;
    paused: boolean;
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

/**
 * Server → client: calls a runtime method (common/runtimeApi.ts) in one target, through its debug
 * session. The client passes the method and its argument through; it answers the method's answer,
 * or a `RuntimeError` when the target could not be reached (`ended` when it ended first).
 */
export namespace CallRuntime {
  export const method = 'liveUpdate/callRuntime' as const;
  export interface Params<M extends RuntimeMethod = RuntimeMethod> {
    targetId: string;
    method: M;
    argument: ArgumentOf<M>;
  }
  export type Result<M extends RuntimeMethod = RuntimeMethod> = AnswerOf<M> | RuntimeError;
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * Server → client: an update's LiveEdits are about to reach a target through js-debug's session.
 * The client answers once js-debug has handled the breakpoints of `files` that VS Code sends on
 * save (client/src/breakpointSends.ts; decision 050), at once when none are under way.
 */
export namespace BreakpointsSettled {
  export const method = 'liveUpdate/breakpointsSettled' as const;
  export interface Params {
    targetId: string;
    files: string[];
  }
  export interface Result {
    waitedMs: number;
    /** Nothing came within the client's limit: the update went on without them. */
    timedOut: boolean;
  }
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
  export type Params = RestartFrameRequest & { targetId: string };
  export type Result = RestartFrameResult;
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

export const ClientCommands = {
  /** Args: [uri, line, character]. */
  openLocation: 'liveUpdate.openLocation',
} as const;

/** Server → client: a save was processed (applied, rejected, or nothing to do). */
export namespace DidUpdate {
  export const method = 'liveUpdate/didUpdate' as const;
  export type Params = UpdateReport;
  export const type = new NotificationType<Params>(method);
}

