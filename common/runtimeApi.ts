// The runtime's methods, each declared once here with its argument and its answer. Everything
// else derives from this table: the runtime implements `RuntimeMethods` (runtime/src/api.ts) and
// wraps it for the wire, callers call `method` with `ArgumentOf<method>` and get
// `AnswerOf<method> | RuntimeError`, and whatever relays a call (the language client, the tests'
// client) passes the method's name and argument through without knowing either. Adding a method
// is a line here, its implementation in the runtime, and its callers.
//
// On the wire a method takes its argument as JSON text and answers JSON text (a debugger's
// `evaluate` and `Runtime.callFunctionOn` carry strings without loss), registered under
// `Symbol.for(RUNTIME_GLOBAL_KEY)` in the program (common/runtimeCall.ts calls it).
import {
  RUNTIME_GLOBAL_KEY,
  type CancelRequest,
  type EditProgress,
  type EvaluateRequest,
  type EvaluateResult,
  type HistoryQuery,
  type LiveStack,
  type ModulesState,
  type Patch,
  type PatchReport,
  type PendingQuery,
  type PendingState,
  type RuntimeInfo,
  type ScriptState,
  type ScriptStateQuery,
  type SetScriptSourceResult,
  type UpdatePointsState,
  type VersionHistory,
  type VersionTexts,
  type VersionTextsQuery,
} from './patch';

/** A method's signature: what it takes and what it answers (types only), and how long a caller waits. */
interface Signature<Argument, Answer> {
  readonly argument?: Argument;
  readonly answer?: Answer;
  /** How long a caller waits for the answer (default `CALL_TIMEOUT_MS`; 0: as long as it takes). */
  readonly timeoutMs?: number;
}
const signature = <Argument, Answer>(options: { timeoutMs?: number } = {}): Signature<Argument, Answer> => options;

/** How long a target may take to answer before the call counts as failed. */
export const CALL_TIMEOUT_MS = 15_000;

/** The argument of a method that needs none. */
export type NoArgument = Record<string, never>;

/** The debugger's poll of an update it applies (`applyThroughDebugger`): its token, and its answer to the last edit. */
export interface ProgressRequest {
  token: string;
  answer?: { seq: number; result: SetScriptSourceResult };
}

/** The table of runtime methods. */
export const RUNTIME_METHODS = {
  /** Who answers: whether this thread is one Live Update should update at all (the handshake). */
  info: signature<NoArgument, RuntimeInfo>(),
  /** Applies a patch, all or nothing, and reports what V8 really runs. */
  apply: signature<Patch, PatchReport>(),
  /** `apply` with `dryRun`: the activeness query, which changes nothing. */
  check: signature<Patch, PatchReport>(),
  /**
   * `apply`, with the LiveEdits made by the debugger that calls it, through its own inspector
   * session, so that its breakpoints see the new text (runtime/src/debuggerEditor.ts). Answers a
   * token; the debugger then polls `applyProgress` (common/debuggerApply.ts).
   */
  applyThroughDebugger: signature<Patch, { token: string }>(),
  /** The edit the debugger is to make for an update it applies, or the report once done. */
  applyProgress: signature<ProgressRequest, EditProgress>(),
  /**
   * The debugger says the program paused (at a breakpoint, a step): the time until it runs again
   * does not count toward a waiting update's timeout (`deferTimeoutMs`).
   */
  paused: signature<NoArgument, NoArgument>(),
  /** Evaluates an expression in one module's scope (its top-level bindings readable and assignable). */
  evaluate: signature<EvaluateRequest, EvaluateResult>(),
  /** What a file runs as: V8's own copy of the script, the baseline of every update. */
  scriptState: signature<ScriptStateQuery, ScriptState>(),
  /**
   * Pending updates and how earlier ones ended. Asked again and again while something waits: a
   * program that does not answer soon is skipped this round rather than holding up the others.
   */
  pending: signature<PendingQuery, PendingState>({ timeoutMs: 3_000 }),
  /** Drops pending updates. */
  cancel: signature<CancelRequest, PendingState>(),
  /** The program's numbered versions. */
  history: signature<HistoryQuery, VersionHistory>(),
  /** What restoring a version applies. */
  versionTexts: signature<VersionTextsQuery, VersionTexts>(),
  /** The user modules the program runs. */
  modules: signature<NoArgument, ModulesState>(),
  /** The program's stack below the runtime (frames only while it is paused). */
  stack: signature<NoArgument, LiveStack>(),
  /** The update points the program reached. */
  points: signature<NoArgument, UpdatePointsState>(),
  /**
   * Calls the caller's CDP binding (`Runtime.addBinding`) with `pending` whenever pending updates
   * change, so the caller need not poll (runtime/src/signals.ts). The binding's global is taken
   * out of the program.
   */
  listen: signature<{ binding: string }, { listening: true }>(),
};

