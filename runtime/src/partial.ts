// Splits an update whose changed functions are partly active: the text to apply now (the new text
// with the deferred functions' old text put back) and, for later, the deferred functions with
// their positions in that text. Which functions must be deferred together is the server's call
// (`ChangedFunction.group`); this file only closes the set over groups and nesting.
import type { ChangedFunction } from '../../common/patch';
import { offsetAt, positionAt } from '../../common/positions';

export interface Split {
  /** The running text to apply now. */
  code: string;
  /** The functions it changes, with new positions in `code`. */
  applied: ChangedFunction[];
  /** The functions left for later: old positions in `code`, new ones in the full new text. */
  deferred: ChangedFunction[];
}

interface Range {
  fn: ChangedFunction;
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/**
 * The split that defers `blocked` (indices into `functions`) and whatever must go with them, or
 * undefined when nothing can go now (every function deferred, or a deferred function was removed
 * by the edit and so has no new text to put its old text in place of).
 */
export function splitUpdate(oldRunning: string, newRunning: string, functions: ChangedFunction[], blocked: Set<number>): Split | undefined {
  const deferred = new Set(blocked);
  const groups = new Set([...blocked].map((i) => functions[i]!.group).filter((g) => g !== undefined));
  functions.forEach((fn, i) => fn.group !== undefined && groups.has(fn.group) && deferred.add(i));
  const ranges = new Map<number, Range>();
  functions.forEach((fn, i) => {
    if (!fn.newStart || !fn.newEnd) return;
    ranges.set(i, {
      fn,
      oldStart: offsetAt(oldRunning, fn.oldStart),
      oldEnd: offsetAt(oldRunning, fn.oldEnd),
      newStart: offsetAt(newRunning, fn.newStart),
      newEnd: offsetAt(newRunning, fn.newEnd),
    });
  });
  const oldOf = (i: number) => ({ start: offsetAt(oldRunning, functions[i]!.oldStart), end: offsetAt(oldRunning, functions[i]!.oldEnd) });
  // Putting back a function's old text puts back everything nested in it, in both texts.
  for (let grew = true; grew; ) {
    grew = false;
    functions.forEach((_, i) => {
      if (deferred.has(i)) return;
      const inside = [...deferred].some((d) => {
        const outer = ranges.get(d);
        const mine = ranges.get(i);
        if (outer && mine) return outer.newStart <= mine.newStart && mine.newEnd <= outer.newEnd;
        const o = oldOf(d);
        const m = oldOf(i);
        return o.start <= m.start && m.end <= o.end;
      });
      if (inside) {
        deferred.add(i);
        grew = true;
      }
    });
  }
  if (deferred.size === functions.length) return undefined;
  if ([...deferred].some((i) => !ranges.has(i) && !insideAnother(i, deferred, oldOf))) return undefined;

  const outermost = [...deferred]
    .filter((i) => ranges.has(i))
    .map((i) => ranges.get(i)!)
    .filter((r, _, all) => !all.some((o) => o !== r && o.newStart <= r.newStart && r.newEnd <= o.newEnd && (o.newStart < r.newStart || r.newEnd < o.newEnd)))
    .sort((a, b) => a.newStart - b.newStart);
  let code = '';
  let at = 0;
  const placed: { range: Range; at: number }[] = [];
  for (const r of outermost) {
    code += newRunning.slice(at, r.newStart);
    placed.push({ range: r, at: code.length });
    code += oldRunning.slice(r.oldStart, r.oldEnd);
    at = r.newEnd;
  }
  code += newRunning.slice(at);

  // A position after a put-back function moves by how much longer the old text is.
  const fromNew = (offset: number) => {
    let shift = 0;
    for (const { range } of placed) if (range.newEnd <= offset) shift += range.oldEnd - range.oldStart - (range.newEnd - range.newStart);
    return offset + shift;
  };
  const applied: ChangedFunction[] = [];
  const later: ChangedFunction[] = [];
  for (let i = 0; i < functions.length; i++) {
    const fn = functions[i]!;
    if (!deferred.has(i)) {
      const r = ranges.get(i);
      applied.push(r ? { ...fn, newStart: positionAt(code, fromNew(r.newStart)), newEnd: positionAt(code, fromNew(r.newEnd)) } : fn);
      continue;
    }
    const own = oldOf(i);
    const home = placed.find(({ range }) => range.oldStart <= own.start && own.end <= range.oldEnd);
    if (!home) return undefined;
    const start = home.at + own.start - home.range.oldStart;
    later.push({ ...fn, oldStart: positionAt(code, start), oldEnd: positionAt(code, start + own.end - own.start) });
  }
  return { code, applied, deferred: later };
}

function insideAnother(i: number, deferred: Set<number>, oldOf: (i: number) => { start: number; end: number }): boolean {
  const m = oldOf(i);
  return [...deferred].some((d) => d !== i && oldOf(d).start <= m.start && m.end <= oldOf(d).end);
}
