/**
 * The patch format: what the language server sends to the runtime inside a debuggee, and the
 * report the runtime sends back. This module is the single definition of that wire format; it is
 * types and constants only, so the dependency-free runtime can import it.
 *
 * Everything crosses the wire as JSON text (common/runtimeApi.ts), so every field must be plain JSON.
 */

// The program's numbered versions, part of this format, are in common/versions.ts.
export * from './versions';

/** Bumped whenever a field changes meaning; the runtime refuses patches of another version. */
export const PATCH_FORMAT_VERSION = 4;

/** The global under which the runtime registers its API, once per isolate. */
export const RUNTIME_GLOBAL_KEY = 'liveUpdate.runtime';

/** A 0-based line and column in the running text (equal to the file's, see common/runningText). */
export interface Position {
  line: number;
  column: number;
}

/** A function (or method, accessor, arrow) whose text changed, as the server found it. */
export interface ChangedFunction {
  /** Display name: `f`, `Class.method`, `get Class.x`, `<anonymous arrow in f>`. */
  name: string;
  /** Where the declaration starts and ends in the text that runs now (the baseline). */
  oldStart: Position;
  oldEnd: Position;
  /** Where it starts and ends in the new text (absent for a removed function). */
  newStart?: Position;
  newEnd?: Position;
  /** Kind flags that change how activeness is reported. */
  isAsync: boolean;
  isGenerator: boolean;
  /**
   * Set when V8 may answer "Ok" yet leave existing closures on the old code (the edit makes the
   * function read an outer variable no function read before, or touches the first or last token
   * of the function). The runtime then checks the live closures after applying.
   */
  closureRisk?: string;
  /**
   * Texts of this function that closures an earlier update left apart from the script may still
   * run (V8 took it for a new function then; no LiveEdit reaches them since): the runtime looks
   * for closures running these too (server/src/analysis/changes.ts `strandedBy`).
   */
  apartTexts?: string[];
  /**
   * A function the new text no longer has, which something may hold (what `module.exports` was,
   * now another function the update declares): the text it takes under its old head, in the
   * first LiveEdit of a `bodiesFirst` update (server/src/analysis/forwardedExports.ts). It has
   * no place in the new text.
   */
  forwardText?: string;
  /**
   * Functions with the same group are applied together or deferred together (see
   * `Patch.whenActive`): the server puts a changed function with the changed functions nested in
   * it, and a function whose parameter list changed with the changed functions that name it.
   */
  group?: number;
}

/**
 * What the runtime does when a changed function is active (on the stack, or a suspended async
 * function or generator): `reject` refuses the whole update; `defer` applies the groups that are
 * not active now and keeps the rest pending until their activations are gone (checked at every
 * event-loop turn and update point); `restartFrame` is `defer` for the runtime (the extension
 * restarts a paused frame through the debugger itself, see client/src/restartFrame.ts).
 */
export type WhenActive = 'defer' | 'restartFrame' | 'reject';

/** A function that must be inactive before an update applies ("update … when f idle"). */
export interface IdleCondition {
  name: string;
  /** Absolute path of the file that declares it. */
  file: string;
  /** Where it is in that file's running text (0-based). */
  start: Position;
  end: Position;
  isAsync: boolean;
  isGenerator: boolean;
}

export interface ScriptPatch {
  /** Absolute path of the source file on disk. */
  file: string;
  /** Hash (see `hashText`) of the running text the server diffed against; stale if it differs. */
  baseHash: string;
  /** The complete new running text (see common/runningText: TypeScript arrives already blanked). */
  code: string;
  functions: ChangedFunction[];
  /**
   * Top-level code to run in the module's scope once every script of the patch runs its new text,
   * in this order, inside the same transaction: if one throws, every step already run is undone
   * (its `assigns` restored), every script is restored, and the report names the step.
   */
  steps?: ModuleStep[];
  /**
   * Apply in two LiveEdits, through the text in between that `twoStepVia` (common/twoStepTexts.ts)
   * makes: `topLevelFirst` changes the top level alone first (every changed function's old text
   * put back), `functionsFirst` the changed functions alone; then the whole new text. Undone the
   * same way back. V8 matches old and new functions by a text diff, and a diff with top-level and
   * function changes at once can take a changed function for a new one and leave its existing
   * closures on old code (below changed text, after a removed declaration). The server sets it
   * when an update changes both, in the order its model of V8's diff predicts to match every
   * function (server/src/analysis/liveEditOrder.ts). `bodiesFirst` is `functionsFirst` with each
   * changed function's old text kept up to its parameters' `(`, where V8 starts a function: V8
   * matches it in the first step, and when the second (the new heads, the top level) makes V8 take
   * it for a new function, its existing closures keep the first step's code, which is the new one.
   */
  twoStep?: 'topLevelFirst' | 'functionsFirst' | 'bodiesFirst';
  /**
   * Change the scope accessor's spelling (which every update does, runningText.ts) in a LiveEdit
   * of its own, after the update: its change on the script's last line widens V8's line diff back
   * to the update's last edit, which can make V8 take a function there for a new one. The server
   * sets it where its model of V8's diff predicts that (server/src/analysis/liveEditOrder.ts).
   */
  accessorAfter?: true;
  /**
   * No function of the script is inside another function, before or after the update: each has
   * at most one closure, so the runtime need not compile closures that never ran before the
   * LiveEdit (Node 24, docs/decisions/052). Absent: it does.
   */
  flat?: true;
}

