// The program's versions as the runtime records them (runtime/src/versions.ts) and answers them
// (`history`, `versionTexts`): numbered versions, the files and functions each changed, and the
// hashes of the running texts around them (the texts are the server's: server/src/core/runningTexts.ts). Part of the patch format (common/patch.ts re-exports it).
import type { StepKind } from './patch';

/** One file of a version: the running text before and after it, named by hash. */
export interface VersionFile {
  file: string;
  /** Hash of the running text the version replaced (what ran at the version before). */
  beforeHash: string;
  /** Hash of the running text the version left running. */
  afterHash: string;
  /** The changed functions of this file the version applied (display names). */
  functions: string[];
  /** The texts, only when asked for (`HistoryQuery.texts`) and the server's store holds them. */
  before?: string;
  after?: string;
  /**
   * Added by the language server, never by the runtime: the file as written (TypeScript with its
   * types) whose running text is `before` / `after`, when it saw that text (server/src/core/sourceTexts.ts).
   */
  beforeSource?: string;
  afterSource?: string;
}

/** A module step a version ran (state transformers, re-evaluated definitions, …). */
export interface VersionStep {
  file: string;
  kind: StepKind;
  label: string;
}

/**
 * One applied update of a program: a numbered version (1, 2, …; version 0 is the program as it
 * loaded). A deferred part that lands later is a version of its own (`where` says how it landed);
 * a rollback is a version too, one that `restores` an earlier version's texts.
 */
export interface VersionRecord {
  version: number;
  /** Epoch milliseconds when it was applied. */
  at: number;
  patchId: string;
  files: VersionFile[];
  /** Every changed function it applied, all files (display names). */
  functions: string[];
  /** `partial`: applied, and part of the same update waits (a pending update, a later version). */
  outcome: 'applied' | 'partial';
  /** `apply`: when the update was sent; else how a waiting part landed (see `PendingEvent.where`). */
  where: 'apply' | 'turn' | 'update point' | 'request';
  /** The version whose texts this one restores (a rollback, or a roll forward). */
  restores?: number;
  /** Module steps it ran: state it changed that restoring code alone does not change back. */
  steps?: VersionStep[];
  blockedMs: number;
}

export interface HistoryQuery {
  /** Only versions after this number (0 or absent: every kept one). */
  since?: number;
  /** At most this many, the newest. */
  limit?: number;
  /** Only versions up to this number (0 or absent: up to the newest); `since: n - 1, until: n` asks for version n. */
  until?: number;
  /** Include each file's before/after texts (large). */
  texts?: boolean;
}

export interface VersionHistory {
  /** Oldest first. */
  versions: VersionRecord[];
  /** The program's current version number (0: nothing applied yet). */
  current: number;
  /**
   * The oldest version the records still reach: every version from it to `current` can be
   * restored, given its texts (the runtime bounds the records it keeps, see `limits`).
   */
  oldestRestorable: number;
  limits: { records: number };
}

export interface VersionTextsQuery {
  version: number;
}

/** The running text each file had at a version: what a rollback to it applies. */
export interface VersionTexts {
  version: number;
  /** The program's version when asked. */
  current: number;
  /**
   * Every file some later version changed, with the hash of its text at `version` (unchanged
   * files are left out). The runtime gives hashes only; the server adds `code` from its store.
   */
  files: { file: string; hash: string; code?: string }[];
  /** The module steps of the versions undone (after `version`, up to `current`): state they changed stays. */
  steps: (VersionStep & { version: number })[];
}
