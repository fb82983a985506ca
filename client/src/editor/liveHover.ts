// The hover on the name of a function an update touched: its version and when it was applied in
// each program, what waits and why, what was refused and why, and a link to the update history.
import * as vscode from 'vscode';
import { clock, whyWaiting, type FunctionState, type FunctionStates } from './functionStates';
import type { FunctionRanges } from './functionRanges';

export class LiveHover implements vscode.HoverProvider {
  constructor(private readonly states: FunctionStates, private readonly ranges: FunctionRanges) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const states = this.states.ofFile(document.uri.fsPath);
    if (states.size === 0) return undefined;
    for (const f of await this.ranges.of(document)) {
      const name = new vscode.Range(f.nameStart.line, f.nameStart.column, f.nameEnd.line, f.nameEnd.column);
      const state = states.get(f.name);
      if (state && name.contains(position)) return new vscode.Hover(markdown(state), name);
    }
    return undefined;
  }
}

function markdown(state: FunctionState): vscode.MarkdownString {
  const lines: string[] = [];
  for (const t of state.targets) {
    if (t.live) {
      const version = t.live.version !== undefined ? `version ${t.live.version}` : 'live';
      const restores = t.live.restores !== undefined ? ` (restores version ${t.live.restores})` : '';
      lines.push(`**Live Update**: ${version} in ${t.targetName}${restores}, applied at ${clock(t.live.time)} (${Math.round(t.live.milliseconds)} ms)${t.live.note ? ` — ${t.live.note}` : ''}`);
    }
    if (t.rejected) lines.push(`**Live Update**: not applied in ${t.targetName} at ${clock(t.rejected.time)}: ${t.rejected.reason}`);
  }
  for (const w of state.waiting) {
    const frameLines = [...new Set(w.activations.flatMap((a) => (a.kind === 'stack' && a.line !== undefined ? [a.line + 1] : [])))];
    const at = frameLines.length ? ` (line ${frameLines.join(', ')})` : '';
    lines.push(`**Live Update**: pending in ${w.targetName} since ${clock(w.pending.since)}, ${whyWaiting(w)}${at}; dropped at ${clock(w.pending.deadline)} unless it lands`);
  }
  const md = new vscode.MarkdownString(`${lines.join('\n\n')}\n\n[Show Update History](command:liveUpdate.showHistory)`);
  md.isTrusted = { enabledCommands: ['liveUpdate.showHistory'] };
  md.supportThemeIcons = true;
  return md;
}