/**
 * What a step is, for messages and for the policies around it: `definition` re-evaluates a
 * changed top-level definition (assigning its bindings), `declaration` creates a binding the
 * running module never had, `transformer` runs a user's state transformer, `migration` migrates
 * the existing instances of a class, `reinit` re-initializes a binding from its new initializer.
 */
export type StepKind = 'definition' | 'declaration' | 'transformer' | 'migration' | 'reinit';

export interface ModuleStep {
  kind: StepKind;
  /** What a person reads: `const TABLE`, `exports.parse =`, `transformer of sessions`. */
  label: string;
  /** 0-based line in the new text where the step's statement is (a failure is reported there). */
  line: number;
  /** JavaScript evaluated in the module's scope (sloppy direct eval inside the module). */
  code: string;
  /**
   * Evaluated in this load scope of the module instead (common/loadScopes.ts: the body of a
   * function the module called at load, such as an IIFE or UMD factory around a library), through
   * its accessor: the scope's number in the new text. Its `assigns` are that scope's bindings.
   */
  scope?: number;
  /** Top-level bindings the step assigns: read before it runs, put back if the update is undone. */
  assigns: string[];
  /**
   * Run at most once per module: the runtime remembers this key after the update that ran the
   * step is kept (forgets it if undone) and skips a later step with the same key. State
   * transformers and migrations carry one (an ES module keeps its running top level, so a
   * transformer it was sent stays "new" to the server on every later save).
   */
  once?: string;
  /**
   * The function this step re-makes, by its display name (server/src/analysis/remadeFunctions.ts,
   * classMembers.ts): its
   * binding takes a new closure of its new text, where V8 left the old one. The runtime does not
   * look for that function's old closures afterwards: the step's own undo record holds the old one.
   */
  remakes?: string;
  /** The analysis's path of that function where it differs from its name (a class member: `C{}/m`). */
  remakesPath?: string;
  /**
   * `once` keys this step reverses (a reverse transformer run by a rollback): the runtime forgets
   * them, so rolling forward again runs the forward transformer again.
   */
  forgets?: string[];
}

/** The step that threw, which undid the whole update. */
export interface StepFailure {
  kind: StepKind;
  label: string;
  line: number;
  /** `TypeError: x is not a function` */
  error: string;
}

export interface Patch {
  format: typeof PATCH_FORMAT_VERSION;
  /** Unique id chosen by the sender; echoed in the report. */
  id: string;
  scripts: ScriptPatch[];
  /**
   * Only check: baselines, compile errors and activeness, exactly as an apply would, and change
   * nothing. Scripts that would apply report the outcome `applicable`.
   */
  dryRun?: boolean;
  /** Default `reject`. */
  whenActive?: WhenActive;
  /** How long a deferred part may wait before it is dropped, in ms (default 60 000). */
  deferTimeoutMs?: number;
  /** Apply only once all of these functions are inactive (implies deferral until then). */
  whenIdle?: IdleCondition[];
  /**
   * Set when this patch rolls the program back (or forward) to the texts of an earlier version:
   * the version it creates says so (`VersionRecord.restores`). Changes nothing else.
   */
  restores?: number;
  /**
   * Set by a debugger that applies the patch through `applyThroughDebugger` while the program is
   * paused: nothing of the program runs between its calls then, so the runtime hands it each
   * LiveEdit in a call of its own (runtime/src/debuggerEditor.ts, `SteppedApply`) instead of
   * waiting for a turn that would come only after Continue. Ignored by `apply`.
   */
  paused?: true;
}

/** Where a changed function is active at apply time. */
export interface Activation {
  /** The changed function's name (from the patch). */
  function: string;
  /** `stack`: a frame on the synchronous stack; `suspended`: an async/generator activation. */
  kind: 'stack' | 'suspended';
  file?: string;
  line?: number;
  column?: number;
}

