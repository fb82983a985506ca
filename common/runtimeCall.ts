// How a debugger with a CDP connection calls the runtime inside a debuggee without leaving the
// call's text in the program's memory.
//
// Every script V8 compiles for the inspector (an evaluate's expression, a callFunctionOn's
// declaration) is reported to every debugger session, and a session keeps the source of each
// script that is later collected, up to its `maxScriptsCacheSize`. js-debug enables the Debugger
// domain with no limit, so each `evaluate` of `runtimeCallExpression` (the patch inlined: its
// file's whole text) stayed in the program for as long as the debugger was attached. Measured
// under load: about 11 KB per update of a 1 KB file, RSS +19% over 1,000 updates, growing with
// the file's size (issue 9). Here the argument travels as a value of `Runtime.callFunctionOn` on
// the runtime's own object, so the only text V8 compiles per call is the constant declaration
// below. Without a CDP connection (js-debug offering no proxy) callers fall back to `evaluate`.
import { RUNTIME_GLOBAL_KEY } from './patch';
import { argumentPieces, type RuntimeCall, type RuntimeMethod } from './runtimeApi';

/** Enough of a CDP connection to call the runtime. */
export interface CdpSender {
  send<T>(method: string, params: object): Promise<T>;
}

/** Compiled once per call, so kept as short as it can be; `k` names the pieces sent before (`argumentPieces`). */
const CALL_DECLARATION = 'function(m,a,k){return this[m](k?this.joined(k,a):a)}';
const PIECE_DECLARATION = 'function(k,a){this.piece(k,a)}';
/** Names each call's pieces, unique among the callers of one process. */
let calls = 0;
/** What the runtime answers when it is not loaded (the same as `runtimeCallExpression`). */
export const RUNTIME_MISSING_ANSWER = '{"error":"runtime-missing"}';
/** Our own group: js-debug releases its groups (console, REPL) on its own schedule, not ours. */
const OBJECT_GROUP = 'liveUpdate';

interface RemoteObjectResult {
  result: { type: string; value?: unknown; objectId?: string };
  exceptionDetails?: { text?: string; exception?: { description?: string } };
}

/** Calls the runtime of one debuggee over one CDP connection; holds the runtime object's id. */
export class RuntimeCaller {
  private runtimeObject: Promise<string | undefined> | undefined;

  constructor(private readonly cdp: CdpSender) {}

  /** The runtime method's JSON answer (RUNTIME_MISSING_ANSWER when the runtime is not loaded). */
  async call(method: RuntimeMethod, argJson: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const objectId = await (this.runtimeObject ??= this.findRuntime());
      if (!objectId) {
        this.runtimeObject = undefined; // the runtime may load later (a new process's preloads)
        return RUNTIME_MISSING_ANSWER;
      }
      let answer: RemoteObjectResult;
      try {
        // A long argument goes first in pieces, one message at a time (ARGUMENT_PIECE_CHARS).
        const pieces = argumentPieces(argJson);
        const last = pieces.pop()!;
        const key = pieces.length ? `${process.pid}.${++calls}` : '';
        for (const piece of pieces) {
          const stored = await this.cdp.send<RemoteObjectResult>('Runtime.callFunctionOn', { objectId, functionDeclaration: PIECE_DECLARATION, arguments: [{ value: key }, { value: piece }] });
          if (stored.exceptionDetails) throw new Error(stored.exceptionDetails.exception?.description ?? stored.exceptionDetails.text ?? 'the runtime threw');
        }
        answer = await this.cdp.send<RemoteObjectResult>('Runtime.callFunctionOn', {
          objectId,
          functionDeclaration: CALL_DECLARATION,
          arguments: [{ value: method }, { value: last }, { value: key }],
          returnByValue: true,
        });
      } catch (e) {
        // The object is gone with its context (or was released): find the runtime again, once.
        if (attempt > 0 || !/object|context/i.test(e instanceof Error ? e.message : '')) throw e;
        this.runtimeObject = undefined;
        continue;
      }
      if (answer.exceptionDetails) throw new Error(answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text ?? 'the runtime threw');
      return String(answer.result.value);
    }
  }

  private async findRuntime(): Promise<string | undefined> {
    const found = await this.cdp.send<RemoteObjectResult>('Runtime.evaluate', {
      expression: `globalThis[Symbol.for(${JSON.stringify(RUNTIME_GLOBAL_KEY)})]`,
      objectGroup: OBJECT_GROUP,
      silent: true,
    });
    return found.result.type === 'object' ? found.result.objectId : undefined;
  }
}

/** A RuntimeCall over one CDP connection: the argument and the answer as values, not text. */
export function cdpRuntimeCall(cdp: CdpSender): RuntimeCall {
  const caller = new RuntimeCaller(cdp);
  return async (method, argument) => JSON.parse(await caller.call(method, JSON.stringify(argument)));
}
