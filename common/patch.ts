/**
 * The patch format: what the language server sends to the runtime inside a debuggee, and the
 * report the runtime sends back. This module is the single definition of that wire format; it is
 * types and constants only, so the dependency-free runtime can import it.
 *
 * Everything crosses the wire as JSON text inside one DAP `evaluate` expression (see
 * `patchExpression`), so every field must be plain JSON.
 */

/** Bumped whenever a field changes meaning; the runtime refuses patches of another version. */
export const PATCH_FORMAT_VERSION = 1;

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
}

export interface ScriptPatch {
  /** Absolute path of the source file on disk. */
  file: string;
  /** Hash (see `hashText`) of the running text the server diffed against; stale if it differs. */
  baseHash: string;
  /** The complete new running text (see common/runningText: TypeScript arrives already blanked). */
  code: string;
  functions: ChangedFunction[];
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

export type ScriptOutcome = 'applied' | 'applicable' | 'rejected' | 'unchanged' | 'not-loaded';

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
}

/** What one source file runs as: V8's own copy of the script, the baseline of every update. */
export interface ScriptState {
  file: string;
  loaded: boolean;
  hash?: string;
  /** The running text; only when the caller's `knownHash` differs from `hash`. */
  code?: string;
}

export interface ScriptStateQuery {
  file: string;
  knownHash?: string;
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
}

/** The runtime API as seen from a debug adapter `evaluate`: every method takes and returns JSON text. */
export interface RuntimeApi {
  readonly formatVersion: number;
  info(unusedJson: string): string;
  apply(patchJson: string): string;
  /** The activeness query: `apply` with `dryRun`, so nothing changes. */
  check(patchJson: string): string;
  /** Evaluates an expression in one module's scope (its top-level bindings readable and assignable). */
  evaluate(requestJson: string): string;
  scriptState(queryJson: string): string;
}

/**
 * Builds the expression evaluated in the debuggee to call a runtime method. The argument is
 * embedded as a JSON-encoded JS string literal, so no file name or source text can break out of
 * it. The expression returns the method's JSON text, or a JSON error if the runtime is absent.
 */
export function runtimeCallExpression(method: keyof Omit<RuntimeApi, 'formatVersion'>, argJson: string): string {
  const key = JSON.stringify(RUNTIME_GLOBAL_KEY);
  return (
    `(() => { const rt = globalThis[Symbol.for(${key})]; ` +
    `return rt ? rt.${method}(${JSON.stringify(argJson)}) : '{"error":"runtime-missing"}'; })()`
  );
}

export interface EvaluateRequest {
  /** Absolute path of a loaded user module. */
  file: string;
  expression: string;
}

export type EvaluateResult = { ok: true; value: string } | { ok: false; error: string };
