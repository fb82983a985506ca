// A TargetPort over direct connections to the targets' runtimes (a `RuntimeCall` per target, over
// CDP: common/runtimeCall.ts): what the command line and the tests use. Host-neutral.
import type { TargetInfo } from '../../../common/reports';
import type { AnswerOf, ArgumentOf, RuntimeCall, RuntimeError, RuntimeMethod } from '../../../common/runtimeApi';
import type { TargetPort } from './targetPort';

export class RuntimeTargetPort implements TargetPort {
  private current: TargetInfo[] = [];

  /** `callIn(targetId)`: how to call that target's runtime, undefined when there is no such target. */
  constructor(private readonly callIn: (targetId: string) => RuntimeCall | undefined) {}

  setTargets(targets: TargetInfo[]): void {
    this.current = targets;
  }

  targets(): TargetInfo[] {
    return this.current;
  }

  /** Any failure to reach the target becomes `{error}`, as the language client answers. */
  async call<M extends RuntimeMethod>(targetId: string, method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M> | RuntimeError> {
    const call = this.callIn(targetId);
    if (!call) return { error: `no target ${targetId}` };
    try {
      return await call(method, argument);
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }
}
