// The TargetPort of the language server: targets are what the client reports. A target whose
// session has js-debug's CDP proxy is called directly through it (the runtime's calls, and the
// LiveEdits of an update made in js-debug's session so its breakpoints stay right); any other is
// reached by one LSP request to the client, which calls it through the debug session.
import type { Connection } from 'vscode-languageserver/node';
import { CdpConnection } from '../../../common/cdpConnection';
import { CallRuntime, RestartFrame, type RestartFrameRequest, type RestartFrameResult, type TargetInfo } from '../../../common/protocol';
import type { AnswerOf, ArgumentOf, RuntimeError, RuntimeMethod } from '../../../common/runtimeApi';
import { RuntimeConnection } from '../../../common/runtimeConnection';
import { RuntimeTargetPort } from '../core/runtimePort';

export class LspTargetPort extends RuntimeTargetPort {
  constructor(private readonly lsp: Connection) {
    super(
      async (target: TargetInfo) => (target.cdp ? new RuntimeConnection(await CdpConnection.open(target.cdp, 'js-debug closed its CDP proxy'), { proxy: true, timeouts: true }) : undefined),
      async <M extends RuntimeMethod>(targetId: string, method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M> | RuntimeError> => {
        try {
          return (await lsp.sendRequest(CallRuntime.type, { targetId, method, argument })) as AnswerOf<M> | RuntimeError;
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      },
    );
  }

  restartFrame(targetId: string, request: RestartFrameRequest): Promise<RestartFrameResult> {
    return this.lsp.sendRequest(RestartFrame.type, { targetId, ...request });
  }
}
