// "Show Update History" and "Roll Back to Version…": each program's numbered versions (kept by
// its runtime, asked through the server's `liveUpdate.history`) in a Quick Pick, and a rollback
// through the server's `liveUpdate.rollback`, which applies the version's texts as an update.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { VersionRecord } from '../../common/patch';
import { ServerCommands, type HistoryRequest, type RollbackRequest, type RollbackResult, type TargetHistory } from '../../common/protocol';
import { time } from './display';
import { notify, showHistoryAction, startDebugging } from './notify';

export function versionHistories(client: LanguageClient, request: HistoryRequest = {}): Promise<TargetHistory[]> {
  return client.sendRequest('workspace/executeCommand', { command: ServerCommands.history, arguments: [request] }) as Promise<TargetHistory[]>;
}

export function rollBack(client: LanguageClient, request: RollbackRequest): Promise<RollbackResult> {
  return client.sendRequest('workspace/executeCommand', { command: ServerCommands.rollback, arguments: [request] }) as Promise<RollbackResult>;
}

interface VersionItem extends vscode.QuickPickItem {
  targetId: string;
  targetName: string;
  version: number;
}

/** One Quick Pick line per version: number, time, result; files and functions below. */
function itemFor(t: TargetHistory, v: VersionRecord, current: number): VersionItem {
  const files = [...new Set(v.files.map((f) => f.file.split(/[\\/]/).pop()))].join(', ');
  const how = v.where === 'apply' ? '' : ` (landed ${v.where === 'update point' ? 'at an update point' : 'when inactive'})`;
  const restores = v.restores !== undefined ? `restores version ${v.restores} · ` : '';
  return {
    label: `${v.version === current ? '$(circle-filled)' : '$(circle-outline)'} Version ${v.version}`,
    description: `${time(v.at)} · ${restores}${v.outcome === 'partial' ? 'applied in part, the rest waited' : 'applied'}${how}`,
    detail: `${files}: ${v.functions.length ? v.functions.join(', ') : 'no function changed'}${v.steps?.length ? ` · ran ${v.steps.map((s) => s.label).join(', ')}` : ''}`,
    targetId: t.targetId,
    targetName: t.targetName,
    version: v.version,
  };
}

/** The items of every target, newest first, with a separator per target; version 0 last. */
function items(histories: TargetHistory[], { restorableOnly }: { restorableOnly: boolean }): (VersionItem | vscode.QuickPickItem)[] {
  const out: (VersionItem | vscode.QuickPickItem)[] = [];
  for (const t of histories) {
    out.push({ label: t.targetName, kind: vscode.QuickPickItemKind.Separator });
    if (!t.history) {
      out.push({ label: `$(warning) ${t.error ?? 'no answer'}` });
      continue;
    }
    const { versions, current, oldestRestorable } = t.history;
    for (const v of [...versions].reverse()) {
      if (restorableOnly && (v.version === current || v.version < oldestRestorable)) continue;
      out.push(itemFor(t, v, current));
    }
    if (!restorableOnly || (current > 0 && oldestRestorable === 0)) {
      out.push({ label: `${current === 0 ? '$(circle-filled)' : '$(circle-outline)'} Version 0`, description: 'as the program started', targetId: t.targetId, targetName: t.targetName, version: 0 } satisfies VersionItem);
    }
  }
  return out;
}

function isVersionItem(item: vscode.QuickPickItem | undefined): item is VersionItem {
  return !!item && 'version' in item;
}

/** "Show Update History": picking a version offers to roll back to it. */
export async function showHistory(client: LanguageClient): Promise<void> {
  const histories = await versionHistories(client);
  if (histories.length === 0) {
    void notify('info', 'Live Update: no program is running.', startDebugging);
    return;
  }
  const picked = await vscode.window.showQuickPick(items(histories, { restorableOnly: false }), {
    title: 'Live Update: versions of each running program (newest first)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!isVersionItem(picked)) return;
  const choice = await vscode.window.showInformationMessage(`Roll ${picked.targetName} back to version ${picked.version}?`, 'Roll Back');
  if (choice) await rollBackAndTell(client, { version: picked.version, target: picked.targetId });
}

/**
 * "Roll Back to Version…": with a request (the REPL, tests, a keybinding's args; `{}` goes one
 * version back) it rolls back at once; otherwise the user picks a version. Returns the result (undefined when nothing was picked).
 */
export async function rollBackToVersion(client: LanguageClient, request?: RollbackRequest): Promise<RollbackResult | undefined> {
  if (request && typeof request === 'object') return rollBackAndTell(client, request);
  const histories = await versionHistories(client);
  const choices = items(histories, { restorableOnly: true });
  if (!choices.some(isVersionItem)) {
    void (histories.length ? notify('info', 'Live Update: no earlier version to roll back to.', showHistoryAction) : notify('info', 'Live Update: no program is running.', startDebugging));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(choices, { title: 'Live Update: roll back to which version?', matchOnDescription: true, matchOnDetail: true });
  return isVersionItem(picked) ? rollBackAndTell(client, { version: picked.version, target: picked.targetId }) : undefined;
}

async function rollBackAndTell(client: LanguageClient, request: RollbackRequest): Promise<RollbackResult> {
  const result = await rollBack(client, request);
  void notify(result.ok ? 'info' : 'warning', `Live Update: ${result.summary}`, showHistoryAction);
  return result;
}