/** `pending`: nothing applied yet; the whole update waits (see `ScriptReport.pending`). */
export type ScriptOutcome = 'applied' | 'applicable' | 'rejected' | 'unchanged' | 'not-loaded' | 'pending';

export interface ScriptReport {
  file: string;
  outcome: ScriptOutcome;
  /** V8's LiveEdit status (`Ok`, `BlockedByActiveFunction`, …) when V8 was asked. */
  v8Status?: string;
  /** One sentence a user understands. */
  reason?: string;
  /** Set when the runtime confirmed V8 now runs the new text. */
  verified?: boolean;
  activations?: Activation[];
  /** Hash of the text that runs now, after this patch (or still, when rejected). */
  currentHash?: string;
  /** Functions whose existing closures still run the old code after the patch (V8 said Ok). */
  staleClosures?: StaleClosure[];
  /** Part (outcome `applied`) or all (outcome `pending`) of the update waits for inactivity. */
  pending?: PendingUpdate;
  /** The labels of the module steps that ran (all of them, when applied). */
  steps?: string[];
  /** The step that threw; nothing of the update was kept. */
  stepFailure?: StepFailure;
  /** Per `migration` step that ran: how many existing instances it migrated. */
  migrated?: MigrationCount[];
}

export interface MigrationCount {
  /** The step's label (`class Session`). */
  label: string;
  instances: number;
  /** Time the migration took (part of the update's `blockedMs`), and of it the heap search. */
  ms: number;
  searchMs: number;
}

/** A deferred part of an update, held by the runtime until its functions are inactive. */
export interface PendingUpdate {
  /** Unique in the program: the patch id and the file. */
  id: string;
  patchId: string;
  file: string;
  /** The deferred functions (display names from the patch). */
  functions: string[];
  /** What kept them back when they were deferred (or at the last attempt). */
  activations: Activation[];
  /** Functions named by an `update … when … idle` condition, still active at the last check. */
  waitingFor?: string[];
  /** Epoch milliseconds. */
  since: number;
  deadline: number;
  attempts: number;
}

/** How a pending update ended. Events are numbered per program, in order. */
export interface PendingEvent {
  seq: number;
  pending: PendingUpdate;
  outcome: 'applied' | 'expired' | 'cancelled' | 'replaced' | 'failed';
  /** Epoch milliseconds. */
  at: number;
  /** Where it was applied: at an event-loop turn, at an update point, or on request. */
  where?: 'turn' | 'update point' | 'request';
  /** One sentence a user understands (why it expired, failed, was cancelled or replaced). */
  reason?: string;
  /** The runtime's report of the apply (applied, failed). */
  report?: ScriptReport;
  /** Time the program was blocked applying it, ms. */
  blockedMs?: number;
  /** The version its landing created in the program's history (applied; cancelled as `restarted`). */
  version?: number;
}

export interface PendingQuery {
  /** Only events after this sequence number (0 or absent: all kept). */
  since?: number;
}

export interface PendingState {
  pending: PendingUpdate[];
  events: PendingEvent[];
  /** The last event's sequence number. */
  seq: number;
  /** How many times the program reached an update point (`updatePoint()`). */
  updatePoints: number;
}

export interface CancelRequest {
  /** Pending ids; absent: all. */
  ids?: string[];
  reason?: string;
  /**
   * The debugger made the update's text run itself, restarting a paused frame into it
   * (client/src/restartFrame.ts): the update is a version of the program's history like any other
   * (the cancelled event's `version`).
   */
  restarted?: true;
}

export interface StaleClosure {
  function: string;
  /** How many live closures of it still run the old code. */
  count: number;
  /** The server's reason for checking (see `ChangedFunction.closureRisk`). */
  reason: string;
}

export interface PatchReport {
  id: string;
  /** True only if every script was applied (or unchanged); a patch is all or nothing. */
  ok: boolean;
  scripts: ScriptReport[];
  /** Time the program was blocked inside the runtime while applying, in milliseconds. */
  blockedMs: number;
  /** Set when the runtime itself failed; nothing was applied then. */
  error?: string;
  /** The version this apply created in the program's history (absent when nothing was applied). */
  version?: number;
  /**
   * The program was in the middle of an event (its own code on the stack) when the update came:
   * nothing is applied yet; the update lands whole when that event ends (runtime/src/atTurn.ts).
   * Ask `applyProgress` with this token for the report (server/src/core/targetPort.ts).
   */
  queued?: string;
  /**
   * Set by the debugger that made the update's LiveEdits (common/debuggerApply.ts), not the
   * runtime: each `Debugger.setScriptSource`'s round trip through its session, in ms, in order.
   */
  debuggerEditsMs?: number[];
  /**
   * Set by whoever delivered the patch (not the runtime): the program or thread ended before it
   * answered (a worker that exited, a process that quit). It runs no version any more; `error`
   * says what ended.
   */
  ended?: boolean;
}

