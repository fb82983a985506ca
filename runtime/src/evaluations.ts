// Evaluations whose value is a promise (the REPL's `eval`, which awaits). A debugger's `evaluate`
// returns at once, so the runtime keeps such a promise under a token and answers `pending`; the
// caller asks again with the token until it has settled. Settled values are rendered once, when
// asked for, and forgotten then.
import type { EvaluateResult } from '../../common/patch';
import { preview } from './scopes';

/** Promises kept at most: a caller that never comes back for its answers loses the oldest. */
const MAX_KEPT = 50;

type Settlement = { state: 'pending' } | { state: 'fulfilled'; value: unknown } | { state: 'rejected'; reason: unknown };

export class AwaitedEvaluations {
  private readonly kept = new Map<string, { promise: unknown; settlement: Settlement }>();
  private counter = 0;

  /** The answer for a value just evaluated: itself, or a token when it is a thenable. */
  start(value: unknown): EvaluateResult {
    const then = isObject(value) ? (value as { then?: unknown }).then : undefined;
    if (typeof then !== 'function') return { ok: true, value: preview(value) };
    const token = `e${++this.counter}`;
    const entry: { promise: unknown; settlement: Settlement } = { promise: value, settlement: { state: 'pending' } };
    if (this.kept.size >= MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string);
    this.kept.set(token, entry);
    try {
      // Handlers attached here also keep a rejection from counting as unhandled in the program.
      (then as (ok: (v: unknown) => void, fail: (e: unknown) => void) => unknown).call(
        value,
        (v) => (entry.settlement = { state: 'fulfilled', value: v }),
        (e) => (entry.settlement = { state: 'rejected', reason: e }),
      );
    } catch (e) {
      entry.settlement = { state: 'rejected', reason: e };
    }
    return this.answer(token);
  }

  /** How the promise under `token` settled, or still `pending`. */
  answer(token: string): EvaluateResult {
    const entry = this.kept.get(token);
    if (!entry) return { ok: false, error: `no evaluation ${token} is waiting (it was answered or forgotten)` };
    const { settlement } = entry;
    if (settlement.state === 'pending') return { ok: true, value: preview(entry.promise), pending: token };
    this.kept.delete(token);
    return settlement.state === 'fulfilled' ? { ok: true, value: preview(settlement.value) } : { ok: false, error: `rejected: ${errorLine(settlement.reason)}` };
  }
}

function isObject(value: unknown): boolean {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** An error as one line: `Name: message`, or the value's preview. */
export function errorLine(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`.split('\n')[0]!;
  return preview(e).split('\n').join(' ');
}
