// The extension's public API: what `activate()` returns to other extensions and to the tests.
// Keep it small and stable; document every change in README.md.
import * as vscode from 'vscode';
import type { HistoryRequest, RollbackRequest, RollbackResult, TargetHistory, TargetInfo, TargetPending, UpdateReport } from '../../common/protocol';

export type { HistoryRequest, RollbackRequest, RollbackResult, TargetHistory, TargetInfo, TargetPending, TargetRollback, TargetUpdateResult, UpdateReport } from '../../common/protocol';
export type { PendingUpdate, VersionHistory, VersionRecord, VersionFile, VersionStep } from '../../common/patch';

export interface LiveUpdateApi {
  /** Fires once per processed save: applied, rejected, partly applied, or nothing to apply. */
  readonly onDidUpdate: vscode.Event<UpdateReport>;
  /** Every update report of this window, oldest first. */
  history(): readonly UpdateReport[];
  /** The debuggees (processes and worker threads) that saves are applied to now. */
  targets(): readonly TargetInfo[];
  /** Fires when updates start or stop waiting for active functions (policy `defer`). */
  readonly onDidChangePending: vscode.Event<readonly TargetPending[]>;
  /** The updates waiting now, per target. */
  pending(): readonly TargetPending[];
  /** Each running program's numbered versions, as its runtime keeps them (version 0: as it started). */
  versions(request?: HistoryRequest): Promise<TargetHistory[]>;
  /**
   * Restores a version's code in each program (or the one named), as an update of its own; the
   * program's state is kept and the files on disk are not changed.
   */
  rollback(request: RollbackRequest): Promise<RollbackResult>;
}

export class PendingView implements vscode.Disposable {
  private current: TargetPending[] = [];
  private readonly emitter = new vscode.EventEmitter<readonly TargetPending[]>();
  readonly onDidChange = this.emitter.event;

  set(pending: TargetPending[]): void {
    this.current = pending;
    this.emitter.fire(pending);
  }

  all(): readonly TargetPending[] {
    return this.current;
  }

  dispose(): void {
    this.emitter.dispose();
  }
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
