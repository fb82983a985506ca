// While a program is paused, the lines of the functions active on its synchronous stack get a
// gutter icon and an overview-ruler mark: an edit of those functions waits (or restarts the frame)
// instead of applying at once. The stack is asked (DAP `stackTrace`) only when a js-debug session
// stops, and the marks go when it continues, steps or ends: nothing runs while programs run.
import * as vscode from 'vscode';
import { NODE_DEBUG_TYPES } from '../launchConfig';
import { framePath } from '../restartFrame';

interface Frame {
  file: string;
  /** 0-based. */
  line: number;
  name: string;
}

interface DapFrame {
  name: string;
  line: number;
  presentationHint?: string;
  source?: { path?: string; presentationHint?: string; sourceReference?: number };
}

/** Requests after which the program runs (or moves): what was on the stack is no longer there. */
const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'restartFrame', 'goto', 'restart', 'disconnect', 'terminate']);

/** Hidden command (tests, other tools): the lines decorated now, per file (0-based), in visible editors. */
export const ACTIVE_FRAME_LINES_COMMAND = 'liveUpdate.activeFrameLines';

export class ActiveFrames implements vscode.Disposable {
  private readonly frames = new Map<string, { session: vscode.DebugSession; frames: Frame[] }>();
  /** Per session, bumped at every resume: a stack answer older than the last resume is dropped. */
  private readonly generations = new Map<string, number>();
  private applied = new Map<string, number[]>();
  private readonly decoration: vscode.TextEditorDecorationType;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(media: vscode.Uri) {
    this.decoration = vscode.window.createTextEditorDecorationType({
      light: { gutterIconPath: vscode.Uri.joinPath(media, 'active-frame-light.svg') },
      dark: { gutterIconPath: vscode.Uri.joinPath(media, 'active-frame-dark.svg') },
      gutterIconSize: 'contain',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.infoForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
      isWholeLine: true,
    });
    const factory: vscode.DebugAdapterTrackerFactory = {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { threadId?: number } }) => {
          if (m.type !== 'event') return;
          if (m.event === 'stopped' && typeof m.body?.threadId === 'number') void this.stopped(session, m.body.threadId);
          else if (m.event === 'continued' || m.event === 'terminated' || m.event === 'exited') this.resumed(session);
        },
        onWillReceiveMessage: (m: { type?: string; command?: string }) => {
          if (m.type === 'request' && m.command && RESUMING.has(m.command)) this.resumed(session);
        },
        onWillStopSession: () => this.resumed(session),
      }),
    };
    for (const type of NODE_DEBUG_TYPES) this.subscriptions.push(vscode.debug.registerDebugAdapterTrackerFactory(type, factory));
    this.subscriptions.push(
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.resumed(s);
        this.generations.delete(s.id);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.render()),
      vscode.commands.registerCommand(ACTIVE_FRAME_LINES_COMMAND, () => Object.fromEntries(this.applied)),
    );
  }

  private async stopped(session: vscode.DebugSession, threadId: number): Promise<void> {
    const generation = this.generations.get(session.id) ?? 0;
    let frames: DapFrame[];
    try {
      ({ stackFrames: frames } = (await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 100 })) as { stackFrames: DapFrame[] });
    } catch {
      return; // it ran on already, or ended
    }
    if ((this.generations.get(session.id) ?? 0) !== generation) return;
    this.frames.set(session.id, { session, frames: userFrames(frames) });
    this.render();
  }

  private resumed(session: vscode.DebugSession): void {
    this.generations.set(session.id, (this.generations.get(session.id) ?? 0) + 1);
    if (this.frames.delete(session.id)) this.render();
  }

  private render(): void {
    const byFile = new Map<string, { line: number; hover: string }[]>();
    for (const { session, frames } of this.frames.values()) {
      for (const f of frames) {
        const list = byFile.get(f.file) ?? [];
        list.push({ line: f.line, hover: `**Live Update**: \`${f.name}\` is active on the paused stack of ${session.name}. An edit of it waits until it returns (policy \`defer\`), or restarts this frame (\`restartFrame\`).` });
        byFile.set(f.file, list);
      }
    }
    const applied = new Map<string, number[]>();
    for (const editor of vscode.window.visibleTextEditors) {
      const marks = byFile.get(editor.document.uri.fsPath) ?? [];
      editor.setDecorations(
        this.decoration,
        marks.map((m) => ({ range: new vscode.Range(m.line, 0, m.line, 0), hoverMessage: new vscode.MarkdownString(m.hover) })),
      );
      if (marks.length) applied.set(editor.document.uri.fsPath, [...new Set(marks.map((m) => m.line))].sort((a, b) => a - b));
    }
    this.applied = applied;
  }

  dispose(): void {
    this.decoration.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

/**
 * The program's own synchronous frames: files on disk, not greyed out (skipFiles: Node's internals,
 * the runtime), and nothing below the first async boundary (those frames are where work was
 * scheduled, not activations).
 */
function userFrames(frames: DapFrame[]): Frame[] {
  const out: Frame[] = [];
  for (const f of frames) {
    if (f.presentationHint === 'label') break;
    // Not a file on disk: Node's internals (`<node_internals>/…`), a source js-debug only has in memory.
    const path = f.source?.sourceReference ? undefined : framePath(f);
    if (!path || f.source?.presentationHint === 'deemphasize' || f.presentationHint === 'subtle') continue;
    if (/[/\\]node_modules[/\\]/.test(path)) continue;
    out.push({ file: path, line: f.line - 1, name: f.name });
  }
  return out;
}
