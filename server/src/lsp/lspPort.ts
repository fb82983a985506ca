// The TargetPort of the language server: targets are what the client reports. A target whose
// session has js-debug's CDP proxy is called directly: the LiveEdits of an update through the
// proxy, in js-debug's session, so its breakpoints stay right; the runtime's calls over a session
// of the program's own inspector when the target names it (decision 050), else through the proxy
// too; the edits wait until js-debug has the breakpoints VS Code sends on save. Any other is
// reached by one LSP request to the client, which calls it through the debug session.
import type { Connection } from 'vscode-languageserver/node';
import { BreakpointsSettled, CallRuntime, RestartFrame, type RestartFrameRequest, type RestartFrameResult, type TargetInfo } from '../../../common/protocol';
import type { AnswerOf, ArgumentOf, RuntimeError, RuntimeMethod } from '../../../common/runtimeApi';
import { openDebuggerConnection } from '../../../common/runtimeConnection';
import { RuntimeTargetPort } from '../core/runtimePort';

export class LspTargetPort extends RuntimeTargetPort {
  constructor(private readonly lsp: Connection) {
    super(
      async (target: TargetInfo) => (target.cdp ? openDebuggerConnection(target.cdp, target.inspector, { timeouts: true }) : undefined),
      async <M extends RuntimeMethod>(targetId: string, method: M, argument: ArgumentOf<M>): Promise<AnswerOf<M> | RuntimeError> => {
        try {
          return (await lsp.sendRequest(CallRuntime.type, { targetId, method, argument })) as AnswerOf<M> | RuntimeError;
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      },
      // The edits go through js-debug's session: first the breakpoints VS Code sends on save.
      async (targetId, files) => {
        await lsp.sendRequest(BreakpointsSettled.type, { targetId, files }).catch(() => undefined);
      },
    );
  }

  restartFrame(targetId: string, request: RestartFrameRequest): Promise<RestartFrameResult> {
    return this.lsp.sendRequest(RestartFrame.type, { targetId, ...request });
  }
}
