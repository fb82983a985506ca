// The runtime's own in-process inspector session. In-process `Session.post` dispatches
// synchronously on the calling thread, so every call here returns its result directly: the
// runtime can apply a patch inside one DAP `evaluate` without awaiting anything.
import * as inspector from 'node:inspector';
import { fileURLToPath } from 'node:url';
import { accessorFormOf, withAccessorForm } from '../../common/runningText';

export interface CdpError {
  error: string;
}

const LOCATE_GROUP = 'live-update-locate';
const HEAP_GROUP = 'live-update-heap';
/** Where a value crosses between the program and this session, for the length of one call. */
const HANDOFF_KEY = 'liveUpdate.handoff';

export class InProcessSession {
  private readonly session = new inspector.Session();
  private debuggerEnabled = false;
  /** Absolute file path → id of the newest script V8 compiled from it. */
  private readonly scriptsByFile = new Map<string, string>();
  /**
   * Scripts this session has changed. V8's inspector keeps per-session script state: after a
   * change made here, the debugger's own session resolves positions in that script against the
   * text it knew (docs/decisions/029, "Breakpoints after an update").
   */
  readonly changedHere = new Set<string>();

  constructor() {
    this.session.connect();
    this.session.on('Debugger.scriptParsed', ({ params }) => {
      // LiveEdit itself never announces scripts here, but stay safe: a script holding an old
      // version must not become the file's script.
      if ((params as { isLiveEdit?: boolean }).isLiveEdit) return;
      const file = scriptUrlToFile(params.url);
      if (file) this.scriptsByFile.set(file, params.scriptId);
    });
  }

  /**
   * Sends a CDP command and returns its result, or `{error}` (never throws). Only valid for
   * commands that complete synchronously in-process, which all Debugger/Runtime commands used
   * here do.
   */
  post<T>(method: string, params?: object): T | CdpError {
    let outcome: T | CdpError = { error: `${method} did not complete synchronously` };
    try {
      this.session.post(method, params ?? {}, (err: Error | null, result?: unknown) => {
        outcome = err ? { error: err.message } : (result as T);
      });
    } catch (e) {
      outcome = { error: e instanceof Error ? e.message : String(e) };
    }
    return outcome;
  }

  /**
   * Sends a CDP command that completes later (after the current task), such as
   * `HeapProfiler.collectGarbage`; `done` is called then, once, whatever the outcome.
   */
  postLater(method: string, done: () => void): void {
    try {
      this.session.post(method, {}, () => done());
    } catch {
      done();
    }
  }

  /**
   * Enables the Debugger domain on first use. V8 then replays `scriptParsed` for every script
   * already compiled (synchronously, inside this call), and reports new ones as they load. Pauses
   * are skipped in this session so it never stops the program by itself; an external debugger's
   * own session still pauses as usual.
   */
  ensureDebugger(): CdpError | undefined {
    if (this.debuggerEnabled) return undefined;
    const enabled = this.post('Debugger.enable', { maxScriptsCacheSize: 0 });
    if (isError(enabled)) return enabled;
    this.post('Debugger.setSkipAllPauses', { skip: true });
    this.debuggerEnabled = true;
    return undefined;
  }

  /**
   * Whether a debugger holds the program paused now. V8 answers a call-frame request with an
   * unknown id by "Can only perform operation while paused" unless the program is paused (in any
   * session): a probe that changes nothing.
   */
  isPaused(): boolean {
    if (this.ensureDebugger()) return false;
    const answer = this.post('Debugger.evaluateOnCallFrame', { callFrameId: 'live-update-probe', expression: '0' });
    return isError(answer) && !/while paused/.test(answer.error);
  }

  /**
   * Forgets what this session knows of scripts and asks V8 again. Needed after another session
   * (the debugger's, restarting a frame) changed a script's text: V8's inspector keeps each
   * session's copy of a script's source, and only the session that edited it sees the new one.
   */
  refresh(): void {
    if (!this.debuggerEnabled) return;
    this.post('Debugger.disable');
    this.debuggerEnabled = false;
    // A LiveEdit gives the edited script's id to the new script it makes, so the ids known stay
    // right. The replay must not replace them: it also lists the scripts V8 made and left behind
    // for earlier LiveEdits (previews, refusals), under the same URL.
    const known = new Map(this.scriptsByFile);
    this.scriptsByFile.clear();
    this.ensureDebugger();
    for (const [file, scriptId] of known) this.scriptsByFile.set(file, scriptId);
  }

  scriptIdFor(file: string): string | undefined {
    this.ensureDebugger();
    return this.scriptsByFile.get(file) ?? this.scriptIdUnderLossyUrl(file);
  }

  /**
   * Node reports a CommonJS script's URL built from its file name without escaping `\`, tab, CR
   * or LF, and URL parsing then turns `\` into `/` and drops the others: `a\b\n.js` is reported
   * as `a/b.js`, so the script is not found under its own name (issue 9: such a file was never
   * updated, silently). Look under that lossy name, and take the script only if it is this file's
   * running text: its scope accessor line names the file exactly (never another file's script).
   */
  private scriptIdUnderLossyUrl(file: string): string | undefined {
    if (!/[\\\t\r\n]/.test(file)) return undefined;
    const scriptId = this.scriptsByFile.get(file.replace(/\\/g, '/').replace(/[\t\r\n]/g, ''));
    if (!scriptId) return undefined;
    const source = this.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
    return !isError(source) && accessorFormOf(source.scriptSource, file) !== undefined ? scriptId : undefined;
  }