/** What one source file runs as: V8's own copy of the script, the baseline of every update. */
export interface ScriptState {
  file: string;
  loaded: boolean;
  hash?: string;
  /** The running text; only when the caller's `knownHash` differs from `hash`. */
  code?: string;
  /** V8's id of the script (the same in every inspector session of the program). */
  scriptId?: string;
  /** The runtime has changed this script: the debugger's own session no longer sees it as it is. */
  changedByRuntime?: boolean;
  /**
   * Which spelling of the scope accessor V8 holds (common/runningText): `hash` and `code` are
   * always of the canonical one (0). A debugger that edits the script itself sends the other.
   */
  accessorForm?: 0 | 1;
}

export interface ScriptStateQuery {
  file: string;
  knownHash?: string;
  /** Read the script again from V8 (after another inspector session changed it). */
  refresh?: boolean;
}

/**
 * FNV-1a over UTF-16 code units, as hex. Used to name a text version, not for security: both the
 * runtime (no dependencies) and the server compute it, so it must be this exact function.
 */
export function hashText(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0') + text.length.toString(16);
}

/** Who answers: whether this thread is one Live Update should update at all. */
export interface RuntimeInfo {
  formatVersion: number;
  /** A thread Node runs for itself (the module-hooks thread of Node < 22.15): never a target. */
  internal: boolean;
  pid: number;
  threadId: number;
  node: string;
  /**
   * This process is a file watcher that restarts the program on every change (`tsx watch`,
   * nodemon, `node --watch`): never a target, and the user is told to start the program without it.
   */
  restarter?: string;
  /**
   * The WebSocket URL of this process's own inspector (`inspector.url()`), answered by its main
   * thread only: the language server calls the runtime over a session of its own there, one with
   * no Debugger domain, so no call waits behind an event (docs/decisions/050).
   */
  inspector?: string;
}

/** V8's answer to `Debugger.setScriptSource`, as far as the runtime reads it. */
export interface SetScriptSourceResult {
  status?: string;
  exceptionDetails?: { text?: string; lineNumber?: number; columnNumber?: number; exception?: { description?: string } };
}

/** `applyProgress`'s token of the edits of pending updates landing later (runtime `LandingEdits`). */
export const LANDINGS_TOKEN = 'landings';

/** What the runtime's `applyProgress` answers the debugger (common/runtimeApi.ts). */
export type EditProgress =
  | { state: 'queued' | 'running' }
  | { state: 'edit'; seq: number; scriptId: string; scriptSource: string }
  | { state: 'done'; report: PatchReport }
  | { error: string };

export interface EvaluateRequest {
  /** Absolute path of a loaded user module. */
  file: string;
  expression: string;
  /**
   * Await a thenable result (the REPL's `eval`). A debugger's `evaluate` cannot wait, so the
   * runtime keeps the promise under a token and answers `pending`; asking again with `token` (the
   * expression is then not evaluated) answers its settled value, or `pending` again.
   */
  await?: boolean;
  /** A `pending` token of an earlier answer: asks how that promise settled. */
  token?: string;
}

/**
 * `pending` (only when the request said `await`): the value is a promise not settled yet, kept
 * under that token; `value` then shows the promise itself.
 */
export type EvaluateResult = { ok: true; value: string; pending?: string } | { ok: false; error: string };

/** The user modules a program runs (runtime `modules`, for the REPL's module arguments). */
export interface ModulesState {
  /** Absolute paths of loaded user modules (those with a scope accessor), in load order. */
  files: string[];
}

/** A frame of a program's stack, as the REPL's `stack` shows it (0-based positions). */
export interface StackFrameInfo {
  functionName: string;
  file: string;
  line: number;
  column: number;
}

/**
 * The program's synchronous stack below the runtime's own frames (runtime `stack`): empty while it
 * runs (the call comes in at an event-loop turn), its frames while it is paused. User modules only.
 */
export interface LiveStack {
  frames: StackFrameInfo[];
}

/** Where the program called `updatePoint()` (runtime `points`). Sampled, so counts are approximate. */
export interface UpdatePointSite {
  file: string;
  /** 0-based. */
  line: number;
  column: number;
  functionName: string;
  /** Calls attributed to this site: each sample stands for the calls since the previous one. */
  approximateCount: number;
  /** Epoch milliseconds of the last sample taken here. */
  lastSeen: number;
}

export interface UpdatePointsState {
  /** Every call, counted exactly. */
  total: number;
  sites: UpdatePointSite[];
}
