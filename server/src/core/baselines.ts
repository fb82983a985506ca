// What each target runs, per file: the text the server diffs a save against. The runtime is the
// source of truth (it answers with a hash, and the text only when the hash is new to us), so a
// restarted server rebuilds this cache from the running programs.
import type { RunningTexts } from './runningTexts';
import type { Stranded } from '../analysis/changes';
import { collectFunctions, type FileFunctions } from '../analysis/functions';
import type { TargetPort } from './targetPort';

const MAX_PARSED = 64;

export interface Baseline {
  hash: string;
  text: string;
  functions: FileFunctions;
  /** Functions whose existing closures earlier updates left behind (known only to this server). */
  stranded?: Stranded;
}

export class BaselineCache {
  /** `${targetId}\0${file}` → baseline. */
  private readonly byTarget = new Map<string, Baseline>();
  /** hash → parsed functions, shared by targets that run the same text. */
  private readonly parsed = new Map<string, FileFunctions>();

  constructor(
    private readonly port: TargetPort,
    /** Every text a target is known to run is a text a version may need (rollback.ts). */
    private readonly texts?: RunningTexts,
  ) {}

  /**
   * The target's baseline for `file`; undefined when it has not loaded the file. A baseline this
   * cache already holds is trusted without asking (the runtime refuses a patch computed from a
   * stale one, and the caller then asks again with `fresh`), so a save costs one round trip.
   */
  async get(targetId: string, file: string, { fresh = false } = {}): Promise<Baseline | { error: string } | undefined> {
    const key = `${targetId}\0${file}`;
    const known = this.byTarget.get(key);
    if (known && !fresh) return known;
    const state = await this.port.call(targetId, 'scriptState', { file, ...(known ? { knownHash: known.hash } : {}) });
    if ('error' in state) return { error: state.error };
    if (!state.loaded || !state.hash) {
      this.byTarget.delete(key);
      return undefined;
    }
    if (known && known.hash === state.hash) return known;
    if (state.code === undefined) return { error: 'the runtime did not send the running text' };
    return this.remember(targetId, file, state.hash, state.code);
  }

  /**
   * Records what a target runs now, e.g. the text of a patch it just applied. `derived` gives the
   * text's functions without parsing it (see parse).
   */
  remember(targetId: string, file: string, hash: string, text: string, derived?: () => FileFunctions, stranded?: Stranded): Baseline {
    this.texts?.put(text, hash);
    const baseline: Baseline = { hash, text, functions: this.parse(file, hash, text, derived), ...(stranded ? { stranded } : {}) };
    this.byTarget.set(`${targetId}\0${file}`, baseline);
    return baseline;
  }

  forget(targetId: string, file: string): void {
    this.byTarget.delete(`${targetId}\0${file}`);
  }

  /**
   * The functions of `text` (whose hash is `hash`). `derived`, when given, computes them without a
   * full parse (the incremental path's `after`, analysis/incremental.ts); it must give exactly what
   * collectFunctions would.
   */
  /** The functions of a text this cache has parsed (or derived), without parsing anything. */
  parsedAlready(hash: string): FileFunctions | undefined {
    return this.parsed.get(hash);
  }

  parse(file: string, hash: string, text: string, derived?: () => FileFunctions): FileFunctions {
    let functions = this.parsed.get(hash);
    if (!functions) {
      functions = derived ? derived() : collectFunctions(file, text);
      this.parsed.set(hash, functions);
      // Old versions are rarely diffed against again; keep memory flat over many updates.
      if (this.parsed.size > MAX_PARSED) this.parsed.delete(this.parsed.keys().next().value!);
    }
    return functions;
  }

  forgetTarget(targetId: string): void {
    for (const key of this.byTarget.keys()) if (key.startsWith(`${targetId}\0`)) this.byTarget.delete(key);
  }
}
