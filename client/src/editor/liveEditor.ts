// The editor's view of live state: CodeLens and hover on the functions updates touched, and the
// paused stack's active functions in the gutter. Fed by the extension's update reports, pending
// updates and targets; function ranges come from the language server.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { PendingView, UpdateHistory } from '../api';
import type { TargetTracker } from '../targets';
import { ActiveFrames } from './activeFrames';
import { FunctionRanges } from './functionRanges';
import { FunctionStates } from './functionStates';
import { LiveHover } from './liveHover';
import { LiveLens } from './liveLens';

const SELECTOR: vscode.DocumentSelector = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map((language) => ({ scheme: 'file', language }));

export function registerLiveEditor(context: vscode.ExtensionContext, client: LanguageClient, sources: { history: UpdateHistory; pending: PendingView; tracker: TargetTracker }): void {
  const states = new FunctionStates();
  const ranges = new FunctionRanges(client);
  const lens = new LiveLens(states, ranges);
  context.subscriptions.push(
    states,
    ranges,
    lens,
    new ActiveFrames(vscode.Uri.joinPath(context.extensionUri, 'media')),
    sources.history.onDidUpdate((r) => states.addReport(r)),
    sources.pending.onDidChange((p) => states.setPending(p)),
    sources.tracker.onDidChange((t) => states.setTargets(t)),
    vscode.languages.registerCodeLensProvider(SELECTOR, lens),
    vscode.languages.registerHoverProvider(SELECTOR, new LiveHover(states, ranges)),
  );
  for (const r of sources.history.all()) states.addReport(r);
  states.setPending(sources.pending.all());
}