  /**
   * Every object in the heap whose prototype chain holds `prototype`, as an array in the program
   * (`Runtime.queryObjects`: V8 collects garbage, then walks the whole heap: instance migration,
   * closure checks). The error says which step failed.
   */
  heapObjects(prototype: object): unknown[] | CdpError {
    const host = globalThis as unknown as Record<symbol, unknown>;
    const key = Symbol.for(HANDOFF_KEY);
    const handoff = `globalThis[Symbol.for(${JSON.stringify(HANDOFF_KEY)})]`;
    try {
      host[key] = prototype;
      const proto = this.post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: handoff, objectGroup: HEAP_GROUP });
      if (isError(proto) || !proto.result.objectId) return { error: `the prototype cannot be reached through the inspector${isError(proto) ? `: ${proto.error}` : ''}` };
      const all = this.post<{ objects: { objectId?: string } }>('Runtime.queryObjects', { prototypeObjectId: proto.result.objectId, objectGroup: HEAP_GROUP });
      if (isError(all) || !all.objects.objectId) return { error: `the heap could not be searched${isError(all) ? `: ${all.error}` : ''}` };
      const handed = this.post('Runtime.callFunctionOn', { objectId: all.objects.objectId, functionDeclaration: `function () { ${handoff} = this; }`, objectGroup: HEAP_GROUP });
      if (isError(handed)) return { error: `what the search found could not be handed over: ${handed.error}` };
      return host[key] as unknown[];
    } finally {
      delete host[key];
      this.post('Runtime.releaseObjectGroup', { objectGroup: HEAP_GROUP });
    }
  }

  /** Where V8 runs `fn` now (`[[FunctionLocation]]`): its script and 0-based position. */
  functionLocation(fn: unknown): { scriptId: string; line: number; column: number } | undefined {
    // The function reaches the session as a remote object through a symbol-keyed global, for the
    // length of this call only (no global name is left behind).
    const key = Symbol.for('liveUpdate.locate');
    const host = globalThis as unknown as Record<symbol, unknown>;
    host[key] = fn;
    try {
      const held = this.post<{ result: { objectId?: string } }>('Runtime.evaluate', { expression: `globalThis[Symbol.for('liveUpdate.locate')]`, objectGroup: LOCATE_GROUP });
      if (isError(held) || !held.result.objectId) return undefined;
      const props = this.post<{ internalProperties?: { name: string; value?: { value?: { scriptId: string; lineNumber: number; columnNumber: number } } }[] }>('Runtime.getProperties', { objectId: held.result.objectId, ownProperties: true });
      const at = isError(props) ? undefined : props.internalProperties?.find((p) => p.name === '[[FunctionLocation]]')?.value?.value;
      return at ? { scriptId: at.scriptId, line: at.lineNumber, column: at.columnNumber } : undefined;
    } finally {
      delete host[key];
      this.post('Runtime.releaseObjectGroup', { objectGroup: LOCATE_GROUP });
    }
  }

  /**
   * The text V8 runs for `file` (the baseline of updates), or undefined if it is not loaded. Its
   * scope accessor is given in its canonical form, whichever form V8 holds (see `liveEditText`).
   */
  runningText(file: string): { scriptId: string; code: string; accessorForm?: 0 | 1 } | undefined {
    const scriptId = this.scriptIdFor(file);
    if (!scriptId) return undefined;
    const result = this.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
    if (isError(result)) return undefined;
    const form = accessorFormOf(result.scriptSource, file);
    return { scriptId, code: form === 1 ? withAccessorForm(result.scriptSource, file, 0) : result.scriptSource, ...(form !== undefined ? { accessorForm: form } : {}) };
  }

  /**
   * What to hand V8 so that `file`'s script runs `code` (a canonical running text): the scope
   * accessor in the form V8 does not hold now, so every update changes it (common/runningText,
   * `ACCESSOR_FORMS`: Node 24 aborts on an eval through an accessor an update left unchanged).
   */
  liveEditText(scriptId: string, file: string, code: string, { keepAccessor = false }: { keepAccessor?: boolean } = {}): string {
    const raw = this.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
    if (isError(raw)) return code;
    const form = accessorFormOf(raw.scriptSource, file);
    if (form === undefined) return code;
    // `keepAccessor`: the accessor as V8 holds it (a step before the one that changes it, see
    // `ScriptPatch.accessorAfter`).
    return withAccessorForm(code, file, keepAccessor ? form : form === 0 ? 1 : 0);
  }
}

export function isError(value: unknown): value is CdpError {
  return typeof value === 'object' && value !== null && 'error' in value;
}

/** CommonJS scripts report a `file://` URL (or a bare path on old Node); ESM a `file://` URL. */
export function scriptUrlToFile(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return url.startsWith('/') ? url : undefined;
}
