// The program's versions: every applied update (and every deferred part that lands later) is a
// numbered version with its time, files, functions and outcome, each file named by the hashes of
// its running text before and after. Version 0 is the program as it loaded.
//
// The texts themselves are not kept here (decision 048): a history of texts in the program grew
// its memory with every update, and only the server needs them. The language server and the
// command line keep every text they send or read from a program in a store on disk
// (server/src/core/runningTexts.ts), so a restarted server still finds them by these hashes. The
// runtime keeps the newest RECORDS_KEPT records; a version older than those can no longer be
// restored (`VersionHistory.oldestRestorable`).
//
// A file's text at version K is the text the first later version of that file replaced (its
// `beforeHash`), or the text running now when no later version changed it. `before` is what V8 ran
// when the update was applied (the patch's base hash, checked by the transaction), so the answer
// stays right even if something outside the runtime changed the script in between (a frame
// restarted through the debugger's session, which records no version here).
import { hashText, type HistoryQuery, type Patch, type PatchReport, type VersionFile, type VersionHistory, type VersionRecord, type VersionStep, type VersionTexts } from '../../common/patch';
import type { InProcessSession } from './inspectorSession';
import { wallNow } from './clock';

/** Version records kept for the history (about 0.8 KB each). */
export const RECORDS_KEPT = 1000;

export interface VersionLimits {
  records: number;
}

export class Versions {
  private readonly records: VersionRecord[] = [];
  private current = 0;
  /** Restoring a version needs the records of every later one: those before this were dropped. */
  private oldestRestorable = 0;
  private readonly limits: VersionLimits;

  constructor(
    private readonly session: InProcessSession,
    limits: Partial<VersionLimits> = {},
  ) {
    this.limits = { records: RECORDS_KEPT, ...limits };
  }

  /**
   * After an apply: records a version for the scripts the report says were applied (none: no
   * version), sets `report.version`, and returns the record.
   */
  record(patch: Patch, report: PatchReport, where: VersionRecord['where']): VersionRecord | undefined {
    if (patch.dryRun) return undefined;
    const applied = report.scripts.filter((s) => s.outcome === 'applied');
    if (applied.length === 0) return undefined;
    const files: VersionFile[] = [];
    const steps: VersionStep[] = [];
    let partial = false;
    for (const s of applied) {
      const script = patch.scripts.find((p) => p.file === s.file);
      if (!script) continue;
      // A split update runs the new text with the waiting functions' old text put back: ask V8.
      const afterCode = s.pending ? this.session.runningText(s.file)?.code : undefined;
      const afterHash = s.pending ? (afterCode === undefined ? (s.currentHash ?? '') : hashText(afterCode)) : (s.currentHash ?? hashText(script.code));
      const waiting = new Set(s.pending?.functions ?? []);
      partial ||= waiting.size > 0;
      files.push({ file: s.file, beforeHash: script.baseHash, afterHash, functions: script.functions.map((f) => f.name).filter((n) => !waiting.has(n)) });
      const ran = new Set(s.steps ?? []);
      for (const step of script.steps ?? []) if (ran.has(step.label)) steps.push({ file: s.file, kind: step.kind, label: step.label });
    }
    if (files.length === 0) return undefined;
    const record: VersionRecord = {
      version: ++this.current,
      at: wallNow(),
      patchId: patch.id,
      files,
      functions: [...new Set(files.flatMap((f) => f.functions))],
      outcome: partial ? 'partial' : 'applied',
      where,
      ...(patch.restores !== undefined ? { restores: patch.restores } : {}),
      ...(steps.length ? { steps } : {}),
      blockedMs: report.blockedMs,
    };
    this.records.push(record);
    if (this.records.length > this.limits.records) {
      const dropped = this.records.splice(0, this.records.length - this.limits.records);
      this.oldestRestorable = dropped.at(-1)!.version;
    }
    report.version = record.version;
    return record;
  }

  history(query: HistoryQuery): VersionHistory {
    const since = Number(query.since) || 0;
    const until = Number(query.until) || Infinity;
    let versions = this.records.filter((r) => r.version > since && r.version <= until);
    const limit = Number(query.limit) || 0;
    if (limit > 0) versions = versions.slice(-limit);
    // `query.texts` is answered by the server, from its store (see the top of this file).
    return { versions, current: this.current, oldestRestorable: this.oldestRestorable, limits: { ...this.limits } };
  }

  /** The texts restoring `version` applies, by hash: each file a later version changed, as it ran then. */
  textsAt(version: number): VersionTexts | { error: string } {
    if (!Number.isInteger(version) || version < 0 || version > this.current) {
      return { error: `The program has no version ${String(version)} (its versions are 0 to ${this.current}).` };
    }
    if (version < this.oldestRestorable) {
      return { error: `Version ${version} can no longer be restored: the program keeps the records of its last ${this.limits.records} versions; the oldest it can restore is ${this.oldestRestorable}.` };
    }
    const first = new Map<string, string>();
    const last = new Map<string, string>();
    const steps: VersionTexts['steps'] = [];
    for (const r of this.records) {
      if (r.version <= version) continue;
      for (const f of r.files) {
        if (!first.has(f.file)) first.set(f.file, f.beforeHash);
        last.set(f.file, f.afterHash);
      }
      for (const s of r.steps ?? []) steps.push({ ...s, version: r.version });
    }
    const files: VersionTexts['files'] = [];
    for (const [file, hash] of first) {
      if (last.get(file) === hash) continue; // back where it was: nothing to restore
      files.push({ file, hash });
    }
    return { version, current: this.current, files, steps };
  }
}
