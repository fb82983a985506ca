// A real Node program started with the Live Update runtime and the inspector on loopback, driven
// over the Chrome DevTools Protocol the way the extension drives it through js-debug: the runtime
// is reached only through the debugger's session (common/runtimeCall.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import type { PendingState, CancelRequest, EvaluateRequest, EvaluateResult, Patch, PatchReport, ScriptState, ScriptStateQuery } from '../../common/patch';
import { isRuntimeError, type AnswerOf, type ArgumentOf, type RuntimeCall, type RuntimeError, type RuntimeMethod } from '../../common/runtimeApi';
import { CdpConnection } from '../../common/cdpConnection';
import { RuntimeConnection } from '../../common/runtimeConnection';
import { eventually } from './eventually';
import { runtimeDir } from './paths';
import { runtimeNodeArgs } from '../../common/nodeOptions';
import { applyThroughDebugger } from '../../common/debuggerApply';
import { untilLanded } from '../../server/src/core/targetPort';

/** The Node that runs test programs: LIVE_UPDATE_TEST_NODE (the 20/22/24 matrix) or this one. */
export const testNode = (): string => process.env.LIVE_UPDATE_TEST_NODE || process.execPath;

export class InspectedProcess {
  readonly output: string[] = [];
  exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly cdp: CdpConnection,
    /** The program's inspector WebSocket URL. */
    readonly url: string,
  ) {}

  /** `nodeArgs` go to node before the script (such as `--expose-gc`), `args` to the script. */
  static async start(script: string, options: { node?: string; cwd?: string; args?: string[]; nodeArgs?: string[] } = {}): Promise<InspectedProcess> {
    const child = spawn(options.node ?? testNode(), ['--inspect=127.0.0.1:0', ...(options.nodeArgs ?? []), ...runtimeNodeArgs(runtimeDir), script, ...(options.args ?? [])], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stderr = '';
    const output: string[] = [];
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.push(...chunk.split('\n').filter(Boolean)));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const url = await eventually('the inspector URL', () => /ws:\/\/[^\s]+/.exec(stderr)?.[0], 10_000);
    const p = new InspectedProcess(child, await CdpConnection.open(url), url);
    (p as { output: string[] }).output = output;
    child.on('exit', (code) => (p.exitCode = code));
    p.stderr = () => stderr;
    return p;
  }

  stderr: () => string = () => '';

  send<T = any>(method: string, params: object = {}): Promise<T> {
    return this.cdp.send<T>(method, params);
  }

  on(event: string, listener: (params: any) => void): void {
    this.cdp.on(event, listener);
  }

  /**
   * Resumes a paused program and waits until the task it was paused in has finished (a later
   * event-loop turn has begun), so the paused functions are no longer on the stack.
   */
  async resume(): Promise<void> {
    const resumed = new Promise<void>((resolve) => this.on('Debugger.resumed', () => resolve()));
    await this.send('Debugger.resume');
    await resumed;
    await this.send('Runtime.evaluate', { expression: 'new Promise((resolve) => setImmediate(resolve))', awaitPromise: true });
  }

  evaluate<T = unknown>(expression: string): Promise<T> {
    return this.cdp.evaluate<T>(expression);
  }

  /** Calls the runtime as the extension does through js-debug's CDP proxy (common/runtimeCall.ts). */
  callRuntime<M extends RuntimeMethod>(method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M> | RuntimeError> {
    return this.runtimeCall(method, argument);
  }

  /** `callRuntime` for the answer itself: a test that gets the runtime's error fails. */
  async ask<M extends RuntimeMethod>(method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M>> {
    const answer = await this.runtimeCall(method, argument);
    if (isRuntimeError(answer)) throw new Error(`the runtime's ${method} failed: ${answer.error}`);
    return answer;
  }

  private connection: RuntimeConnection | undefined;
  /** The runtime of this process over the test's own inspector connection. */
  get runtimeConnection(): RuntimeConnection {
    return (this.connection ??= new RuntimeConnection(this.cdp));
  }

  /** Calls the runtime of this process over the test's own inspector connection. */
  get runtimeCall(): RuntimeCall {
    return this.runtimeConnection.call;
  }

  /** `apply`, asked again until it landed when it waited for the program's event to end. */
  async apply(patch: Patch): Promise<PatchReport> {
    const landed = await untilLanded(await this.ask('apply', patch), (token) => this.ask('applyProgress', { token }));
    if (isRuntimeError(landed)) throw new Error(landed.error);
    return landed;
  }

  /**
   * `apply` the way the extension sends it through js-debug: the LiveEdits made on this
   * connection's session (common/debuggerApply.ts), which must have the Debugger domain enabled.
   */
  async applyThroughDebugger(patch: Patch, { callsApart = false }: { callsApart?: boolean } = {}): Promise<PatchReport> {
    const call = callsApart ? (await this.callsApart()).call : this.runtimeCall;
    const report = await applyThroughDebugger(
      {
        call: (method, argument) => call(method, argument),
        edit: (scriptId, scriptSource) => this.send('Debugger.setScriptSource', { scriptId, scriptSource }),
      },
      patch,
    );
    if ('unsupported' in report) throw new Error(`the runtime cannot apply through the debugger: ${report.unsupported}`);
    return report;
  }

  private apart: Promise<RuntimeConnection> | undefined;
  /**
   * `callsApart`: the runtime's calls over a second session of the program's own inspector, which
   * has no Debugger domain, and only the edits on this connection: what the language server does
   * through js-debug (common/runtimeConnection.ts `openDebuggerConnection`, decision 050).
   */
  private callsApart(): Promise<RuntimeConnection> {
    return (this.apart ??= CdpConnection.open(this.url).then((session) => new RuntimeConnection(session)));
  }

  pending(since = 0): Promise<PendingState> {
    return this.ask('pending', { since });
  }

  cancel(request: CancelRequest = {}): Promise<PendingState> {
    return this.ask('cancel', request);
  }

  scriptState(query: ScriptStateQuery): Promise<ScriptState> {
    return this.ask('scriptState', query);
  }

  /**
   * Whether the function `expression` evaluates to runs `file`'s script as V8 holds it now: a
   * closure a LiveEdit left on old code is located in the old script V8 kept for it (its
   * `toString` is no evidence: it reads the old positions out of the new text).
   */
  async runsCurrentScript(expression: string, file: string): Promise<boolean> {
    const held = await this.send('Runtime.evaluate', { expression });
    const props = await this.send('Runtime.getProperties', { objectId: held.result.objectId, ownProperties: true });
    const location = props.internalProperties?.find((p: { name: string }) => p.name === '[[FunctionLocation]]')?.value?.value;
    const state = await this.scriptState({ file });
    return location?.scriptId !== undefined && location.scriptId === state.scriptId;
  }

  /** The runtime's evaluate in a module's scope (what the client does for the server). */
  evaluateInModule(request: EvaluateRequest): Promise<EvaluateResult> {
    return this.ask('evaluate', request);
  }

  /** Waits for an output line matching `pattern` after line index `from`. */
  waitForLine(pattern: RegExp, from = 0, timeoutMs = 10_000): Promise<string> {
    return eventually(`output matching ${pattern} (last: ${this.output.at(-1)})`, () => this.output.slice(from).find((l) => pattern.test(l)), timeoutMs);
  }

  async kill(): Promise<void> {
    void this.apart?.then((c) => c.close());
    this.cdp.close();
    if (this.exitCode === undefined && this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill();
      // A test file must end: a program that does not go on SIGTERM is killed.
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
  }
}

/**
 * Starts fixture programs for one test file and kills them all when the file's tests are done.
 * `start` resolves once the program has published `globalThis.fixture`.
 */
export function fixturePrograms(after: (fn: () => Promise<unknown>) => void): { start(script: string): Promise<InspectedProcess> } {
  const processes: InspectedProcess[] = [];
  after(() => Promise.all(processes.map((p) => p.kill())));
  return {
    async start(script: string): Promise<InspectedProcess> {
      const p = await InspectedProcess.start(script);
      processes.push(p);
      await eventually('the fixture to load', () => p.evaluate<boolean>('typeof fixture === "object"'));
      return p;
    },
  };
}
