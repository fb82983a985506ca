// The program's versions: every applied update (and every deferred part that lands later) is a
// numbered version with its time, files, functions and outcome, and the runtime keeps the running
// texts around it so that any recent version can be restored, even by a server that restarted and
// knows nothing of what it sent before. Version 0 is the program as it loaded.
//
// Texts are kept by hash (a text that runs at several versions is kept once) and bounded: the
// texts of the newest VERSIONS_WITH_TEXTS versions, and at most TEXT_BYTES of them (the newest
// version's are kept whatever their size). Older versions stay listed, without texts: they can no
// longer be restored (`VersionHistory.oldestRestorable`).
//
// A file's text at version K is the text the first later version of that file replaced (its
// `before`), or the text running now when no later version changed it. `before` is what V8 ran
// when the update was applied (the patch's base hash, checked by the transaction), so the answer
// stays right even if something outside the runtime changed the script in between (a frame
// restarted through the debugger's session, which records no version here).
import { hashText, type HistoryQuery, type Patch, type PatchReport, type VersionFile, type VersionHistory, type VersionRecord, type VersionStep, type VersionTexts } from '../../common/patch';
import type { InProcessSession } from './inspectorSession';
import { wallNow } from './clock';

export const VERSIONS_WITH_TEXTS = 50;
export const TEXT_BYTES = 32 * 1024 * 1024;
/** Version records (without texts) kept for the history. */
export const RECORDS_KEPT = 1000;

export interface VersionLimits {
  versionsWithTexts: number;
  textBytes: number;
  records: number;
}

/** The running texts an apply starts from that the history does not hold yet (file → text). */
export type BeforeTexts = Map<string, string>;

export class Versions {
  private readonly records: VersionRecord[] = [];
  private current = 0;
  /** hash → text, and how many version files (before or after) of kept versions name it. */
  private readonly texts = new Map<string, { code: string; refs: number }>();
  private bytes = 0;
  /** Versions whose texts are kept, oldest first (always the newest ones). */
  private readonly withTexts: VersionRecord[] = [];
  private oldestRestorable = 0;
  private readonly limits: VersionLimits;

  constructor(
    private readonly session: InProcessSession,
    limits: Partial<VersionLimits> = {},
  ) {
    this.limits = { versionsWithTexts: VERSIONS_WITH_TEXTS, textBytes: TEXT_BYTES, records: RECORDS_KEPT, ...limits };
  }

  /**
   * Before an apply: reads the running text of each file whose base text the history does not
   * hold yet (a file's first update, or one changed outside the runtime). Only then: a text the
   * history holds is not read again.
   */
  prepare(patch: Patch): BeforeTexts {
    const before: BeforeTexts = new Map();
    if (patch.dryRun) return before;
    for (const script of patch.scripts) {
      if (this.texts.has(script.baseHash)) continue;
      const running = this.session.runningText(script.file);
      if (running && hashText(running.code) === script.baseHash) before.set(script.file, running.code);
    }
    return before;
  }

  /**
   * After an apply: records a version for the scripts the report says were applied (none: no
   * version), sets `report.version`, and returns the record.
   */
  record(patch: Patch, report: PatchReport, where: VersionRecord['where'], before: BeforeTexts): VersionRecord | undefined {
    if (patch.dryRun) return undefined;
    const applied = report.scripts.filter((s) => s.outcome === 'applied');
    if (applied.length === 0) return undefined;
    const files: VersionFile[] = [];
    const steps: VersionStep[] = [];
    const texts: { hash: string; code: string | undefined }[] = [];
    let partial = false;
    for (const s of applied) {
      const script = patch.scripts.find((p) => p.file === s.file);
      if (!script) continue;
      // A split update runs the new text with the waiting functions' old text put back: ask V8.
      const afterCode = s.pending ? this.session.runningText(s.file)?.code : script.code;
      const afterHash = s.pending ? (afterCode === undefined ? (s.currentHash ?? '') : hashText(afterCode)) : (s.currentHash ?? hashText(script.code));
      const waiting = new Set(s.pending?.functions ?? []);
      partial ||= waiting.size > 0;
      files.push({ file: s.file, beforeHash: script.baseHash, afterHash, functions: script.functions.map((f) => f.name).filter((n) => !waiting.has(n)) });
      texts.push({ hash: script.baseHash, code: before.get(s.file) }, { hash: afterHash, code: afterCode });
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
    for (const t of texts) {
      // A text neither held nor read (never expected): versions before this one cannot be rebuilt.
      if (!this.hold(t.hash, t.code)) this.oldestRestorable = record.version;
    }
    this.records.push(record);
    this.withTexts.push(record);
    this.trim();
    report.version = record.version;
    return record;
  }

  history(query: HistoryQuery): VersionHistory {
    const since = Number(query.since) || 0;
    const until = Number(query.until) || Infinity;
    let versions = this.records.filter((r) => r.version > since && r.version <= until);
    const limit = Number(query.limit) || 0;
    if (limit > 0) versions = versions.slice(-limit);
    if (query.texts) {
      versions = versions.map((r) => ({
        ...r,
        files: r.files.map((f) => {
          const before = this.texts.get(f.beforeHash)?.code;
          const after = this.texts.get(f.afterHash)?.code;
          return { ...f, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) };
        }),
      }));
    }
    return { versions, current: this.current, oldestRestorable: this.oldestRestorable, limits: { ...this.limits } };
  }

  /** The texts restoring `version` applies: each file a later version changed, as it ran then. */
  textsAt(version: number): VersionTexts | { error: string } {
    if (!Number.isInteger(version) || version < 0 || version > this.current) {
      return { error: `The program has no version ${String(version)} (its versions are 0 to ${this.current}).` };
    }
    if (version < this.oldestRestorable) {
      return { error: `Version ${version} can no longer be restored: the program keeps the texts of its last ${this.limits.versionsWithTexts} versions (at most ${Math.round(this.limits.textBytes / 1048576)} MB); the oldest it can restore is ${this.oldestRestorable}.` };
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
      const code = this.texts.get(hash)?.code;
      if (code === undefined) return { error: `The text of ${file} at version ${version} is no longer kept.` };
      files.push({ file, code, hash });
    }
    return { version, current: this.current, files, steps };
  }

  /** Counts one more reference to a text; false when it is neither held nor given. */
  private hold(hash: string, code: string | undefined): boolean {
    const held = this.texts.get(hash);
    if (held) {
      held.refs++;
      return true;
    }
    if (code === undefined) return false;
    this.texts.set(hash, { code, refs: 1 });
    this.bytes += code.length * 2;
    return true;
  }

  private release(hash: string): void {
    const held = this.texts.get(hash);
    if (!held) return;
    if (--held.refs > 0) return;
    this.texts.delete(hash);
    this.bytes -= held.code.length * 2;
  }

  /** Drops the oldest versions' texts beyond the limits, and the oldest records beyond theirs. */
  private trim(): void {
    while (this.withTexts.length > 1 && (this.withTexts.length > this.limits.versionsWithTexts || this.bytes > this.limits.textBytes)) {
      const oldest = this.withTexts.shift()!;
      for (const f of oldest.files) {
        this.release(f.beforeHash);
        this.release(f.afterHash);
      }
      // Restoring a version needs the `before` texts of every later one.
      this.oldestRestorable = Math.max(this.oldestRestorable, oldest.version);
    }
    if (this.records.length > this.limits.records) this.records.splice(0, this.records.length - this.limits.records);
  }
}
