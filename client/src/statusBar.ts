// One status bar item: how many programs are live, what the last save did, and what waits.
import * as vscode from 'vscode';
import type { PendingUpdate } from '../../common/patch';
import type { TargetInfo, TargetPending, UpdateReport } from '../../common/protocol';
import * as path from 'node:path';
import { durationText, shortReason, shorten, STATE_TEXT, stated, stateOf } from '../../common/liveStates';
import { markdownText, subjectOf, time } from './display';
import type { ServerState } from './serverLifecycle';

export class LiveStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('liveUpdate.status', vscode.StatusBarAlignment.Left, 10);
  private targets: TargetInfo[] = [];
  private last: UpdateReport | undefined;
  private pending: TargetPending[] = [];
  private restricted = false;
  private server: ServerState = 'running';

  constructor() {
    this.item.name = 'Live Update';
    this.item.command = 'liveUpdate.showOutput';
    this.render();
  }

  setTargets(targets: TargetInfo[]): void {
    this.targets = targets;
    if (targets.length === 0) this.last = undefined;
    this.render();
  }

  setPending(pending: TargetPending[]): void {
    this.pending = pending;
    this.render();
  }

  /** In Restricted Mode the item says Live Update is off, and why, whatever else is known. */
  setRestricted(restricted: boolean): void {
    this.restricted = restricted;
    this.render();
  }

  /** The language server's state: while it is down, saves are not applied, whatever came before. */
  setServer(state: ServerState): void {
    this.server = state;
    this.render();
  }

  showReport(report: UpdateReport): void {
    // A save with nothing to apply to any program says nothing new, except about a failure of its
    // own file shown now: that is stale (the program runs the file as saved).
    if (report.outcome === 'no-change' && report.targets.length === 0 && this.last?.file !== report.file) return;
    this.last = report;
    this.render();
  }

  private render(): void {
    if (this.restricted) {
      this.item.text = '$(shield) Live Update: Restricted Mode';
      this.item.tooltip = new vscode.MarkdownString(
        '**Live Update is off in Restricted Mode.** It loads its runtime into the programs you debug and runs your saved code in them, so in a folder you have not trusted it adds nothing to a launch and applies nothing.\n\nClick to manage workspace trust; programs started after you trust the folder are live.',
      );
      this.item.command = 'workbench.trust.manage';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.show();
      return;
    }
    if (this.server !== 'running') {
      // Shown with or without programs: the user must know saves do nothing now.
      const restarting = this.server === 'restarting';
      this.item.text = restarting ? '$(sync~spin) Live Update: server restarting' : '$(error) Live Update: server stopped';
      this.item.tooltip = restarting
        ? 'The Live Update language server ended and is being restarted: saves are not applied until it runs. Updates waiting in programs still land.'
        : 'The Live Update language server crashed repeatedly and was not restarted: saves are not applied to running programs. Run “Live Update: Restart Language Server”.';
      this.item.command = restarting ? 'liveUpdate.showOutput' : 'liveUpdate.restartServer';
      this.item.backgroundColor = new vscode.ThemeColor(restarting ? 'statusBarItem.warningBackground' : 'statusBarItem.errorBackground');
      this.item.show();
      return;
    }
    if (this.targets.length === 0) {
      this.item.hide();
      return;
    }
    const programs = `${this.targets.length} program${this.targets.length === 1 ? '' : 's'}`;
    const report = this.last;
    const waiting = this.pending.flatMap((t) => t.pending.map((p) => ({ target: t.targetName, p })));
    if (waiting.length > 0) {
      // What waits matters more than the last save: it is still to happen (or to be cancelled).
      const functions = [...new Set(waiting.flatMap((w) => w.p.functions))];
      this.item.text = `$(clock) ${stated('waiting', shorten(functions.join(', '), 40))}`;
      const md = new vscode.MarkdownString(`**${STATE_TEXT.waiting.label} for active functions**\n\n`);
      for (const { target, p } of waiting) {
        md.appendMarkdown(`- ${markdownText(`${target}: ${p.functions.join(', ')} — waiting for ${waitingFor(p)} since ${time(p.since)}; dropped at ${time(p.deadline)} unless it lands`)}\n`);
      }
      md.appendMarkdown('\nClick to cancel.');
      this.item.tooltip = md;
      this.item.command = 'liveUpdate.cancelPending';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      this.item.show();
      return;
    }
    this.item.command = 'liveUpdate.showOutput';
    const state = report && stateOf(report.outcome);
    if (!report || !state) {
      this.item.text = '$(zap) Live';
      this.item.tooltip = `Live Update: saving a file applies it to ${programs} (${this.targets.map((t) => t.name).join(', ')})`;
      this.item.backgroundColor = undefined;
    } else if (report.outcome === 'applied') {
      this.item.text = `$(zap) ${stated('live', subjectOf(report))}`;
      this.item.tooltip = tooltip(report);
      this.item.backgroundColor = undefined;
    } else {
      // Not applied: why, in short (what it was about is in the tooltip); partly live: what.
      const reason = report.targets.find((t) => t.reason && t.outcome !== 'applied')?.reason ?? report.targets.find((t) => t.reason)?.reason;
      const text = report.outcome === 'partial' ? `Partly ${STATE_TEXT.live.word}: ${subjectOf(report)}` : stated(state, reason ? shortReason(reason, 48) : subjectOf(report));
      this.item.text = `$(warning) ${text}`;
      this.item.tooltip = tooltip(report);
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

function tooltip(report: UpdateReport): vscode.MarkdownString {
  const md = new vscode.MarkdownString(`**${markdownText(report.summary)}**\n\n`);
  for (const t of report.targets) {
    const state = t.outcome === 'applied' ? STATE_TEXT.live.word : t.outcome === 'pending' ? STATE_TEXT.waiting.word : t.outcome === 'rejected' ? STATE_TEXT.notApplied.word : t.outcome;
    md.appendMarkdown(`- ${markdownText(`${t.targetName}: ${state}${t.reason ? ` — ${t.reason}` : ''}`)}\n`);
  }
  md.appendMarkdown(`\n${markdownText(`${path.basename(report.file)} at ${time(report.time)}: ${durationText(report.outcome, report.milliseconds)} from the save`)}`);
  return md;
}

/** What a pending update waits for: the functions of its idle condition, or its activations. */
export function waitingFor(p: PendingUpdate): string {
  const who = p.waitingFor?.length ? `idle: ${p.waitingFor.join(', ')}` : [...new Set(p.activations.map((a) => `${a.function} (${a.kind === 'stack' ? 'on the stack' : 'suspended'})`))].join(', ');
  return who || 'inactivity';
}
