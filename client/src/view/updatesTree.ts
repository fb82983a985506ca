// The Live Updates view's tree: a node per target; under it what waits, then its timeline newest
// first (the versions its runtime keeps, and the updates it refused, from this window's reports),
// version 0 last; under a version its functions and the module steps it ran. Nodes are plain data
// (what the commands receive, and what the tests' snapshot returns); items are drawn from them.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PendingUpdate, VersionHistory, VersionRecord, VersionStep } from '../../../common/patch';
import type { UpdateReport } from '../../../common/protocol';
import { shortReason, STATE_TEXT, stated } from '../../../common/liveStates';
import { markdownText, time } from '../display';
import { waitingFor } from '../statusBar';
import type { UpdatesModel } from './updatesModel';

export type UpdateNode =
  | { kind: 'target'; targetId: string; name: string }
  | { kind: 'pending'; targetId: string; pending: PendingUpdate }
  | { kind: 'version'; targetId: string; version: number }
  | { kind: 'rejected'; targetId: string; report: UpdateReport; reason: string }
  | { kind: 'function'; targetId: string; version: number; file: string; name: string }
  | { kind: 'step'; targetId: string; version: number; step: VersionStep }
  | { kind: 'note'; id: string; text: string; tooltip?: string };

/**
 * Where a version stands, which decides its actions (`contextValue`): `current` runs now; `past`
 * is part of what runs (roll back to it); `undone` was rolled back (re-apply it: a roll forward);
 * `forgotten` is older than the texts the program keeps.
 */
export type VersionState = 'current' | 'past' | 'undone' | 'forgotten';

export function versionState(history: VersionHistory, version: number): VersionState {
  if (version === history.current) return 'current';
  if (version < history.oldestRestorable) return 'forgotten';
  return version > effectiveVersion(history) ? 'undone' : 'past';
}

/** The version whose code runs now: the current one, or the one it (transitively) restores. */
function effectiveVersion(history: VersionHistory): number {
  let version = history.current;
  for (let record = find(history, version); record?.restores !== undefined; record = find(history, version)) version = record.restores;
  return version;
}

const find = (history: VersionHistory, version: number): VersionRecord | undefined => history.versions.find((v) => v.version === version);

