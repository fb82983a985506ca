// Memory after a burst of updates (issue 22 item 3, decision 048). Under load, V8 grows the
// program's young generation while updates are applied (semi-spaces to their 16 MB maximum after
// about 1,000 applies; a few hundred requests' worth of garbage more per collection) and keeps it
// grown as long as the program allocates fast, which a served program does: RSS stayed +43–57%
// above where it started although nothing is retained (the heap after a collection is back to its
// baseline). The young generation is given back by a memory-reducing collection, the one V8 makes
// itself when the program idles: the runtime asks for one, once, when the updates have stopped
// for QUIET_MS. It costs one full collection (a few ms on a heap of a few MB; it grows with the
// heap like the LiveEdit walk each update already makes), once per burst, never per update, and
// never while updates keep coming.
import { getHeapStatistics } from 'node:v8';
import type { InProcessSession } from './inspectorSession';
import { now, setTimeout } from './clock';

/** How long after the last update a burst counts as ended. */
export const QUIET_MS = 250;

/**
 * Above this much live heap the runtime does not collect: a full collection's pause grows with the
 * heap (tens to hundreds of ms at hundreds of MB, against issue 22's 20 ms pause goal), while the
 * young generation it gives back is bounded (V8's semi-space maximum), a small share of such a
 * program's memory.
 */
export const COLLECT_BELOW_BYTES = 64 * 1024 * 1024;

export class AfterUpdates {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private collecting = false;

  constructor(private readonly session: InProcessSession) {}

  /** An update was applied (or tried): collect once the updates stop. Never throws. */
  updated(): void {
    try {
      this.last = now();
      if (!this.timer) this.arm(QUIET_MS);
    } catch {
      // Without the timer the program keeps the memory V8 sized for it; nothing else changes.
    }
  }

  /** One timer per burst: when it fires early (updates kept coming) it waits for the rest. */
  private arm(delayMs: number): void {
    this.timer = setTimeout(() => this.fire(), delayMs);
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    try {
      const quietFor = now() - this.last;
      if (quietFor < QUIET_MS) return this.arm(QUIET_MS - quietFor);
      if (this.collecting || getHeapStatistics().used_heap_size > COLLECT_BELOW_BYTES) return;
      this.collecting = true;
      this.session.postLater('HeapProfiler.collectGarbage', () => (this.collecting = false));
    } catch {
      this.collecting = false;
    }
  }
}
