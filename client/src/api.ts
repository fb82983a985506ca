// The extension's public API: what `activate()` returns to other extensions and to the tests.
// Keep it small and stable; document every change in README.md.
import * as vscode from 'vscode';
import type { TargetInfo, UpdateReport } from '../../common/protocol';

export type { TargetInfo, TargetUpdateResult, UpdateReport } from '../../common/protocol';

export interface LiveUpdateApi {
  /** Fires once per processed save: applied, rejected, partly applied, or nothing to apply. */
  readonly onDidUpdate: vscode.Event<UpdateReport>;
  /** Every update report of this window, oldest first. */
  history(): readonly UpdateReport[];
  /** The debuggees (processes and worker threads) that saves are applied to now. */
  targets(): readonly TargetInfo[];
}

export class UpdateHistory implements vscode.Disposable {
  private readonly reports: UpdateReport[] = [];
  private readonly emitter = new vscode.EventEmitter<UpdateReport>();
  readonly onDidUpdate = this.emitter.event;

  add(report: UpdateReport): void {
    this.reports.push(report);
    this.emitter.fire(report);
  }

  all(): readonly UpdateReport[] {
    return this.reports.slice();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
