// What the Live Updates view shows, kept current without polling: the targets (the tracker), what
// waits in them (the server's pending notifications), the update reports of this window, and each
// target's versions, which only its runtime knows (asked through the server's `liveUpdate.history`
// after each event that can change them, debounced, and only while the view is visible).
import * as vscode from 'vscode';
import { supersedesFailure } from '../../../common/liveStates';
import type { TargetHistory, TargetInfo, TargetPending, UpdateReport } from '../../../common/protocol';

/** Where the model reads from: the extension's trackers and the server's history command. */
export interface UpdatesSource {
  targets(): readonly TargetInfo[];
  readonly onDidChangeTargets: vscode.Event<unknown>;
  pending(): readonly TargetPending[];
  readonly onDidChangePending: vscode.Event<unknown>;
  reports(): readonly UpdateReport[];
  readonly onDidUpdate: vscode.Event<unknown>;
  histories(): Promise<TargetHistory[]>;
}

/** Events closer together than this make one refresh (a rollback of several files reports each). */
const DEBOUNCE_MS = 100;

export class UpdatesModel implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when what the view shows changed. */
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private histories = new Map<string, TargetHistory>();
  private timer: NodeJS.Timeout | undefined;
  /** Each fetch's number: a slower, older answer never replaces a newer one. */
  private generation = 0;
  private visible = false;
  /** Something changed while the view was hidden: fetch when it shows. */
  private stale = true;

  constructor(private readonly source: UpdatesSource) {
    this.subscriptions.push(
      // Targets and pending updates are known here at once; versions follow from the server.
      source.onDidChangeTargets(() => this.changed()),
      source.onDidChangePending(() => this.changed()),
      source.onDidUpdate(() => this.changed()),
    );
  }

  targets(): readonly TargetInfo[] {
    return this.source.targets();
  }

  pending(targetId: string): TargetPending['pending'] {
    return this.source.pending().find((t) => t.targetId === targetId)?.pending ?? [];
  }

  /** The target's versions as last fetched (undefined until the first answer). */
  history(targetId: string): TargetHistory | undefined {
    return this.histories.get(targetId);
  }

  /**
   * This window's reports of updates the target refused, oldest first, until a later save of the
   * same file that the target took (or that had nothing to apply) makes them stale.
   */
  rejected(targetId: string): { report: UpdateReport; reason: string }[] {
    const reports = this.source.reports();
    return reports.flatMap((report, i) => {
      const mine = report.targets.find((t) => t.targetId === targetId);
      if (mine?.outcome !== 'rejected') return [];
      const stale = reports.slice(i + 1).some((later) => later.file === report.file && supersedesFailure(later, targetId));
      return stale ? [] : [{ report, reason: mine.reason ?? report.summary }];
    });
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.stale) this.refresh();
  }

  /** Something changed: show what is known now, and fetch the versions soon. */
  private changed(): void {
    this.emitter.fire();
    this.refresh();
  }

  /** Fetches the versions (debounced); while the view is hidden, only remembers to. */
  refresh(): void {
    this.stale = true;
    if (!this.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fetch(), DEBOUNCE_MS);
  }

  private async fetch(): Promise<void> {
    const generation = ++this.generation;
    this.stale = false;
    let histories: TargetHistory[];
    try {
      histories = this.source.targets().length ? await this.source.histories() : [];
    } catch {
      // The server is stopping or restarting: keep what was shown; the next event asks again.
      this.stale = true;
      return;
    }
    if (generation !== this.generation) return;
    this.histories = new Map(histories.map((h) => [h.targetId, h]));
    this.emitter.fire();
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
