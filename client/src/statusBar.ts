// One status bar item: how many programs are live, and what the last save did.
import * as vscode from 'vscode';
import type { TargetInfo, UpdateReport } from '../../common/protocol';

export class LiveStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('liveUpdate.status', vscode.StatusBarAlignment.Left, 10);
  private targets: TargetInfo[] = [];
  private last: UpdateReport | undefined;

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

  showReport(report: UpdateReport): void {
    this.last = report;
    this.render();
  }

  private render(): void {
    if (this.targets.length === 0) {
      this.item.hide();
      return;
    }
    const programs = `${this.targets.length} program${this.targets.length === 1 ? '' : 's'}`;
    const report = this.last;
    if (!report || report.outcome === 'no-change') {
      this.item.text = '$(zap) Live';
      this.item.tooltip = `Live Update: saving a file applies it to ${programs} (${this.targets.map((t) => t.name).join(', ')})`;
      this.item.backgroundColor = undefined;
    } else if (report.outcome === 'applied') {
      this.item.text = `$(zap) ${report.summary}`;
      this.item.tooltip = tooltip(report);
      this.item.backgroundColor = undefined;
    } else {
      this.item.text = `$(warning) ${report.outcome === 'partial' ? 'Partly applied' : 'Not applied'}`;
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
  const md = new vscode.MarkdownString(`**${report.summary}**\n\n`);
  for (const t of report.targets) {
    md.appendMarkdown(`- ${t.targetName}: ${t.outcome}${t.reason ? ` — ${t.reason}` : ''}\n`);
  }
  md.appendMarkdown(`\n${Math.round(report.milliseconds)} ms from save to verified`);
  return md;
}