type Methods = typeof RUNTIME_METHODS;
export type RuntimeMethod = keyof Methods;
export type ArgumentOf<M extends RuntimeMethod> = NonNullable<Methods[M]['argument']>;
export type AnswerOf<M extends RuntimeMethod> = NonNullable<Methods[M]['answer']>;

/**
 * Any call can fail instead of answering: the runtime failed, is not loaded, or the target could
 * not be reached. `ended`: the target ended (it exited or was killed) before it answered.
 */
export interface RuntimeError {
  error: string;
  ended?: boolean;
}

/** What the runtime implements: each method with its argument, answering its answer or an error. */
export type RuntimeMethods = { [M in RuntimeMethod]: (argument: ArgumentOf<M>) => AnswerOf<M> | RuntimeError };

/** Calls a runtime method and resolves with its answer (rejects when the call could not be made). */
export type RuntimeCall = <M extends RuntimeMethod>(method: M, argument: ArgumentOf<M>) => Promise<AnswerOf<M> | RuntimeError>;

/** How long a caller waits for `method`'s answer (0: as long as it takes). */
export function callTimeoutMs(method: RuntimeMethod): number {
  return RUNTIME_METHODS[method].timeoutMs ?? CALL_TIMEOUT_MS;
}

/**
 * What the runtime registers in the program: every method on JSON text, the program's own entry,
 * and the staging of an argument sent in pieces (`argumentPieces`): `piece(key, text)` keeps a
 * piece, `joined(key, last)` answers the pieces kept under `key` followed by `last`, and forgets them.
 */
export type RuntimeWire = { readonly formatVersion: number; updatePoint(): void; piece(key: string, text: string): void; joined(key: string, last: string): string } & {
  readonly [M in RuntimeMethod]: (argumentJson: string) => string;
};

/**
 * The largest piece of a call's argument one message carries (UTF-16 units; at most three times
 * as many bytes). Node's inspector server mis-parses a WebSocket frame that is cut by its read
 * buffer within the frame's last few bytes (its length check ignores the frame's header: it reads
 * past the data it has, then erases past the end of its buffer) and the program dies with a
 * corrupted heap (`munmap_chunk(): invalid pointer`; nodejs/node#64618). Its reads are 64 KiB, so
 * a cut happens when more than that is unread at once: a 64 KB patch and the next call, sent
 * together. Arguments are sent in pieces well under that; common/cdpConnection.ts keeps what is
 * unanswered on one connection under it too.
 */
export const ARGUMENT_PIECE_CHARS = 16 * 1024;

/** `argJson` cut into pieces of at most ARGUMENT_PIECE_CHARS (one piece when it is short). */
export function argumentPieces(argJson: string): string[] {
  const pieces: string[] = [];
  let at = 0;
  while (at < argJson.length) {
    let end = Math.min(argJson.length, at + ARGUMENT_PIECE_CHARS);
    // Never between the two halves of a surrogate pair: each piece travels as a string of its own.
    if (end < argJson.length && /[\uD800-\uDBFF]/.test(argJson[end - 1]!)) end--;
    pieces.push(argJson.slice(at, end));
    at = end;
  }
  return pieces.length ? pieces : [''];
}

/** Whether an answer is a failure rather than the method's answer. */
export function isRuntimeError(answer: unknown): answer is RuntimeError {
  return typeof answer === 'object' && answer !== null && typeof (answer as RuntimeError).error === 'string' && !('ok' in answer);
}

/**
 * The expression evaluated in the debuggee to call a runtime method where no CDP connection can
 * pass the argument as a value (DAP `evaluate`). The argument is embedded as a JSON-encoded JS
 * string literal, so no file name or source text can break out of it; it answers the method's JSON
 * text, or a JSON error if the runtime is absent.
 */
export function runtimeCallExpression(method: RuntimeMethod, argJson: string): string {
  return callExpression(method, JSON.stringify(argJson));
}

const RUNTIME_EXPRESSION = `globalThis[Symbol.for(${JSON.stringify(RUNTIME_GLOBAL_KEY)})]`;

function callExpression(method: RuntimeMethod, argumentCode: string): string {
  return `(() => { const rt = ${RUNTIME_EXPRESSION}; return rt ? rt.${method}(${argumentCode}) : '{"error":"runtime-missing"}'; })()`;
}

/**
 * `runtimeCallExpression` for an argument of any length: the expressions to evaluate in order, the
 * argument's pieces kept under `key` (unique to this call) and the call itself last (see
 * ARGUMENT_PIECE_CHARS). Only the last one answers.
 */
export function runtimeCallExpressions(method: RuntimeMethod, argJson: string, key: string): string[] {
  const pieces = argumentPieces(argJson);
  const last = JSON.stringify(pieces.pop()!);
  if (!pieces.length) return [callExpression(method, last)];
  const k = JSON.stringify(key);
  return [
    ...pieces.map((piece) => `(() => { const rt = ${RUNTIME_EXPRESSION}; if (rt) rt.piece(${k}, ${JSON.stringify(piece)}); })()`),
    callExpression(method, `rt.joined(${k}, ${last})`),
  ];
}
