// What a program gets for `require('live-update')` / `import { updatePoint } from 'live-update'`
// while the runtime runs it (the runtime resolves that name to this file, see hooks.ts). Without
// Live Update, the same import resolves to the installed package, whose `updatePoint` does the
// same: nothing, unless a runtime is present.
import { RUNTIME_GLOBAL_KEY } from '../../common/patch';
import type { RuntimeWire } from '../../common/runtimeApi';

const runtime = (globalThis as unknown as Record<symbol, RuntimeWire | undefined>)[Symbol.for(RUNTIME_GLOBAL_KEY)];
const point: () => void = typeof runtime?.updatePoint === 'function' ? runtime.updatePoint : () => undefined;

/**
 * An update point: pending updates whose functions are no longer active are applied here, before
 * this call returns. Put it in a long-running loop (outside the functions you expect to edit, for
 * example after calling the loop's step function) so edits to the loop's work land mid-run. It
 * costs a counter increment and one comparison when nothing is pending.
 */
export function updatePoint(): void {
  point();
}
