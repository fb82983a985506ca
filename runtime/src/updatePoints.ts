// Where the program calls `updatePoint()`, for the REPL's `points`. An update point must stay a
// counter increment and one comparison when nothing is pending, so sites are sampled: the caller's
// site is captured when the count reaches a power of two (log2 of the calls, at most), and each
// sample is credited with the calls since the previous one. Counts per site are so approximate;
// the total is exact.
import type { UpdatePointSite, UpdatePointsState } from '../../common/patch';
import type { ModuleScopes } from './scopes';
import { captureLiveStack } from './stack';
import { wallNow } from './clock';

/** Sites kept at most: a program with more update-point call sites than this loses the rarest. */
const MAX_SITES = 100;

export class UpdatePointSites {
  private readonly sites = new Map<string, UpdatePointSite>();
  private lastSampled = 0;
  /** The count at which the next sample is taken. */
  next = 1;

  constructor(private readonly scopes?: ModuleScopes) {}

  /** Takes a sample at `count` calls; never throws (it runs on the program's stack). */
  sample(count: number): void {
    this.next = Math.max(count + 1, this.next * 2);
    try {
      const frame = captureLiveStack().find((f) => this.scopes?.has(f.file) ?? true);
      const calls = count - this.lastSampled;
      this.lastSampled = count;
      if (!frame) return;
      const key = `${frame.file}:${frame.line}:${frame.column}`;
      const site = this.sites.get(key);
      if (site) {
        site.approximateCount += calls;
        site.lastSeen = wallNow();
        return;
      }
      if (this.sites.size >= MAX_SITES) {
        const rarest = [...this.sites.entries()].sort((a, b) => a[1].approximateCount - b[1].approximateCount)[0];
        if (rarest) this.sites.delete(rarest[0]);
      }
      this.sites.set(key, { file: frame.file, line: frame.line, column: frame.column, functionName: frame.functionName, approximateCount: calls, lastSeen: wallNow() });
    } catch {
      // A site not recorded costs only the `points` listing.
    }
  }

  state(total: number): UpdatePointsState {
    return { total, sites: [...this.sites.values()].map((s) => ({ ...s })).sort((a, b) => b.approximateCount - a.approximateCount) };
  }
}
