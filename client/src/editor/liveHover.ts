// The hover on the name of a function an update touched: its version and when it was applied in
// each program, what waits and why, what was refused and why, and a link to the update history.
import * as vscode from 'vscode';
import { STATE_TEXT } from '../../../common/liveStates';
import { markdownText, time } from '../display';
import { whyWaiting, type FunctionState, type FunctionStates } from './functionStates';
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
  const { live, waiting, notApplied } = STATE_TEXT;
  for (const t of state.targets) {
    if (t.live) {
      const version = t.live.version !== undefined ? ` (version ${t.live.version})` : '';
      const restores = t.live.restores !== undefined ? `, restoring version ${t.live.restores}` : '';
      const note = t.live.note ? ` — ${t.live.note}` : '';
      lines.push(`**Live Update: ${live.word}**${version} ${markdownText(`in ${t.targetName}${restores} since ${time(t.live.time)}, applied and verified in ${Math.round(t.live.milliseconds)} ms${note}`)}`);
    }
    if (t.rejected) lines.push(`**Live Update: ${notApplied.word}** ${markdownText(`in ${t.targetName} at ${time(t.rejected.time)}: ${t.rejected.reason}`)}`);
  }
  for (const w of state.waiting) {
    const frameLines = [...new Set(w.activations.flatMap((a) => (a.kind === 'stack' && a.line !== undefined ? [a.line + 1] : [])))];
    const at = frameLines.length ? ` (line ${frameLines.join(', ')})` : '';
    lines.push(`**Live Update: ${waiting.word}** ${markdownText(`in ${w.targetName} since ${time(w.pending.since)}, ${whyWaiting(w)}${at}; dropped at ${time(w.pending.deadline)} unless it lands`)}`);
  }
  const md = new vscode.MarkdownString(`${lines.join('\n\n')}\n\n[Show Update History](command:liveUpdate.showHistory)`);
  md.isTrusted = { enabledCommands: ['liveUpdate.showHistory'] };
  md.supportThemeIcons = true;
  return md;
}
