// A TargetPort over direct connections to the targets' runtimes (common/runtimeConnection.ts):
// the command line's and the tests' own inspector connections, and the language server's
// connections through js-debug's CDP proxy wherever the extension gave it one. A target without a
// connection is reached through `relay` (the language client), when there is one.
//
// Each connection is asked to signal changes of its pending updates (runtime/src/signals.ts):
// the pending tracker polls only the targets that cannot. A target that ends answers the calls
// under way at once, `ended`, as the language client does for the calls it relays.
import type { TargetInfo } from '../../../common/reports';
import type { AnswerOf, ArgumentOf, RuntimeError, RuntimeMethod } from '../../../common/runtimeApi';
import type { RuntimeConnection } from '../../../common/runtimeConnection';
import type { TargetPort } from './targetPort';

/** Calls a runtime method in a target some other way (the language client's relay). */
export type RelayCall = <M extends RuntimeMethod>(targetId: string, method: M, argument: ArgumentOf<M>) => Promise<AnswerOf<M> | RuntimeError>;

/**
 * Waits, before a patch's LiveEdits go through a debugger's session, for what that debugger must
 * have handled first (the language client's breakpoints of the saved files: decision 050).
 */
export type BeforeEdits = (targetId: string, files: string[]) => Promise<void>;

/** Why a call got no answer when its target ended first (an update's report says it its way). */
const ENDED: RuntimeError = { error: 'the program ended before it answered (it exited or was killed)', ended: true };
/** How long after a failed call the target's end still counts as its cause. */
const ENDING_GRACE_MS = 2_000;

export class RuntimeTargetPort implements TargetPort {
  private current: TargetInfo[] = [];
  private readonly connections = new Map<string, Promise<RuntimeConnection | undefined>>();
  /** Targets whose runtime signals its pending changes. */
  private readonly listening = new Set<string>();
  /** Per target, what to do when it ends: answer the calls under way. */
  private readonly endings = new Map<string, Set<() => void>>();
  private signalled: (targetId: string) => void = () => undefined;
  /** Targets paused in the debugger now (`setPaused`). */
  private readonly paused = new Set<string>();

  /**
   * `connect(target)`: the target's connection, undefined when it has none (then `relay`). It is
   * asked once per target; a connection is closed when its target goes.
   */
  constructor(
    private readonly connect: (target: TargetInfo) => Promise<RuntimeConnection | undefined> | RuntimeConnection | undefined,
    private readonly relay?: RelayCall,
    private readonly beforeEdits?: BeforeEdits,
  ) {}

  setTargets(targets: TargetInfo[]): void {
    const live = new Set(targets.map((t) => t.id));
    this.current = targets;
    for (const [id, connection] of this.connections) {
      if (live.has(id)) continue;
      this.connections.delete(id);
      this.listening.delete(id);
      this.listened.delete(id);
      this.paused.delete(id);
      void connection.then((c) => c?.close());
      for (const end of this.endings.get(id) ?? []) end();
      this.endings.delete(id);
    }
  }

  targets(): TargetInfo[] {
    return this.current;
  }

  /**
   * The target's program paused in the debugger, or runs again (the language client hears it): an
   * update of a paused program is applied with `Patch.paused`, its edits one call at a time.
   */
  setPaused(targetId: string, paused: boolean): void {
    if (paused) this.paused.add(targetId);
    else this.paused.delete(targetId);
  }

  /** Whether the target tells of its pending changes itself (`onSignal`): then nobody polls it. */
  listens(targetId: string): boolean {
    return this.listening.has(targetId);
  }

  onSignal(listener: (targetId: string) => void): void {
    this.signalled = listener;
  }

  async call<M extends RuntimeMethod>(targetId: string, method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M> | RuntimeError> {
    const target = this.current.find((t) => t.id === targetId);
    if (!target) return { error: `no target ${targetId} (the program has ended?)` };
    const connection = await this.connection(target);
    if (!connection) return this.relay ? this.relay(targetId, method, argument) : { error: `no connection to ${target.name}` };
    let ended!: () => void;
    const end = new Promise<RuntimeError>((resolve) => (ended = () => resolve(ENDED)));
    const endings = this.endings.get(targetId) ?? new Set();
    this.endings.set(targetId, endings.add(ended));
    try {
      const patch = method === 'apply' ? (argument as ArgumentOf<'apply'>) : undefined;
      if (patch && !patch.dryRun && this.beforeEdits) await this.beforeEdits(targetId, patch.scripts.map((s) => s.file));
      const answer = (patch ? connection.apply(this.asApplied(targetId, patch)) : connection.call(method, argument)) as Promise<AnswerOf<M> | RuntimeError>;
      return await Promise.race([answer, end]);
    } catch (e) {
      // A program that is dying answers with a bare error (or closes the connection) just before
      // its target goes: then the end is the reason to give.
      if (connection.closed) return ENDED;
      const ending = await Promise.race([end, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ENDING_GRACE_MS).unref())]);
      return ending ?? { error: `could not reach ${target.name}: ${e instanceof Error ? e.message : String(e)}` };
    } finally {
      endings.delete(ended);
    }
  }

  /** The patch as sent to a target: marked `paused` while its program is paused. */
  private asApplied(targetId: string, patch: ArgumentOf<'apply'>): ArgumentOf<'apply'> {
    return this.paused.has(targetId) && !patch.dryRun ? { ...patch, paused: true } : patch;
  }

  /**
   * Connects to every target now, each listening for its runtime's signals once this resolves
   * (else on a target's first call). The command line does so before anything else uses its
   * connection: listening briefly enables the session's Runtime domain (see RuntimeConnection).
   */
  async connectAll(): Promise<void> {
    await Promise.all(this.current.map((t) => this.connection(t).then(() => this.listened.get(t.id))));
  }

  /** Per target, its listening set up (resolved either way). */
  private readonly listened = new Map<string, Promise<void>>();

  private connection(target: TargetInfo): Promise<RuntimeConnection | undefined> {
    let connection = this.connections.get(target.id);
    if (!connection) {
      const made = Promise.resolve(this.connect(target)).catch(() => undefined);
      this.connections.set(target.id, (connection = made));
      this.listened.set(
        target.id,
        made.then(async (c) => {
          if (c && (await c.listen(() => this.signalled(target.id))) && this.connections.get(target.id) === made) this.listening.add(target.id);
        }),
      );
    }
    return connection;
  }
}
