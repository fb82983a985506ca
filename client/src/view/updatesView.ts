// The "Live Updates" view in the Run and Debug side bar, and its commands: show a version's change,
// roll back to a version, re-apply a version rolled back or an update refused, cancel what waits,
// refresh. The tree is `updatesTree.ts`, what it shows `updatesModel.ts`, the diffs `versionDiff.ts`.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ServerCommands, type RollbackResult } from '../../../common/protocol';
import type { PendingView, UpdateHistory } from '../api';
import type { TargetTracker } from '../targets';
import { rollBackToVersion, versionHistories } from '../versions';
import { UpdatesModel } from './updatesModel';
import { UpdatesTree, type UpdateNode } from './updatesTree';
import { VersionDiffs } from './versionDiff';

export const UPDATES_VIEW_ID = 'liveUpdate.updates';

export interface UpdatesViewSources {
  client: LanguageClient;
  tracker: TargetTracker;
  pending: PendingView;
  history: UpdateHistory;
  /** Applies a file's text again (an update the programs refused), as "Apply Now" does. */
  reapplyFile(file: string): Promise<void>;
}

/** What `liveUpdate.view.snapshot` returns: the tree as drawn, every node expanded (for the tests). */
export interface ViewSnapshot {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue?: string;
  command?: { command: string; arguments?: unknown[] };
  node: UpdateNode;
  children: ViewSnapshot[];
}

export function registerUpdatesView({ client, tracker, pending, history, reapplyFile }: UpdatesViewSources): vscode.Disposable {
  const model = new UpdatesModel({
    targets: () => tracker.targets(),
    onDidChangeTargets: tracker.onDidChange,
    pending: () => pending.all(),
    onDidChangePending: pending.onDidChange,
    reports: () => history.all(),
    onDidUpdate: history.onDidUpdate,
    histories: () => versionHistories(client),
  });
  const tree = new UpdatesTree(model);
  const view = vscode.window.createTreeView(UPDATES_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  model.setVisible(view.visible);
  const { diffs, registration } = VersionDiffs.register((request) => versionHistories(client, request));

  const rollBackTo = (node: UpdateNode): Promise<RollbackResult | undefined> | undefined =>
    node.kind === 'version' ? rollBackToVersion(client, { version: node.version, target: node.targetId }) : undefined;

  // A program that becomes live shows at once, expanded, in the Run and Debug side bar (the view
  // would otherwise stay collapsed below Variables, Watch, Call Stack and Breakpoints).
  const shown = new Set<string>();
  const revealNew = (targets: readonly { id: string; name: string }[]) => {
    for (const t of targets) {
      if (shown.has(t.id)) continue;
      shown.add(t.id);
      void Promise.resolve(view.reveal({ kind: 'target', targetId: t.id, name: t.name }, { expand: true, select: false, focus: false })).catch(() => undefined);
    }
  };

  return vscode.Disposable.from(
    model,
    tree,
    view,
    tracker.onDidChange(revealNew),
    registration,
    view.onDidChangeVisibility(({ visible }) => model.setVisible(visible)),
    vscode.commands.registerCommand('liveUpdate.view.refresh', () => model.refresh()),
    vscode.commands.registerCommand('liveUpdate.view.showDiff', (node: UpdateNode) =>
      node.kind === 'version' || node.kind === 'function' ? diffs.show(node.targetId, node.version, node.kind === 'function' ? node.file : undefined) : false,
    ),
    vscode.commands.registerCommand('liveUpdate.view.rollBack', rollBackTo),
    // A version rolled back comes back by restoring its texts (a roll forward, as the server's
    // rollback allows any kept version); a refused update by applying its file again.
    vscode.commands.registerCommand('liveUpdate.view.reapply', (node: UpdateNode) => (node.kind === 'rejected' ? reapplyFile(node.report.file) : rollBackTo(node))),
    vscode.commands.registerCommand('liveUpdate.view.cancel', (node: UpdateNode) =>
      node.kind === 'pending' ? client.sendRequest('workspace/executeCommand', { command: ServerCommands.cancelPending, arguments: [[node.pending.id]] }) : undefined,
    ),
    vscode.commands.registerCommand('liveUpdate.view.snapshot', () => snapshot(tree)),
  );
}

function snapshot(tree: UpdatesTree, parent?: UpdateNode): ViewSnapshot[] {
  return tree.getChildren(parent).map((node) => {
    const item = tree.getTreeItem(node);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const tooltip = typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value;
    const expands = item.collapsibleState !== undefined && item.collapsibleState !== vscode.TreeItemCollapsibleState.None;
    return {
      label,
      ...(typeof item.description === 'string' ? { description: item.description } : {}),
      ...(tooltip !== undefined ? { tooltip } : {}),
      ...(item.contextValue !== undefined ? { contextValue: item.contextValue } : {}),
      ...(item.command ? { command: { command: item.command.command, ...(item.command.arguments ? { arguments: item.command.arguments } : {}) } } : {}),
      node,
      children: expands ? snapshot(tree, node) : [],
    };
  });
}
