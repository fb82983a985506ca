// The TargetPort of the language server: targets are what the client reports; a runtime call is
// one LSP request to the client, which makes it in the matching js-debug session.
import type { Connection } from 'vscode-languageserver/node';
import { CallRuntime, RestartFrame, type RestartFrameRequest, type RestartFrameResult, type TargetInfo } from '../../../common/protocol';
import type { AnswerOf, ArgumentOf, RuntimeError, RuntimeMethod } from '../../../common/runtimeApi';
import type { TargetPort } from '../core/targetPort';

export class LspTargetPort implements TargetPort {
  private current: TargetInfo[] = [];

  constructor(private readonly connection: Connection) {}

  setTargets(targets: TargetInfo[]): void {
    this.current = targets;
  }

  targets(): TargetInfo[] {
    return this.current;
  }

  async call<M extends RuntimeMethod>(targetId: string, method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M> | RuntimeError> {
    try {
      return (await this.connection.sendRequest(CallRuntime.type, { targetId, method, argument })) as AnswerOf<M> | RuntimeError;
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  restartFrame(targetId: string, request: RestartFrameRequest): Promise<RestartFrameResult> {
    return this.connection.sendRequest(RestartFrame.type, { targetId, ...request });
  }
}
