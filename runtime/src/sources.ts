// The source text each loaded user file runs as, kept so the server can diff against exactly
// what runs (its "baseline") and so a patch can be checked against a stale baseline.
//
// JavaScript files run as written, so V8's own copy of the script is the truth and nothing is
// stored. TypeScript files run blanked; their TypeScript text is stored here at load time and
// replaced after every applied patch.
import { InProcessSession, isError } from './inspectorSession';

export class SourceRegistry {
  private readonly typeScriptSources = new Map<string, string>();
  private readonly approximateFiles = new Set<string>();

  constructor(private readonly session: InProcessSession) {}

  /** Called by the loader when it compiled `file` from `source` (TypeScript only). */
  recordLoaded(file: string, source: string, positionExact: boolean): void {
    this.typeScriptSources.set(file, source);
    if (!positionExact) this.approximateFiles.add(file);
  }

  recordApplied(file: string, source: string): void {
    if (this.typeScriptSources.has(file)) this.typeScriptSources.set(file, source);
  }

  /** The source text `file` currently runs as, or undefined if the program has not loaded it. */
  current(file: string): string | undefined {
    const ts = this.typeScriptSources.get(file);
    if (ts !== undefined) return ts;
    const scriptId = this.session.scriptIdFor(file);
    if (!scriptId) return undefined;
    const result = this.session.post<{ scriptSource: string }>('Debugger.getScriptSource', { scriptId });
    return isError(result) ? undefined : result.scriptSource;
  }

  isPositionExact(file: string): boolean {
    return !this.approximateFiles.has(file);
  }
}