const icon = (id: string, color?: string): vscode.ThemeIcon => new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
const PASSED = 'testing.iconPassed';
const ERROR = 'problemsErrorIcon.foreground';
const WAITING = 'charts.yellow';
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export class UpdatesTree implements vscode.TreeDataProvider<UpdateNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<UpdateNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: UpdatesModel) {
    this.subscription = model.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: UpdateNode): UpdateNode[] {
    if (!node) return this.model.targets().map((t) => ({ kind: 'target', targetId: t.id, name: t.name }));
    switch (node.kind) {
      case 'target':
        return this.targetChildren(node.targetId);
      case 'version':
        return this.versionChildren(node.targetId, node.version);
      case 'rejected':
        return [
          { kind: 'note', id: `${rejectedId(node)}/reason`, text: node.reason },
          ...node.report.functions.map((name): UpdateNode => ({ kind: 'note', id: `${rejectedId(node)}/f/${name}`, text: name })),
        ];
      default:
        return [];
    }
  }

  /** The node a node is under (for `TreeView.reveal`); the notes are never revealed. */
  getParent(node: UpdateNode): UpdateNode | undefined {
    if (node.kind === 'target' || node.kind === 'note') return undefined;
    if (node.kind === 'function' || node.kind === 'step') return { kind: 'version', targetId: node.targetId, version: node.version };
    const target = this.model.targets().find((t) => t.id === node.targetId);
    return target && { kind: 'target', targetId: target.id, name: target.name };
  }

  private targetChildren(targetId: string): UpdateNode[] {
    const pending = this.model.pending(targetId).map((p): UpdateNode => ({ kind: 'pending', targetId, pending: p }));
    const target = this.model.history(targetId);
    if (target?.error !== undefined) return [...pending, { kind: 'note', id: `${targetId}/error`, text: `Versions unavailable: ${target.error}` }];
    const versions = target?.history?.versions ?? [];
    // The timeline, newest first: versions by when they applied, refusals by when they were reported.
    const timeline = [
      ...versions.map((v) => ({ at: v.at, node: { kind: 'version', targetId, version: v.version } as UpdateNode })),
      ...this.model.rejected(targetId).map(({ report, reason }) => ({ at: report.time, node: { kind: 'rejected', targetId, report, reason } as UpdateNode })),
    ].sort((a, b) => b.at - a.at);
    const first: UpdateNode[] = target?.history && !versions.some((v) => v.version === 0) ? [{ kind: 'version', targetId, version: 0 }] : [];
    return [...pending, ...timeline.map((t) => t.node), ...first];
  }

  private versionChildren(targetId: string, version: number): UpdateNode[] {
    const record = this.record(targetId, version);
    if (!record) return [];
    const functions = record.files.flatMap((f) => f.functions.map((name): UpdateNode => ({ kind: 'function', targetId, version, file: f.file, name })));
    const steps = (record.steps ?? []).map((step): UpdateNode => ({ kind: 'step', targetId, version, step }));
    return functions.length || steps.length ? [...functions, ...steps] : [{ kind: 'note', id: `${targetId}/v${version}/none`, text: 'No function changed' }];
  }

  private record(targetId: string, version: number): VersionRecord | undefined {
    const history = this.model.history(targetId)?.history;
    return history && find(history, version);
  }

  getTreeItem(node: UpdateNode): vscode.TreeItem {
    switch (node.kind) {
      case 'target':
        return this.targetItem(node.targetId, node.name);
      case 'pending': {
        const p = node.pending;
        const item = new vscode.TreeItem(stated('waiting', p.functions.join(', ')));
        item.id = `${node.targetId}/pending/${p.id}`;
        item.description = `for ${waitingFor(p)} · ${path.basename(p.file)}`;
        item.tooltip = `${STATE_TEXT.waiting.label}: ${p.functions.join(', ')} in ${p.file}, for ${waitingFor(p)} since ${time(p.since)} (${plural(p.attempts, 'attempt')}); dropped at ${time(p.deadline)} unless it lands first.`;
        item.iconPath = icon('clock', WAITING);
        item.contextValue = 'pending';
        return item;
      }
      case 'version':
        return this.versionItem(node);
      case 'rejected': {
        const { report, reason } = node;
        const item = new vscode.TreeItem(stated('notApplied', path.basename(report.file)), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = rejectedId(node);
        item.description = `${time(report.time)} · ${shortReason(reason, 30)}`;
        const what = report.functions.length ? ` (${report.functions.join(', ')})` : '';
        item.tooltip = new vscode.MarkdownString(
          `**${markdownText(stated('notApplied', path.basename(report.file)))}**${markdownText(`${what}, saved at ${time(report.time)}: ${reason}`)}\n\n${markdownText('Nothing of this save was applied to this program; it keeps running the previous version.')}`,
        );
        item.iconPath = icon('error', ERROR);
        item.contextValue = 'rejected';
        return item;
      }
      case 'function': {
        const item = new vscode.TreeItem(node.name);
        item.id = `${node.targetId}/v${node.version}/f/${node.file}/${node.name}`;
        item.description = path.basename(node.file);
        item.tooltip = `${node.name} in ${node.file}: changed by version ${node.version}. Select to see the file's change.`;
        item.iconPath = icon('symbol-function');
        item.command = { command: 'liveUpdate.view.showDiff', title: 'Show Changes', arguments: [node] };
        return item;
      }
      case 'step': {
        const item = new vscode.TreeItem(node.step.label);
        item.id = `${node.targetId}/v${node.version}/s/${node.step.file}/${node.step.label}`;
        item.description = `${node.step.kind} step · ${path.basename(node.step.file)}`;
        item.tooltip = `Ran in the module's scope when version ${node.version} applied; restoring an earlier version's code does not undo it.`;
        item.iconPath = icon('run');
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(node.text);
        item.id = node.id;
        item.tooltip = node.tooltip ?? node.text;
        return item;
      }
    }
  }

  private targetItem(targetId: string, name: string): vscode.TreeItem {
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = targetId;
    const history = this.model.history(targetId);
    const waiting = this.model.pending(targetId).length;
    const version = history?.history ? `version ${history.history.current}` : history?.error !== undefined ? 'versions unavailable' : '…';
    item.description = waiting ? `${version} · ${waiting} ${STATE_TEXT.waiting.word}` : version;
    item.tooltip = `${name}: saves are applied to this program.${history?.history ? ` It runs version ${history.history.current}; versions ${history.history.oldestRestorable} to ${history.history.current} can be restored.` : ''}`;
    item.iconPath = icon('debug-alt');
    item.contextValue = 'target';
    return item;
  }

  private versionItem({ targetId, version }: { targetId: string; version: number }): vscode.TreeItem {
    const history = this.model.history(targetId)?.history;
    const state = history ? versionState(history, version) : 'forgotten';
    const record = history && find(history, version);
    const item = new vscode.TreeItem(`Version ${version}`, record ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${targetId}/v${version}`;
    item.contextValue = `version.${state}`;
    const running = state === 'current' ? ' · running' : state === 'undone' ? ' · rolled back' : '';
    if (!record) {
      // Version 0 (no record): it can be restored, but it changed nothing to show.
      item.contextValue = `version.${state}.start`;
      item.description = `as the program started${running}`;
      item.iconPath = icon(state === 'current' ? 'pass-filled' : 'circle-outline', state === 'current' ? PASSED : undefined);
      item.tooltip = 'The program as it loaded, before any update.';
      return item;
    }
    const restores = record.restores !== undefined ? ` · restores v${record.restores}` : '';
    const functions = record.functions.length ? record.functions.join(', ') : 'no function changed';
    // Short enough for the side bar's default width: the functions are the version's children and in its tooltip.
    item.description = `${time(record.at)}${restores}${running}`;
    item.iconPath =
      state === 'current'
        ? icon('pass-filled', PASSED)
        : record.outcome === 'partial'
          ? icon('warning', WAITING)
          : state === 'undone'
            ? icon('discard')
            : record.restores !== undefined
              ? icon('history', PASSED)
              : icon('pass', PASSED);
    const files = record.files.map((f) => path.basename(f.file)).join(', ');
    const how = record.where === 'apply' ? 'when saved' : record.where === 'update point' ? 'at an update point' : record.where === 'turn' ? 'when its functions were inactive' : 'on request';
    const md = new vscode.MarkdownString().appendText(
      `Version ${version}: ${files} (${functions}), applied ${how} at ${time(record.at)} (${Math.round(record.blockedMs)} ms blocked)${record.restores !== undefined ? `, restoring version ${record.restores}` : ''}.` +
        `${record.outcome === 'partial' ? ' Part of the update waited for active functions.' : ''}` +
        `${record.steps?.length ? ` Ran ${record.steps.map((s) => s.label).join(', ')}.` : ''}`,
    );
    if (state === 'forgotten') md.appendText(' The program no longer keeps its texts: it cannot be restored or shown.');
    item.tooltip = md;
    if (state !== 'forgotten') item.command = { command: 'liveUpdate.view.showDiff', title: 'Show Changes', arguments: [{ kind: 'version', targetId, version } satisfies UpdateNode] };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}

function rejectedId(node: { targetId: string; report: UpdateReport }): string {
  return `${node.targetId}/rejected/${node.report.time}/${node.report.file}`;
}
