// One debugger's connection to the runtime of one program over CDP: its own inspector session
// (the command line, the tests) or js-debug's session of the program through js-debug's CDP proxy
// (the language server, given the proxy's address by the extension). Typed runtime calls
// (common/runtimeCall.ts: the argument as a value), updates whose LiveEdits this session makes
// when it is the debugger's (common/debuggerApply.ts), and the runtime's signal that its pending
// updates changed (runtime/src/signals.ts), so nobody needs to poll. Through js-debug, the calls
// and signals go over a session of the program's own inspector when it gave its address
// (`calls`): js-debug's session has the Debugger domain on, and there every call's answer waited
// ~45 ms behind the event announcing the script V8 compiled for it (docs/decisions/050).
import { randomBytes } from 'node:crypto';
import { CdpConnection, isLoopbackUrl, type CdpSession } from './cdpConnection';
import { applyThroughDebugger } from './debuggerApply';
import type { Patch, PatchReport, SetScriptSourceResult } from './patch';
import { callTimeoutMs, isRuntimeError, type RuntimeCall, type RuntimeError } from './runtimeApi';
import { RuntimeCaller } from './runtimeCall';

export interface RuntimeConnectionOptions {
  /**
   * The connection is js-debug's CDP proxy: updates' LiveEdits are made in this session (so
   * js-debug's breakpoints see the new text), and its events come only once subscribed
   * (`JsDebug.subscribe`). Its Runtime domain is js-debug's: never disabled here.
   */
  proxy?: boolean;
  /** Give up on a call after its method's timeout (`callTimeoutMs`); else wait as long as it takes. */
  timeouts?: boolean;
  /**
   * Where the runtime's calls and signals go instead of `cdp`: a session of the program's own
   * inspector, without the Debugger domain (`openDebuggerConnection`). `cdp` then makes only the
   * LiveEdits of updates.
   */
  calls?: CdpSession;
}

interface ContextDescription {
  name: string;
  auxData?: { isDefault?: boolean };
}

export class RuntimeConnection {
  private readonly caller: RuntimeCaller;

  constructor(
    readonly cdp: CdpSession,
    private readonly options: RuntimeConnectionOptions = {},
  ) {
    this.caller = new RuntimeCaller(options.calls ?? cdp);
  }

  /** Whether either session ended (the program exited, or js-debug let go of it). */
  get closed(): boolean {
    return this.cdp.closed || (this.options.calls?.closed ?? false);
  }

  close(): void {
    this.options.calls?.close();
    this.cdp.close();
  }

  /** Calls a runtime method; rejects when the call could not be made (or timed out). */
  readonly call: RuntimeCall = async (method, argument) => {
    const answer = this.caller.call(method, JSON.stringify(argument));
    const timeoutMs = this.options.timeouts ? callTimeoutMs(method) : 0;
    if (timeoutMs <= 0) return JSON.parse(await answer);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the program did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      return JSON.parse(await Promise.race([answer, timeout]));
    } finally {
      clearTimeout(timer);
    }
  };

  /** Applies a patch: through this session's edits when it is the debugger's, else in the runtime's own. */
  async apply(patch: Patch): Promise<PatchReport | RuntimeError> {
    if (this.options.proxy && !patch.dryRun) {
      const report = await applyThroughDebugger(
        { call: this.call, edit: (scriptId, scriptSource) => this.cdp.send<SetScriptSourceResult>('Debugger.setScriptSource', { scriptId, scriptSource }) },
        patch,
      );
      if (!('unsupported' in report)) return report;
    }
    return this.call('apply', patch);
  }

  /**
   * Has the runtime tell this session when its pending updates change (`onPending`), through a
   * CDP binding of a random name, exposed only in the program's main context and taken out of its
   * global object by the runtime. False when the runtime cannot (the caller then polls).
   */
  async listen(onPending: () => void): Promise<boolean> {
    const name = `liveUpdate$${randomBytes(8).toString('hex')}`;
    const session = this.options.calls ?? this.cdp;
    const viaProxy = this.options.proxy && !this.options.calls;
    session.on('Runtime.bindingCalled', (params: { name: string }) => {
      if (params.name === name) onPending();
    });
    try {
      if (viaProxy) await session.send('JsDebug.subscribe', { events: ['Runtime.bindingCalled'] });
      const context = await this.mainContextName(session, !!viaProxy);
      await session.send('Runtime.addBinding', { name, ...(context ? { executionContextName: context } : {}) });
      return !isRuntimeError(await this.call('listen', { binding: name }));
    } catch {
      return false;
    }
  }

  /**
   * The name of the program's main context, so that a binding is not added to the `vm` contexts
   * the program makes: `Runtime.enable` reports the contexts there are (js-debug's proxy replays
   * them). A session whose Runtime domain is ours is left as it was (disabled).
   */
  private async mainContextName(session: CdpSession, viaProxy: boolean): Promise<string | undefined> {
    let name: string | undefined;
    session.on('Runtime.executionContextCreated', ({ context }: { context: ContextDescription }) => {
      if (context.auxData?.isDefault) name ??= context.name;
    });
    await session.send('Runtime.enable');
    if (!viaProxy) await session.send('Runtime.disable');
    return name;
  }
}

/**
 * The connection of a debugger that edits through js-debug: its CDP proxy (`proxyUrl`) for the
 * LiveEdits, and for the calls a session of the program's own inspector (`inspectorUrl`, on
 * loopback only) when it can be opened; else the calls go through the proxy too, as before.
 */
export async function openDebuggerConnection(proxyUrl: string, inspectorUrl: string | undefined, options: { timeouts?: boolean } = {}): Promise<RuntimeConnection> {
  const proxy = await CdpConnection.open(proxyUrl, 'js-debug closed its CDP proxy');
  const calls = inspectorUrl && isLoopbackUrl(inspectorUrl) ? await ownSession(inspectorUrl) : undefined;
  return new RuntimeConnection(proxy, { ...options, proxy: true, ...(calls ? { calls } : {}) });
}

/** A session of the program's own inspector with no domain on but NodeRuntime, or undefined if it cannot be opened. */
async function ownSession(url: string): Promise<CdpConnection | undefined> {
  let session: CdpConnection | undefined;
  try {
    session = await CdpConnection.open(url);
    const opened = session;
    // A process that is done waits for every session to leave before it exits: leave.
    opened.on('NodeRuntime.waitingForDisconnect', () => opened.close());
    await opened.send('NodeRuntime.enable');
    return opened;
  } catch {
    session?.close();
    return undefined;
  }
}
